/*
 * Storage, import and list: migrations, file mode, refusing a newer schema,
 * importing good and bad files (nothing half-applied), repeated imports,
 * list filters and sorting, the cold encoding and the CSV reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/csv.h"
#include "base/model.h"
#include "import/import.h"
#include "retention/restore.h"
#include "retention/sweep.h"
#include "storage/check.h"
#include "storage/coldpack.h"
#include "storage/events.h"
#include "storage/jobs.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"

#define DATA SOURCE_ROOT "/tests/data/"

static char dir[256];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/thaw-unit-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct storage *open_fresh(const char *name)
{
	char path[512], err[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
	struct storage *s;
	if (storage_open(path, 0, &s, err, sizeof err) < 0)
		fail_msg("open: %s", err);
	return s;
}

static int64_t now(void)
{
	int64_t t;
	clock_parse("2026-11-29T12:00:00Z", &t);
	return t;
}

static int import(struct storage *s, const char *file, struct import_report *r, struct diag *d)
{
	struct import_options o = {.now = now(), .months = 3, .actor = {"test", NULL}};
	return import_file(s, file, &o, r, d);
}

static void import_ok(struct storage *s, const char *file, struct import_report *r)
{
	struct diag d = {0};
	if (import(s, file, r, &d) < 0) {
		diag_print(&d, stderr);
		fail_msg("import of %s failed", file);
	}
	diag_clear(&d);
}

static void test_new_database_is_private_and_migrated(void **state)
{
	(void)state;
	struct storage *s = open_fresh("new.db");
	assert_int_equal(storage_schema_version(s), STORAGE_SCHEMA_VERSION);
	struct stat st;
	assert_int_equal(stat(storage_path(s), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	storage_close(s);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	struct storage *s = open_fresh("newer.db");
	char path[512], err[600];
	snprintf(path, sizeof path, "%s", storage_path(s));
	storage_close(s);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(storage_open(path, 0, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "written by a newer thaw"));
	assert_non_null(strstr(err, "schema 99"));
}

static void test_older_schema_migrated(void **state)
{
	(void)state;
	struct storage *s = open_fresh("older.db");
	char path[512], err[600];
	snprintf(path, sizeof path, "%s", storage_path(s));
	storage_close(s);
	/* make it look like a workspace written before migration 2 */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP INDEX objects_summary; DROP TABLE user_objects;"
				      " DROP TABLE object_stats; DROP TABLE user_aliases;"
				      " ALTER TABLE objects DROP COLUMN users; DROP INDEX job_items_next;"
				      " ALTER TABLE outbox DROP COLUMN channel; DROP TABLE object_users;"
				      " PRAGMA user_version=1",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* read-only cannot migrate and says so */
	assert_int_equal(storage_open(path, STORAGE_READ_ONLY, &s, err, sizeof err), STORAGE_NEEDS_MIGRATION);
	assert_non_null(strstr(err, "needs its schema upgraded (1 -> 9)"));
	assert_int_equal(storage_open(path, 0, &s, err, sizeof err), 0);
	assert_int_equal(storage_schema_version(s), STORAGE_SCHEMA_VERSION);
	storage_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name='objects_summary'", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_read_only_missing_file(void **state)
{
	(void)state;
	struct storage *s;
	char path[512], err[600];
	snprintf(path, sizeof path, "%s/missing.db", dir);
	assert_int_equal(storage_open(path, STORAGE_READ_ONLY, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "no such workspace"));
	assert_int_equal(access(path, F_OK), -1);
}

static int64_t count(struct storage *s, int kind, int status, int state, const char *tag,
		     const char *search)
{
	struct object_query q = {.kind = kind, .status = status, .state = state, .tag = tag,
				 .search = search, .now = now(), .soon_days = 14};
	int64_t n;
	assert_int_equal(storage_count_objects(s, &q, &n), 0);
	return n;
}

