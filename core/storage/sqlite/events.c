/*
 * events.c — adding events and moving one object's events between the hot
 * table and its packed cold chunks (see storage/events.h).
 */
#include "kit.h"
#include "storage/objects.h"
#include "storage/events.h"
#include "storage/lifecycle.h"
#include "storage/pairmarks.h"
#include "storage/userpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Builds "INSERT OR IGNORE INTO table VALUES(row),(row)...suffix" once into
 * a static buffer, so the statement cache (keyed by address) keeps it.
 */
static const char *multi_insert(char *sql, size_t size, const char *table, const char *row, int rows,
				const char *suffix)
{
	if (!sql[0]) {
		struct buf b = {0};
		buf_printf(&b, "INSERT OR IGNORE INTO %s VALUES", table);
		for (int i = 0; i < rows; i++)
			buf_printf(&b, "%s%s", i ? "," : "", row);
		snprintf(sql, size, "%s%s", b.data, suffix);
		buf_free(&b);
	}
	return sql;
}

static int insert_hot_one(struct storage *s, const struct event *e, bool *inserted)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT OR IGNORE INTO events_hot VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sql_bind_event(st, 1, e);
	if (sql_exec(s, st, "storing an event") < 0)
		return -1;
	*inserted = sqlite3_changes(lite(s)->db) > 0;
	return 0;
}

/*
 * Events go into the hot table many rows per statement: binding and
 * stepping one row at a time costs more than SQLite's own insert work.
 */
#define ROWS_PER_INSERT 64

static const char *multi_row_insert(void)
{
	static char sql[64 + ROWS_PER_INSERT * 20];
	return multi_insert(sql, sizeof sql, "events_hot", "(?,?,?,?,?,?,?,?)", ROWS_PER_INSERT, "");
}

/*
 * An import's events: which were new is what changes() says when it is
 * all or none of a statement (a new file, or one imported again); a
 * statement of both is undone to its savepoint and its rows inserted one
 * by one, to know each.
 */
int sqlite_storage_events_insert_hot(struct storage *s, const struct event *ev, int n, bool *inserted)
{
	int at = 0;
	sqlite3_stmt *many = n >= ROWS_PER_INSERT ? sql_stmt(s, multi_row_insert()) : NULL;
	for (; many && at + ROWS_PER_INSERT <= n; at += ROWS_PER_INSERT) {
		for (int i = 0; i < ROWS_PER_INSERT; i++)
			sql_bind_event(many, 1 + 8 * i, &ev[at + i]);
		if (sql_exec(s, sql_stmt(s, "SAVEPOINT hot_batch"), "storing events") < 0 ||
		    sql_exec(s, many, "storing events") < 0)
			return -1;
		int changed = sqlite3_changes(lite(s)->db);
		if (changed > 0 && changed < ROWS_PER_INSERT) {
			if (sql_exec(s, sql_stmt(s, "ROLLBACK TO hot_batch"), "storing events") < 0)
				return -1;
			for (int i = 0; i < ROWS_PER_INSERT; i++)
				if (insert_hot_one(s, &ev[at + i], &inserted[at + i]) < 0)
					return -1;
		} else {
			for (int i = 0; i < ROWS_PER_INSERT; i++)
				inserted[at + i] = changed > 0;
		}
		if (sql_exec(s, sql_stmt(s, "RELEASE hot_batch"), "storing events") < 0)
			return -1;
	}
	for (; at < n; at++)
		if (insert_hot_one(s, &ev[at], &inserted[at]) < 0)
			return -1;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Adds the new users per object to objects.users, one UPDATE per object. */
static int add_user_counts(struct storage *s, int64_t *objects, int n)
{
	if (n > 1)
		qsort(objects, (size_t)n, sizeof *objects, by_id);
	for (int i = 0, run; i < n; i += run) {
		for (run = 1; i + run < n && objects[i + run] == objects[i]; run++)
			;
		if (SQL_RUN(s, "UPDATE objects SET users=users+? WHERE id=?", "counting users", run, objects[i]) < 0)
			return -1;
	}
	return 0;
}

#define PAIRS_PER_INSERT 100

/*
 * Which pairs are new decides the objects' user counts.  Every call stamps
 * the rows it inserts with a number of its own (import_seq): a batch whose
 * changes() is all of it needs no more, and otherwise each pair is asked
 * whether it carries this call's stamp; the ones that do not were known,
 * and their marks gain the new ones.  RETURNING would say which are new
 * too, at three times the cost of the insert.
 */
static const char *multi_pair_insert(void)
{
	static char sql[64 + PAIRS_PER_INSERT * 12];
	return multi_insert(sql, sizeof sql, "user_objects", "(?,?,?,?)", PAIRS_PER_INSERT, "");
}

static int next_pair_seq(struct storage *s, int64_t *seq)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO meta VALUES('pair_seq', '1') ON CONFLICT(key)"
				       " DO UPDATE SET value=value+1 RETURNING value");
	return sql_returning_id(s, st, seq, "numbering an import");
}

