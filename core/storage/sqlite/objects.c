/*
 * storage_objects.c — campaigns and Canvases, their setup (steps, variants,
 * aliases, tags), segments, retargeting filters, users, and the queries the
 * list, the detail view and the retention policy need.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/text.h"

static const char *const sort_names[SORT__COUNT] = {
	"name", "kind", "status", "last_sent", "state", "expires", "hot", "cold", "tags"};

static const char *const sort_sql[SORT__COUNT] = {
	"o.name_fold", "o.kind", "o.status", "o.last_sent_at", "o.ixd_state",
	"o.expires_at IS NULL, o.expires_at", "o.hot_events", "o.cold_events", "tags"};

const char *object_sort_name(int sort)
{
	return sort >= 0 && sort < SORT__COUNT ? sort_names[sort] : "?";
}

int object_sort_parse(const char *name)
{
	for (int i = 0; i < SORT__COUNT; i++)
		if (strcmp(name, sort_names[i]) == 0)
			return i;
	return -1;
}

int storage_object_upsert(struct storage *s, const struct object_input *in, int64_t *id)
{
	/* A later import fills in what was unknown; it never erases a known date. */
	sqlite3_stmt *st = stmt(s,
		"INSERT INTO objects(api_id, kind, name, name_fold, status, channels, created_at,"
		" first_sent_at, last_sent_at, stopped_at, ixd_state, last_restored_at, learned)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
		" ON CONFLICT(api_id) DO UPDATE SET kind=excluded.kind, name=excluded.name,"
		" name_fold=excluded.name_fold, status=excluded.status,"
		" channels=CASE WHEN excluded.channels='' THEN channels ELSE excluded.channels END,"
		" created_at=coalesce(excluded.created_at, created_at),"
		" first_sent_at=coalesce(excluded.first_sent_at, first_sent_at),"
		" last_sent_at=coalesce(excluded.last_sent_at, last_sent_at),"
		" stopped_at=coalesce(excluded.stopped_at, stopped_at),"
		" last_restored_at=coalesce(excluded.last_restored_at, last_restored_at),"
		" ixd_state=CASE WHEN excluded.ixd_state=4 THEN 4 ELSE ixd_state END,"
		" learned=learned AND excluded.learned"
		" RETURNING id");
	if (!st)
		return -1;
	char *fold = text_fold_case(in->name);
	sqlite3_bind_text(st, 1, in->api_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, in->kind);
	sqlite3_bind_text(st, 3, in->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, fold, -1, free);
	sqlite3_bind_int(st, 5, in->status);
	sqlite3_bind_text(st, 6, in->channels ? in->channels : "", -1, SQLITE_STATIC);
	bind_opt(st, 7, in->created_at);
	bind_opt(st, 8, in->first_sent_at);
	bind_opt(st, 9, in->last_sent_at);
	bind_opt(st, 10, in->stopped_at);
	sqlite3_bind_int(st, 11, in->ixd_state);
	bind_opt(st, 12, in->last_restored_at);
	sqlite3_bind_int(st, 13, in->learned);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fail(s, "saving an object");
		sqlite3_reset(st);
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

#define OBJECT_COLUMNS \
	"o.id, o.api_id, o.name, o.kind, o.status, o.ixd_state, o.channels," \
	" (SELECT group_concat(name, ',') FROM (SELECT t.name FROM object_tags ot" \
	"   JOIN tags t ON t.id=ot.tag_id WHERE ot.object_id=o.id ORDER BY t.name)) AS tags," \
	" o.created_at, o.first_sent_at, o.last_sent_at, o.stopped_at, o.expires_at," \
	" o.expired_at, o.last_restored_at, o.kept_by, o.hot_events, o.cold_events," \
	" o.restore_job, ji.events_done, ji.events_total, o.learned" \
	" FROM objects o LEFT JOIN job_items ji ON ji.job_id=o.restore_job AND ji.object_id=o.id"