static void test_import_and_repeat(void **state)
{
	(void)state;
	struct storage *s = open_fresh("import.db");
	struct import_report r;
	import_ok(s, DATA "workspace.yaml", &r);
	assert_int_equal(r.objects, 8);
	assert_int_equal(r.segments, 2);
	assert_int_equal(r.users, 3);
	import_ok(s, DATA "events.csv", &r);
	assert_int_equal(r.events_read, 19);
	assert_int_equal(r.events_hot, 19);
	/* the same files again change nothing */
	import_ok(s, DATA "workspace.yaml", &r);
	import_ok(s, DATA "events.csv", &r);
	assert_int_equal(r.events_hot, 0);
	assert_int_equal(r.events_duplicate, 19);
	int64_t hot, cold;
	assert_int_equal(storage_count_events(s, 0, &hot, &cold), 0);
	assert_int_equal(hot, 19);
	assert_int_equal(cold, 0);
	struct object_row o;
	assert_int_equal(storage_object_find(s, "spring-sale", &o), 1);
	assert_int_equal(o.hot_events, 6);
	assert_int_equal(o.state, IXD_AVAILABLE);
	assert_string_equal(o.tags, "email,seasonal");
	object_row_free(&o);
	/* protection: welcome by an active campaign's step filter, cart by a
	 * segment in use; summer-sale's owner segment is not in use */
	assert_int_equal(storage_object_find(s, "welcome", &o), 1);
	assert_non_null(o.kept_by);
	assert_string_equal(o.kept_by, "campaign Win-back");
	object_row_free(&o);
	assert_int_equal(storage_object_find(s, "cart", &o), 1);
	assert_string_equal(o.kept_by, "segment VIP buyers");
	object_row_free(&o);
	assert_int_equal(storage_object_find(s, "summer-sale", &o), 1);
	assert_null(o.kept_by);
	object_row_free(&o);
	assert_int_equal(storage_object_find(s, "old-promo", &o), 1);
	assert_int_equal(o.state, IXD_PURGED);
	object_row_free(&o);
	storage_close(s);
}

static void test_bad_events_roll_back(void **state)
{
	(void)state;
	struct storage *s = open_fresh("bad.db");
	struct import_report r;
	struct diag d = {0};
	import_ok(s, DATA "workspace.yaml", &r);
	assert_int_equal(import(s, DATA "events_bad.csv", &r, &d), -1);
	/* every bad line is named, with its column */
	char first[600];
	diag_first(&d, first, sizeof first);
	assert_non_null(strstr(first, "events_bad.csv:3:16: time must be ISO-8601"));
	assert_int_equal(d.count, 4);
	assert_int_equal(d.entries[1].line, 4);
	assert_non_null(strstr(d.entries[1].message, "unknown object 'nope'"));
	assert_int_equal(d.entries[2].line, 5);
	assert_int_equal(d.entries[3].line, 6);
	diag_clear(&d);
	/* line 2 was good, but nothing of the file was applied */
	int64_t hot, cold;
	assert_int_equal(storage_count_events(s, 0, &hot, &cold), 0);
	assert_int_equal(hot, 0);
	storage_close(s);
}

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_bad_workspace_rolls_back(void **state)
{
	(void)state;
	struct storage *s = open_fresh("badws.db");
	char path[512];
	write_file("bad.yaml",
		   "objects:\n"
		   "  - { api_id: a, kind: campaign, name: A, status: active }\n"
		   "  - { api_id: b, kind: poster, name: B, status: stopped }\n"
		   "  - { api_id: c, kind: campaign, name: C, status: active, colour: red }\n"
		   "  - api_id: d\n    kind: campaign\n    name: D\n    status: active\n"
		   "    filters:\n      - { kind: received_campaign, campaign: zzz }\n"
		   "      - { kind: converted_canvas, canvas: a }\n",
		   path, sizeof path);
	struct import_report r;
	struct diag d = {0};
	assert_int_equal(import(s, path, &r, &d), -1);
	assert_int_equal(d.count, 4);
	assert_int_equal(d.entries[0].line, 3);
	assert_non_null(strstr(d.entries[0].message, "campaign or canvas, not 'poster'"));
	assert_int_equal(d.entries[1].line, 4);
	assert_non_null(strstr(d.entries[1].message, "unknown key 'colour'"));
	assert_non_null(strstr(d.entries[2].message, "unknown campaign 'zzz'"));
	assert_non_null(strstr(d.entries[3].message, "'a' is a campaign, not a canvas"));
	diag_clear(&d);
	assert_int_equal(count(s, -1, -1, -1, NULL, NULL), 0);
	storage_close(s);
}