static void bind_pair(sqlite3_stmt *st, int at, const struct pair_list *l, const struct user_object *p, int64_t seq)
{
	sqlite3_bind_int64(st, at, p->user_id);
	sqlite3_bind_int64(st, at + 1, p->object_id);
	sqlite3_bind_int64(st, at + 2, seq);
	sqlite3_bind_blob(st, at + 3, l->marks.data + p->marks_at, (int)p->marks_size, SQLITE_STATIC);
}

/* Stores a known pair's marks, merged with new ones. */
static int write_marks(struct storage *s, const struct user_object *p, const struct buf *marks)
{
	sqlite3_stmt *write = sql_stmt(s, "UPDATE user_objects SET marks=? WHERE user_id=? AND object_id=?");
	if (!write)
		return -1;
	sqlite3_bind_blob(write, 1, marks->data, (int)marks->len, SQLITE_STATIC);
	sqlite3_bind_int64(write, 2, p->user_id);
	sqlite3_bind_int64(write, 3, p->object_id);
	return sql_exec(s, write, "indexing users' objects");
}

/* Whether the pair's row carries this call's stamp; if not, the stored
 * marks merged with the pair's go into *merged (*changed: they differ). */
static int known_pair(struct storage *s, const struct pair_list *l, const struct user_object *p, int64_t seq,
		      bool *is_new, struct buf *merged, bool *changed)
{
	sqlite3_stmt *read = sql_stmt(s, "SELECT import_seq, marks FROM user_objects WHERE user_id=? AND object_id=?");
	if (!read)
		return -1;
	sqlite3_bind_int64(read, 1, p->user_id);
	sqlite3_bind_int64(read, 2, p->object_id);
	if (sqlite3_step(read) != SQLITE_ROW) {
		sqlite3_reset(read);
		return sql_fail(s, "counting users");
	}
	*is_new = sqlite3_column_int64(read, 0) == seq;
	int rc = *is_new ? 0 : pairmarks_merge(sqlite3_column_blob(read, 1), (size_t)sqlite3_column_bytes(read, 1),
					       l->marks.data + p->marks_at, p->marks_size, merged);
	sqlite3_reset(read);
	if (rc < 0)
		return marks_damaged(s, p->user_id, p->object_id);
	*changed = rc == 1;
	return 0;
}

/* Appends the objects of the batch's pairs that this call inserted, and
 * merges the marks of those it did not. */
static int note_new_pairs(struct storage *s, const struct pair_list *l, int at, int n, int changed, int64_t seq,
			  int64_t **objects, int *count, int *cap)
{
	struct buf merged = {0};
	int rc = 0;
	for (int i = at; i < at + n && rc == 0; i++) {
		const struct user_object *p = &l->pairs[i];
		bool is_new = changed == n, differs = false;
		if (!is_new)
			rc = known_pair(s, l, p, seq, &is_new, &merged, &differs);
		if (rc == 0 && differs)
			rc = write_marks(s, p, &merged);
		if (rc == 0 && is_new) {
			*objects = array_grow(*objects, *count, cap, sizeof **objects);
			(*objects)[(*count)++] = p->object_id;
		}
	}
	buf_free(&merged);
	return rc;
}

/* object_users as userpack_add_pairs reads and writes it */
static int read_object_users(void *ctx, int64_t object_id, struct buf *value, bool *found)
{
	struct storage *s = ctx;
	sqlite3_stmt *read = sql_stmt(s, "SELECT data FROM object_users WHERE object_id=?");
	if (!read)
		return -1;
	sqlite3_bind_int64(read, 1, object_id);
	int rc = sqlite3_step(read);
	*found = rc == SQLITE_ROW;
	if (*found)
		buf_add(value, sqlite3_column_blob(read, 0), (size_t)sqlite3_column_bytes(read, 0));
	sqlite3_reset(read);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "reading an object's users");
}

