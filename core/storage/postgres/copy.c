/*
 * copy.c — a PostgreSQL workspace's rows as they are stored, read and
 * written for copying between engines (see storage/copy.h): read through
 * a cursor a few thousand rows at a time (memory stays bounded whatever
 * the table's size), written with COPY, the server's bulk path.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

#define ROWS_PER_FETCH 5000

/* The column types a workspace has, by their oids in pg_type. */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23

/* Hands each fetched row to fn; bytea values are decoded into `bytes`
 * (one slot a column) for the call. */
static int each_fetched(PGresult *r, struct stored_value *row, unsigned char **bytes, int n,
			int (*fn)(void *ctx, const struct stored_value *row, int n), void *ctx)
{
	int stop = 0;
	for (int i = 0; i < PQntuples(r) && !stop; i++) {
		for (int k = 0; k < n; k++) {
			struct stored_value *v = &row[k];
			Oid type = PQftype(r, k);
			size_t len;
			if (PQgetisnull(r, i, k)) {
				*v = (struct stored_value){.type = STORED_NULL};
			} else if (type == OID_BYTEA) {
				bytes[k] = pg_bytes(r, i, k, &len);
				*v = (struct stored_value){.type = STORED_BYTES, .data = (const char *)bytes[k], .len = len};
			} else if (type == OID_INT8 || type == OID_INT2 || type == OID_INT4) {
				*v = (struct stored_value){.type = STORED_INT, .i = pg_int(r, i, k)};
			} else {
				*v = (struct stored_value){.type = STORED_TEXT, .data = PQgetvalue(r, i, k),
							   .len = (size_t)PQgetlength(r, i, k)};
			}
		}
		stop = fn(ctx, row, n);
		for (int k = 0; k < n; k++) {
			PQfreemem(bytes[k]);
			bytes[k] = NULL;
		}
	}
	return stop;
}

int pg_storage_rows_each(struct storage *s, const char *table, const char *columns, const char *where,
			 int (*fn)(void *ctx, const struct stored_value *row, int n), void *ctx)
{
	struct buf sql = {0};
	buf_printf(&sql, "DECLARE thaw_rows NO SCROLL CURSOR FOR SELECT %s FROM %s%s%s", columns, table,
		   where ? " WHERE " : "", where ? where : "");
	int rc = pg_script(s, "reading a table", sql.data);
	buf_free(&sql);
	if (rc < 0)
		return -1;
	struct stored_value *row = NULL;
	unsigned char **bytes = NULL;
	int stop = 0;
	for (;;) {
		PGresult *r = pg_query_text(s, "reading a table", "FETCH 5000 FROM thaw_rows", 0, NULL);
		if (!r) {
			stop = -1;
			break;
		}
		int n = PQnfields(r), rows = PQntuples(r);
		if (!row && (!(row = calloc((size_t)n + 1, sizeof *row)) || !(bytes = calloc((size_t)n + 1, sizeof *bytes))))
			abort();
		stop = each_fetched(r, row, bytes, n, fn, ctx);
		PQclear(r);
		if (stop || rows < ROWS_PER_FETCH)
			break;
	}
	free(row);
	free(bytes);
	if (pg_script(s, "reading a table", "CLOSE thaw_rows") < 0 && stop == 0)
		stop = -1;
	return stop < 0 ? -1 : 0;
}

int pg_storage_rows_count(struct storage *s, const char *table, const char *where, int64_t *count)
{
	struct buf sql = {0};
	buf_printf(&sql, "SELECT count(*) FROM %s%s%s", table, where ? " WHERE " : "", where ? where : "");
	PGresult *r = pg_query_text(s, "counting rows", sql.data, 0, NULL);
	buf_free(&sql);
	*count = r ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return r ? 0 : -1;
}

/* A COPY's failure is a statement's: a connection lost in the middle is
 * noted as lost, so the worker reconnects and redoes the batch. */
static int copy_failed(struct storage *s, const PGresult *r)
{
	char context[160];
	snprintf(context, sizeof context, "copying into %s", pg(s)->load.table);
	return pg_fail_result(s, context, r);
}

/* COPY … FROM STDIN, in text or in PostgreSQL's binary format. */
static int copy_begin(struct storage *s, const char *table, const char *columns, bool binary)
{
	struct pg_load *loading = &pg(s)->load;
	snprintf(loading->table, sizeof loading->table, "%s", table);
	loading->has_id = strncmp(columns, "id,", 3) == 0;
	buf_reset(&loading->data);
	struct buf sql = {0};
	buf_printf(&sql, "COPY %s(%s) FROM STDIN%s", table, columns, binary ? " WITH (FORMAT binary)" : "");
	PGresult *r = PQexec(pg(s)->conn, sql.data);
	buf_free(&sql);
	bool ok = PQresultStatus(r) == PGRES_COPY_IN;
	if (!ok)
		copy_failed(s, r);
	PQclear(r);
	return ok ? 0 : -1;
}

int pg_storage_rows_load_begin(struct storage *s, const char *table, const char *columns)
{
	return copy_begin(s, table, columns, false);
}

