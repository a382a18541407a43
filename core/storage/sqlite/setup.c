/*
 * setup.c — what an object is made of (steps, variants, link aliases),
 * segments, and the retargeting filters that name them.
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "storage/setup.h"

/* Runs the upsert of a step or variant, `sql` binding (object, api id,
 * name, position or control flag) and returning (id, object), and refuses
 * one whose api id already belongs to another object. */
static int upsert_part(struct storage *s, const char *sql, int64_t object_id, const char *api_id,
		       const char *name, int flag, const char *what, int64_t *id)
{
	sqlite3_stmt *st = sql_stmt(s, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	SQL_BIND_TEXTS(st, 2, api_id, name);
	sqlite3_bind_int(st, 4, flag);
	int rc = sqlite3_step(st);
	int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return sql_fail(s, what);
	if (owner != object_id) {
		snprintf(s->error, sizeof s->error, "%s: '%s' already belongs to another object", what, api_id);
		return -1;
	}
	return 0;
}

int sqlite_storage_step_upsert(struct storage *s, int64_t object_id, const char *api_id, const char *name,
			int position, int64_t *id)
{
	return upsert_part(s, STEP_UPSERT, object_id, api_id, name, position, "saving a Canvas step", id);
}

int sqlite_storage_variant_upsert(struct storage *s, int64_t object_id, const char *api_id,
			   const char *name, bool is_control, int64_t *id)
{
	return upsert_part(s, VARIANT_UPSERT, object_id, api_id, name, is_control, "saving a variant", id);
}

int sqlite_storage_alias_upsert(struct storage *s, int64_t object_id, const char *name, int64_t *id)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO aliases(object_id, name) VALUES(?,?)"
				   " ON CONFLICT(object_id, name) DO UPDATE SET name=name RETURNING id");
	if (st) {
		sqlite3_bind_int64(st, 1, object_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	}
	return sql_returning_id(s, st, id, "saving a link alias");
}

int sqlite_storage_step_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id)
{
	return sql_id_by_key(s, "SELECT id, object_id FROM steps WHERE api_id=?", api_id, id, object_id,
			     "looking up a step");
}

int sqlite_storage_variant_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id)
{
	return sql_id_by_key(s, "SELECT id, object_id FROM variants WHERE api_id=?", api_id, id, object_id,
			     "looking up a variant");
}

int sqlite_storage_alias_id(struct storage *s, int64_t object_id, const char *name, int64_t *id)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT id FROM aliases WHERE object_id=? AND name=?");
	if (st) {
		sqlite3_bind_int64(st, 1, object_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	}
	return sql_query_id(s, st, id, NULL, "looking up a link alias");
}

int sqlite_storage_segment_upsert(struct storage *s, const char *api_id, const char *name, bool in_use,
			   int64_t *id)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO segments(api_id, name, in_use) VALUES(?,?,?)"
				   " ON CONFLICT(api_id) DO UPDATE SET name=excluded.name,"
				   " in_use=excluded.in_use RETURNING id");
	if (st) {
		SQL_BIND_TEXTS(st, 1, api_id, name);
		sqlite3_bind_int(st, 3, in_use);
	}
	return sql_returning_id(s, st, id, "saving a segment");
}

int sqlite_storage_segment_id(struct storage *s, const char *api_id, int64_t *id)
{
	return sql_id_by_key(s, "SELECT id FROM segments WHERE api_id=?", api_id, id, NULL,
			     "looking up a segment");
}

int sqlite_storage_filters_replace(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			    const struct filter_input *f, int n)
{
	sqlite3_stmt *del = sql_stmt(s, "DELETE FROM filters WHERE owner_object_id IS ?1 AND owner_segment_id IS ?2");
	if (!del)
		return -1;
	sql_bind_opt(del, 1, owner_object_id);
	sql_bind_opt(del, 2, owner_segment_id);
	if (sql_exec(s, del, "replacing filters") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = sql_stmt(s, "INSERT INTO filters(kind, owner_object_id, owner_segment_id,"
					   " target_object_id, target_step_id, target_variant_id,"
					   " target_alias_id, target_tag_id) VALUES(?,?,?,?,?,?,?,?)");
		if (!st)
			return -1;
		sqlite3_bind_int(st, 1, f[i].kind);
		sql_bind_opt(st, 2, owner_object_id);
		sql_bind_opt(st, 3, owner_segment_id);
		sql_bind_opt(st, 4, f[i].target_object_id);
		sql_bind_opt(st, 5, f[i].target_step_id);
		sql_bind_opt(st, 6, f[i].target_variant_id);
		sql_bind_opt(st, 7, f[i].target_alias_id);
		sql_bind_opt(st, 8, f[i].target_tag_id);
		if (sql_exec(s, st, "saving a filter") < 0)
			return -1;
	}
	return 0;
}

int sqlite_storage_filter_exists(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			  const struct filter_input *f, bool *exists)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT 1 FROM filters WHERE owner_object_id IS ? AND"
				   " owner_segment_id IS ? AND kind=? AND target_object_id IS ? AND"
				   " target_step_id IS ? AND target_variant_id IS ? AND"
				   " target_alias_id IS ? AND target_tag_id IS ?");
	if (!st)
		return -1;
	sql_bind_opt(st, 1, owner_object_id);
	sql_bind_opt(st, 2, owner_segment_id);
	sqlite3_bind_int(st, 3, f->kind);
	sql_bind_opt(st, 4, f->target_object_id);
	sql_bind_opt(st, 5, f->target_step_id);
	sql_bind_opt(st, 6, f->target_variant_id);
	sql_bind_opt(st, 7, f->target_alias_id);
	sql_bind_opt(st, 8, f->target_tag_id);
	int rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "looking up a filter");
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
		it->api_id = sql_column_text(st, 0);
		it->name = sql_column_text(st, 1);
		it->flag = sqlite3_column_int(st, 2);
		it->extra = sql_column_text(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading object details");
}

/* One of the detail's lists: `sql` takes the object's id. */
static int detail_list(struct storage *s, const char *sql, int64_t id, struct named_item **items, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, sql);
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return collect_items(s, st, items, n);
}

int sqlite_storage_object_detail(struct storage *s, int64_t id, struct object_detail *d)
{
	memset(d, 0, sizeof *d);
	if (detail_list(s, DETAIL_STEPS, id, &d->steps, &d->step_count) < 0 ||
	    detail_list(s, DETAIL_VARIANTS, id, &d->variants, &d->variant_count) < 0 ||
	    detail_list(s, DETAIL_ALIASES, id, &d->aliases, &d->alias_count) < 0 ||
	    detail_list(s, DETAIL_REFS, id, &d->refs, &d->ref_count) < 0)
		return -1;
	return detail_list(s, DETAIL_FILTERS, id, &d->filters, &d->filter_count);
}