static int write_object_users(void *ctx, int64_t object_id, int users, const struct buf *value)
{
	struct storage *s = ctx;
	sqlite3_stmt *write = sql_stmt(s, "INSERT OR REPLACE INTO object_users VALUES(?, ?, ?)");
	if (!write)
		return -1;
	sqlite3_bind_int64(write, 1, object_id);
	sqlite3_bind_int64(write, 2, users);
	sqlite3_bind_blob(write, 3, value->data, (int)value->len, SQLITE_STATIC);
	return sql_exec(s, write, "writing an object's users");
}

int sql_event_users(struct storage *s, int64_t object_id, const struct event *cold, int n_cold,
		    struct user_object **u, int *cap)
{
	int n = 0;
	for (int i = 0; i < n_cold; i++) {
		*u = array_grow(*u, n, cap, sizeof **u);
		(*u)[n++] = (struct user_object){.user_id = cold[i].user_id, .object_id = object_id, .kinds = 1u << cold[i].kind};
	}
	sqlite3_stmt *st = sql_stmt(s, "SELECT user_id, sum(DISTINCT 1 << kind) FROM events_hot"
				       " WHERE object_id=? GROUP BY user_id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*u = array_grow(*u, n, cap, sizeof **u);
		(*u)[n++] = (struct user_object){.user_id = sqlite3_column_int64(st, 0), .object_id = object_id,
						 .kinds = (uint32_t)sqlite3_column_int64(st, 1)};
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sql_fail(s, "reading an object's users");
	return user_objects_compact(*u, n, USERS_BY_OBJECT);
}

int sql_object_events(struct storage *s, int64_t object_id, const struct event *cold, int n_cold, struct event **ev,
		      int *cap)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT user_id, ts, kind, step_id, variant_id, alias_id, label"
				       " FROM events_hot WHERE object_id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	*ev = array_reserve(*ev, 0, cap, sizeof **ev, n_cold);
	if (n_cold > 0) /* cold may be NULL then */
		memcpy(*ev, cold, (size_t)n_cold * sizeof *cold);
	int n = n_cold, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ev = array_grow(*ev, n, cap, sizeof **ev);
		sql_column_event(st, object_id, &(*ev)[n++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sql_fail(s, "reading an object's events");
	if (n_cold > 0)
		event_sort(*ev, (size_t)n);
	return n;
}

int sql_pair_marks_write(struct storage *s, const struct pair_list *l)
{
	for (int i = 0; i < l->count; i++) {
		const struct user_object *p = &l->pairs[i];
		struct buf marks = {l->marks.data + p->marks_at, p->marks_size, 0};
		if (write_marks(s, p, &marks) < 0)
			return -1;
	}
	return 0;
}

int sql_object_users_add(struct storage *s, const struct user_object *pairs, int n)
{
	const struct userpack_store store = {read_object_users, write_object_users, s};
	return userpack_add_pairs(pairs, n, &store, s->error, sizeof s->error);
}

int sqlite_storage_user_objects_add(struct storage *s, const struct pair_list *l)
{
	const struct user_object *pairs = l->pairs;
	int n = l->count;
	int64_t *objects = NULL, seq;
	int added = 0, cap = 0, at = 0;
	int rc = n ? next_pair_seq(s, &seq) : 0;
	sqlite3_stmt *many = rc == 0 && n >= PAIRS_PER_INSERT ? sql_stmt(s, multi_pair_insert()) : NULL;
	for (; many && rc == 0 && at + PAIRS_PER_INSERT <= n; at += PAIRS_PER_INSERT) {
		for (int i = 0; i < PAIRS_PER_INSERT; i++)
			bind_pair(many, 1 + 4 * i, l, &pairs[at + i], seq);
		rc = sql_exec(s, many, "indexing users' objects");
		if (rc == 0)
			rc = note_new_pairs(s, l, at, PAIRS_PER_INSERT, sqlite3_changes(lite(s)->db), seq, &objects,
					    &added, &cap);
	}
	sqlite3_stmt *one = rc == 0 && at < n ? sql_stmt(s, "INSERT OR IGNORE INTO user_objects VALUES(?, ?, ?, ?)") : NULL;
	for (; one && rc == 0 && at < n; at++) {
		bind_pair(one, 1, l, &pairs[at], seq);
		rc = sql_exec(s, one, "indexing users' objects");
		if (rc == 0)
			rc = note_new_pairs(s, l, at, 1, sqlite3_changes(lite(s)->db), seq, &objects, &added, &cap);
	}
	if (rc == 0 && at < n)
		rc = -1; /* sql_stmt said why */
	if (rc == 0)
		rc = add_user_counts(s, objects, added);
	if (rc == 0 && n > 0)
		rc = sql_object_users_add(s, pairs, n);
	free(objects);
	return rc;
}

static int next_chunk_number(struct storage *s, int64_t object_id, int64_t *chunk)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT coalesce(max(chunk), 0) + 1 FROM events_cold WHERE object_id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int rc = sqlite3_step(st);
	*chunk = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sql_fail(s, "numbering cold chunks");
}

/* Packs sorted events into as many chunks as needed, numbered from *chunk. */
static int write_chunks(struct storage *s, int64_t object_id, const struct event *ev, size_t n,
			int64_t *chunk)
{
	struct buf blob = {0};
	for (size_t at = 0; at < n; at += COLDPACK_CHUNK) {
		size_t count = n - at < COLDPACK_CHUNK ? n - at : COLDPACK_CHUNK;
		buf_reset(&blob);
		coldpack_encode(ev + at, count, &blob);
		sqlite3_stmt *st = sql_stmt(s, "INSERT INTO events_cold(object_id, chunk, n, data) VALUES(?,?,?,?)");
		if (!st) {
			buf_free(&blob);
			return -1;
		}
		sqlite3_bind_int64(st, 1, object_id);
		sqlite3_bind_int64(st, 2, (*chunk)++);
		sqlite3_bind_int64(st, 3, (int64_t)count);
		sqlite3_bind_blob(st, 4, blob.data, (int)blob.len, SQLITE_STATIC);
		if (sql_exec(s, st, "writing cold events") < 0) {
			buf_free(&blob);
			return -1;
		}
	}
	buf_free(&blob);
	return 0;
}

struct event_array {
	struct event *ev;
	int n, cap;
};

static struct event *event_array_room(struct event_array *a, int extra)
{
	a->ev = array_reserve(a->ev, a->n, &a->cap, sizeof *a->ev, extra);
	return a->ev + a->n;
}

/*
 * Decodes cold chunks of an object in chunk order, at least `min_events`
 * (all when 0).  *last_chunk is the last chunk read, *stored the events the
 * chunks said they held.
 */
static int read_cold(struct storage *s, int64_t object_id, int64_t min_events,
		     struct event_array *out, int64_t *last_chunk, int64_t *stored)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT chunk, n, data FROM events_cold WHERE object_id=? ORDER BY chunk");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	*last_chunk = 0;
	*stored = 0;
	int rc = SQLITE_DONE;
	while ((min_events == 0 || *stored < min_events) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event *room = event_array_room(out, COLDPACK_CHUNK);
		int n = coldpack_decode(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
					object_id, room);
		if (n < 0 || n != sqlite3_column_int(st, 1)) {
			snprintf(s->error, sizeof s->error,
				 "cold chunk %lld of object %lld is damaged; run `thaw check`",
				 (long long)sqlite3_column_int64(st, 0), (long long)object_id);
			sqlite3_reset(st);
			return STORAGE_DAMAGED;
		}
		out->n += n;
		*stored += n;
		*last_chunk = sqlite3_column_int64(st, 0);
	}
	if (min_events == 0 || *stored < min_events) {
		if (rc != SQLITE_DONE) {
			sqlite3_reset(st);
			return sql_fail(s, "reading cold events");
		}
	}
	sqlite3_reset(st);
	return 0;
}

