/*
 * setup.c — what an object is made of (steps, variants, link aliases),
 * segments, and the retargeting filters that name them, on PostgreSQL.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

/* Runs the upsert of a step or variant returning (id, object), and refuses
 * one whose api id already belongs to another object. */
static int upsert_part(struct storage *s, const char *sql, int64_t object_id, const char *api_id,
		       const char *name, int flag, const char *what, int64_t *id)
{
	PGresult *r = pg_query(s, what, sql, "lttd", object_id, api_id, name, flag);
	if (!r)
		return -1;
	*id = PQntuples(r) ? pg_int(r, 0, 0) : 0;
	int64_t owner = PQntuples(r) ? pg_int(r, 0, 1) : 0;
	PQclear(r);
	if (owner != object_id)
		return pg_fail(s, "%s: '%s' already belongs to another object", what, api_id);
	return 0;
}

int pg_storage_step_upsert(struct storage *s, int64_t object_id, const char *api_id, const char *name,
			   int position, int64_t *id)
{
	return upsert_part(s, STEP_UPSERT, object_id, api_id, name, position, "saving a Canvas step", id);
}

int pg_storage_variant_upsert(struct storage *s, int64_t object_id, const char *api_id, const char *name,
			      bool is_control, int64_t *id)
{
	return upsert_part(s, VARIANT_UPSERT, object_id, api_id, name, is_control, "saving a variant", id);
}

int pg_storage_alias_upsert(struct storage *s, int64_t object_id, const char *name, int64_t *id)
{
	return pg_scalar(s, "saving a link alias", id,
			 "INSERT INTO aliases AS a(object_id, name) VALUES($1,$2)"
			 " ON CONFLICT(object_id, name) DO UPDATE SET name=a.name RETURNING id",
			 "lt", object_id, name);
}

/* An id and its object for a key, 0 and 0 when there is none. */
static int id_and_object(struct storage *s, const char *context, const char *sql, const char *key, int64_t *id,
			 int64_t *object_id)
{
	PGresult *r = pg_query(s, context, sql, "t", key);
	if (!r)
		return -1;
	*id = PQntuples(r) ? pg_int(r, 0, 0) : 0;
	*object_id = PQntuples(r) ? pg_int(r, 0, 1) : 0;
	PQclear(r);
	return 0;
}

int pg_storage_step_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id)
{
	return id_and_object(s, "looking up a step", "SELECT id, object_id FROM steps WHERE api_id=$1", api_id, id,
			     object_id);
}

int pg_storage_variant_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id)
{
	return id_and_object(s, "looking up a variant", "SELECT id, object_id FROM variants WHERE api_id=$1", api_id,
			     id, object_id);
}

int pg_storage_alias_id(struct storage *s, int64_t object_id, const char *name, int64_t *id)
{
	return pg_scalar(s, "looking up a link alias", id, "SELECT id FROM aliases WHERE object_id=$1 AND name=$2",
			 "lt", object_id, name);
}

int pg_storage_segment_upsert(struct storage *s, const char *api_id, const char *name, bool in_use, int64_t *id)
{
	return pg_scalar(s, "saving a segment", id,
			 "INSERT INTO segments(api_id, name, in_use) VALUES($1,$2,$3) ON CONFLICT(api_id)"
			 " DO UPDATE SET name=excluded.name, in_use=excluded.in_use RETURNING id",
			 "ttd", api_id, name, (int)in_use);
}

int pg_storage_segment_id(struct storage *s, const char *api_id, int64_t *id)
{
	return pg_scalar(s, "looking up a segment", id, "SELECT id FROM segments WHERE api_id=$1", "t", api_id);
}

int pg_storage_filters_replace(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			       const struct filter_input *f, int n)
{
	if (pg_exec(s, "replacing filters",
		    "DELETE FROM filters WHERE owner_object_id IS NOT DISTINCT FROM $1::bigint"
		    " AND owner_segment_id IS NOT DISTINCT FROM $2::bigint",
		    "oo", owner_object_id, owner_segment_id) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (pg_exec(s, "saving a filter",
			    "INSERT INTO filters(kind, owner_object_id, owner_segment_id, target_object_id,"
			    " target_step_id, target_variant_id, target_alias_id, target_tag_id)"
			    " VALUES($1,$2,$3,$4,$5,$6,$7,$8)",
			    "dooooooo", f[i].kind, owner_object_id, owner_segment_id, f[i].target_object_id,
			    f[i].target_step_id, f[i].target_variant_id, f[i].target_alias_id, f[i].target_tag_id) < 0)
			return -1;
	return 0;
}

int pg_storage_filter_exists(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			     const struct filter_input *f, bool *exists)
{
	int64_t yes;
	int rc = pg_scalar(s, "looking up a filter", &yes,
			   "SELECT count(*) FROM filters WHERE owner_object_id IS NOT DISTINCT FROM $1::bigint"
			   " AND owner_segment_id IS NOT DISTINCT FROM $2::bigint AND kind=$3"
			   " AND target_object_id IS NOT DISTINCT FROM $4::bigint"
			   " AND target_step_id IS NOT DISTINCT FROM $5::bigint"
			   " AND target_variant_id IS NOT DISTINCT FROM $6::bigint"
			   " AND target_alias_id IS NOT DISTINCT FROM $7::bigint"
			   " AND target_tag_id IS NOT DISTINCT FROM $8::bigint",
			   "oodooooo", owner_object_id, owner_segment_id, f->kind, f->target_object_id,
			   f->target_step_id, f->target_variant_id, f->target_alias_id, f->target_tag_id);
	*exists = yes > 0;
	return rc;
}

/* One of the detail's lists: `sql` takes the object's id and returns
 * (api id, name, flag, extra). */
static int detail_list(struct storage *s, const char *sql, int64_t id, struct named_item **items, int *n)
{
	*items = NULL;
	*n = 0;
	PGresult *r = pg_query(s, "reading object details", sql, "l", id);
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*items = array_grow(*items, *n, &cap, sizeof **items);
		(*items)[(*n)++] = (struct named_item){pg_text(r, i, 0), pg_text(r, i, 1), (int)pg_int(r, i, 2),
						       pg_text(r, i, 3)};
	}
	PQclear(r);
	return 0;
}

int pg_storage_object_detail(struct storage *s, int64_t id, struct object_detail *d)
{
	memset(d, 0, sizeof *d);
	if (detail_list(s, DETAIL_STEPS, id, &d->steps, &d->step_count) < 0 ||
	    detail_list(s, DETAIL_VARIANTS, id, &d->variants, &d->variant_count) < 0 ||
	    detail_list(s, DETAIL_ALIASES, id, &d->aliases, &d->alias_count) < 0 ||
	    detail_list(s, DETAIL_REFS, id, &d->refs, &d->ref_count) < 0)
		return -1;
	return detail_list(s, DETAIL_FILTERS, id, &d->filters, &d->filter_count);
}
