/*
 * bench_tiers — how fast thaw moves interaction data, against plain SQL.
 *
 *   bench_tiers WORKSPACE [--size small|medium|large] [--share PERCENT]
 *
 * Creates the demo workspace if the file does not exist, picks objects
 * holding about PERCENT (default 10) of the hot events, and measures, in
 * one process and one run so the machine's noise hits both sides alike:
 *
 *   plain SQL sweep    INSERT INTO plain_cold SELECT ...; DELETE ... (one transaction)
 *   plain SQL restore  the same back
 *   thaw sweep         expire + move in worker.batch_rows batches into packed chunks
 *   thaw restore       a real restore job, batch by batch, with its progress
 *
 * While thaw moves, a reader thread on its own connection runs what the
 * console runs (first page of the list, the summary) and records its worst
 * latency.  Then it reports cold bytes per event from dbstat.
 *
 * SQL appears here only for the plain-SQL baseline and dbstat; everything
 * thaw does goes through the core.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "import/demo.h"
#include "retention/restore.h"
#include "retention/sweep.h"
#include "storage/jobs.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"

#define BATCH 50000

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_tiers: %s: %s\n", what, why);
	exit(1);
}

static void sql(sqlite3 *db, const char *text)
{
	char *err = NULL;
	if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
		die(text, err);
}

static int64_t sql_int(sqlite3 *db, const char *text)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, text, -1, &st, NULL) != SQLITE_OK)
		die(text, sqlite3_errmsg(db));
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* ---- the concurrent reader ---- */

struct reader {
	const char *path;
	volatile int running;
	int64_t worst_ms, queries;
	pthread_t thread;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	struct storage *s;
	char err[256];
	if (storage_open(r->path, STORAGE_READ_ONLY, &s, err, sizeof err) < 0)
		die("reader", err);
	while (r->running) {
		int64_t start = clock_mono_ms();
		struct object_query q = {.kind = -1, .status = -1, .state = -1, .limit = 50,
					 .now = clock_now(NULL), .soon_days = 14};
		struct object_list l;
		struct workspace_summary sum;
		if (storage_list_objects(s, &q, &l) < 0 || storage_summary(s, q.now, 14, &sum) < 0)
			die("reader", storage_error(s));
		object_list_free(&l);
		int64_t ms = clock_mono_ms() - start;
		if (ms > r->worst_ms)
			r->worst_ms = ms;
		r->queries++;
		usleep(2000);
	}
	storage_close(s);
	return NULL;
}

static void reader_start(struct reader *r, const char *path)
{
	*r = (struct reader){.path = path, .running = 1};
	pthread_create(&r->thread, NULL, read_loop, r);
}

static void reader_stop(struct reader *r)
{
	r->running = 0;
	pthread_join(r->thread, NULL);
}

/* ---- the workload ---- */

struct target {
	int64_t *ids;
	char **api_ids;
	int count;
	int64_t events;
};