static bool hot_has(struct storage *s, const struct event *e, int *err)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT 1 FROM events_hot WHERE object_id=? AND user_id=? AND ts=?"
				   " AND kind=? AND step_id=? AND variant_id=? AND alias_id=? AND label=?");
	if (!st) {
		*err = -1;
		return false;
	}
	sql_bind_event(st, 1, e);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		*err = sql_fail(s, "checking an event");
	return rc == SQLITE_ROW;
}

int sqlite_storage_event_append_cold(struct storage *s, int64_t object_id, struct event *ev, size_t n,
			      int64_t *added)
{
	*added = 0;
	if (n == 0)
		return 0;
	event_sort(ev, n);
	int64_t hot_count, cold_count;
	if (storage_object_counts(s, object_id, &hot_count, &cold_count) < 0)
		return -1;
	/* What is already stored must not be stored twice: decode the object's
	 * cold chunks once (an import into an expired object is rare). */
	struct event_array existing = {0};
	int64_t last, stored;
	if (cold_count > 0 && read_cold(s, object_id, 0, &existing, &last, &stored) < 0) {
		free(existing.ev);
		return -1;
	}
	if (existing.n)
		event_sort(existing.ev, existing.n);
	size_t kept = 0;
	int err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		if (i > 0 && event_compare(&ev[i], &ev[i - 1]) == 0)
			continue;
		if (existing.n && bsearch(&ev[i], existing.ev, existing.n, sizeof *ev, event_compare))
			continue;
		if (hot_count > 0 && hot_has(s, &ev[i], &err))
			continue;
		ev[kept++] = ev[i];
	}
	free(existing.ev);
	if (err)
		return -1;
	int64_t chunk;
	if (kept == 0)
		return 0;
	if (next_chunk_number(s, object_id, &chunk) < 0 || write_chunks(s, object_id, ev, kept, &chunk) < 0 ||
	    storage_object_add_counts(s, object_id, 0, (int64_t)kept) < 0)
		return -1;
	*added = (int64_t)kept;
	return 0;
}

