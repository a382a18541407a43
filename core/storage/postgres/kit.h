/*
 * kit — what the PostgreSQL storage files share, and nobody else sees: the
 * connection, statements prepared once per connection, parameters passed
 * by a short type string, reading result values, and error recording.
 *
 * Only files in this folder include it; the rest of thaw sees the
 * engine-neutral headers in storage/.
 */
#ifndef THAW_STORAGE_POSTGRES_KIT_H
#define THAW_STORAGE_POSTGRES_KIT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "base/text.h"
#include "storage/coldpack.h"
#include "storage/engine.h"
#include "storage/sql_literals.h"

#define PG_STMT_CACHE 160

/* A PostgreSQL workspace's connection: what storage/engine.h says every
 * engine keeps, then libpq's connection and the statements it prepared. */
struct pg_storage {
	struct storage base;
	PGconn *conn;
	const char *prepared[PG_STMT_CACHE]; /* identity: the address of a string literal */
	int cached;
	/* the table a copy is loading (copy.c): its name, whether it has an
	 * id of its own (a sequence to move past the copied ids), and the COPY
	 * data not yet sent */
	struct pg_load {
		char table[64];
		bool has_id;
		struct buf data;
	} load;
	char sqlstate[6]; /* the last error's code, "" for none or one of ours */
	bool writing;   /* in a write transaction: its commit tells listeners */
	bool listening; /* LISTEN thaw_changes was said on this connection */
	bool lost;      /* the connection is gone: made again before the next statement */
	bool transient; /* the last error may pass on a retry (storage_error_transient) */
};

static inline struct pg_storage *pg(struct storage *s) { return (struct pg_storage *)s; }

/* The operations of storage/engine_ops.h as this engine names them. */
int pg_storage_open(const char *location, int flags, struct storage **out, char *err, size_t errsize);
void pg_storage_close(struct storage *s);
void pg_storage_rollback(struct storage *s);
#define STORAGE_OP(type, name, params, args) type pg_storage_##name params;
#include "storage/engine_ops.h"
#undef STORAGE_OP

/* The session's settings, after connecting and after reconnecting. */
int pg_session_setup(struct storage *s);

/* Applies the migrations the database lacks (schema.c); on open. */
int pg_migrate(struct storage *s);

/*
 * Runs `sql` (a string literal: prepared once per connection, keyed by its
 * address; $1, $2, ... its parameters) with parameters described by
 * `types`, one letter each, followed by their values:
 *   'd' int, 'l' int64_t, 'o' int64_t where 0 means NULL (optional dates
 *   and ids), 't' const char * (NULL for NULL), 'b' bytes: const void *,
 *   size_t.
 * Returns the result (PQclear it), or NULL with the reason in
 * storage_error(): "context: PostgreSQL's message".
 */
PGresult *pg_query(struct storage *s, const char *context, const char *sql, const char *types, ...);
/* The same for a statement built at run time (the list's filters):
 * prepared unnamed, every time. */
PGresult *pg_query_text(struct storage *s, const char *context, const char *sql, int n,
			const char *const *values);
/* Runs a statement without rows: the rows it changed, or -1. */
int64_t pg_exec(struct storage *s, const char *context, const char *sql, const char *types, ...);
/* The same, 0 or -1: pg_run(s, context, sql, types, ...) */
#define pg_run(...) (pg_exec(__VA_ARGS__) < 0 ? -1 : 0)
/* Runs a script of several statements, without parameters (the schema). */
int pg_script(struct storage *s, const char *context, const char *sql);

/* Result values: integers (NULL reads 0, booleans 1 and 0), text
 * (malloc'd; NULL stays NULL), bytes (malloc'd, *n their length). */
int64_t pg_int(const PGresult *r, int row, int col);
char *pg_text(const PGresult *r, int row, int col);
unsigned char *pg_bytes(const PGresult *r, int row, int col, size_t *n);

/* The first column of the first row as an integer (0 without a row);
 * -1 on error, else 0. */
