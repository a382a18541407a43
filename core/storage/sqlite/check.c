/*
 * check.c — `thaw check`: the invariants every move keeps, counted from
 * the rows themselves (see storage/check.h).
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "storage/check.h"
#include "storage/pairmarks.h"
#include "storage/userpack.h"

static int check_integrity(struct storage *s, struct check_report *r)
{
	sqlite3_stmt *st = sql_stmt(s, "PRAGMA integrity_check");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	const unsigned char *msg = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	snprintf(r->integrity, sizeof r->integrity, "%s", msg ? (const char *)msg : "no answer");
	r->integrity_ok = msg && strcmp((const char *)msg, "ok") == 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sql_fail(s, "checking integrity");
}

/* The object's packed users (none without a row): their count, or -1
 * when they do not decode. */
static int packed_users(struct storage *s, int64_t object_id, struct user_object **u, int *cap, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT data FROM object_users WHERE object_id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? userpack_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
						object_id, u, cap) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "reading an object's users");
}

/* Each pair the object's events make is in user_objects with the marks
 * they say (storage/pairmarks.h). */
static int check_marks(struct storage *s, int64_t object_id, const struct pair_list *want, struct check_report *r)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT marks FROM user_objects WHERE user_id=? AND object_id=?");
	int rc = st ? 0 : -1;
	for (int i = 0; rc == 0 && i < want->count; i++) {
		sqlite3_bind_int64(st, 1, want->pairs[i].user_id);
		sqlite3_bind_int64(st, 2, object_id);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW || step == SQLITE_DONE)
			check_pair_marks(r, want, i, step == SQLITE_ROW ? sqlite3_column_blob(st, 0) : NULL,
					 step == SQLITE_ROW ? (size_t)sqlite3_column_bytes(st, 0) : 0, step == SQLITE_ROW);
		else
			rc = sql_fail(s, "reading what users received");
		sqlite3_reset(st);
	}
	return rc;
}

/* object_users holds exactly the object's users, with the kinds of event
 * its hot and cold events say (the cold ones are passed in), and
 * user_objects its pairs with their marks: the events are read once, into
 * the pairs (users, kinds and marks) they make. */
static int check_users(struct storage *s, int64_t object_id, const struct event *cold, int n_cold,
		       struct check_report *r)
{
	struct event *ev = NULL;
	struct pair_list want = {0};
	struct user_object *have = NULL;
	int ev_cap = 0, nh = 0, ch = 0;
	int n = sql_object_events(s, object_id, cold, n_cold, &ev, &ev_cap);
	if (n > 0)
		pair_list_add_events(&want, ev, (size_t)n);
	free(ev);
	int rc = n < 0 ? -1 : packed_users(s, object_id, &have, &ch, &nh);
	if (rc == 0) {
		check_users_against(r, object_id, want.pairs, want.count, have, nh);
		rc = check_marks(s, object_id, &want, r);
	}
	free(have);
	pair_list_free(&want);
	return rc;
}

/* Decodes one object's cold chunks; counts events also present hot, and
 * checks the object's users against the events. */
static int check_cold(struct storage *s, int64_t object_id, int64_t hot_rows, struct check_report *r,
		      int64_t *cold_rows)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT chunk, n, data FROM events_cold WHERE object_id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	struct event *ev = malloc(COLDPACK_CHUNK * sizeof *ev), *all = NULL;
	int n_all = 0, cap_all = 0;
	*cold_rows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = coldpack_decode(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
					object_id, ev);
		if (n < 0 || n != sqlite3_column_int(st, 1)) {
			check_note(r, &r->damaged_chunks, "object %lld: cold chunk %lld does not decode",
			     (long long)object_id, (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		*cold_rows += n;
		all = array_reserve(all, n_all, &cap_all, sizeof *all, n);
		memcpy(all + n_all, ev, (size_t)n * sizeof *ev);
		n_all += n;
	}
	sqlite3_reset(st);
	free(ev);
	if (rc != SQLITE_DONE) {
		free(all);
		return sql_fail(s, "reading cold chunks");
	}
	if (check_users(s, object_id, all, n_all, r) < 0) {
		free(all);
		return -1;
	}
	/* an object caught mid-move has rows in both tiers: none may be in both */
	sqlite3_stmt *probe = sql_stmt(s, "SELECT 1 FROM events_hot WHERE object_id=? AND user_id=? AND ts=?"
				      " AND kind=? AND step_id=? AND variant_id=? AND alias_id=? AND label=?");
	for (int i = 0; probe && hot_rows > 0 && i < n_all; i++) {
		const struct event *e = &all[i];
		sqlite3_reset(probe);
		sql_bind_event(probe, 1, e);
		if (sqlite3_step(probe) == SQLITE_ROW)
			check_note(r, &r->duplicates, "object %lld: an event is both hot and cold (%lld)",
			     (long long)object_id, (long long)i);
	}
	if (probe)
		sqlite3_reset(probe);
	free(all);
	return probe ? 0 : -1;
}

static int check_rows(struct storage *s, struct check_report *r);

int sqlite_storage_check(struct storage *s, struct check_report *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->connection, sizeof r->connection, "the SQLite file %s", s->location);
	/* one snapshot, so a sweep or restore running meanwhile cannot make
	 * the counts look inconsistent */
	if (storage_begin_read(s) < 0)
		return -1;
	int rc = check_integrity(s, r);
	if (rc == 0)
		rc = check_rows(s, r);
	storage_rollback(s);
	return rc;
}

static int check_rows(struct storage *s, struct check_report *r)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT o.id, o.ixd_state, o.hot_events, o.cold_events,"
				   " (SELECT count(*) FROM events_hot h WHERE h.object_id=o.id),"
				   " (SELECT coalesce(sum(events), 0) FROM object_stats x WHERE x.object_id=o.id)"
				   " FROM objects o ORDER BY o.id");
	if (!st)
		return -1;
	struct row { int64_t id, hot_cached, cold_cached, hot_rows, tallied; int state; } *rows = NULL;
	int n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows = array_grow(rows, n, &cap, sizeof *rows);
		rows[n++] = (struct row){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 2),
					 sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
					 sqlite3_column_int64(st, 5), sqlite3_column_int(st, 1)};
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(rows);
		return sql_fail(s, "reading objects");
	}
	for (int i = 0; i < n; i++) {
		const struct row *o = &rows[i];
		int64_t cold_rows;
		if (check_cold(s, o->id, o->hot_rows, r, &cold_rows) < 0) {
			free(rows);
			return -1;
		}
		check_object_rows(r, &(struct checked_object){o->id, o->hot_cached, o->cold_cached, o->hot_rows,
							      cold_rows, o->tallied, o->state});
	}
	free(rows);
	return 0;
}