int sqlite_storage_move_to_cold(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved)
{
	*moved = 0;
	sqlite3_stmt *st = sql_stmt(s, "SELECT user_id, ts, kind, step_id, variant_id, alias_id, label"
				   " FROM events_hot WHERE object_id=? ORDER BY user_id, ts, kind,"
				   " step_id, variant_id, alias_id, label LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	sqlite3_bind_int64(st, 2, max_rows);
	struct event_array a = {0};
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sql_column_event(st, object_id, event_array_room(&a, 1));
		a.n++;
	}
	/* finish the read before writing the same table (SQLite isolation rule) */
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(a.ev);
		return sql_fail(s, "reading hot events");
	}
	if (a.n == 0) {
		free(a.ev);
		return 0;
	}
	int64_t chunk;
	int result = next_chunk_number(s, object_id, &chunk);
	if (result == 0)
		result = write_chunks(s, object_id, a.ev, a.n, &chunk);
	if (result == 0) {
		const struct event *last = &a.ev[a.n - 1];
		sqlite3_stmt *del = (int64_t)a.n < max_rows
			? sql_stmt(s, "DELETE FROM events_hot WHERE object_id=?1")
			: sql_stmt(s, "DELETE FROM events_hot WHERE object_id=?1 AND"
				  " (user_id, ts, kind, step_id, variant_id, alias_id, label) <="
				  " (?2, ?3, ?4, ?5, ?6, ?7, ?8)");
		if (!del) {
			result = -1;
		} else {
			sqlite3_bind_int64(del, 1, object_id);
			if ((int64_t)a.n >= max_rows) {
				sqlite3_bind_int64(del, 2, last->user_id);
				sqlite3_bind_int64(del, 3, last->ts);
				sqlite3_bind_int(del, 4, last->kind);
				sqlite3_bind_int64(del, 5, last->step_id);
				sqlite3_bind_int64(del, 6, last->variant_id);
				sqlite3_bind_int64(del, 7, last->alias_id);
				sqlite3_bind_int(del, 8, last->label);
			}
			result = sql_exec(s, del, "removing moved hot events");
		}
	}
	if (result == 0 && (int64_t)sqlite3_changes(lite(s)->db) != (int64_t)a.n) {
		snprintf(s->error, sizeof s->error, "moving object %lld: deleted %d hot rows, expected %d",
			 (long long)object_id, sqlite3_changes(lite(s)->db), a.n);
		result = -1;
	}
	if (result == 0)
		result = storage_object_add_counts(s, object_id, -(int64_t)a.n, (int64_t)a.n);
	if (result == 0)
		*moved = (int64_t)a.n;
	free(a.ev);
	return result;
}

