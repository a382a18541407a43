/*
 * query.c — the list's queries: a WHERE clause built from the operator's
 * filter terms (every value bound, never spliced), sorting and paging, and
 * what a restore of a selection would touch.
 */
#include "kit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "storage/objects.h"

static const char *const sort_columns[SORT__COUNT] = SQL_SORT_COLUMNS;

/* Appends the WHERE clause for a query and returns the bind list in order. */
struct binds {
	const char *text[QUERY_MAX_TERMS + 4];
	int64_t ints[2 * QUERY_MAX_TERMS + 8];
	char kinds[3 * QUERY_MAX_TERMS + 12]; /* 't' text, 'i' int, in order */
	int count, texts, nints;
};

static void bind_text(struct binds *b, const char *t) { b->kinds[b->count++] = 't', b->text[b->texts++] = t; }
static void bind_int(struct binds *b, int64_t v) { b->kinds[b->count++] = 'i', b->ints[b->nints++] = v; }

static void append_week(struct buf *sql, struct binds *b, int week, const struct object_query *q)
{
	buf_adds(sql, "(o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NULL AND o.expires_at IS NOT NULL"
		      " AND o.expires_at <= ? AND o.expires_at > ?)");
	bind_int(b, q->now + (int64_t)week * CLOCK_WEEK);
	bind_int(b, week <= 1 ? INT64_MIN : q->now + (int64_t)(week - 1) * CLOCK_WEEK);
}

static void append_state(struct buf *sql, struct binds *b, int state, const struct object_query *q)
{
	if (state == STATE_FILTER_EXPIRING) {
		buf_adds(sql, "(o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NULL AND o.expires_at IS NOT NULL"
			      " AND o.expires_at < ?)");
		bind_int(b, q->now + (int64_t)q->soon_days * 86400);
	} else if (state == STATE_FILTER_KEPT) {
		buf_adds(sql, "(o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NOT NULL)");
	} else {
		buf_adds(sql, "o.ixd_state=?");
		bind_int(b, state);
	}
}

static void append_tag(struct buf *sql, struct binds *b, const char *tag)
{
	buf_adds(sql, "EXISTS(SELECT 1 FROM object_tags ot JOIN tags t ON t.id=ot.tag_id"
		      " WHERE ot.object_id=o.id AND t.name=?)");
	bind_text(b, tag);
}

/* Folded search texts are kept until the query has run. */
struct folds {
	char *text[QUERY_MAX_TERMS + 1];
	int count;
};

static void append_name(struct buf *sql, struct binds *b, const char *search, struct folds *f)
{
	char *fold = text_fold_case(search);
	f->text[f->count++] = fold;
	buf_adds(sql, "instr(o.name_fold, ?) > 0");
	bind_text(b, fold);
}

static void append_term(struct buf *sql, struct binds *b, const struct query_term *t,
			const struct object_query *q, struct folds *f)
{
	buf_adds(sql, t->negate ? " AND NOT " : " AND ");
	switch (t->field) {
	case TERM_NAME: append_name(sql, b, t->text, f); break;
	case TERM_TAG: append_tag(sql, b, t->text); break;
	case TERM_STATE: append_state(sql, b, t->value, q); break;
	case TERM_STATUS: buf_adds(sql, "o.status=?"), bind_int(b, t->value); break;
	case TERM_KIND: buf_adds(sql, "o.kind=?"), bind_int(b, t->value); break;
	case TERM_WEEK: append_week(sql, b, t->value, q); break;
	}
}

static void folds_free(struct folds *f)
{
	for (int i = 0; i < f->count; i++)
		free(f->text[i]);
}

static void build_where(const struct object_query *q, struct buf *sql, struct binds *b,
			struct folds *f)
{
	buf_adds(sql, " WHERE 1");
	for (int i = 0; i < q->term_count && i < QUERY_MAX_TERMS; i++)
		append_term(sql, b, &q->terms[i], q, f);
	if (q->kind >= 0) {
		buf_adds(sql, " AND o.kind=?");
		bind_int(b, q->kind);
	}
	if (q->status >= 0) {
		buf_adds(sql, " AND o.status=?");
		bind_int(b, q->status);
	}
	if (q->state >= 0) {
		buf_adds(sql, " AND ");
		append_state(sql, b, q->state, q);
	}
	if (q->tag) {
		buf_adds(sql, " AND ");
		append_tag(sql, b, q->tag);
	}
	if (q->search && *q->search) {
		buf_adds(sql, " AND ");
		append_name(sql, b, q->search, f);
	}
}

static sqlite3_stmt *prepare_query(struct storage *s, const char *sql, const struct binds *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(lite(s)->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sql_fail(s, "preparing a query");
		return NULL;
	}
	int t = 0, i = 0;
	for (int k = 0; k < b->count; k++) {
		if (b->kinds[k] == 't')
			sqlite3_bind_text(st, k + 1, b->text[t++], -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, k + 1, b->ints[i++]);
	}
	return st;
}

/*
 * Prepares "SELECT <what> FROM ... WHERE <query>" with the query's order and
 * page when `ordered`; the folded search texts live in *folds until the
 * statement is finalised.
 */