int pg_scalar(struct storage *s, const char *context, int64_t *out, const char *sql, const char *types, ...);

/* Folds a libpq message onto one line, in place. */
void pg_one_line(char *text);

/* Records a failure of ours (not libpq's) and returns -1. */
int pg_fail(struct storage *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a failure the server or libpq reported (r, or the connection's
 * own message when r is NULL) as "context: message", noting whether the
 * connection is lost or the transaction may be retried; returns -1. */
int pg_fail_result(struct storage *s, const char *context, const PGresult *r);

/* Collects the first column of every row, as ids or as texts. */
int pg_collect_ids(struct storage *s, PGresult *r, int64_t **ids, int *n);
int pg_collect_texts(struct storage *s, PGresult *r, char ***texts, int *n);

/* Array literals for unnest($1::bigint[], ...): values added one by one
 * to a buf ("{1,2}", '{"\\x0a0b"}', '{"a \\"b\\"",NULL}'), then
 * pg_array_end closes it (an empty one too) and returns its text. */
void pg_array_int(struct buf *a, int64_t v);
void pg_array_bytes(struct buf *a, const void *data, size_t n);
void pg_array_text(struct buf *a, const char *text); /* NULL for NULL */
const char *pg_array_end(struct buf *a);

/* An event of one object from the row's columns from `col` on: "user_id,
 * ts, kind, step_id, variant_id, alias_id, label". */
void pg_read_event(const PGresult *r, int row, int col, int64_t object_id, struct event *e);

/*
 * COPY of n rows into `table`, the server's bulk path, in its
 * binary format: `widths` has a character a column, its size in bytes (2
 * smallint, 4 int, 8 bigint) or 'b' for bytea (at most 16 columns, one of
 * them bytes); row(ctx, i, values, bytes) fills the i-th row, a bytea
 * column's value being its size and *bytes its data.  The _all_new form
 * runs under a savepoint, for rows that are usually all new: 1 when they
 * were and are in, 0 when a key was there already (nothing added, the
 * caller takes the slower way), -1 on error.
 */
typedef void copy_row_fn(const void *ctx, size_t i, int64_t *values, const void **bytes);
int pg_copy_binary(struct storage *s, const char *table, const char *columns, const char *widths, size_t n,
		   copy_row_fn *row, const void *ctx);
int pg_copy_binary_all_new(struct storage *s, const char *table, const char *columns, const char *widths, size_t n,
			   copy_row_fn *row, const void *ctx);

/* Merges (user, object, kinds) pairs into the objects' packed users
 * (object_users, storage/userpack.h). */
struct user_object;
int pg_object_users_add(struct storage *s, const struct user_object *pairs, int n);
/* An object's hot events and the cold ones passed in, in key order, into
 * *ev (*cap its capacity); returns the count, or -1. */
int pg_object_events(struct storage *s, int64_t object_id, const struct event *cold, int n_cold, struct event **ev,
		     int *cap);
/* Stores the marks of pairs already in user_objects (migration 2). */
struct pair_list;
int pg_pair_marks_write(struct storage *s, const struct pair_list *l);

/* The columns of an object row, read by pg_read_object_row. */
#define OBJECT_COLUMNS \
	"o.id, o.api_id, o.name, o.kind, o.status, o.ixd_state, o.channels," \
	" (SELECT string_agg(t.name, ',' ORDER BY t.name) FROM object_tags ot" \
	"   JOIN tags t ON t.id=ot.tag_id WHERE ot.object_id=o.id) AS tags," \
	" o.created_at, o.first_sent_at, o.last_sent_at, o.stopped_at, o.expires_at," \
	" o.expired_at, o.last_restored_at, o.kept_by, o.hot_events, o.cold_events," \
	" o.restore_job, ji.events_done, ji.events_total, o.learned" \
	" FROM objects o LEFT JOIN job_items ji ON ji.job_id=o.restore_job AND ji.object_id=o.id"
struct object_row;
void pg_read_object_row(const PGresult *r, int row, struct object_row *o);

#endif