/* A restore's batch: no event of it can be hot already, but a count of
 * what went in keeps the object's counts true whatever happened. */
static int insert_hot_many(struct storage *s, const struct event *ev, size_t n, int64_t *inserted)
{
	*inserted = 0;
	size_t at = 0;
	sqlite3_stmt *many = n >= ROWS_PER_INSERT ? sql_stmt(s, multi_row_insert()) : NULL;
	for (; many && at + ROWS_PER_INSERT <= n; at += ROWS_PER_INSERT) {
		for (int i = 0; i < ROWS_PER_INSERT; i++)
			sql_bind_event(many, 1 + i * 8, &ev[at + i]);
		if (sql_exec(s, many, "restoring events") < 0)
			return -1;
		*inserted += sqlite3_changes(lite(s)->db);
	}
	for (; at < n; at++) {
		bool fresh;
		if (insert_hot_one(s, &ev[at], &fresh) < 0)
			return -1;
		*inserted += fresh;
	}
	return 0;
}

static int move_object_to_hot(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved)
{
	*moved = 0;
	struct event_array a = {0};
	int64_t last_chunk, stored, inserted;
	int read = read_cold(s, object_id, max_rows, &a, &last_chunk, &stored);
	if (read < 0) {
		free(a.ev);
		return read;
	}
	if (a.n == 0) {
		free(a.ev);
		return 0;
	}
	int rc = insert_hot_many(s, a.ev, a.n, &inserted);
	free(a.ev);
	if (rc < 0)
		return -1;
	sqlite3_stmt *del = sql_stmt(s, "DELETE FROM events_cold WHERE object_id=? AND chunk<=?");
	if (!del)
		return -1;
	sqlite3_bind_int64(del, 1, object_id);
	sqlite3_bind_int64(del, 2, last_chunk);
	if (sql_exec(s, del, "removing restored cold chunks") < 0 ||
	    storage_object_add_counts(s, object_id, inserted, -stored) < 0)
		return -1;
	*moved = stored;
	return 0;
}

/* What the restore needs of the object after its move. */
static int read_moved_object(struct storage *s, struct hot_move *m)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT hot_events, cold_events, status, coalesce(stopped_at, 0)"
				   " FROM objects WHERE id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, m->object_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->hot_events = sqlite3_column_int64(st, 0);
		m->cold_events = sqlite3_column_int64(st, 1);
		m->status = sqlite3_column_int(st, 2);
		m->stopped_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "reading a restored object");
}

int sqlite_storage_move_to_hot(struct storage *s, struct hot_move *objects, int n, int64_t max_rows)
{
	/* object after object: a statement costs no round trip here */
	int reached = 0;
	for (int64_t budget = max_rows; reached < n && budget > 0; budget -= objects[reached++].moved) {
		struct hot_move *m = &objects[reached];
		int rc = move_object_to_hot(s, m->object_id, budget, &m->moved);
		m->damaged = rc == STORAGE_DAMAGED;
		if (m->damaged)
			return reached + 1;
		if (rc < 0 || read_moved_object(s, m) < 0)
			return -1;
	}
	return reached;
}

int sqlite_storage_count_events(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold)
{
	sqlite3_stmt *h = object_id
		? sql_stmt(s, "SELECT count(*) FROM events_hot WHERE object_id=?")
		: sql_stmt(s, "SELECT count(*) FROM events_hot WHERE ?=0");
	if (!h)
		return -1;
	sqlite3_bind_int64(h, 1, object_id);
	int rc = sqlite3_step(h);
	*hot = sqlite3_column_int64(h, 0);
	sqlite3_reset(h);
	if (rc != SQLITE_ROW)
		return sql_fail(s, "counting hot events");
	sqlite3_stmt *c = object_id
		? sql_stmt(s, "SELECT coalesce(sum(n), 0) FROM events_cold WHERE object_id=?")
		: sql_stmt(s, "SELECT coalesce(sum(n), 0) FROM events_cold WHERE ?=0");
	if (!c)
		return -1;
	sqlite3_bind_int64(c, 1, object_id);
	rc = sqlite3_step(c);
	*cold = sqlite3_column_int64(c, 0);
	sqlite3_reset(c);
	return rc == SQLITE_ROW ? 0 : sql_fail(s, "counting cold events");
}