static void read_object_row(sqlite3_stmt *st, struct object_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->api_id = column_strdup(st, 1);
	r->name = column_strdup(st, 2);
	r->kind = sqlite3_column_int(st, 3);
	r->status = sqlite3_column_int(st, 4);
	r->state = sqlite3_column_int(st, 5);
	r->channels = column_strdup(st, 6);
	r->tags = column_strdup(st, 7);
	if (!r->tags)
		r->tags = strdup("");
	r->created_at = sqlite3_column_int64(st, 8);
	r->first_sent_at = sqlite3_column_int64(st, 9);
	r->last_sent_at = sqlite3_column_int64(st, 10);
	r->stopped_at = sqlite3_column_int64(st, 11);
	r->expires_at = sqlite3_column_int64(st, 12);
	r->expired_at = sqlite3_column_int64(st, 13);
	r->last_restored_at = sqlite3_column_int64(st, 14);
	r->kept_by = column_strdup(st, 15);
	r->hot_events = sqlite3_column_int64(st, 16);
	r->cold_events = sqlite3_column_int64(st, 17);
	r->restore_job = sqlite3_column_int64(st, 18);
	r->restore_done = sqlite3_column_int64(st, 19);
	r->restore_total = sqlite3_column_int64(st, 20);
	r->learned = sqlite3_column_int(st, 21);
}

void object_row_free(struct object_row *r)
{
	free(r->api_id);
	free(r->name);
	free(r->channels);
	free(r->tags);
	free(r->kept_by);
	memset(r, 0, sizeof *r);
}

void object_list_free(struct object_list *l)
{
	for (int i = 0; i < l->count; i++)
		object_row_free(&l->rows[i]);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

static int fetch_one_object(struct storage *s, sqlite3_stmt *st, struct object_row *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_object_row(st, out);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "reading an object");
	return rc == SQLITE_ROW;
}

int storage_object_get(struct storage *s, int64_t id, struct object_row *out)
{
	sqlite3_stmt *st = stmt(s, "SELECT " OBJECT_COLUMNS " WHERE o.id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return fetch_one_object(s, st, out);
}

int storage_object_find(struct storage *s, const char *key, struct object_row *out)
{
	sqlite3_stmt *st = stmt(s, "SELECT " OBJECT_COLUMNS " WHERE o.api_id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int found = fetch_one_object(s, st, out);
	if (found != 0)
		return found;
	/* An exact name only counts when it is unambiguous. */
	st = stmt(s, "SELECT " OBJECT_COLUMNS " WHERE o.name=? AND"
		     " (SELECT count(*) FROM objects WHERE name=?1)=1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return fetch_one_object(s, st, out);
}

static int query_id(struct storage *s, sqlite3_stmt *st, int64_t *id, int64_t *second,
		    const char *context)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (second)
		*second = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, context);
}

int storage_object_id(struct storage *s, const char *api_id, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "SELECT id FROM objects WHERE api_id=?");
	if (st)
		sqlite3_bind_text(st, 1, api_id, -1, SQLITE_STATIC);
	return query_id(s, st, id, NULL, "looking up an object");
}


int storage_tag_id(struct storage *s, const char *name, bool create, int64_t *id)
{
	if (create) {
		sqlite3_stmt *ins = stmt(s, "INSERT OR IGNORE INTO tags(name) VALUES(?)");
		if (!ins)
			return -1;
		sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
		if (exec_stmt(s, ins, "saving a tag") < 0)
			return -1;
	}
	sqlite3_stmt *st = stmt(s, "SELECT id FROM tags WHERE name=?");
	if (st)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return query_id(s, st, id, NULL, "looking up a tag");
}

int storage_object_set_tags(struct storage *s, int64_t id, const char *const *tags, int n)
{
	sqlite3_stmt *del = stmt(s, "DELETE FROM object_tags WHERE object_id=?");
	if (!del)
		return -1;
	sqlite3_bind_int64(del, 1, id);
	if (exec_stmt(s, del, "replacing tags") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t tag;
		if (storage_tag_id(s, tags[i], true, &tag) < 0)
			return -1;
		sqlite3_stmt *ins = stmt(s, "INSERT OR IGNORE INTO object_tags VALUES(?, ?)");
		if (!ins)
			return -1;
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_int64(ins, 2, tag);
		if (exec_stmt(s, ins, "tagging an object") < 0)
			return -1;
	}
	return 0;
}