static void test_filter_on_expired_or_purged_refused(void **state)
{
	(void)state;
	struct storage *s = open_fresh("refuse.db");
	struct import_report r;
	import_ok(s, DATA "workspace.yaml", &r);
	import_ok(s, DATA "events.csv", &r);
	char path[512];
	write_file("refs.yaml",
		   "objects:\n"
		   "  - api_id: new-owner\n    kind: campaign\n    name: New\n    status: active\n"
		   "    filters:\n      - { kind: received_campaign, campaign: old-promo }\n",
		   path, sizeof path);
	struct diag d = {0};
	assert_int_equal(import(s, path, &r, &d), -1);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.entries[0].message, "deleted under the previous retention policy"));
	assert_int_equal(d.entries[0].line, 7);
	diag_clear(&d);
	storage_close(s);
}

static void test_list_filters_and_sort(void **state)
{
	(void)state;
	struct storage *s = open_fresh("list.db");
	struct import_report r;
	import_ok(s, DATA "workspace.yaml", &r);
	import_ok(s, DATA "events.csv", &r);
	assert_int_equal(count(s, -1, -1, -1, NULL, NULL), 8);
	assert_int_equal(count(s, KIND_CANVAS, -1, -1, NULL, NULL), 1);
	assert_int_equal(count(s, -1, STATUS_ARCHIVED, -1, NULL, NULL), 2);
	assert_int_equal(count(s, -1, -1, IXD_PURGED, NULL, NULL), 1);
	assert_int_equal(count(s, -1, -1, IXD_NONE, NULL, NULL), 1);
	assert_int_equal(count(s, -1, -1, STATE_FILTER_KEPT, NULL, NULL), 2);
	/* expiring within 14 days: summer-sale (tomorrow) and spring-sale (due) */
	assert_int_equal(count(s, -1, -1, STATE_FILTER_EXPIRING, NULL, NULL), 2);
	assert_int_equal(count(s, -1, -1, -1, "seasonal", NULL), 3);
	assert_int_equal(count(s, -1, -1, -1, "seasonal", "SALE"), 2);
	/* case-insensitive beyond ASCII */
	assert_int_equal(count(s, -1, -1, -1, NULL, "ÚLTIMO"), 1);
	assert_int_equal(count(s, -1, -1, -1, NULL, "willkommen"), 1);

	struct object_query q = {.kind = -1, .status = -1, .state = -1, .sort = SORT_HOT,
				 .descending = true, .limit = 3, .now = now(), .soon_days = 14};
	struct object_list l;
	assert_int_equal(storage_list_objects(s, &q, &l), 0);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.rows[0].api_id, "spring-sale");
	assert_string_equal(l.rows[1].api_id, "welcome");
	assert_true(l.rows[1].hot_events >= l.rows[2].hot_events);
	object_list_free(&l);
	q.sort = SORT_NAME;
	q.descending = false;
	q.limit = 2;
	q.offset = 1; /* paging */
	assert_int_equal(storage_list_objects(s, &q, &l), 0);
	assert_string_equal(l.rows[0].api_id, "idle-news"); /* Carrito, Newsletter, Not launched */
	assert_string_equal(l.rows[1].api_id, "draft-one");
	object_list_free(&l);
	storage_close(s);
}

/* A sweep that listed an object as unsettled must not move it once a
 * restore has made it available (found by the concurrency test). */
