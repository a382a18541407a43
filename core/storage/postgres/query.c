/*
 * query.c — the list's queries on PostgreSQL: a WHERE clause built from
 * the operator's filter terms (every value a parameter, never spliced),
 * sorting and paging, and what a restore of a selection would touch.
 *
 * Sorted as the SQLite engine sorts: text byte by byte (the schema's
 * COLLATE "C") and NULLs first going up, last going down.
 */
#include "kit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"

static const char *const sort_columns[SORT__COUNT] = SQL_SORT_COLUMNS;

/* The statement being built and its parameters, as text, numbered in order. */
struct query {
	struct buf sql;
	char *param[2 * QUERY_MAX_TERMS + 16];
	int params;
};

/* Appends "$n" for a new parameter. */
static void param_text(struct query *q, const char *value)
{
	if (q->params == (int)(sizeof q->param / sizeof q->param[0]))
		return;
	q->param[q->params++] = strdup(value);
	buf_printf(&q->sql, "$%d", q->params);
}

static void param_int(struct query *q, int64_t v)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)v);
	param_text(q, text);
}

static void query_free(struct query *q)
{
	for (int i = 0; i < q->params; i++)
		free(q->param[i]);
	buf_free(&q->sql);
}

static void append_week(struct query *b, int week, const struct object_query *q)
{
	buf_adds(&b->sql, "(o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NULL AND o.expires_at IS NOT NULL"
			  " AND o.expires_at <= ");
	param_int(b, q->now + (int64_t)week * CLOCK_WEEK);
	buf_adds(&b->sql, " AND o.expires_at > ");
	param_int(b, week <= 1 ? INT64_MIN : q->now + (int64_t)(week - 1) * CLOCK_WEEK);
	buf_adds(&b->sql, ")");
}

static void append_state(struct query *b, int state, const struct object_query *q)
{
	if (state == STATE_FILTER_EXPIRING) {
		buf_adds(&b->sql, "(o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NULL"
				  " AND o.expires_at IS NOT NULL AND o.expires_at < ");
		param_int(b, q->now + (int64_t)q->soon_days * 86400);
		buf_adds(&b->sql, ")");
	} else if (state == STATE_FILTER_KEPT) {
		buf_adds(&b->sql, "(o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NOT NULL)");
	} else {
		buf_adds(&b->sql, "o.ixd_state=");
		param_int(b, state);
	}
}

static void append_tag(struct query *b, const char *tag)
{
	buf_adds(&b->sql, "EXISTS(SELECT 1 FROM object_tags ot JOIN tags t ON t.id=ot.tag_id"
			  " WHERE ot.object_id=o.id AND t.name=");
	param_text(b, tag);
	buf_adds(&b->sql, ")");
}

static void append_name(struct query *b, const char *search)
{
	char *fold = text_fold_case(search);
	buf_adds(&b->sql, "strpos(o.name_fold, ");
	param_text(b, fold);
	buf_adds(&b->sql, ") > 0");
	free(fold);
}

static void append_term(struct query *b, const struct query_term *t, const struct object_query *q)
{
	buf_adds(&b->sql, t->negate ? " AND NOT " : " AND ");
	switch (t->field) {
	case TERM_NAME: append_name(b, t->text); break;
	case TERM_TAG: append_tag(b, t->text); break;
	case TERM_STATE: append_state(b, t->value, q); break;
	case TERM_STATUS: buf_adds(&b->sql, "o.status="), param_int(b, t->value); break;
	case TERM_KIND: buf_adds(&b->sql, "o.kind="), param_int(b, t->value); break;
	case TERM_WEEK: append_week(b, t->value, q); break;
	}
}

static void build_where(const struct object_query *q, struct query *b)
{
	buf_adds(&b->sql, " WHERE true");
	for (int i = 0; i < q->term_count && i < QUERY_MAX_TERMS; i++)
		append_term(b, &q->terms[i], q);
	if (q->kind >= 0)
		buf_adds(&b->sql, " AND o.kind="), param_int(b, q->kind);
	if (q->status >= 0)
		buf_adds(&b->sql, " AND o.status="), param_int(b, q->status);
	if (q->state >= 0) {
		buf_adds(&b->sql, " AND ");
		append_state(b, q->state, q);
	}
	if (q->tag) {
		buf_adds(&b->sql, " AND ");
		append_tag(b, q->tag);
	}
	if (q->search && *q->search) {
		buf_adds(&b->sql, " AND ");
		append_name(b, q->search);
	}
}

/* A sort key with NULLs where SQLite puts them.  Only the keys that can
 * be NULL say so: a NULLS FIRST on a key that never is would keep the
 * server from reading it in an index's order. */
static void order_by(struct buf *sql, const char *key, bool descending)
{
	static const char *const nullable[] = {"o.last_sent_at", "o.expires_at", "o.expired_at", "tags"};
	bool may_be_null = false;
	for (size_t i = 0; i < sizeof nullable / sizeof nullable[0]; i++)
		may_be_null |= strcmp(key, nullable[i]) == 0;
	buf_printf(sql, "%s%s%s", key, descending ? " DESC" : "",
		   !may_be_null ? "" : descending ? " NULLS LAST" : " NULLS FIRST");
}