static sqlite3_stmt *prepare_object_query(struct storage *s, const struct object_query *q,
					  const char *what, bool ordered, struct folds *folds)
{
	struct buf sql = {0};
	struct binds b = {0};
	buf_printf(&sql, "SELECT %s", what);
	build_where(q, &sql, &b, folds);
	if (ordered) {
		int sort = q->sort >= 0 && q->sort < SORT__COUNT ? q->sort : SORT_NAME;
		const char *dir = q->descending ? " DESC" : "";
		/* "expires" sorts in the stated order of objects.h, then by date */
		if (sort == SORT_EXPIRES)
			buf_printf(&sql, " ORDER BY " EXPIRY_ORDER "%s, o.expires_at%s, o.expired_at%s", dir, dir, dir);
		else
			buf_printf(&sql, " ORDER BY %s%s", sort_columns[sort], dir);
		buf_printf(&sql, ", o.name_fold%s, o.id LIMIT %lld OFFSET %lld", dir,
			   q->limit > 0 ? (long long)q->limit : -1LL, (long long)q->offset);
	}
	sqlite3_stmt *st = prepare_query(s, sql.data, &b);
	buf_free(&sql);
	return st;
}

int sqlite_storage_list_objects(struct storage *s, const struct object_query *q, struct object_list *out)
{
	memset(out, 0, sizeof *out);
	struct folds folds = {0};
	sqlite3_stmt *st = prepare_object_query(s, q, OBJECT_COLUMNS, true, &folds);
	int cap = 0, rc = SQLITE_ERROR;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->rows = array_grow(out->rows, out->count, &cap, sizeof *out->rows);
		sql_read_object_row(st, &out->rows[out->count++]);
	}
	if (st && rc != SQLITE_DONE)
		sql_fail(s, "listing objects");
	sqlite3_finalize(st);
	folds_free(&folds);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sqlite_storage_count_objects(struct storage *s, const struct object_query *q, int64_t *count)
{
	struct folds folds = {0};
	sqlite3_stmt *st = prepare_object_query(s, q, "count(*) FROM objects o", false, &folds);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (st && rc != SQLITE_ROW)
		sql_fail(s, "counting objects");
	sqlite3_finalize(st);
	folds_free(&folds);
	return rc == SQLITE_ROW ? 0 : -1;
}

int sqlite_storage_list_ids(struct storage *s, const struct object_query *q, int64_t **ids, int *n)
{
	struct folds folds = {0};
	sqlite3_stmt *st = prepare_object_query(s, q, "o.id FROM objects o", true, &folds);
	*ids = NULL;
	*n = 0;
	int cap = 0, rc = SQLITE_ERROR;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = array_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (st && rc != SQLITE_DONE)
		sql_fail(s, "listing ids");
	sqlite3_finalize(st);
	folds_free(&folds);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Puts ids in temp.selection for set queries (one statement per id, in
 * the caller's transaction or its own). */
static int fill_selection(struct storage *s, const int64_t *ids, int n)
{
	if (sql_exec(s, sql_stmt(s, "CREATE TEMP TABLE IF NOT EXISTS selection(id INTEGER PRIMARY KEY)"),
		      "preparing a selection") < 0 ||
	    sql_exec(s, sql_stmt(s, "DELETE FROM temp.selection"), "clearing a selection") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = sql_stmt(s, "INSERT OR IGNORE INTO temp.selection VALUES(?)");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sql_exec(s, st, "filling a selection") < 0)
			return -1;
	}
	return 0;
}

int sqlite_storage_selection_summary(struct storage *s, const int64_t *ids, int n,
			      struct selection_summary *out)
{
	memset(out, 0, sizeof *out);
	if (fill_selection(s, ids, n) < 0)
		return -1;
	sqlite3_stmt *st = sql_stmt(s, "SELECT count(*), sum(ixd_state=" SQL_IXD_EXPIRED "), sum(ixd_state=" SQL_IXD_EXPIRED " AND kind=" SQL_KIND_CAMPAIGN "),"
				   " sum(ixd_state=" SQL_IXD_EXPIRED " AND kind=" SQL_KIND_CANVAS "), sum(CASE WHEN ixd_state=" SQL_IXD_EXPIRED " THEN cold_events + hot_events END),"
				   " sum(ixd_state=" SQL_IXD_AVAILABLE "), sum(ixd_state=" SQL_IXD_RESTORING "), sum(ixd_state=" SQL_IXD_PURGED "), sum(ixd_state=" SQL_IXD_NONE ")"
				   " FROM objects WHERE id IN (SELECT id FROM temp.selection)");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t *fields[] = {&out->objects, &out->restorable, &out->campaigns, &out->canvases,
				     &out->events, &out->not_expired, &out->busy, &out->purged, &out->no_data};
		for (int i = 0; i < 9; i++)
			*fields[i] = sqlite3_column_int64(st, i);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return sql_fail(s, "summarising a selection");
	st = sql_stmt(s, "SELECT name FROM objects WHERE id IN (SELECT id FROM temp.selection)"
		     " AND ixd_state=" SQL_IXD_EXPIRED " ORDER BY name_fold LIMIT 5");
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->names < 5)
		snprintf(out->first_names[out->names++], sizeof out->first_names[0], "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sql_fail(s, "naming a selection");
}
