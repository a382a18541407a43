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
#include "storage/storage.h"

#define STMT_CACHE 64

struct storage {
	sqlite3 *db;
	char *path;
	bool read_only;
	char error[512];
	struct {
		const char *sql; /* identity: the address of a string literal */
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	int cached;
};

/*
 * Stored enum values, spelled for SQL.  Statements are string literals
 * (the statement cache keys on their address), so the values are spliced
 * in as literals; each one is checked against its enum here, at compile
 * time, and a renumbered enum does not build.
 */
#define SQL_ENUM(name, value, text) _Static_assert((name) == (value), #name " is stored as " text)
#define SQL_IXD_NONE "0"
#define SQL_IXD_AVAILABLE "1"
#define SQL_IXD_EXPIRED "2"
#define SQL_IXD_RESTORING "3"
#define SQL_IXD_PURGED "4"
#define SQL_KIND_CAMPAIGN "0"
#define SQL_KIND_CANVAS "1"
#define SQL_JOB_QUEUED "0"
#define SQL_JOB_RUNNING "1"
#define SQL_ITEM_PENDING "0"
#define SQL_ITEM_CANCELLED "6"
SQL_ENUM(IXD_NONE, 0, SQL_IXD_NONE);
SQL_ENUM(IXD_AVAILABLE, 1, SQL_IXD_AVAILABLE);
SQL_ENUM(IXD_EXPIRED, 2, SQL_IXD_EXPIRED);
SQL_ENUM(IXD_RESTORING, 3, SQL_IXD_RESTORING);
SQL_ENUM(IXD_PURGED, 4, SQL_IXD_PURGED);
SQL_ENUM(KIND_CAMPAIGN, 0, SQL_KIND_CAMPAIGN);
SQL_ENUM(KIND_CANVAS, 1, SQL_KIND_CANVAS);
SQL_ENUM(JOB_QUEUED, 0, SQL_JOB_QUEUED);
SQL_ENUM(JOB_RUNNING, 1, SQL_JOB_RUNNING);
SQL_ENUM(ITEM_PENDING, 0, SQL_ITEM_PENDING);
SQL_ENUM(ITEM_CANCELLED, 6, SQL_ITEM_CANCELLED);

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
/* Runs several statements of text, uncached (schema, pragmas). */
int sql_exec_script(struct storage *s, const char *sql, const char *context);

/* Binds 0 as NULL, for optional times and ids. */
void sql_bind_opt(sqlite3_stmt *st, int i, int64_t v);
char *sql_column_text(sqlite3_stmt *st, int i);

/* Steps a statement whose first column is an id, into a malloc'd array. */
int sql_collect_ids(struct storage *s, sqlite3_stmt *st, int64_t **ids, int *n, const char *ctx);

/* One row of two integers for a key (0, 0 when there is none). */
int sql_query_pair(struct storage *s, sqlite3_stmt *st, int64_t key, int64_t *a, int64_t *b,
		   const char *context);
/* One row's id (and an optional second column) for a bound statement;
 * 0 when there is none. */
int sql_query_id(struct storage *s, sqlite3_stmt *st, int64_t *id, int64_t *second,
		 const char *context);
/* Steps an INSERT … RETURNING id. */
int sql_upsert_returning(struct storage *s, sqlite3_stmt *st, int64_t *id, const char *context);
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

#endif