/* Runs "SELECT <what> FROM ... WHERE <query>", with the query's order and
 * page when `ordered`. */
static PGresult *run_object_query(struct storage *s, const struct object_query *q, const char *what, bool ordered,
				  const char *context)
{
	struct query b = {0};
	buf_printf(&b.sql, "SELECT %s", what);
	build_where(q, &b);
	if (ordered) {
		int sort = q->sort >= 0 && q->sort < SORT__COUNT ? q->sort : SORT_NAME;
		bool desc = q->descending;
		buf_adds(&b.sql, " ORDER BY ");
		if (sort == SORT_EXPIRES) {
			/* "expires" sorts in the stated order of objects.h, then by date */
			order_by(&b.sql, EXPIRY_ORDER, desc);
			buf_adds(&b.sql, ", ");
			order_by(&b.sql, "o.expires_at", desc);
			buf_adds(&b.sql, ", ");
			order_by(&b.sql, "o.expired_at", desc);
		} else {
			const char *key = sort_columns[sort];
			const char *comma = strchr(key, ',');
			if (comma) { /* "a IS NULL, a" */
				char first[64];
				snprintf(first, sizeof first, "%.*s", (int)(comma - key), key);
				order_by(&b.sql, first, desc);
				buf_adds(&b.sql, ", ");
				order_by(&b.sql, comma + 2, desc);
			} else {
				order_by(&b.sql, key, desc);
			}
		}
		buf_adds(&b.sql, ", ");
		order_by(&b.sql, "o.name_fold", desc);
		buf_adds(&b.sql, ", o.id");
		if (q->limit > 0)
			buf_printf(&b.sql, " LIMIT %lld", (long long)q->limit);
		buf_printf(&b.sql, " OFFSET %lld", (long long)q->offset);
	}
	PGresult *r = pg_query_text(s, context, b.sql.data, b.params, (const char *const *)b.param);
	query_free(&b);
	return r;
}

int pg_storage_list_objects(struct storage *s, const struct object_query *q, struct object_list *out)
{
	memset(out, 0, sizeof *out);
	PGresult *r = run_object_query(s, q, OBJECT_COLUMNS, true, "listing objects");
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		out->rows = array_grow(out->rows, out->count, &cap, sizeof *out->rows);
		pg_read_object_row(r, i, &out->rows[out->count++]);
	}
	PQclear(r);
	return 0;
}

int pg_storage_count_objects(struct storage *s, const struct object_query *q, int64_t *count)
{
	PGresult *r = run_object_query(s, q, "count(*) FROM objects o", false, "counting objects");
	*count = r ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return r ? 0 : -1;
}

int pg_storage_list_ids(struct storage *s, const struct object_query *q, int64_t **ids, int *n)
{
	return pg_collect_ids(s, run_object_query(s, q, "o.id FROM objects o", true, "listing ids"), ids, n);
}

int pg_storage_selection_summary(struct storage *s, const int64_t *ids, int n, struct selection_summary *out)
{
	memset(out, 0, sizeof *out);
	struct buf list = {0};
	buf_addc(&list, '{');
	for (int i = 0; i < n; i++)
		buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_addc(&list, '}');
	PGresult *r = pg_query(s, "summarising a selection",
		"SELECT count(*), count(*) FILTER (WHERE ixd_state=" SQL_IXD_EXPIRED "),"
		" count(*) FILTER (WHERE ixd_state=" SQL_IXD_EXPIRED " AND kind=" SQL_KIND_CAMPAIGN "),"
		" count(*) FILTER (WHERE ixd_state=" SQL_IXD_EXPIRED " AND kind=" SQL_KIND_CANVAS "),"
		" sum(CASE WHEN ixd_state=" SQL_IXD_EXPIRED " THEN cold_events + hot_events END),"
		" count(*) FILTER (WHERE ixd_state=" SQL_IXD_AVAILABLE "),"
		" count(*) FILTER (WHERE ixd_state=" SQL_IXD_RESTORING "),"
		" count(*) FILTER (WHERE ixd_state=" SQL_IXD_PURGED "), count(*) FILTER (WHERE ixd_state=" SQL_IXD_NONE ")"
		" FROM objects WHERE id = ANY($1::bigint[])", "t", list.data);
	if (r) {
		int64_t *fields[] = {&out->objects, &out->restorable, &out->campaigns, &out->canvases, &out->events,
				     &out->not_expired, &out->busy, &out->purged, &out->no_data};
		for (int i = 0; i < 9; i++)
			*fields[i] = pg_int(r, 0, i);
		PQclear(r);
		r = pg_query(s, "naming a selection",
			     "SELECT name FROM objects WHERE id = ANY($1::bigint[]) AND ixd_state=" SQL_IXD_EXPIRED
			     " ORDER BY name_fold LIMIT 5", "t", list.data);
	}
	buf_free(&list);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r) && out->names < 5; i++)
		snprintf(out->first_names[out->names++], sizeof out->first_names[0], "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}
