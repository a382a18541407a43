/*
 * events.c — adding events and moving one object's events between the hot
 * table and its packed cold chunks (see storage/events.h), on PostgreSQL.
 *
 * Rows travel many to a statement (COPY, or arrays through unnest), so a
 * batch costs a round trip or two rather than one per row.
 */
#include "kit.h"
#include "storage/pairmarks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/userpack.h"

/*
 * Events reach the server by COPY, its bulk path.  A batch of new events
 * (a new file, a restore) goes straight into events_hot under a
 * savepoint; a batch with repeats among them (a file imported again)
 * fails on the natural key, is undone to the savepoint, and goes through
 * a temporary table of the session instead, numbered, then INSERT …
 * SELECT … ON CONFLICT DO NOTHING says which were new.
 */
#define EVENT_COLUMNS "object_id, user_id, ts, kind, step_id, variant_id, alias_id, label"
#define EVENT_WIDTHS "88828884" /* their sizes: kind is a smallint, label an int */

static void event_row(const void *ctx, size_t i, int64_t *v, const void **bytes)
{
	(void)bytes;
	const struct event *e = (const struct event *)ctx + i;
	const int64_t row[8] = {e->object_id, e->user_id, e->ts, e->kind, e->step_id, e->variant_id, e->alias_id,
				e->label};
	memcpy(v, row, sizeof row);
}

/* The same with its 1-based position first, for the staging table. */
static void numbered_event_row(const void *ctx, size_t i, int64_t *v, const void **bytes)
{
	v[0] = (int64_t)i + 1;
	event_row(ctx, i, v + 1, bytes);
}

static int stage_events(struct storage *s, const struct event *ev, size_t n)
{
	if (pg_script(s, "staging events",
		      "CREATE TEMP TABLE IF NOT EXISTS staged_events(i int, object_id bigint, user_id bigint,"
		      " ts bigint, kind smallint, step_id bigint, variant_id bigint, alias_id bigint, label int);"
		      "TRUNCATE staged_events") < 0)
		return -1;
	return pg_copy_binary(s, "staged_events", "i, " EVENT_COLUMNS, "4" EVENT_WIDTHS, n, numbered_event_row, ev);
}

static int copy_all_new(struct storage *s, const struct event *ev, size_t n)
{
	return pg_copy_binary_all_new(s, "events_hot", EVENT_COLUMNS, EVENT_WIDTHS, n, event_row, ev);
}

int pg_storage_events_insert_hot(struct storage *s, const struct event *ev, int n, bool *inserted)
{
	memset(inserted, 0, (size_t)n * sizeof *inserted);
	if (n == 0)
		return 0;
	int all_new = copy_all_new(s, ev, (size_t)n);
	if (all_new != 0) {
		memset(inserted, all_new > 0, (size_t)n * sizeof *inserted);
		return all_new < 0 ? -1 : 0;
	}
	if (stage_events(s, ev, (size_t)n) < 0)
		return -1;
	/* the first of repeats within the batch is the one that went in */
	PGresult *r = pg_query(s, "storing events",
			       "WITH added AS (INSERT INTO events_hot SELECT " EVENT_COLUMNS " FROM staged_events"
			       " ON CONFLICT DO NOTHING RETURNING *)"
			       " SELECT min(i) FROM staged_events JOIN added USING (" EVENT_COLUMNS ")"
			       " GROUP BY " EVENT_COLUMNS, "");
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t pos = pg_int(r, i, 0);
		if (pos >= 1 && pos <= n)
			inserted[pos - 1] = true;
	}
	PQclear(r);
	return 0;
}

/* object_users as userpack_add_pairs reads and writes it */
static int read_object_users(void *ctx, int64_t object_id, struct buf *value, bool *found)
{
	struct storage *s = ctx;
	PGresult *r = pg_query(s, "reading an object's users", "SELECT data FROM object_users WHERE object_id=$1",
			       "l", object_id);
	if (!r)
		return -1;
	*found = PQntuples(r) > 0;
	if (*found) {
		size_t size;
		unsigned char *data = pg_bytes(r, 0, 0, &size);
		buf_add(value, data, size);
		PQfreemem(data);
	}
	PQclear(r);
	return 0;
}

