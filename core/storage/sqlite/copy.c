/*
 * copy.c — a SQLite workspace's rows as they are stored, read and written
 * for copying between engines (see storage/copy.h).
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/text.h"

static sqlite3_stmt *prepare_built(struct storage *s, struct buf *sql, const char *context)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(lite(s)->db, sql->data, -1, &st, NULL) != SQLITE_OK)
		sql_fail(s, context);
	buf_free(sql);
	return st;
}

int sqlite_storage_rows_each(struct storage *s, const char *table, const char *columns, const char *where,
			     int (*fn)(void *ctx, const struct stored_value *row, int n), void *ctx)
{
	struct buf sql = {0};
	buf_printf(&sql, "SELECT %s FROM %s%s%s", columns, table, where ? " WHERE " : "", where ? where : "");
	sqlite3_stmt *st = prepare_built(s, &sql, "reading a table");
	if (!st)
		return -1;
	int n = sqlite3_column_count(st), rc, stop = 0;
	struct stored_value *row = calloc((size_t)n, sizeof *row);
	if (!row)
		abort();
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			struct stored_value *v = &row[i];
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL: *v = (struct stored_value){.type = STORED_NULL}; break;
			case SQLITE_INTEGER: *v = (struct stored_value){.type = STORED_INT, .i = sqlite3_column_int64(st, i)}; break;
			case SQLITE_BLOB:
				*v = (struct stored_value){.type = STORED_BYTES, .data = sqlite3_column_blob(st, i),
							   .len = (size_t)sqlite3_column_bytes(st, i)};
				break;
			default:
				*v = (struct stored_value){.type = STORED_TEXT, .data = (const char *)sqlite3_column_text(st, i),
							   .len = (size_t)sqlite3_column_bytes(st, i)};
			}
		}
		stop = fn(ctx, row, n);
	}
	if (!stop && rc != SQLITE_DONE)
		sql_fail(s, "reading a table");
	free(row);
	sqlite3_finalize(st);
	return stop < 0 || (!stop && rc != SQLITE_DONE) ? -1 : 0;
}

int sqlite_storage_rows_count(struct storage *s, const char *table, const char *where, int64_t *count)
{
	struct buf sql = {0};
	buf_printf(&sql, "SELECT count(*) FROM %s%s%s", table, where ? " WHERE " : "", where ? where : "");
	sqlite3_stmt *st = prepare_built(s, &sql, "counting rows");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc != SQLITE_ROW)
		sql_fail(s, "counting rows");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int sqlite_storage_rows_load_begin(struct storage *s, const char *table, const char *columns)
{
	struct buf sql = {0};
	buf_printf(&sql, "INSERT INTO %s(%s) VALUES(?", table, columns);
	for (const char *c = columns; *c; c++)
		if (*c == ',')
			buf_adds(&sql, ",?");
	buf_addc(&sql, ')');
	sqlite3_finalize(lite(s)->load);
	lite(s)->load = prepare_built(s, &sql, "preparing a copy");
	return lite(s)->load ? 0 : -1;
}

int sqlite_storage_rows_load(struct storage *s, const struct stored_value *row, int n)
{
	sqlite3_stmt *st = lite(s)->load;
	for (int i = 0; i < n; i++) {
		const struct stored_value *v = &row[i];
		if (v->type == STORED_INT)
			sqlite3_bind_int64(st, i + 1, v->i);
		else if (v->type == STORED_TEXT)
			sqlite3_bind_text(st, i + 1, v->data, (int)v->len, SQLITE_STATIC);
		else if (v->type == STORED_BYTES)
			sqlite3_bind_blob(st, i + 1, v->data, (int)v->len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i + 1);
	}
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "copying a row");
}

int sqlite_storage_rows_load_end(struct storage *s)
{
	sqlite3_finalize(lite(s)->load);
	lite(s)->load = NULL;
	return 0;
}