/* Appends the WHERE clause for a query and returns the bind list in order. */
struct binds {
	const char *text[QUERY_MAX_TERMS + 4];
	int64_t ints[2 * QUERY_MAX_TERMS + 8];
	char kinds[3 * QUERY_MAX_TERMS + 12]; /* 't' text, 'i' int, in order */
	int count, texts, nints;
};

static void bind_text(struct binds *b, const char *t) { b->kinds[b->count++] = 't', b->text[b->texts++] = t; }
static void bind_int(struct binds *b, int64_t v) { b->kinds[b->count++] = 'i', b->ints[b->nints++] = v; }

static void append_state(struct buf *sql, struct binds *b, int state, const struct object_query *q)
{
	if (state == STATE_FILTER_EXPIRING) {
		buf_adds(sql, "(o.ixd_state=1 AND o.kept_by IS NULL AND o.expires_at IS NOT NULL"
			      " AND o.expires_at < ?)");
		bind_int(b, q->now + (int64_t)q->soon_days * 86400);
	} else if (state == STATE_FILTER_KEPT) {
		buf_adds(sql, "(o.ixd_state=1 AND o.kept_by IS NOT NULL)");
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
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing a query");
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
		/* "expires" sorts on two expressions; the direction goes on the date */
		if (sort == SORT_EXPIRES)
			buf_printf(&sql, " ORDER BY o.expires_at IS NULL, o.expires_at%s", dir);
		else
			buf_printf(&sql, " ORDER BY %s%s", sort_sql[sort], dir);
		buf_printf(&sql, ", o.name_fold%s, o.id LIMIT %lld OFFSET %lld", dir,
			   q->limit > 0 ? (long long)q->limit : -1LL, (long long)q->offset);
	}
	sqlite3_stmt *st = prepare_query(s, sql.data, &b);
	buf_free(&sql);
	return st;
}

int storage_list_objects(struct storage *s, const struct object_query *q, struct object_list *out)
{
	memset(out, 0, sizeof *out);
	struct folds folds = {0};
	sqlite3_stmt *st = prepare_object_query(s, q, OBJECT_COLUMNS, true, &folds);
	int cap = 0, rc = SQLITE_ERROR;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->rows = array_grow(out->rows, out->count, &cap, sizeof *out->rows);
		read_object_row(st, &out->rows[out->count++]);
	}
	if (st && rc != SQLITE_DONE)
		fail(s, "listing objects");
	sqlite3_finalize(st);
	folds_free(&folds);
	return rc == SQLITE_DONE ? 0 : -1;
}

int storage_count_objects(struct storage *s, const struct object_query *q, int64_t *count)
{
	struct folds folds = {0};
	sqlite3_stmt *st = prepare_object_query(s, q, "count(*) FROM objects o", false, &folds);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (st && rc != SQLITE_ROW)
		fail(s, "counting objects");
	sqlite3_finalize(st);
	folds_free(&folds);
	return rc == SQLITE_ROW ? 0 : -1;
}