/* COPY's text format: tab between columns, \N for NULL, backslash escapes. */
static void copy_text(struct buf *b, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
			buf_addc(b, '\\');
			ch = ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : '\\';
		}
		buf_addc(b, ch);
	}
}

static int flush(struct storage *s)
{
	struct pg_load *loading = &pg(s)->load;
	if (loading->data.len && PQputCopyData(pg(s)->conn, loading->data.data, (int)loading->data.len) != 1)
		return copy_failed(s, NULL);
	buf_reset(&loading->data);
	return 0;
}

int pg_storage_rows_load(struct storage *s, const struct stored_value *row, int n)
{
	static const char hex[] = "0123456789abcdef";
	struct buf *b = &pg(s)->load.data;
	for (int i = 0; i < n; i++) {
		const struct stored_value *v = &row[i];
		if (i)
			buf_addc(b, '\t');
		if (v->type == STORED_NULL) {
			buf_adds(b, "\\N");
		} else if (v->type == STORED_INT) {
			buf_printf(b, "%lld", (long long)v->i);
		} else if (v->type == STORED_TEXT) {
			copy_text(b, v->data, v->len);
		} else { /* bytea in hex, its backslash escaped for COPY */
			buf_adds(b, "\\\\x");
			for (size_t k = 0; k < v->len; k++) {
				buf_addc(b, hex[(unsigned char)v->data[k] >> 4]);
				buf_addc(b, hex[(unsigned char)v->data[k] & 15]);
			}
		}
	}
	buf_addc(b, '\n');
	return b->len >= 1 << 20 ? flush(s) : 0;
}

int pg_storage_rows_load_end(struct storage *s)
{
	struct pg_load *loading = &pg(s)->load;
	PGconn *conn = pg(s)->conn;
	int rc = flush(s);
	if (PQputCopyEnd(conn, rc < 0 ? "thaw stopped the copy" : NULL) != 1 && rc == 0)
		rc = copy_failed(s, NULL);
	PGresult *r;
	while ((r = PQgetResult(conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
			rc = copy_failed(s, r);
		PQclear(r);
	}
	buf_free(&loading->data);
	if (rc < 0)
		return -1;
	if (!loading->has_id)
		return 0;
	/* new rows after the copy take ids after the copied ones */
	struct buf sql = {0};
	buf_printf(&sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s", loading->table,
		   loading->table);
	PGresult *set = pg_query_text(s, "moving an id sequence", sql.data, 0, NULL);
	buf_free(&sql);
	PQclear(set);
	return set ? 0 : -1;
}

/* Appends v as a big-endian integer of `bytes` bytes. */
static void put_be(struct buf *b, int64_t v, int bytes)
{
	unsigned char out[8];
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		out[i] = (unsigned char)(v & 0xff);
	buf_add(b, out, (size_t)bytes);
}

int pg_copy_binary(struct storage *s, const char *table, const char *columns, const char *widths, size_t n,
		   copy_row_fn *row, const void *ctx)
{
	/* binary: the server reads each integer as it is, instead of parsing text */
	if (copy_begin(s, table, columns, true) < 0)
		return -1;
	struct buf *b = &pg(s)->load.data;
	int ncols = (int)strlen(widths), rc = 0;
	buf_add(b, "PGCOPY\n\377\r\n\0", 11);
	put_be(b, 0, 4); /* flags */
	put_be(b, 0, 4); /* header extension */
	int64_t values[16];
	for (size_t i = 0; i < n && rc == 0; i++) {
		const void *bytes = NULL;
		row(ctx, i, values, &bytes);
		put_be(b, ncols, 2);
		for (int k = 0; k < ncols; k++) {
			if (widths[k] == 'b') {
				put_be(b, values[k], 4);
				buf_add(b, bytes, (size_t)values[k]);
				continue;
			}
			int size = widths[k] - '0';
			put_be(b, size, 4);
			put_be(b, values[k], size);
		}
		if (b->len >= 1 << 20)
			rc = flush(s);
	}
	put_be(b, -1, 2); /* the end */
	return pg_storage_rows_load_end(s) < 0 ? -1 : rc;
}

int pg_copy_binary_all_new(struct storage *s, const char *table, const char *columns, const char *widths, size_t n,
			   copy_row_fn *row, const void *ctx)
{
	/* outside a transaction there is no savepoint to go back to */
	if (PQtransactionStatus(pg(s)->conn) != PQTRANS_INTRANS)
		return 0;
	if (pg_script(s, "copying rows", "SAVEPOINT all_new") < 0)
		return -1;
	if (pg_copy_binary(s, table, columns, widths, n, row, ctx) == 0)
		return pg_script(s, "copying rows", "RELEASE all_new") < 0 ? -1 : 1;
	if (strcmp(pg(s)->sqlstate, "23505") != 0) /* not a key already there: a real error */
		return -1;
	return pg_script(s, "copying rows", "ROLLBACK TO all_new; RELEASE all_new") < 0 ? -1 : 0;
}
