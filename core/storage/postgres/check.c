/*
 * check.c — `thaw check` on PostgreSQL: the invariants every move keeps,
 * counted from the rows themselves (see storage/check.h), and how the
 * connection reaches the server.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/pairmarks.h"
#include "storage/userpack.h"

/* The server, and whether what travels to it is encrypted. */
static void describe_connection(struct storage *s, struct check_report *r)
{
	PGconn *c = pg(s)->conn;
	const char *host = PQhost(c);
	bool socket = !host || host[0] == '/' || host[0] == '@';
	int version = PQserverVersion(c);
	if (PQsslInUse(c))
		snprintf(r->connection, sizeof r->connection, "PostgreSQL %d.%d at %s, encrypted (%s)", version / 10000,
			 version % 10000, host ? host : "?", PQsslAttribute(c, "protocol"));
	else
		snprintf(r->connection, sizeof r->connection, "PostgreSQL %d.%d at %s, not encrypted%s", version / 10000,
			 version % 10000, host ? host : "?", socket ? " (a Unix socket: it never leaves this host)" : "");
}

/* The object's packed users (none without a row): their count, or -1
 * when they do not decode, in *n. */
static int packed_users(struct storage *s, int64_t object_id, struct user_object **u, int *cap, int *n)
{
	PGresult *r = pg_query(s, "reading an object's users", "SELECT data FROM object_users WHERE object_id=$1", "l",
			       object_id);
	if (!r)
		return -1;
	*n = 0;
	if (PQntuples(r)) {
		size_t size;
		unsigned char *data = pg_bytes(r, 0, 0, &size);
		*n = userpack_decode(data, size, object_id, u, cap);
		PQfreemem(data);
	}
	PQclear(r);
	return 0;
}

/* Each pair the object's events make is in user_objects with the marks
 * they say (storage/pairmarks.h). */
static int check_marks(struct storage *s, int64_t object_id, const struct pair_list *want, struct check_report *r)
{
	struct buf users = {0};
	buf_addc(&users, '{');
	for (int i = 0; i < want->count; i++)
		buf_printf(&users, "%s%lld", i ? "," : "", (long long)want->pairs[i].user_id);
	buf_addc(&users, '}');
	PGresult *res = pg_query(s, "reading what users received",
				 "SELECT u.user_id, u.marks FROM user_objects u WHERE u.object_id=$1"
				 " AND u.user_id=ANY($2::bigint[]) ORDER BY u.user_id", "lt", object_id, users.data);
	buf_free(&users);
	if (!res)
		return -1;
	for (int i = 0, row = 0; i < want->count; i++) {
		bool found = row < PQntuples(res) && pg_int(res, row, 0) == want->pairs[i].user_id;
		size_t size = 0;
		unsigned char *have = found ? pg_bytes(res, row++, 1, &size) : NULL;
		check_pair_marks(r, want, i, have, size, found);
		PQfreemem(have);
	}
	PQclear(res);
	return 0;
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
	int n = pg_object_events(s, object_id, cold, n_cold, &ev, &ev_cap);
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
	PGresult *res = pg_query(s, "reading cold chunks", "SELECT chunk, n, data FROM events_cold WHERE object_id=$1",
				 "l", object_id);
	if (!res)
		return -1;
	struct event *all = NULL;
	int n_all = 0, cap_all = 0;
	*cold_rows = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		all = array_reserve(all, n_all, &cap_all, sizeof *all, COLDPACK_CHUNK);
		size_t size;
		unsigned char *data = pg_bytes(res, i, 2, &size);
		int n = coldpack_decode(data, size, object_id, all + n_all);
		PQfreemem(data);
		if (n < 0 || n != pg_int(res, i, 1)) {
			check_note(r, &r->damaged_chunks, "object %lld: cold chunk %lld does not decode", (long long)object_id,
			     (long long)pg_int(res, i, 0));
			continue;
		}
		*cold_rows += n;
		n_all += n;
	}
	PQclear(res);
	int rc = check_users(s, object_id, all, n_all, r);
	/* an object caught mid-move has rows in both tiers: none may be in both */
	for (int i = 0; rc == 0 && hot_rows > 0 && i < n_all; i++) {
		const struct event *e = &all[i];
		int64_t both;
		rc = pg_scalar(s, "checking an event", &both,
			       "SELECT count(*) FROM events_hot WHERE object_id=$1 AND user_id=$2 AND ts=$3 AND kind=$4"
			       " AND step_id=$5 AND variant_id=$6 AND alias_id=$7 AND label=$8",
			       "llldllld", e->object_id, e->user_id, e->ts, e->kind, e->step_id, e->variant_id, e->alias_id,
			       e->label);
		if (rc == 0 && both)
			check_note(r, &r->duplicates, "object %lld: an event is both hot and cold (%lld)", (long long)object_id,
			     (long long)i);
	}
	free(all);
	return rc;
}

static int check_rows(struct storage *s, struct check_report *r)
{
	PGresult *res = pg_query(s, "reading objects",
				 "SELECT o.id, o.ixd_state, o.hot_events, o.cold_events,"
				 " (SELECT count(*) FROM events_hot h WHERE h.object_id=o.id),"
				 " (SELECT coalesce(sum(events), 0) FROM object_stats x WHERE x.object_id=o.id)"
				 " FROM objects o ORDER BY o.id", "");
	if (!res)
		return -1;
	int rc = 0;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		int64_t id = pg_int(res, i, 0), hot_cached = pg_int(res, i, 2), cold_cached = pg_int(res, i, 3);
		int64_t hot_rows = pg_int(res, i, 4), tallied = pg_int(res, i, 5), cold_rows;
		int state = (int)pg_int(res, i, 1);
		if ((rc = check_cold(s, id, hot_rows, r, &cold_rows)) < 0)
			break;
		check_object_rows(r, &(struct checked_object){id, hot_cached, cold_cached, hot_rows, cold_rows, tallied,
							      state});
	}
	PQclear(res);
	return rc;
}

int pg_storage_check(struct storage *s, struct check_report *r)
{
	memset(r, 0, sizeof *r);
	describe_connection(s, r);
	/* the server keeps its own files consistent; thaw checks its rows */
	r->integrity_ok = true;
	snprintf(r->integrity, sizeof r->integrity, "ok (the server's own; pg_amcheck verifies its files)");
	/* one snapshot, so a sweep or restore meanwhile cannot look inconsistent */
	if (storage_begin_read(s) < 0)
		return -1;
	int rc = check_rows(s, r);
	storage_rollback(s);
	return rc;
}