int storage_list_ids(struct storage *s, const struct object_query *q, int64_t **ids, int *n)
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
		fail(s, "listing ids");
	sqlite3_finalize(st);
	folds_free(&folds);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Puts ids in temp.selection for set queries (one statement per id, in
 * the caller's transaction or its own). */
static int fill_selection(struct storage *s, const int64_t *ids, int n)
{
	if (exec_stmt(s, stmt(s, "CREATE TEMP TABLE IF NOT EXISTS selection(id INTEGER PRIMARY KEY)"),
		      "preparing a selection") < 0 ||
	    exec_stmt(s, stmt(s, "DELETE FROM temp.selection"), "clearing a selection") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = stmt(s, "INSERT OR IGNORE INTO temp.selection VALUES(?)");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (exec_stmt(s, st, "filling a selection") < 0)
			return -1;
	}
	return 0;
}

int storage_selection_summary(struct storage *s, const int64_t *ids, int n,
			      struct selection_summary *out)
{
	memset(out, 0, sizeof *out);
	if (fill_selection(s, ids, n) < 0)
		return -1;
	sqlite3_stmt *st = stmt(s, "SELECT count(*), sum(ixd_state=2), sum(ixd_state=2 AND kind=0),"
				   " sum(ixd_state=2 AND kind=1), sum(CASE WHEN ixd_state=2 THEN cold_events + hot_events END),"
				   " sum(ixd_state=1), sum(ixd_state=3), sum(ixd_state=4), sum(ixd_state=0)"
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
		return fail(s, "summarising a selection");
	st = stmt(s, "SELECT name FROM objects WHERE id IN (SELECT id FROM temp.selection)"
		     " AND ixd_state=2 ORDER BY name_fold LIMIT 5");
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->names < 5)
		snprintf(out->first_names[out->names++], sizeof out->first_names[0], "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(s, "naming a selection");
}

int storage_objects_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n)
{
	sqlite3_stmt *st = stmt(s, "SELECT o.id FROM objects o JOIN object_tags ot ON ot.object_id=o.id"
				   " JOIN tags t ON t.id=ot.tag_id WHERE t.name=? ORDER BY o.name_fold");
	if (st)
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	return collect_int64(s, st, ids, n, "finding tagged objects");
}

int storage_objects_unsettled(struct storage *s, int64_t **ids, int *n)
{
	return collect_int64(s, stmt(s, "SELECT id FROM objects WHERE ixd_state=2 AND hot_events>0"
				      " ORDER BY id"), ids, n, "finding unsettled objects");
}

int storage_tag_names(struct storage *s, char ***names, int *n)
{
	sqlite3_stmt *st = stmt(s, "SELECT name FROM tags ORDER BY name");
	*names = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*names = array_grow(*names, *n, &cap, sizeof **names);
		(*names)[(*n)++] = column_strdup(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "listing tags");
}

static int64_t scalar_int(struct storage *s, sqlite3_stmt *st, bool *ok)
{
	if (!st) {
		*ok = false;
		return 0;
	}
	int rc = sqlite3_step(st);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc != SQLITE_ROW) {
		fail(s, "summarising the workspace");
		*ok = false;
	}
	sqlite3_reset(st);
	return v;
}

int storage_summary(struct storage *s, int64_t now, int soon_days, struct workspace_summary *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = stmt(s, "SELECT kind, ixd_state, count(*), sum(hot_events), sum(cold_events),"
				   " sum((kept_by IS NOT NULL) AND ixd_state=1),"
				   " sum(ixd_state=1 AND (kept_by IS NOT NULL)=0 AND expires_at < ?)"
				   " FROM objects INDEXED BY objects_summary GROUP BY kind, ixd_state");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now + (int64_t)soon_days * 86400);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0), state = sqlite3_column_int(st, 1);
		int64_t count = sqlite3_column_int64(st, 2);
		out->objects += count;
		if (kind == KIND_CAMPAIGN)
			out->campaigns += count;
		else
			out->canvases += count;
		if (state >= 0 && state < IXD__COUNT)
			out->by_state[state] += count;
		out->hot_events += sqlite3_column_int64(st, 3);
		out->cold_events += sqlite3_column_int64(st, 4);
		out->kept += sqlite3_column_int64(st, 5);
		out->expiring_soon += sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return fail(s, "summarising the workspace");
	bool ok = true;
	/* users.id is the rowid, so max(id) is instant; users are never deleted */
	out->users = scalar_int(s, stmt(s, "SELECT coalesce(max(id), 0) FROM users"), &ok);
	out->jobs_active = scalar_int(s, stmt(s, "SELECT count(*) FROM jobs WHERE state IN (0, 1)"), &ok);
	return ok ? 0 : -1;
}

/* ---- setup ---- */

static int upsert_returning(struct storage *s, sqlite3_stmt *st, int64_t *id, const char *ctx)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : fail(s, ctx);
}

/* Runs a bound "... RETURNING id, object_id" upsert of a step or variant and
 * refuses one whose api id already belongs to another object. */