static void test_settle_skips_restored_object(void **state)
{
	(void)state;
	struct storage *s = open_fresh("settle.db");
	struct import_report r;
	import_ok(s, DATA "workspace.yaml", &r);
	import_ok(s, DATA "events.csv", &r);
	struct object_row o;
	assert_int_equal(storage_object_find(s, "spring-sale", &o), 1);
	int64_t id = o.id;
	object_row_free(&o);
	/* the sweep marks it expired, moves half its rows, then is overtaken */
	assert_int_equal(storage_begin(s), 0);
	assert_int_equal(storage_object_expire(s, id, now()), 0);
	assert_int_equal(storage_commit(s), 0);
	int64_t moved;
	assert_int_equal(sweep_settle_batch(s, &id, 1, 3, &moved), 0); /* not finished: more rows */
	assert_int_equal(moved, 3);
	/* a restore takes it and finishes */
	struct restore_request req = {.objects = (const char *const[]){"spring-sale"}, .object_count = 1,
				      .actor = {"test", NULL}, .now = now()};
	struct diag d = {0};
	struct restore_result res;
	int64_t claimed;
	assert_int_equal(restore_request(s, &req, &res, &d), 0);
	int64_t job = res.job_id;
	assert_int_equal(storage_begin(s), 0);
	assert_int_equal(storage_job_claim(s, "t", clock_real_ms(), 60000, &claimed), 0);
	assert_int_equal(storage_commit(s), 0);
	struct step_options so = {.owner = "t", .lease_ms = 60000, .batch_rows = 100, .months = 3, .now = now(),
				  .actor = {"test", NULL}};
	while (restore_job_step(s, job, &so, &moved) == STEP_PROGRESS)
		;
	/* the sweep's next batch for it finds it available: nothing moves */
	assert_int_equal(sweep_settle_batch(s, &id, 1, 100, &moved), 1); /* passed over */
	assert_int_equal(moved, 0);
	struct check_report check;
	assert_int_equal(storage_check(s, &check), 0);
	assert_int_equal(check.state_mismatches, 0);
	assert_int_equal(check.count_mismatches, 0);
	storage_close(s);
}

static int64_t expire_for_test(struct storage *s, const char *api_id)
{
	struct object_row o;
	assert_int_equal(storage_object_find(s, api_id, &o), 1);
	int64_t id = o.id;
	object_row_free(&o);
	assert_int_equal(storage_begin(s), 0);
	assert_int_equal(storage_object_expire(s, id, now()), 0);
	assert_int_equal(storage_commit(s), 0);
	return id;
}

static void assert_counts(struct storage *s, int64_t id, int64_t hot, int64_t cold)
{
	int64_t h, c;
	assert_int_equal(storage_object_counts(s, id, &h, &c), 0);
	assert_int_equal(h, hot);
	assert_int_equal(c, cold);
}

/* Small objects share a sweep batch; a batch's budget ends inside an object,
 * and the next batch goes on with that object. */
static void test_settle_batch_shares_and_splits(void **state)
{
	(void)state;
	struct storage *s = open_fresh("settle_many.db");
	struct import_report r;
	import_ok(s, DATA "workspace.yaml", &r);
	import_ok(s, DATA "events.csv", &r);
	int64_t ids[] = {expire_for_test(s, "spring-sale"), expire_for_test(s, "summer-sale")}; /* 6 and 3 events */
	int64_t moved;
	assert_int_equal(sweep_settle_batch(s, ids, 2, 4, &moved), 0); /* spring-sale: 4 of 6 */
	assert_int_equal(moved, 4);
	assert_counts(s, ids[0], 2, 4);
	assert_int_equal(sweep_settle_batch(s, ids, 2, 4, &moved), 1); /* its last 2, then 2 of summer-sale's 3 */
	assert_int_equal(moved, 4);
	assert_counts(s, ids[0], 0, 6);
	assert_counts(s, ids[1], 1, 2);
	assert_int_equal(sweep_settle_batch(s, ids + 1, 1, 4, &moved), 1);
	assert_int_equal(moved, 1);
	assert_counts(s, ids[1], 0, 3);
	struct check_report check;
	assert_int_equal(storage_check(s, &check), 0);
	assert_int_equal(check.count_mismatches, 0);
	storage_close(s);
}

