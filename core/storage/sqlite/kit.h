/*
 * kit — what the SQLite storage files share, and nobody else sees: the
 * connection, a statement cache, error recording, binding and reading
 * helpers, and the stored enum values as SQL literals.
 *
 * Only files in this folder include it; the rest of thaw sees the
 * engine-neutral headers in storage/.
 */
#ifndef THAW_STORAGE_SQLITE_KIT_H
#define THAW_STORAGE_SQLITE_KIT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "storage/coldpack.h"
#include "storage/engine.h"
#include "storage/sql_literals.h"

#define STMT_CACHE 64

/* A SQLite workspace's connection: what storage/engine.h says every engine
 * keeps, then the database handle and its prepared statements. */
struct sqlite_storage {
	struct storage base;
	sqlite3 *db;
	struct {
		const char *sql; /* identity: the address of a string literal */
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	int cached;
	sqlite3_stmt *load; /* the INSERT of a copy in progress (copy.c) */
};

/* The SQLite connection behind a workspace this engine opened. */
static inline struct sqlite_storage *lite(struct storage *s) { return (struct sqlite_storage *)s; }

/* The operations of storage/engine_ops.h as this engine names them. */
int sqlite_storage_open(const char *path, int flags, struct storage **out, char *err, size_t errsize);
void sqlite_storage_close(struct storage *s);
void sqlite_storage_rollback(struct storage *s);
#define STORAGE_OP(type, name, params, args) type sqlite_storage_##name params;
#include "storage/engine_ops.h"
#undef STORAGE_OP

/* Applies the migrations the file lacks (schema.c); on open. */
int sql_migrate(struct storage *s);

/*
 * A prepared statement for `sql` (a string literal, cached by address),
 * reset and with bindings cleared.  NULL on error (reason set).
 */
sqlite3_stmt *sql_stmt(struct storage *s, const char *sql);

/* Records sqlite's message with a context and returns -1. */
int sql_fail(struct storage *s, const char *context);

/* Runs a statement to completion (no rows expected). */
int sql_exec(struct storage *s, sqlite3_stmt *st, const char *context);
/*
 * Runs one statement whose parameters are all integers, bound in order:
 *   SQL_RUN(s, "UPDATE objects SET expired_at=? WHERE id=?", "expiring", when, id)
 * A column that is NULL for "none" is written nullif(?, 0).
 */
int sql_run_ints(struct storage *s, const char *sql, const char *context, const int64_t *values, int n);
#define SQL_RUN(s, sql, context, ...)                                                  \
	sql_run_ints((s), (sql), (context), (const int64_t[]){__VA_ARGS__},            \
		     (int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)))
/* Runs several statements of text, uncached (schema, pragmas). */
int sql_exec_script(struct storage *s, const char *sql, const char *context);

/* Binds strings to parameters first, first + 1, ... (NULL binds NULL):
 *   SQL_BIND_TEXTS(st, 1, api_id, name) */
void sql_bind_texts(sqlite3_stmt *st, int first, const char *const *texts, int n);
#define SQL_BIND_TEXTS(st, first, ...)                                                 \
	sql_bind_texts((st), (first), (const char *const[]){__VA_ARGS__},              \
		       (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))
/* Binds 0 as NULL, for optional times and ids. */
void sql_bind_opt(sqlite3_stmt *st, int i, int64_t v);
char *sql_column_text(sqlite3_stmt *st, int i);

/* Steps a statement whose first column is an id, into a malloc'd array. */
int sql_collect_ids(struct storage *s, sqlite3_stmt *st, int64_t **ids, int *n, const char *ctx);

/* Steps a statement whose first column is text, into a malloc'd array. */
int sql_collect_texts(struct storage *s, sqlite3_stmt *st, char ***texts, int *n, const char *ctx);

/* One row of two integers for a key (0, 0 when there is none). */
int sql_query_pair(struct storage *s, sqlite3_stmt *st, int64_t key, int64_t *a, int64_t *b,
		   const char *context);
/* One row's id (and an optional second column) for a bound statement;
 * 0 when there is none. */
int sql_query_id(struct storage *s, sqlite3_stmt *st, int64_t *id, int64_t *second,
		 const char *context);
/* The same for `sql` with one text parameter, the key looked up. */
int sql_id_by_key(struct storage *s, const char *sql, const char *key, int64_t *id, int64_t *second,
		  const char *context);
/* Steps a statement that returns one id (INSERT … RETURNING id, an upsert). */
int sql_returning_id(struct storage *s, sqlite3_stmt *st, int64_t *id, const char *context);
/* The first column of a one-row query; *ok turns false on error. */
int64_t sql_scalar_int(struct storage *s, sqlite3_stmt *st, bool *ok);

/* Reads an event of one object from a row "user_id, ts, kind, step_id,
 * variant_id, alias_id, label". */
void sql_column_event(sqlite3_stmt *st, int64_t object_id, struct event *e);
/* Binds an event's eight key columns from parameter `first` on. */
void sql_bind_event(sqlite3_stmt *st, int first, const struct event *e);

/* The columns of an object row, read by sql_read_object_row. */
#define OBJECT_COLUMNS \
	"o.id, o.api_id, o.name, o.kind, o.status, o.ixd_state, o.channels," \
	" (SELECT group_concat(name, ',') FROM (SELECT t.name FROM object_tags ot" \
	"   JOIN tags t ON t.id=ot.tag_id WHERE ot.object_id=o.id ORDER BY t.name)) AS tags," \
	" o.created_at, o.first_sent_at, o.last_sent_at, o.stopped_at, o.expires_at," \
	" o.expired_at, o.last_restored_at, o.kept_by, o.hot_events, o.cold_events," \
	" o.restore_job, ji.events_done, ji.events_total, o.learned" \
	" FROM objects o LEFT JOIN job_items ji ON ji.job_id=o.restore_job AND ji.object_id=o.id"
struct object_row;
void sql_read_object_row(sqlite3_stmt *st, struct object_row *r);

/* Merges (user, object, kinds) pairs into the objects' packed users
 * (object_users, storage/userpack.h): events.c, and migration 8. */
struct user_object;
int sql_object_users_add(struct storage *s, const struct user_object *pairs, int n);
/* An object's users and kinds as its events say: the hot ones read here,
 * the cold ones (decoded by the caller) passed in; sorted by user,
 * distinct, into *u (*cap its capacity).  Returns the count, or -1. */
int sql_event_users(struct storage *s, int64_t object_id, const struct event *cold, int n_cold,
		    struct user_object **u, int *cap);
/* An object's hot events and the cold ones passed in, in key order, into
 * *ev (*cap its capacity); returns the count, or -1. */
int sql_object_events(struct storage *s, int64_t object_id, const struct event *cold, int n_cold, struct event **ev,
		      int *cap);
/* Stores the marks of pairs already in user_objects (migration 9). */
struct pair_list;
int sql_pair_marks_write(struct storage *s, const struct pair_list *l);

#endif
