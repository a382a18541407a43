/*
 * events.c — adding events and moving one object's events between the hot
 * table and its packed cold chunks (see storage/events.h), on PostgreSQL.
 *
 * Rows travel many to a statement as arrays (unnest), so a batch costs one
 * round trip to the server rather than one per row.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/userpack.h"

/* Events' eight key columns as PostgreSQL array literals, "{1,2,...}". */
struct event_columns {
	struct buf col[8];
};

static void event_columns_fill(struct event_columns *c, const struct event *ev, size_t n)
{
	for (int k = 0; k < 8; k++) {
		buf_reset(&c->col[k]);
		buf_addc(&c->col[k], '{');
	}
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev[i];
		const int64_t v[8] = {e->object_id, e->user_id, e->ts, e->kind, e->step_id, e->variant_id,
				      e->alias_id, e->label};
		for (int k = 0; k < 8; k++)
			buf_printf(&c->col[k], "%s%lld", i ? "," : "", (long long)v[k]);
	}
	for (int k = 0; k < 8; k++)
		buf_addc(&c->col[k], '}');
}

static void event_columns_free(struct event_columns *c)
{
	for (int k = 0; k < 8; k++)
		buf_free(&c->col[k]);
}

#define EVENT_INPUT                                                                                    \
	"WITH input AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::smallint[],"    \
	" $5::bigint[], $6::bigint[], $7::bigint[], $8::int[]) WITH ORDINALITY"                            \
	" AS t(object_id, user_id, ts, kind, step_id, variant_id, alias_id, label, i)),"                   \
	" added AS (INSERT INTO events_hot SELECT object_id, user_id, ts, kind, step_id, variant_id,"     \
	" alias_id, label FROM input ON CONFLICT DO NOTHING RETURNING *)"

#define EVENTS_PER_STATEMENT 2000

/* Inserts up to EVENTS_PER_STATEMENT events; the result has the 1-based
 * position of each one that was new (the first of repeats in the batch). */
static PGresult *insert_batch(struct storage *s, struct event_columns *c, const struct event *ev, size_t n,
			      const char *context)
{
	event_columns_fill(c, ev, n);
	return pg_query(s, context,
			EVENT_INPUT " SELECT min(i) FROM input JOIN added USING (object_id, user_id, ts, kind,"
			" step_id, variant_id, alias_id, label) GROUP BY object_id, user_id, ts, kind, step_id,"
			" variant_id, alias_id, label",
			"tttttttt", c->col[0].data, c->col[1].data, c->col[2].data, c->col[3].data, c->col[4].data,
			c->col[5].data, c->col[6].data, c->col[7].data);
}

int pg_storage_events_insert_hot(struct storage *s, const struct event *ev, int n, bool *inserted)
{
	struct event_columns c = {0};
	int rc = 0;
	memset(inserted, 0, (size_t)n * sizeof *inserted);
	for (int at = 0; at < n && rc == 0; at += EVENTS_PER_STATEMENT) {
		int count = n - at < EVENTS_PER_STATEMENT ? n - at : EVENTS_PER_STATEMENT;
		PGresult *r = insert_batch(s, &c, ev + at, (size_t)count, "storing events");
		if (!r) {
			rc = -1;
			break;
		}
		for (int i = 0; i < PQntuples(r); i++) {
			int64_t pos = pg_int(r, i, 0);
			if (pos >= 1 && pos <= count)
				inserted[at + pos - 1] = true;
		}
		PQclear(r);
	}
	event_columns_free(&c);
	return rc;
}

/* A restore's batch: the count of what went in keeps the object's counts
 * true whatever happened. */
static int insert_hot_many(struct storage *s, const struct event *ev, size_t n, int64_t *inserted)
{
	struct event_columns c = {0};
	*inserted = 0;
	int rc = 0;
	for (size_t at = 0; at < n && rc == 0; at += EVENTS_PER_STATEMENT) {
		size_t count = n - at < EVENTS_PER_STATEMENT ? n - at : EVENTS_PER_STATEMENT;
		event_columns_fill(&c, ev + at, count);
		int64_t added;
		rc = pg_scalar(s, "restoring events", &added, EVENT_INPUT " SELECT count(*) FROM added", "tttttttt",
			       c.col[0].data, c.col[1].data, c.col[2].data, c.col[3].data, c.col[4].data,
			       c.col[5].data, c.col[6].data, c.col[7].data);
		*inserted += added;
	}
	event_columns_free(&c);
	return rc;
}