static int upsert_part(struct storage *s, sqlite3_stmt *st, int64_t object_id, const char *api_id,
		       const char *what, int64_t *id)
{
	int rc = sqlite3_step(st);
	int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return fail(s, what);
	if (owner != object_id) {
		snprintf(s->error, sizeof s->error, "%s: '%s' already belongs to another object", what, api_id);
		return -1;
	}
	return 0;
}

int storage_step_upsert(struct storage *s, int64_t object_id, const char *api_id, const char *name,
			int position, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO steps(object_id, api_id, name, position) VALUES(?,?,?,?)"
				   " ON CONFLICT(api_id) DO UPDATE SET name=excluded.name,"
				   " position=excluded.position RETURNING id, object_id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	sqlite3_bind_text(st, 2, api_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, position);
	return upsert_part(s, st, object_id, api_id, "saving a Canvas step", id);
}

int storage_variant_upsert(struct storage *s, int64_t object_id, const char *api_id,
			   const char *name, bool is_control, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO variants(object_id, api_id, name, is_control)"
				   " VALUES(?,?,?,?) ON CONFLICT(api_id) DO UPDATE SET"
				   " name=excluded.name, is_control=excluded.is_control"
				   " RETURNING id, object_id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	sqlite3_bind_text(st, 2, api_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, is_control);
	return upsert_part(s, st, object_id, api_id, "saving a variant", id);
}

int storage_alias_upsert(struct storage *s, int64_t object_id, const char *name, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO aliases(object_id, name) VALUES(?,?)"
				   " ON CONFLICT(object_id, name) DO UPDATE SET name=name RETURNING id");
	if (st) {
		sqlite3_bind_int64(st, 1, object_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	}
	return upsert_returning(s, st, id, "saving a link alias");
}

int storage_step_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id)
{
	sqlite3_stmt *st = stmt(s, "SELECT id, object_id FROM steps WHERE api_id=?");
	if (st)
		sqlite3_bind_text(st, 1, api_id, -1, SQLITE_STATIC);
	return query_id(s, st, id, object_id, "looking up a step");
}

int storage_variant_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id)
{
	sqlite3_stmt *st = stmt(s, "SELECT id, object_id FROM variants WHERE api_id=?");
	if (st)
		sqlite3_bind_text(st, 1, api_id, -1, SQLITE_STATIC);
	return query_id(s, st, id, object_id, "looking up a variant");
}

int storage_alias_id(struct storage *s, int64_t object_id, const char *name, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "SELECT id FROM aliases WHERE object_id=? AND name=?");
	if (st) {
		sqlite3_bind_int64(st, 1, object_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	}
	return query_id(s, st, id, NULL, "looking up a link alias");
}

int storage_segment_upsert(struct storage *s, const char *api_id, const char *name, bool in_use,
			   int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO segments(api_id, name, in_use) VALUES(?,?,?)"
				   " ON CONFLICT(api_id) DO UPDATE SET name=excluded.name,"
				   " in_use=excluded.in_use RETURNING id");
	if (st) {
		sqlite3_bind_text(st, 1, api_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, in_use);
	}
	return upsert_returning(s, st, id, "saving a segment");
}

int storage_segment_id(struct storage *s, const char *api_id, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "SELECT id FROM segments WHERE api_id=?");
	if (st)
		sqlite3_bind_text(st, 1, api_id, -1, SQLITE_STATIC);
	return query_id(s, st, id, NULL, "looking up a segment");
}

int storage_filters_replace(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			    const struct filter_input *f, int n)
{
	sqlite3_stmt *del = stmt(s, "DELETE FROM filters WHERE owner_object_id IS ?1 AND owner_segment_id IS ?2");
	if (!del)
		return -1;
	bind_opt(del, 1, owner_object_id);
	bind_opt(del, 2, owner_segment_id);
	if (exec_stmt(s, del, "replacing filters") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = stmt(s, "INSERT INTO filters(kind, owner_object_id, owner_segment_id,"
					   " target_object_id, target_step_id, target_variant_id,"
					   " target_alias_id, target_tag_id) VALUES(?,?,?,?,?,?,?,?)");
		if (!st)
			return -1;
		sqlite3_bind_int(st, 1, f[i].kind);
		bind_opt(st, 2, owner_object_id);
		bind_opt(st, 3, owner_segment_id);
		bind_opt(st, 4, f[i].target_object_id);
		bind_opt(st, 5, f[i].target_step_id);
		bind_opt(st, 6, f[i].target_variant_id);
		bind_opt(st, 7, f[i].target_alias_id);
		bind_opt(st, 8, f[i].target_tag_id);
		if (exec_stmt(s, st, "saving a filter") < 0)
			return -1;
	}
	return 0;
}

