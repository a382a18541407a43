/*
 * kit.c — the PostgreSQL engine's shared helpers (see kit.h): statements
 * prepared once per connection, parameters as text, result values.
 *
 * Parameters travel as text (integers printed, bytes as binary), which
 * keeps every call site one line; the server parses them into the
 * column's type.
 */
#include "kit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

#define PG_MAX_PARAMS 64

/* A statement's parameters, as libpq wants them. */
struct params {
	int n;
	const char *value[PG_MAX_PARAMS];
	int length[PG_MAX_PARAMS];
	int format[PG_MAX_PARAMS];
	char number[PG_MAX_PARAMS][24];
};

static int collect_params(struct params *p, const char *types, va_list ap)
{
	memset(p, 0, sizeof *p);
	for (const char *t = types; *t; t++) {
		if (p->n == PG_MAX_PARAMS)
			return -1;
		int i = p->n++;
		int64_t v;
		switch (*t) {
		case 'd':
		case 'l':
		case 'o':
			v = *t == 'd' ? va_arg(ap, int) : va_arg(ap, int64_t);
			if (*t == 'o' && v == 0)
				break; /* NULL */
			snprintf(p->number[i], sizeof p->number[i], "%lld", (long long)v);
			p->value[i] = p->number[i];
			break;
		case 't':
			p->value[i] = va_arg(ap, const char *);
			break;
		case 'b':
			p->value[i] = va_arg(ap, const char *);
			p->length[i] = (int)va_arg(ap, size_t);
			p->format[i] = 1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* A failure libpq saw itself, with no code from the server (it closed
 * the connection, or never answered), or a server going away (class 08,
 * 57P01-57P03): the connection is gone.  libpq may still call it OK until
 * its next attempt to use it. */
static bool connection_lost(struct storage *s, const char *state)
{
	return PQstatus(pg(s)->conn) == CONNECTION_BAD || !state || strncmp(state, "08", 2) == 0 ||
	       strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

int pg_fail_result(struct storage *s, const char *context, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	struct pg_storage *c = pg(s);
	snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
	c->lost = connection_lost(s, state);
	/* gone, or undone by the server to let another transaction finish */
	c->transient = c->lost || (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0));
	const char *msg = r ? PQresultErrorMessage(r) : "";
	if (!*msg)
		msg = PQerrorMessage(pg(s)->conn);
	snprintf(s->error, sizeof s->error, "%s: %s", context, msg);
	pg_one_line(s->error);
	return -1;
}

void pg_one_line(char *text)
{
	/* libpq's messages run over lines ("\n\tIs the server running…") and
	 * end with a newline; thaw's are one line, for logs and the console */
	size_t out = 0;
	for (size_t in = 0; text[in]; in++) {
		if (text[in] == '\n' || text[in] == '\t') {
			if (out && text[out - 1] != ' ')
				text[out++] = ' ';
		} else {
			text[out++] = text[in];
		}
	}
	while (out && text[out - 1] == ' ')
		out--;
	text[out] = '\0';
}

int pg_fail(struct storage *s, const char *fmt, ...)
{
	va_list ap;
	pg(s)->transient = false;
	pg(s)->sqlstate[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof s->error, fmt, ap);
	va_end(ap);
	return -1;
}

static bool result_ok(const PGresult *r)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

/* The statement's name on this connection, preparing it the first time. */
static const char *prepared_name(struct storage *s, const char *sql, const struct params *p,
				 const char *context, char *name, size_t size)
{
	struct pg_storage *c = pg(s);
	int i = 0;
	while (i < c->cached && c->prepared[i] != sql)
		i++;
	snprintf(name, size, "thaw%d", i);
	if (i < c->cached)
		return name;
	if (i == PG_STMT_CACHE) {
		pg_fail(s, "%s: too many statements for the cache (PG_STMT_CACHE)", context);
		return NULL;
	}
	PGresult *r = PQprepare(c->conn, name, sql, p->n, NULL);
	bool ok = result_ok(r);
	if (!ok)
		pg_fail_result(s, context, r);
	PQclear(r);
	if (!ok)
		return NULL;
	c->prepared[c->cached++] = sql;
	return name;
}

int pg_session_setup(struct storage *s)
{
	if (s->read_only && pg_script(s, "opening read-only", "SET default_transaction_read_only = on") < 0)
		return -1;
	return pg_script(s, "configuring the connection", "SET client_min_messages = warning");
}

/*
 * A lost connection is made again before the next statement.  Statements
 * prepared on the old one are gone with it; so is any transaction, which
 * the caller learns from the error it got (storage_error_transient) and
 * redoes whole.
 */
static bool reconnect(struct storage *s)
{
	struct pg_storage *c = pg(s);
	if (!c->lost && PQstatus(c->conn) != CONNECTION_BAD)
		return true;
	PQreset(c->conn);
	c->cached = 0;
	c->listening = false; /* a new session listens to nothing yet */
	c->lost = PQstatus(c->conn) != CONNECTION_OK;
	return PQstatus(c->conn) == CONNECTION_OK && pg_session_setup(s) == 0;
}

static PGresult *run_once(struct storage *s, const char *context, const char *sql, const struct params *p)
{
	char name[16];
	if (!reconnect(s)) {
		pg_fail_result(s, context, NULL);
		return NULL;
	}
	if (!prepared_name(s, sql, p, context, name, sizeof name))
		return NULL;
	PGresult *r = PQexecPrepared(pg(s)->conn, name, p->n, p->value, p->length, p->format, 0);
	if (result_ok(r))
		return r;
	pg_fail_result(s, context, r);
	PQclear(r);
	return NULL;
}

static PGresult *run(struct storage *s, const char *context, const char *sql, const char *types, va_list ap)
{
	struct params p;
	if (collect_params(&p, types, ap) < 0) {
		pg_fail(s, "%s: bad parameter list '%s'", context, types);
		return NULL;
	}
	/* outside a transaction a statement lost with the connection is one
	 * of its own: done again on a new connection, once */
	bool alone = PQtransactionStatus(pg(s)->conn) == PQTRANS_IDLE;
	PGresult *r = run_once(s, context, sql, &p);
	if (!r && alone && pg(s)->lost)
		r = run_once(s, context, sql, &p);
	return r;
}

PGresult *pg_query(struct storage *s, const char *context, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	PGresult *r = run(s, context, sql, types, ap);
	va_end(ap);
	return r;
}

int64_t pg_exec(struct storage *s, const char *context, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	PGresult *r = run(s, context, sql, types, ap);
	va_end(ap);
	if (!r)
		return -1;
	int64_t changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return changed;
}

int pg_scalar(struct storage *s, const char *context, int64_t *out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	PGresult *r = run(s, context, sql, types, ap);
	va_end(ap);
	*out = r && PQntuples(r) > 0 ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return r ? 0 : -1;
}

PGresult *pg_query_text(struct storage *s, const char *context, const char *sql, int n,
			const char *const *values)
{
	if (!reconnect(s)) {
		pg_fail_result(s, context, NULL);
		return NULL;
	}
	PGresult *r = PQexecParams(pg(s)->conn, sql, n, NULL, values, NULL, NULL, 0);
	if (result_ok(r))
		return r;
	pg_fail_result(s, context, r);
	PQclear(r);
	return NULL;
}

int pg_script(struct storage *s, const char *context, const char *sql)
{
	PGresult *r = PQexec(pg(s)->conn, sql);
	int rc = result_ok(r) ? 0 : pg_fail_result(s, context, r);
	PQclear(r);
	return rc;
}

int64_t pg_int(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	const char *v = PQgetvalue(r, row, col);
	if (v[0] == 't' || v[0] == 'f') /* a boolean expression */
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

char *pg_text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

unsigned char *pg_bytes(const PGresult *r, int row, int col, size_t *n)
{
	*n = 0;
	if (PQgetisnull(r, row, col))
		return NULL;
	return PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), n);
}

int pg_collect_ids(struct storage *s, PGresult *r, int64_t **ids, int *n)
{
	(void)s;
	*ids = NULL;
	*n = 0;
	if (!r)
		return -1;
	int rows = PQntuples(r), cap = 0;
	for (int i = 0; i < rows; i++) {
		*ids = array_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = pg_int(r, i, 0);
	}
	PQclear(r);
	return 0;
}

int pg_collect_texts(struct storage *s, PGresult *r, char ***texts, int *n)
{
	(void)s;
	*texts = NULL;
	*n = 0;
	if (!r)
		return -1;
	int rows = PQntuples(r), cap = 0;
	for (int i = 0; i < rows; i++) {
		*texts = array_grow(*texts, *n, &cap, sizeof **texts);
		(*texts)[(*n)++] = pg_text(r, i, 0);
	}
	PQclear(r);
	return 0;
}

void pg_read_event(const PGresult *r, int row, int col, int64_t object_id, struct event *e)
{
	e->object_id = object_id;
	e->user_id = pg_int(r, row, col);
	e->ts = pg_int(r, row, col + 1);
	e->kind = (int)pg_int(r, row, col + 2);
	e->step_id = pg_int(r, row, col + 3);
	e->variant_id = pg_int(r, row, col + 4);
	e->alias_id = pg_int(r, row, col + 5);
	e->label = (int)pg_int(r, row, col + 6);
}

static void array_next(struct buf *a)
{
	buf_addc(a, a->len ? ',' : '{');
}

void pg_array_int(struct buf *a, int64_t v)
{
	array_next(a);
	buf_printf(a, "%lld", (long long)v);
}

void pg_array_bytes(struct buf *a, const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	array_next(a);
	buf_adds(a, "\"\\\\x");
	for (size_t i = 0; i < n; i++) {
		buf_addc(a, hex[((const unsigned char *)data)[i] >> 4]);
		buf_addc(a, hex[((const unsigned char *)data)[i] & 15]);
	}
	buf_addc(a, '"');
}

void pg_array_text(struct buf *a, const char *text)
{
	array_next(a);
	if (!text) {
		buf_adds(a, "NULL");
		return;
	}
	/* quoted, so that commas, braces, spaces and the word NULL stay text */
	buf_addc(a, '"');
	for (; *text; text++) {
		if (*text == '"' || *text == '\\')
			buf_addc(a, '\\');
		buf_addc(a, *text);
	}
	buf_addc(a, '"');
}

const char *pg_array_end(struct buf *a)
{
	if (!a->len)
		buf_addc(a, '{');
	buf_addc(a, '}');
	return a->data;
}