/* Merges one object's pairs (sorted by user, distinct) into its packed
 * users, rewriting them only when they gain a user or a kind. */
static int merge_object_users(struct storage *s, const struct user_object *add, int n, struct user_object **have,
			      int *have_cap, struct user_object **merged, int *merged_cap)
{
	int64_t object_id = add[0].object_id;
	PGresult *r = pg_query(s, "reading an object's users", "SELECT data FROM object_users WHERE object_id=$1",
			       "l", object_id);
	if (!r)
		return -1;
	int nh = 0;
	if (PQntuples(r)) {
		size_t size;
		unsigned char *data = pg_bytes(r, 0, 0, &size);
		nh = userpack_decode(data, size, object_id, have, have_cap);
		PQfreemem(data);
	}
	PQclear(r);
	if (nh < 0) {
		pg_fail(s, "object %lld: its packed users are damaged (thaw check)", (long long)object_id);
		return STORAGE_DAMAGED;
	}
	bool changed;
	int nm = userpack_merge(*have, nh, add, n, merged, merged_cap, &changed);
	if (!changed)
		return 0;
	struct buf packed = {0};
	userpack_encode(*merged, (size_t)nm, &packed);
	int rc = pg_run(s, "writing an object's users",
			"INSERT INTO object_users VALUES($1, $2, $3) ON CONFLICT(object_id)"
			" DO UPDATE SET users=excluded.users, data=excluded.data",
			"ldb", object_id, nm, packed.data, packed.len);
	buf_free(&packed);
	return rc;
}

int pg_object_users_add(struct storage *s, const struct user_object *pairs, int n)
{
	struct user_object *by_object = malloc(((size_t)n + 1) * sizeof *by_object), *have = NULL, *merged = NULL;
	if (!by_object)
		abort();
	memcpy(by_object, pairs, (size_t)n * sizeof *pairs);
	int kept = user_objects_compact(by_object, n, USERS_BY_OBJECT);
	int rc = 0, have_cap = 0, merged_cap = 0;
	for (int i = 0, j; i < kept && rc == 0; i = j) {
		for (j = i; j < kept && by_object[j].object_id == by_object[i].object_id; j++)
			;
		rc = merge_object_users(s, by_object + i, j - i, &have, &have_cap, &merged, &merged_cap);
	}
	free(by_object);
	free(have);
	free(merged);
	return rc;
}

#define PAIRS_PER_STATEMENT 5000

int pg_storage_user_objects_add(struct storage *s, const struct user_object *pairs, int n)
{
	struct buf users = {0}, objects = {0};
	int rc = 0;
	for (int at = 0; at < n && rc == 0; at += PAIRS_PER_STATEMENT) {
		int count = n - at < PAIRS_PER_STATEMENT ? n - at : PAIRS_PER_STATEMENT;
		buf_reset(&users);
		buf_reset(&objects);
		for (int i = 0; i < count; i++) {
			buf_printf(&users, "%s%lld", i ? "," : "{", (long long)pairs[at + i].user_id);
			buf_printf(&objects, "%s%lld", i ? "," : "{", (long long)pairs[at + i].object_id);
		}
		buf_addc(&users, '}');
		buf_addc(&objects, '}');
		/* the pairs that are new raise their objects' user counts */
		rc = pg_run(s, "indexing users' objects",
			    "WITH added AS (INSERT INTO user_objects(user_id, object_id)"
			    " SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING RETURNING object_id)"
			    " UPDATE objects o SET users=o.users + a.n FROM (SELECT object_id, count(*) AS n FROM added"
			    " GROUP BY object_id) a WHERE o.id=a.object_id",
			    "tt", users.data, objects.data);
	}
	buf_free(&users);
	buf_free(&objects);
	if (rc == 0 && n > 0)
		rc = pg_object_users_add(s, pairs, n);
	return rc;
}