int storage_filter_exists(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			  const struct filter_input *f, bool *exists)
{
	sqlite3_stmt *st = stmt(s, "SELECT 1 FROM filters WHERE owner_object_id IS ? AND"
				   " owner_segment_id IS ? AND kind=? AND target_object_id IS ? AND"
				   " target_step_id IS ? AND target_variant_id IS ? AND"
				   " target_alias_id IS ? AND target_tag_id IS ?");
	if (!st)
		return -1;
	bind_opt(st, 1, owner_object_id);
	bind_opt(st, 2, owner_segment_id);
	sqlite3_bind_int(st, 3, f->kind);
	bind_opt(st, 4, f->target_object_id);
	bind_opt(st, 5, f->target_step_id);
	bind_opt(st, 6, f->target_variant_id);
	bind_opt(st, 7, f->target_alias_id);
	bind_opt(st, 8, f->target_tag_id);
	int rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, "looking up a filter");
}

static int collect_items(struct storage *s, sqlite3_stmt *st, struct named_item **items, int *n)
{
	*items = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*items = array_grow(*items, *n, &cap, sizeof **items);
		struct named_item *it = &(*items)[(*n)++];
		it->api_id = column_strdup(st, 0);
		it->name = column_strdup(st, 1);
		it->flag = sqlite3_column_int(st, 2);
		it->extra = column_strdup(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "reading object details");
}

int storage_object_detail(struct storage *s, int64_t id, struct object_detail *d)
{
	memset(d, 0, sizeof *d);
	sqlite3_stmt *st = stmt(s, "SELECT api_id, name, 0, NULL FROM steps WHERE object_id=? ORDER BY position, id");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	if (collect_items(s, st, &d->steps, &d->step_count) < 0)
		return -1;
	st = stmt(s, "SELECT api_id, name, is_control, NULL FROM variants WHERE object_id=? ORDER BY id");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	if (collect_items(s, st, &d->variants, &d->variant_count) < 0)
		return -1;
	st = stmt(s, "SELECT '', name, 0, NULL FROM aliases WHERE object_id=? ORDER BY name");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	if (collect_items(s, st, &d->aliases, &d->alias_count) < 0)
		return -1;
	/* Every specific-object filter naming this object, and whether its owner
	 * is active (only those protect). */
	st = stmt(s, "SELECT coalesce(o.api_id, g.api_id),"
		     " CASE WHEN o.id IS NOT NULL THEN o.name ELSE g.name END,"
		     " CASE WHEN o.id IS NOT NULL THEN o.status IN (1, 2) ELSE g.in_use END,"
		     " f.kind || ':' || CASE WHEN o.id IS NOT NULL THEN"
		     "   CASE o.kind WHEN 0 THEN 'campaign' ELSE 'canvas' END ELSE 'segment' END"
		     " FROM filters f LEFT JOIN objects o ON o.id=f.owner_object_id"
		     " LEFT JOIN segments g ON g.id=f.owner_segment_id"
		     " WHERE f.target_object_id=? AND f.kind < 14 ORDER BY 3 DESC, 2");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	if (collect_items(s, st, &d->refs, &d->ref_count) < 0)
		return -1;
	st = stmt(s, "SELECT coalesce(t.api_id, g.name), coalesce(t.name, g.name),"
		     " coalesce(t.ixd_state, -1), f.kind FROM filters f"
		     " LEFT JOIN objects t ON t.id=f.target_object_id LEFT JOIN tags g ON g.id=f.target_tag_id"
		     " WHERE f.owner_object_id=? ORDER BY f.id");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return collect_items(s, st, &d->filters, &d->filter_count);
}

