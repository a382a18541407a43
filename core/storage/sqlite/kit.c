/*
 * kit.c — the helpers every SQLite storage file shares (see kit.h), and
 * transactions, which the migrations need before the workspace is open.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

sqlite3_stmt *sql_stmt(struct storage *s, const char *sql)
{
	for (int i = 0; i < lite(s)->cached; i++) {
		if (lite(s)->cache[i].sql == sql) {
			sqlite3_stmt *hit = lite(s)->cache[i].stmt;
			/* most recently used first: a loop over rows finds its
			 * statement at once */
			if (i > 0) {
				memmove(&lite(s)->cache[1], &lite(s)->cache[0], (size_t)i * sizeof lite(s)->cache[0]);
				lite(s)->cache[0].sql = sql;
				lite(s)->cache[0].stmt = hit;
			}
			sqlite3_reset(hit);
			sqlite3_clear_bindings(hit);
			return hit;
		}
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(lite(s)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sql_fail(s, "prepare");
		return NULL;
	}
	/* sized for every statement in the program; were it ever full, the
	 * least recently used goes */
	if (lite(s)->cached == STMT_CACHE)
		sqlite3_finalize(lite(s)->cache[--lite(s)->cached].stmt);
	memmove(&lite(s)->cache[1], &lite(s)->cache[0], (size_t)lite(s)->cached * sizeof lite(s)->cache[0]);
	lite(s)->cache[0].sql = sql;
	lite(s)->cache[0].stmt = st;
	lite(s)->cached++;
	return st;
}

int sql_fail(struct storage *s, const char *context)
{
	int code = sqlite3_extended_errcode(lite(s)->db);
	const char *msg = sqlite3_errmsg(lite(s)->db);
	if (code == SQLITE_FULL || code == SQLITE_IOERR_WRITE)
		snprintf(s->error, sizeof s->error, "%s: %s (is the disk full?)", context, msg);
	else if (code == SQLITE_READONLY || (code & 0xff) == SQLITE_READONLY)
		snprintf(s->error, sizeof s->error, "%s: %s (the database is read-only here)", context, msg);
	else
		snprintf(s->error, sizeof s->error, "%s: %s", context, msg);
	return -1;
}

int sql_exec(struct storage *s, sqlite3_stmt *st, const char *context)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sql_fail(s, context);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int sql_run_ints(struct storage *s, const char *sql, const char *context, const int64_t *values, int n)
{
	sqlite3_stmt *st = sql_stmt(s, sql);
	if (!st)
		return -1;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, values[i]);
	return sql_exec(s, st, context);
}

int sql_exec_script(struct storage *s, const char *sql, const char *context)
{
	char *msg = NULL;
	if (sqlite3_exec(lite(s)->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(s->error, sizeof s->error, "%s: %s", context, msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

void sql_bind_texts(sqlite3_stmt *st, int first, const char *const *texts, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, first + i, texts[i], -1, SQLITE_STATIC);
}

void sql_bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

char *sql_column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

int sql_collect_ids(struct storage *s, sqlite3_stmt *st, int64_t **ids, int *n, const char *ctx)
{
	*ids = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = array_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, ctx);
}

int sql_collect_texts(struct storage *s, sqlite3_stmt *st, char ***texts, int *n, const char *ctx)
{
	*texts = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*texts = array_grow(*texts, *n, &cap, sizeof **texts);
		(*texts)[(*n)++] = sql_column_text(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, ctx);
}

int sql_query_pair(struct storage *s, sqlite3_stmt *st, int64_t object_id, int64_t *a, int64_t *b,
		       const char *context)
{
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int rc = sqlite3_step(st);
	*a = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*b = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, context);
}

void sql_column_event(sqlite3_stmt *st, int64_t object_id, struct event *e)
{
	e->object_id = object_id;
	e->user_id = sqlite3_column_int64(st, 0);
	e->ts = sqlite3_column_int64(st, 1);
	e->kind = sqlite3_column_int(st, 2);
	e->step_id = sqlite3_column_int64(st, 3);
	e->variant_id = sqlite3_column_int64(st, 4);
	e->alias_id = sqlite3_column_int64(st, 5);
	e->label = sqlite3_column_int(st, 6);
}

void sql_bind_event(sqlite3_stmt *st, int first, const struct event *e)
{
	sqlite3_bind_int64(st, first, e->object_id);
	sqlite3_bind_int64(st, first + 1, e->user_id);
	sqlite3_bind_int64(st, first + 2, e->ts);
	sqlite3_bind_int(st, first + 3, e->kind);
	sqlite3_bind_int64(st, first + 4, e->step_id);
	sqlite3_bind_int64(st, first + 5, e->variant_id);
	sqlite3_bind_int64(st, first + 6, e->alias_id);
	sqlite3_bind_int(st, first + 7, e->label);
}

int sql_query_id(struct storage *s, sqlite3_stmt *st, int64_t *id, int64_t *second,
		    const char *context)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (second)
		*second = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, context);
}

int sql_id_by_key(struct storage *s, const char *sql, const char *key, int64_t *id, int64_t *second,
		  const char *context)
{
	sqlite3_stmt *st = sql_stmt(s, sql);
	if (st)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return sql_query_id(s, st, id, second, context);
}

int sql_returning_id(struct storage *s, sqlite3_stmt *st, int64_t *id, const char *ctx)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sql_fail(s, ctx);
}

int64_t sql_scalar_int(struct storage *s, sqlite3_stmt *st, bool *ok)
{
	if (!st) {
		*ok = false;
		return 0;
	}
	int rc = sqlite3_step(st);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc != SQLITE_ROW) {
		sql_fail(s, "summarising the workspace");
		*ok = false;
	}
	sqlite3_reset(st);
	return v;
}

/* Transactions are the kit's too: the migrations run in them. */

int sqlite_storage_begin(struct storage *s)
{
	return sql_exec(s, sql_stmt(s, "BEGIN IMMEDIATE"), "starting a transaction");
}

int sqlite_storage_begin_step(struct storage *s)
{
	return sqlite_storage_begin(s); /* one writer at a time, whatever it does */
}

int sqlite_storage_begin_read(struct storage *s)
{
	return sql_exec(s, sql_stmt(s, "BEGIN DEFERRED"), "starting a read");
}

int sqlite_storage_commit(struct storage *s)
{
	return sql_exec(s, sql_stmt(s, "COMMIT"), "committing");
}

void sqlite_storage_rollback(struct storage *s)
{
	if (!sqlite3_get_autocommit(lite(s)->db))
		sql_exec_script(s, "ROLLBACK", "rolling back");
}