int pg_event_users(struct storage *s, int64_t object_id, const struct event *cold, int n_cold, struct user_object **u,
		   int *cap)
{
	int n = 0;
	for (int i = 0; i < n_cold; i++) {
		*u = array_grow(*u, n, cap, sizeof **u);
		(*u)[n++] = (struct user_object){cold[i].user_id, object_id, 1u << cold[i].kind};
	}
	PGresult *r = pg_query(s, "reading an object's users",
			       "SELECT user_id, bit_or(1 << kind) FROM events_hot WHERE object_id=$1 GROUP BY user_id",
			       "l", object_id);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		*u = array_grow(*u, n, cap, sizeof **u);
		(*u)[n++] = (struct user_object){pg_int(r, i, 0), object_id, (uint32_t)pg_int(r, i, 1)};
	}
	PQclear(r);
	return user_objects_compact(*u, n, USERS_BY_OBJECT);
}

/* Packs sorted events into as many chunks as needed, numbered from the
 * object's next chunk number. */
static int write_chunks(struct storage *s, int64_t object_id, const struct event *ev, size_t n)
{
	int64_t chunk;
	if (pg_scalar(s, "numbering cold chunks", &chunk,
		      "SELECT coalesce(max(chunk), 0) + 1 FROM events_cold WHERE object_id=$1", "l", object_id) < 0)
		return -1;
	struct buf blob = {0};
	int rc = 0;
	for (size_t at = 0; at < n && rc == 0; at += COLDPACK_CHUNK) {
		size_t count = n - at < COLDPACK_CHUNK ? n - at : COLDPACK_CHUNK;
		buf_reset(&blob);
		coldpack_encode(ev + at, count, &blob);
		rc = pg_run(s, "writing cold events", "INSERT INTO events_cold(object_id, chunk, n, data) VALUES($1,$2,$3,$4)",
			    "lllb", object_id, chunk++, (int64_t)count, blob.data, blob.len);
	}
	buf_free(&blob);
	return rc;
}

struct event_array {
	struct event *ev;
	int n, cap;
};

/*
 * Decodes cold chunks of an object in chunk order, at least `min_events`
 * (all when 0).  *last_chunk is the last chunk read, *stored the events the
 * chunks said they held.
 */
static int read_cold(struct storage *s, int64_t object_id, int64_t min_events, struct event_array *out,
		     int64_t *last_chunk, int64_t *stored)
{
	*last_chunk = 0;
	*stored = 0;
	/* enough chunks for min_events: each holds up to COLDPACK_CHUNK */
	int64_t chunks = min_events ? (min_events + COLDPACK_CHUNK - 1) / COLDPACK_CHUNK + 1 : 0;
	PGresult *r = pg_query(s, "reading cold events",
			       "SELECT chunk, n, data FROM events_cold WHERE object_id=$1 ORDER BY chunk LIMIT $2", "lo",
			       object_id, chunks);
	if (!r)
		return -1;
	int rc = 0;
	for (int i = 0; i < PQntuples(r) && (min_events == 0 || *stored < min_events); i++) {
		out->ev = array_reserve(out->ev, out->n, &out->cap, sizeof *out->ev, COLDPACK_CHUNK);
		size_t size;
		unsigned char *data = pg_bytes(r, i, 2, &size);
		int n = coldpack_decode(data, size, object_id, out->ev + out->n);
		PQfreemem(data);
		if (n < 0 || n != pg_int(r, i, 1)) {
			pg_fail(s, "cold chunk %lld of object %lld is damaged; run `thaw check`",
				(long long)pg_int(r, i, 0), (long long)object_id);
			rc = STORAGE_DAMAGED;
			break;
		}
		out->n += n;
		*stored += n;
		*last_chunk = pg_int(r, i, 0);
	}
	PQclear(r);
	return rc;
}