static void free_items(struct named_item *items, int n)
{
	for (int i = 0; i < n; i++) {
		free(items[i].api_id);
		free(items[i].name);
		free(items[i].extra);
	}
	free(items);
}

void object_detail_free(struct object_detail *d)
{
	free_items(d->steps, d->step_count);
	free_items(d->variants, d->variant_count);
	free_items(d->aliases, d->alias_count);
	free_items(d->refs, d->ref_count);
	free_items(d->filters, d->filter_count);
	memset(d, 0, sizeof *d);
}

/* ---- users ---- */

static void bind_summary(sqlite3_stmt *st, int first, const struct user_summary *u)
{
	const int64_t times[] = {u->last_received_any, u->last_received_email, u->last_received_push,
				 u->last_received_sms, u->last_received_webhook,
				 u->last_received_whatsapp, u->last_engaged,
				 u->last_in_app_impression, u->last_control_enrolled};
	for (int i = 0; i < 9; i++)
		bind_opt(st, first + i, times[i]);
	sqlite3_bind_int(st, first + 9, u->hard_bounced);
	sqlite3_bind_int(st, first + 10, u->marked_spam);
	sqlite3_bind_int(st, first + 11, u->invalid_phone);
}

int storage_user_upsert(struct storage *s, const char *external_id, const char *email,
			const char *phone, const struct user_summary *sum, int64_t *id)
{
	sqlite3_stmt *st = stmt(s,
		"INSERT INTO users(external_id, email, phone, last_received_any, last_received_email,"
		" last_received_push, last_received_sms, last_received_webhook, last_received_whatsapp,"
		" last_engaged, last_in_app_impression, last_control_enrolled, hard_bounced,"
		" marked_spam, invalid_phone) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT(external_id) DO UPDATE SET email=coalesce(excluded.email, email),"
		" phone=coalesce(excluded.phone, phone),"
		" last_received_any=nullif(max(coalesce(excluded.last_received_any,0), coalesce(last_received_any,0)), 0),"
		" last_received_email=nullif(max(coalesce(excluded.last_received_email,0), coalesce(last_received_email,0)), 0),"
		" last_received_push=nullif(max(coalesce(excluded.last_received_push,0), coalesce(last_received_push,0)), 0),"
		" last_received_sms=nullif(max(coalesce(excluded.last_received_sms,0), coalesce(last_received_sms,0)), 0),"
		" last_received_webhook=nullif(max(coalesce(excluded.last_received_webhook,0), coalesce(last_received_webhook,0)), 0),"
		" last_received_whatsapp=nullif(max(coalesce(excluded.last_received_whatsapp,0), coalesce(last_received_whatsapp,0)), 0),"
		" last_engaged=nullif(max(coalesce(excluded.last_engaged,0), coalesce(last_engaged,0)), 0),"
		" last_in_app_impression=nullif(max(coalesce(excluded.last_in_app_impression,0), coalesce(last_in_app_impression,0)), 0),"
		" last_control_enrolled=nullif(max(coalesce(excluded.last_control_enrolled,0), coalesce(last_control_enrolled,0)), 0),"
		" hard_bounced=excluded.hard_bounced OR hard_bounced,"
		" marked_spam=excluded.marked_spam OR marked_spam,"
		" invalid_phone=excluded.invalid_phone OR invalid_phone, learned=0"
		" RETURNING id");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, phone, -1, SQLITE_STATIC);
	bind_summary(st, 4, sum);
	return upsert_returning(s, st, id, "saving a user");
}

int storage_user_ensure(struct storage *s, const char *external_id, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, "SELECT id FROM users WHERE external_id=?");
	if (st)
		sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
	if (query_id(s, st, id, NULL, "looking up a user") < 0)
		return -1;
	if (*id)
		return 0;
	st = stmt(s, "INSERT INTO users(external_id, learned) VALUES(?, 1) RETURNING id");
	if (st)
		sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
	return upsert_returning(s, st, id, "creating a user");
}

