/*
 * storage_internal — shared by the storage_*.c files only.
 */
#ifndef THAW_STORAGE_INTERNAL_H
#define THAW_STORAGE_INTERNAL_H

#include <sqlite3.h>

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
 * A prepared statement for `sql` (a string literal, cached by address),
 * reset and with bindings cleared.  NULL on error (reason set).
 */
sqlite3_stmt *stmt(struct storage *s, const char *sql);

/* Records sqlite's message with a context and returns -1. */
int fail(struct storage *s, const char *context);

/* Runs a statement to completion (no rows expected). */
int exec_stmt(struct storage *s, sqlite3_stmt *st, const char *context);

/* Binds 0 as NULL, for optional times and ids. */
void bind_opt(sqlite3_stmt *st, int i, int64_t v);
char *column_strdup(sqlite3_stmt *st, int i);

/* Steps a statement whose first column is an id, into a malloc'd array. */
int collect_int64(struct storage *s, sqlite3_stmt *st, int64_t **ids, int *n, const char *ctx);

/* One row of two integers for a key (0, 0 when there is none). */
int query_pair(struct storage *s, sqlite3_stmt *st, int64_t key, int64_t *a, int64_t *b,
	       const char *context);

/* Reads an event of one object from a row "user_id, ts, kind, step_id,
 * variant_id, alias_id, label". */
void column_event(sqlite3_stmt *st, int64_t object_id, struct event *e);

/* Binds an event's eight key columns from parameter `first` on. */
void bind_event(sqlite3_stmt *st, int first, const struct event *e);

#endif