static int write_object_users(void *ctx, int64_t object_id, int users, const struct buf *value)
{
	return pg_run((struct storage *)ctx, "writing an object's users",
		      "INSERT INTO object_users VALUES($1, $2, $3) ON CONFLICT(object_id)"
		      " DO UPDATE SET users=excluded.users, data=excluded.data",
		      "ldb", object_id, users, value->data, value->len);
}

int pg_object_users_add(struct storage *s, const struct user_object *pairs, int n)
{
	const struct userpack_store store = {read_object_users, write_object_users, s};
	return userpack_add_pairs(pairs, n, &store, s->error, sizeof s->error);
}

#define PAIRS_PER_STATEMENT 5000

static void pair_row(const void *ctx, size_t i, int64_t *v, const void **bytes)
{
	const struct pair_list *l = ctx;
	const struct user_object *p = &l->pairs[i];
	v[0] = p->user_id;
	v[1] = p->object_id;
	v[2] = p->marks_size;
	*bytes = l->marks.data + p->marks_at;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every pair was new: each object's user count rises by its pairs, all
 * objects in one statement. */
static int count_new_pairs(struct storage *s, const struct user_object *pairs, int n)
{
	int64_t *objects = malloc(((size_t)n + 1) * sizeof *objects);
	if (!objects)
		abort();
	for (int i = 0; i < n; i++)
		objects[i] = pairs[i].object_id;
	qsort(objects, (size_t)n, sizeof *objects, by_id);
	struct buf ids = {0}, counts = {0};
	for (int i = 0, run; i < n; i += run) {
		for (run = 1; i + run < n && objects[i + run] == objects[i]; run++)
			;
		pg_array_int(&ids, objects[i]);
		pg_array_int(&counts, run);
	}
	int rc = pg_run(s, "counting users", "UPDATE objects o SET users=o.users + v.n"
		       " FROM unnest($1::bigint[], $2::bigint[]) AS v(id, n) WHERE o.id=v.id", "tt", pg_array_end(&ids),
		       pg_array_end(&counts));
	buf_free(&ids);
	buf_free(&counts);
	free(objects);
	return rc;
}

/* One statement's pairs as arrays: users, objects, marks. */
struct pair_arrays {
	struct buf users, objects, marks;
};

static void pair_arrays_add(struct pair_arrays *a, const struct user_object *p, const void *marks, size_t size)
{
	pg_array_int(&a->users, p->user_id);
	pg_array_int(&a->objects, p->object_id);
	pg_array_bytes(&a->marks, marks, size);
}

static void pair_arrays_free(struct pair_arrays *a)
{
	buf_free(&a->users);
	buf_free(&a->objects);
	buf_free(&a->marks);
	memset(a, 0, sizeof *a);
}

/* Known pairs' marks, replaced. */
static int update_marks(struct storage *s, struct pair_arrays *a)
{
	return pg_run(s, "indexing users' objects",
		      "UPDATE user_objects u SET marks=v.marks FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])"
		      " AS v(user_id, object_id, marks) WHERE u.user_id=v.user_id AND u.object_id=v.object_id",
		      "ttt", pg_array_end(&a->users), pg_array_end(&a->objects), pg_array_end(&a->marks));
}

/*
 * Some pairs of a statement's worth were known: those gain the marks they
 * did not have, and the new ones say which objects gain a user.
 */
static int add_some_pairs(struct storage *s, const struct pair_list *l, int at, int count)
{
	struct pair_arrays all = {0}, fresh = {0}, known = {0};
	for (int i = at; i < at + count; i++)
		pair_arrays_add(&all, &l->pairs[i], l->marks.data + l->pairs[i].marks_at, l->pairs[i].marks_size);
	PGresult *r = pg_query(s, "indexing users' objects",
			       "SELECT x.i, u.marks FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY"
			       " AS x(user_id, object_id, i) JOIN user_objects u USING (user_id, object_id) ORDER BY x.i",
			       "tt", pg_array_end(&all.users), pg_array_end(&all.objects));
	int rc = r ? 0 : -1;
	struct buf merged = {0};
	for (int i = at, row = 0; rc == 0 && i < at + count; i++) {
		const struct user_object *p = &l->pairs[i];
		const char *mine = l->marks.data + p->marks_at;
		if (row >= PQntuples(r) || pg_int(r, row, 0) != i - at + 1) {
			pair_arrays_add(&fresh, p, mine, p->marks_size);
			continue;
		}
		size_t size;
		unsigned char *have = pg_bytes(r, row++, 1, &size);
		int differs = pairmarks_merge(have, size, mine, p->marks_size, &merged);
		PQfreemem(have);
		if (differs < 0)
			rc = marks_damaged(s, p->user_id, p->object_id);
		else if (differs)
			pair_arrays_add(&known, p, merged.data, merged.len);
	}
	PQclear(r);
	buf_free(&merged);
	if (rc == 0 && fresh.users.len)
		rc = pg_run(s, "indexing users' objects",
			    "WITH added AS (INSERT INTO user_objects(user_id, object_id, marks)"
			    " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]) ON CONFLICT DO NOTHING"
			    " RETURNING object_id)"
			    " UPDATE objects o SET users=o.users + a.n FROM (SELECT object_id, count(*) AS n FROM added"
			    " GROUP BY object_id) a WHERE o.id=a.object_id",
			    "ttt", pg_array_end(&fresh.users), pg_array_end(&fresh.objects), pg_array_end(&fresh.marks));
	if (rc == 0 && known.users.len)
		rc = update_marks(s, &known);
	pair_arrays_free(&all);
	pair_arrays_free(&fresh);
	pair_arrays_free(&known);
	return rc;
}

int pg_storage_user_objects_add(struct storage *s, const struct pair_list *l)
{
	int n = l->count;
	if (n == 0)
		return 0;
	/* a file of new users: every pair new, by COPY */
	int rc = pg_copy_binary_all_new(s, "user_objects", "user_id, object_id, marks", "88b", (size_t)n, pair_row, l);
	if (rc == 1)
		rc = count_new_pairs(s, l->pairs, n);
	else
		for (int at = 0; rc == 0 && at < n; at += PAIRS_PER_STATEMENT)
			rc = add_some_pairs(s, l, at, n - at < PAIRS_PER_STATEMENT ? n - at : PAIRS_PER_STATEMENT);
	return rc < 0 ? -1 : pg_object_users_add(s, l->pairs, n);
}

int pg_object_events(struct storage *s, int64_t object_id, const struct event *cold, int n_cold, struct event **ev,
		     int *cap)
{
	PGresult *r = pg_query(s, "reading an object's events", "SELECT user_id, ts, kind, step_id, variant_id, alias_id,"
			       " label FROM events_hot WHERE object_id=$1", "l", object_id);
	if (!r)
		return -1;
	int n = n_cold;
	*ev = array_reserve(*ev, 0, cap, sizeof **ev, n_cold + PQntuples(r));
	if (n_cold > 0) /* cold may be NULL then */
		memcpy(*ev, cold, (size_t)n_cold * sizeof *cold);
	for (int i = 0; i < PQntuples(r); i++)
		pg_read_event(r, i, 0, object_id, &(*ev)[n++]);
	PQclear(r);
	if (n > 1)
		event_sort(*ev, (size_t)n);
	return n;
}

int pg_pair_marks_write(struct storage *s, const struct pair_list *l)
{
	int rc = 0;
	for (int at = 0; rc == 0 && at < l->count; at += PAIRS_PER_STATEMENT) {
		struct pair_arrays a = {0};
		for (int i = at; i < l->count && i < at + PAIRS_PER_STATEMENT; i++)
			pair_arrays_add(&a, &l->pairs[i], l->marks.data + l->pairs[i].marks_at, l->pairs[i].marks_size);
		rc = update_marks(s, &a);
		pair_arrays_free(&a);
	}
	return rc;
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
 * Decodes the chunk of row `row` of r, whose columns from `col` on are
 * chunk, n and data, onto the end of `out`.  Returns its events, or
 * STORAGE_DAMAGED.
 */
static int decode_chunk(struct storage *s, const PGresult *r, int row, int col, int64_t object_id,
			struct event_array *out)
{
	out->ev = array_reserve(out->ev, out->n, &out->cap, sizeof *out->ev, COLDPACK_CHUNK);
	size_t size;
	unsigned char *data = pg_bytes(r, row, col + 2, &size);
	int n = coldpack_decode(data, size, object_id, out->ev + out->n);
	PQfreemem(data);
	if (n < 0 || n != pg_int(r, row, col + 1)) {
		pg_fail(s, "cold chunk %lld of object %lld is damaged; run `thaw check`",
			(long long)pg_int(r, row, col), (long long)object_id);
		return STORAGE_DAMAGED;
	}
	out->n += n;
	return n;
}

/* Decodes all of an object's cold chunks onto the end of `out`. */
static int read_cold(struct storage *s, int64_t object_id, struct event_array *out)
{
	PGresult *r = pg_query(s, "reading cold events",
			       "SELECT chunk, n, data FROM events_cold WHERE object_id=$1 ORDER BY chunk", "l",
			       object_id);
	if (!r)
		return -1;
	int rc = 0;
	for (int i = 0; i < PQntuples(r) && rc >= 0; i++)
		rc = decode_chunk(s, r, i, 0, object_id, out);
	PQclear(r);
	return rc < 0 ? rc : 0;
}

int pg_storage_event_append_cold(struct storage *s, int64_t object_id, struct event *ev, size_t n, int64_t *added)
{
	*added = 0;
	if (n == 0)
		return 0;
	event_sort(ev, n);
	/* what is stored already, in either tier, is not stored twice */
	struct event_array existing = {0};
	if (read_cold(s, object_id, &existing) < 0) {
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
		event_sort(existing.ev, existing.n);
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

/*
 * A restore batch's cold chunks, decoded into one array; last_chunk[i] is
 * the last chunk read of objects[i].  One statement reads them all: the
 * objects in the order given, each one's chunks in order, until the
 * running sum of their events reaches max_rows (the chunk that reaches it
 * included), which is what reading object after object would take, without
 * a round trip each.  Returns how many objects it reached: a damaged one is
 * the last, with none of its events kept.
 */
static int read_restore_batch(struct storage *s, struct hot_move *objects, int n, int64_t max_rows,
			      struct event_array *a, int64_t *last_chunk)
{
	struct buf ids = {0};
	for (int i = 0; i < n; i++) {
		pg_array_int(&ids, objects[i].object_id);
		objects[i].moved = 0;
		objects[i].damaged = false;
	}
	/* no object can give more chunks than the whole budget needs */
	int64_t per_object = (max_rows + COLDPACK_CHUNK - 1) / COLDPACK_CHUNK + 1;
	PGresult *r = pg_query(s, "reading cold events",
			       "SELECT pos, chunk, n, data FROM (SELECT m.pos, c.chunk, c.n, c.data,"
			       "   sum(c.n) OVER (ORDER BY m.pos, c.chunk) - c.n AS before"
			       "  FROM unnest($1::bigint[]) WITH ORDINALITY AS m(id, pos), LATERAL"
			       "   (SELECT chunk, n, data FROM events_cold WHERE object_id=m.id"
			       "    ORDER BY chunk LIMIT $3) c) x"
			       " WHERE before < $2 ORDER BY pos, chunk",
			       "tll", pg_array_end(&ids), max_rows, per_object);
	buf_free(&ids);
	if (!r)
		return -1;
	int reached = n, first = 0, rows = PQntuples(r);
	int64_t read = 0;
	for (int row = 0; row < rows; row++) {
		int i = (int)pg_int(r, row, 0) - 1;
		struct hot_move *m = &objects[i];
		if (m->moved == 0)
			first = a->n;
		int decoded = decode_chunk(s, r, row, 1, m->object_id, a);
		if (decoded < 0) {
			m->damaged = true;
			m->moved = 0;
			a->n = first;
			reached = i + 1;
			break;
		}
		m->moved += decoded;
		read += decoded;
		last_chunk[i] = pg_int(r, row, 1);
		if (read >= max_rows)
			reached = i + 1;
	}
	PQclear(r);
	return reached;
}

/* The batch's events into the hot table, inserted[i] of objects[i]: none
 * can be hot already, but counting what went in keeps the objects' counts
 * true whatever happened. */
static int insert_restored(struct storage *s, const struct hot_move *objects, int n, const struct event_array *a,
			   int64_t *inserted)
{
	int all_new = copy_all_new(s, a->ev, (size_t)a->n);
	for (int i = 0; i < n; i++)
		inserted[i] = all_new > 0 ? objects[i].moved : 0;
	if (all_new != 0)
		return all_new < 0 ? -1 : 0;
	if (stage_events(s, a->ev, (size_t)a->n) < 0)
		return -1;
	PGresult *r = pg_query(s, "restoring events",
			       "WITH added AS (INSERT INTO events_hot SELECT " EVENT_COLUMNS " FROM staged_events"
			       " ON CONFLICT DO NOTHING RETURNING object_id)"
			       " SELECT object_id, count(*) FROM added GROUP BY object_id", "");
	for (int row = 0; r && row < PQntuples(r); row++)
		for (int i = 0; i < n; i++)
			if (objects[i].object_id == pg_int(r, row, 0))
				inserted[i] = pg_int(r, row, 1);
	PQclear(r);
	return r ? 0 : -1;
}

/* The batch's cold chunks read, gone; its objects' counts, one statement
 * for all, which says what each object is left with. */
static int settle_restored(struct storage *s, struct hot_move *objects, int n, const int64_t *last_chunk,
			   const int64_t *inserted)
{
	struct buf ids = {0}, chunks = {0}, hot = {0}, cold = {0};
	for (int i = 0; i < n; i++) {
		pg_array_int(&ids, objects[i].object_id);
		pg_array_int(&chunks, last_chunk[i]);
		pg_array_int(&hot, inserted[i]);
		pg_array_int(&cold, objects[i].moved);
	}
	PGresult *r = pg_query(s, "removing restored cold chunks",
			       "WITH m AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])"
			       "   AS m(id, last_chunk, hot, cold)),"
			       " gone AS (DELETE FROM events_cold c USING m WHERE c.object_id=m.id AND c.chunk<=m.last_chunk)"
			       " UPDATE objects o SET hot_events=o.hot_events+m.hot, cold_events=o.cold_events-m.cold"
			       " FROM m WHERE o.id=m.id"
			       " RETURNING o.id, o.hot_events, o.cold_events, o.status, coalesce(o.stopped_at, 0)",
			       "tttt", pg_array_end(&ids), pg_array_end(&chunks), pg_array_end(&hot), pg_array_end(&cold));
	for (int row = 0; r && row < PQntuples(r); row++)
		for (int i = 0; i < n; i++)
			if (objects[i].object_id == pg_int(r, row, 0)) {
				objects[i].hot_events = pg_int(r, row, 1);
				objects[i].cold_events = pg_int(r, row, 2);
				objects[i].status = (int)pg_int(r, row, 3);
				objects[i].stopped_at = pg_int(r, row, 4);
			}
	PQclear(r);
	buf_free(&ids);
	buf_free(&chunks);
	buf_free(&hot);
	buf_free(&cold);
	return r ? 0 : -1;
}

/* One COPY for the whole batch, and one statement for its chunks and
 * counts: small objects do not pay for their own. */
static int put_back_hot(struct storage *s, struct hot_move *objects, int n, const struct event_array *a,
			const int64_t *last_chunk)
{
	if (n == 0)
		return 0;
	int64_t *inserted = calloc((size_t)n, sizeof *inserted);
	if (!inserted)
		abort();
	int rc = a->n ? insert_restored(s, objects, n, a, inserted) : 0;
	if (rc == 0)
		rc = settle_restored(s, objects, n, last_chunk, inserted);
	free(inserted);
	return rc;
}

int pg_storage_move_to_hot(struct storage *s, struct hot_move *objects, int n, int64_t max_rows)
{
	struct event_array a = {0};
	int64_t *last_chunk = calloc((size_t)n + 1, sizeof *last_chunk);
	if (!last_chunk)
		abort();
	int reached = read_restore_batch(s, objects, n, max_rows, &a, last_chunk);
	int moving = reached > 0 && objects[reached - 1].damaged ? reached - 1 : reached;
	if (reached >= 0 && put_back_hot(s, objects, moving, &a, last_chunk) < 0)
		reached = -1;
	free(last_chunk);
	free(a.ev);
	return reached;
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