static void test_coldpack_round_trip(void **state)
{
	(void)state;
	struct event in[COLDPACK_CHUNK], out[COLDPACK_CHUNK];
	for (int i = 0; i < COLDPACK_CHUNK; i++)
		in[i] = (struct event){.object_id = 7, .user_id = 1000 + i / 3, .ts = 1700000000 + (i % 3) * 60 + (i * 7919) % 86400,
				       .kind = i % EV__COUNT, .step_id = i % 5 ? 300 + i % 4 : 0,
				       .variant_id = i % 2 ? 90000 + i % 3 : 0, .alias_id = i % 7 == 0 ? 12 : 0,
				       .label = i % 11 == 0 ? 1 + i % 4 : 0};
	qsort(in, COLDPACK_CHUNK, sizeof in[0], event_compare);
	struct buf b = {0};
	coldpack_encode(in, COLDPACK_CHUNK, &b);
	assert_int_equal(coldpack_decode(b.data, b.len, 7, out), COLDPACK_CHUNK);
	for (int i = 0; i < COLDPACK_CHUNK; i++)
		assert_int_equal(event_compare(&in[i], &out[i]), 0);
	/* compact: well under the 22 bytes of a plain row */
	assert_true(b.len < 10 * COLDPACK_CHUNK);
	/* damage is detected, never read past the end */
	assert_int_equal(coldpack_decode(b.data, b.len - 1, 7, out), -1);
	buf_free(&b);
}

/* event_sort orders as qsort with event_compare does, repeats and all,
 * at every length around its runs and merges. */
static void test_event_sort_matches_qsort(void **state)
{
	(void)state;
	enum { MOST = 1000 };
	struct event *mine = malloc(MOST * sizeof *mine), *theirs = malloc(MOST * sizeof *theirs);
	unsigned seed = 7;
	for (size_t n = 0; n <= MOST; n += n < 40 ? 1 : 97) {
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* few distinct values per field: ties go deep into the key */
			mine[i] = (struct event){.object_id = seed >> 28, .user_id = (seed >> 24) & 3, .ts = (seed >> 20) & 3,
						 .kind = (int)((seed >> 16) & 3), .step_id = (seed >> 12) & 1,
						 .variant_id = (seed >> 10) & 1, .alias_id = (seed >> 8) & 1,
						 .label = (int)((seed >> 6) & 1)};
		}
		memcpy(theirs, mine, n * sizeof *mine);
		event_sort(mine, n);
		qsort(theirs, n, sizeof *theirs, event_compare);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(event_compare(&mine[i], &theirs[i]), 0);
	}
	free(mine);
	free(theirs);
}

static void test_csv_reader(void **state)
{
	(void)state;
	char path[512];
	write_file("t.csv", "a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\n\n\"multi\nline\",2,3\nlast,row,noeol", path, sizeof path);
	FILE *fp = fopen(path, "rb");
	struct csv_reader r;
	assert_true(csv_open(&r, fp));
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(r.count, 3);
	assert_int_equal(csv_next(&r), 1);
	assert_string_equal(r.fields[0].text, "x,1");
	assert_string_equal(r.fields[1].text, "he said \"hi\"");
	assert_string_equal(r.fields[2].text, "");
	assert_int_equal(r.fields[1].line, 2);
	assert_int_equal(r.fields[1].column, 7);
	assert_int_equal(csv_next(&r), 1);
	assert_string_equal(r.fields[0].text, "multi\nline");
	assert_int_equal(r.fields[0].line, 4);
	assert_int_equal(r.fields[1].line, 5);
	assert_int_equal(csv_next(&r), 1);
	assert_string_equal(r.fields[2].text, "noeol");
	assert_int_equal(r.fields[2].line, 6);
	assert_int_equal(csv_next(&r), 0);
	csv_close(&r);
	fclose(fp);

	write_file("u.csv", "a,\"unterminated\n", path, sizeof path);
	fp = fopen(path, "rb");
	assert_true(csv_open(&r, fp));
	assert_int_equal(csv_next(&r), -1);
	assert_string_equal(r.error, "unterminated quoted field");
	assert_int_equal(r.error_column, 3);
	csv_close(&r);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_database_is_private_and_migrated),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_older_schema_migrated),
		cmocka_unit_test(test_read_only_missing_file),
		cmocka_unit_test(test_import_and_repeat),
		cmocka_unit_test(test_bad_events_roll_back),
		cmocka_unit_test(test_bad_workspace_rolls_back),
		cmocka_unit_test(test_filter_on_expired_or_purged_refused),
		cmocka_unit_test(test_list_filters_and_sort),
		cmocka_unit_test(test_settle_skips_restored_object),
		cmocka_unit_test(test_settle_batch_shares_and_splits),
		cmocka_unit_test(test_coldpack_round_trip),
		cmocka_unit_test(test_event_sort_matches_qsort),
		cmocka_unit_test(test_csv_reader),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