int pg_storage_event_append_cold(struct storage *s, int64_t object_id, struct event *ev, size_t n, int64_t *added)
{
	*added = 0;
	if (n == 0)
		return 0;
	qsort(ev, n, sizeof *ev, event_compare);
	/* what is stored already, in either tier, is not stored twice */
	struct event_array existing = {0};
	int64_t last, stored;
	if (read_cold(s, object_id, 0, &existing, &last, &stored) < 0) {
		free(existing.ev);
		return -1;
	}
	PGresult *r = pg_query(s, "reading hot events",
			       "SELECT user_id, ts, kind, step_id, variant_id, alias_id, label FROM events_hot"
			       " WHERE object_id=$1", "l", object_id);
	if (!r) {
		free(existing.ev);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		existing.ev = array_grow(existing.ev, existing.n, &existing.cap, sizeof *existing.ev);
		pg_read_event(r, i, 0, object_id, &existing.ev[existing.n++]);
	}
	PQclear(r);
	if (existing.n)
		qsort(existing.ev, existing.n, sizeof *existing.ev, event_compare);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && event_compare(&ev[i], &ev[i - 1]) == 0)
			continue;
		if (existing.n && bsearch(&ev[i], existing.ev, existing.n, sizeof *ev, event_compare))
			continue;
		ev[kept++] = ev[i];
	}
	free(existing.ev);
	if (kept == 0)
		return 0;
	if (write_chunks(s, object_id, ev, kept) < 0 || storage_object_add_counts(s, object_id, 0, (int64_t)kept) < 0)
		return -1;
	*added = (int64_t)kept;
	return 0;
}

int pg_storage_move_to_cold(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved)
{
	*moved = 0;
	PGresult *r = pg_query(s, "reading hot events",
			       "SELECT user_id, ts, kind, step_id, variant_id, alias_id, label FROM events_hot"
			       " WHERE object_id=$1 ORDER BY user_id, ts, kind, step_id, variant_id, alias_id, label"
			       " LIMIT $2", "ll", object_id, max_rows);
	if (!r)
		return -1;
	int n = PQntuples(r);
	struct event *ev = malloc(((size_t)n + 1) * sizeof *ev);
	if (!ev)
		abort();
	for (int i = 0; i < n; i++)
		pg_read_event(r, i, 0, object_id, &ev[i]);
	PQclear(r);
	int rc = n ? write_chunks(s, object_id, ev, (size_t)n) : 0;
	if (rc == 0 && n) {
		const struct event *e = &ev[n - 1];
		int64_t deleted = pg_exec(s, "removing moved hot events",
					  "DELETE FROM events_hot WHERE object_id=$1 AND"
					  " (user_id, ts, kind, step_id, variant_id, alias_id, label) <= ($2, $3, $4, $5, $6, $7, $8)",
					  "llldllld", object_id, e->user_id, e->ts, e->kind,
					  e->step_id, e->variant_id, e->alias_id, e->label);
		if (deleted >= 0 && deleted != n)
			rc = pg_fail(s, "moving object %lld: deleted %lld hot rows, expected %d", (long long)object_id,
				     (long long)deleted, n);
		else if (deleted < 0)
			rc = -1;
	}
	if (rc == 0 && n)
		rc = storage_object_add_counts(s, object_id, -(int64_t)n, (int64_t)n);
	if (rc == 0)
		*moved = n;
	free(ev);
	return rc;
}

int pg_storage_move_to_hot(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved)
{
	*moved = 0;
	struct event_array a = {0};
	int64_t last_chunk, stored, inserted;
	int read = read_cold(s, object_id, max_rows, &a, &last_chunk, &stored);
	if (read < 0 || a.n == 0) {
		free(a.ev);
		return read;
	}
	int rc = insert_hot_many(s, a.ev, (size_t)a.n, &inserted);
	free(a.ev);
	if (rc < 0 ||
	    pg_run(s, "removing restored cold chunks", "DELETE FROM events_cold WHERE object_id=$1 AND chunk<=$2", "ll",
		   object_id, last_chunk) < 0 ||
	    storage_object_add_counts(s, object_id, inserted, -stored) < 0)
		return -1;
	*moved = stored;
	return 0;
}

int pg_storage_count_events(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold)
{
	/* object 0: the whole workspace (its own statements: one plan each) */
	int rc = object_id
		? pg_scalar(s, "counting hot events", hot, "SELECT count(*) FROM events_hot WHERE object_id=$1", "l",
			    object_id)
		: pg_scalar(s, "counting hot events", hot, "SELECT count(*) FROM events_hot", "");
	if (rc < 0)
		return -1;
	return object_id ? pg_scalar(s, "counting cold events", cold,
				     "SELECT coalesce(sum(n), 0) FROM events_cold WHERE object_id=$1", "l", object_id)
			 : pg_scalar(s, "counting cold events", cold, "SELECT coalesce(sum(n), 0) FROM events_cold", "");
}