static void pick_targets(sqlite3 *db, int share, struct target *t)
{
	int64_t hot = sql_int(db, "SELECT sum(hot_events) FROM objects WHERE ixd_state=1");
	int64_t want = hot * share / 100;
	sqlite3_stmt *st;
	/* every k-th available object, in id order: a spread like a real sweep */
	if (sqlite3_prepare_v2(db, "SELECT id, api_id, hot_events FROM objects WHERE ixd_state=1"
				   " AND hot_events > 0 ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		die("pick", sqlite3_errmsg(db));
	int cap = 1024, step = 100 / (share > 0 ? share : 1), i = 0;
	t->ids = malloc(cap * sizeof *t->ids);
	t->api_ids = malloc(cap * sizeof *t->api_ids);
	while (sqlite3_step(st) == SQLITE_ROW && t->events < want) {
		if (i++ % step)
			continue;
		if (t->count == cap) {
			cap *= 2;
			t->ids = realloc(t->ids, cap * sizeof *t->ids);
			t->api_ids = realloc(t->api_ids, cap * sizeof *t->api_ids);
		}
		t->ids[t->count] = sqlite3_column_int64(st, 0);
		t->api_ids[t->count++] = strdup((const char *)sqlite3_column_text(st, 1));
		t->events += sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	sql(db, "DROP TABLE IF EXISTS temp.sel; CREATE TEMP TABLE sel(id INTEGER PRIMARY KEY)");
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db, "INSERT INTO temp.sel VALUES(?)", -1, &ins, NULL);
	for (int k = 0; k < t->count; k++) {
		sqlite3_bind_int64(ins, 1, t->ids[k]);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
}

static double plain_move(sqlite3 *db, const char *from, const char *to)
{
	char text[512];
	sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	int64_t start = clock_mono_ms();
	snprintf(text, sizeof text, "BEGIN IMMEDIATE; INSERT INTO %s SELECT * FROM %s WHERE object_id IN"
		 " (SELECT id FROM temp.sel); DELETE FROM %s WHERE object_id IN (SELECT id FROM temp.sel);"
		 " COMMIT", to, from, from);
	sql(db, text);
	return (double)(clock_mono_ms() - start) / 1000.0;
}

static double thaw_sweep(struct storage *s, sqlite3 *db, const struct target *t, int64_t now)
{
	sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	int64_t start = clock_mono_ms();
	if (storage_begin(s) < 0)
		die("sweep", storage_error(s));
	for (int i = 0; i < t->count; i++)
		if (storage_object_expire(s, t->ids[i], now) < 0)
			die("expire", storage_error(s));
	if (storage_commit(s) < 0)
		die("sweep", storage_error(s));
	for (int i = 0; i < t->count; i++) {
		int64_t moved;
		do {
			if (sweep_settle_batch(s, t->ids[i], BATCH, &moved) < 0)
				die("settle", storage_error(s));
		} while (moved > 0);
	}
	return (double)(clock_mono_ms() - start) / 1000.0;
}

static double thaw_restore(struct storage *s, sqlite3 *db, const struct target *t, int64_t now)
{
	sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	int64_t start = clock_mono_ms();
	struct restore_request r = {.objects = (const char *const *)t->api_ids,
				    .object_count = t->count, .actor = {"bench", NULL}, .now = now};
	struct diag d = {0};
	struct restore_result requested;
	if (restore_request(s, &r, &requested, &d) < 0)
		die("restore request", d.count ? d.entries[0].message : storage_error(s));
	int64_t job = requested.job_id;
	int64_t claimed;
	if (storage_begin(s) < 0 || storage_job_claim(s, "bench", clock_real_ms(), 60000, &claimed) < 0 ||
	    storage_commit(s) < 0)
		die("claim", storage_error(s));
	struct step_options o = {.owner = "bench", .lease_ms = 60000, .batch_rows = BATCH, .months = 3,
				 .now = now, .actor = {"bench", NULL}};
	enum step_result res;
	int64_t moved;
	while ((res = restore_job_step(s, job, &o, &moved)) == STEP_PROGRESS)
		;
	if (res != STEP_FINISHED)
		die("restore", storage_error(s));
	return (double)(clock_mono_ms() - start) / 1000.0;
}

static void progress(void *ctx, int64_t done, int64_t planned)
{
	(void)ctx;
	fprintf(stderr, "\rdemo: %lld / ~%lld events", (long long)done, (long long)planned);
}

static void ensure_workspace(const char *path, int size)
{
	if (access(path, F_OK) == 0)
		return;
	struct storage *s;
	char err[256];
	if (storage_open(path, 0, &s, err, sizeof err) < 0)
		die(path, err);
	struct demo_options o = {.size = size, .seed = 1, .now = clock_now(NULL), .months = 3,
				 .progress = progress};
	struct demo_report r;
	int64_t start = clock_mono_ms();
	if (demo_generate(s, &o, &r) < 0)
		die("demo", storage_error(s));
	fprintf(stderr, "\n");
	printf("demo workspace: %lld objects, %lld hot + %lld cold events, generated in %.1f s\n",
	       (long long)r.objects, (long long)r.events_hot, (long long)r.events_cold,
	       (double)(clock_mono_ms() - start) / 1000.0);
	storage_close(s);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_tiers WORKSPACE [--size small|medium|large] [--share PERCENT]\n");
		return 2;
	}
	int size = DEMO_MEDIUM, share = 10;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--size") == 0)
			size = demo_size_parse(argv[i + 1]);
		else if (strcmp(argv[i], "--share") == 0)
			share = atoi(argv[i + 1]);
	}
	if (size < 0 || share <= 0 || share > 100)
		die("arguments", "--size small|medium|large, --share 1..100");
	const char *path = argv[1];
	ensure_workspace(path, size);

	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "cannot open");
	sql(db, "PRAGMA cache_size=-65536; PRAGMA busy_timeout=15000;"
		"CREATE TABLE IF NOT EXISTS plain_cold AS SELECT * FROM events_hot WHERE 0;"
		"DROP TABLE plain_cold; CREATE TABLE plain_cold(object_id INTEGER NOT NULL,"
		" user_id INTEGER NOT NULL, ts INTEGER NOT NULL, kind INTEGER NOT NULL,"
		" step_id INTEGER NOT NULL, variant_id INTEGER NOT NULL, alias_id INTEGER NOT NULL,"
		" label INTEGER NOT NULL, PRIMARY KEY(object_id, user_id, ts, kind, step_id,"
		" variant_id, alias_id, label)) WITHOUT ROWID");
	struct target t = {0};
	pick_targets(db, share, &t);
	int64_t total = sql_int(db, "SELECT sum(hot_events) + sum(cold_events) FROM objects");
	printf("workspace: %lld events in all; moving %d objects holding %lld hot events (%d%%)\n",
	       (long long)total, t.count, (long long)t.events, share);

	struct storage *s;
	char err[256];
	if (storage_open(path, 0, &s, err, sizeof err) < 0)
		die(path, err);
	int64_t now = clock_now(NULL);

	double plain_sweep = plain_move(db, "events_hot", "plain_cold");
	int64_t plain_bytes = sql_int(db, "SELECT sum(pgsize) FROM dbstat WHERE name='plain_cold'");
	double plain_restore = plain_move(db, "plain_cold", "events_hot");

	struct reader rd;
	reader_start(&rd, path);
	double sweep = thaw_sweep(s, db, &t, now);
	reader_stop(&rd);
	int64_t sweep_worst = rd.worst_ms, sweep_queries = rd.queries;
	int64_t cold_bytes = sql_int(db, "SELECT sum(pgsize) FROM dbstat WHERE name IN"
					 " ('events_cold', 'sqlite_autoindex_events_cold_1')");
	int64_t cold_events = sql_int(db, "SELECT sum(n) FROM events_cold");
	int64_t cold_payload = sql_int(db, "SELECT sum(length(data)) FROM events_cold");

	reader_start(&rd, path);
	double restore = thaw_restore(s, db, &t, now);
	reader_stop(&rd);

	double n = (double)t.events;
	printf("\n%-28s %12s %14s %10s\n", "move", "seconds", "events/s", "vs plain");
	printf("%-28s %12.3f %14.0f %10s\n", "plain SQL sweep (1 txn)", plain_sweep, n / plain_sweep, "1.00");
	printf("%-28s %12.3f %14.0f %10.2f\n", "thaw sweep (batches)", sweep, n / sweep, sweep / plain_sweep);
	printf("%-28s %12.3f %14.0f %10s\n", "plain SQL restore (1 txn)", plain_restore, n / plain_restore, "1.00");
	printf("%-28s %12.3f %14.0f %10.2f\n", "thaw restore (job)", restore, n / restore, restore / plain_restore);
	printf("\nconcurrent reader (list page + summary): worst %lld ms over %lld queries during the sweep,"
	       " %lld ms over %lld during the restore\n", (long long)sweep_worst, (long long)sweep_queries,
	       (long long)rd.worst_ms, (long long)rd.queries);
	printf("cold tier: %.2f bytes/event (payload %.2f) for all %lld cold events;"
	       " plain rows: %.2f bytes/event\n", (double)cold_bytes / (double)cold_events,
	       (double)cold_payload / (double)cold_events, (long long)cold_events,
	       (double)plain_bytes / n);
	sql(db, "DROP TABLE plain_cold");
	storage_close(s);
	sqlite3_close(db);
	return 0;
}