int storage_user_merge_summary(struct storage *s, int64_t id, const struct user_summary *u)
{
	sqlite3_stmt *st = stmt(s,
		"UPDATE users SET"
		" last_received_any=nullif(max(coalesce(?1,0), coalesce(last_received_any,0)), 0),"
		" last_received_email=nullif(max(coalesce(?2,0), coalesce(last_received_email,0)), 0),"
		" last_received_push=nullif(max(coalesce(?3,0), coalesce(last_received_push,0)), 0),"
		" last_received_sms=nullif(max(coalesce(?4,0), coalesce(last_received_sms,0)), 0),"
		" last_received_webhook=nullif(max(coalesce(?5,0), coalesce(last_received_webhook,0)), 0),"
		" last_received_whatsapp=nullif(max(coalesce(?6,0), coalesce(last_received_whatsapp,0)), 0),"
		" last_engaged=nullif(max(coalesce(?7,0), coalesce(last_engaged,0)), 0),"
		" last_in_app_impression=nullif(max(coalesce(?8,0), coalesce(last_in_app_impression,0)), 0),"
		" last_control_enrolled=nullif(max(coalesce(?9,0), coalesce(last_control_enrolled,0)), 0),"
		" hard_bounced=?10 OR hard_bounced, marked_spam=?11 OR marked_spam,"
		" invalid_phone=?12 OR invalid_phone WHERE id=?13");
	if (!st)
		return -1;
	bind_summary(st, 1, u);
	sqlite3_bind_int64(st, 13, id);
	return exec_stmt(s, st, "updating a user's summary");
}

/* ---- retention ---- */

int storage_policy_rows(struct storage *s, struct policy_row **rows, int *n)
{
	/* The protecting owner: the first active owner (active/idle object or
	 * segment in use) of a specific-object filter naming the object. */
	sqlite3_stmt *st = stmt(s,
		"SELECT o.id, o.status, o.ixd_state, o.stopped_at, o.last_restored_at, o.expires_at,"
		" o.hot_events, o.cold_events, o.kept_by,"
		" (SELECT CASE WHEN ow.id IS NOT NULL THEN"
		"     CASE ow.kind WHEN 0 THEN 'campaign ' ELSE 'Canvas ' END || ow.name"
		"   ELSE 'segment ' || sg.name END"
		"  FROM filters f LEFT JOIN objects ow ON ow.id=f.owner_object_id"
		"  LEFT JOIN segments sg ON sg.id=f.owner_segment_id"
		"  WHERE f.target_object_id=o.id AND f.kind < 14"
		"    AND (ow.status IN (1, 2) OR sg.in_use=1) ORDER BY f.id LIMIT 1)"
		" FROM objects o ORDER BY o.id");
	*rows = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		struct policy_row *r = &(*rows)[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		r->status = sqlite3_column_int(st, 1);
		r->state = sqlite3_column_int(st, 2);
		r->stopped_at = sqlite3_column_int64(st, 3);
		r->last_restored_at = sqlite3_column_int64(st, 4);
		r->expires_at = sqlite3_column_int64(st, 5);
		r->hot_events = sqlite3_column_int64(st, 6);
		r->cold_events = sqlite3_column_int64(st, 7);
		r->stored_kept_by = column_strdup(st, 8);
		r->kept_by = column_strdup(st, 9);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "reading retention facts");
}

void policy_rows_free(struct policy_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].kept_by);
		free(rows[i].stored_kept_by);
	}
	free(rows);
}

int storage_object_set_expiry(struct storage *s, int64_t id, int64_t expires_at, const char *kept_by)
{
	sqlite3_stmt *st = stmt(s, "UPDATE objects SET expires_at=?, kept_by=? WHERE id=?");
	if (!st)
		return -1;
	bind_opt(st, 1, expires_at);
	sqlite3_bind_text(st, 2, kept_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return exec_stmt(s, st, "saving an expiry date");
}

int storage_object_expire(struct storage *s, int64_t id, int64_t when)
{
	sqlite3_stmt *st = stmt(s, "UPDATE objects SET ixd_state=2, expired_at=?, kept_by=NULL,"
				   " restore_job=NULL WHERE id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_int64(st, 2, id);
	return exec_stmt(s, st, "expiring an object");
}
