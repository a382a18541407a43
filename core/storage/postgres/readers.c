/*
 * readers.c — the queries behind segment filters, profiles and exports
 * (see storage/readers.h) on PostgreSQL: hot events of available objects
 * only.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "storage/userpack.h"

int pg_storage_event_users(struct storage *s, const struct event_match *m, int64_t after, int64_t before, bool latest,
			   struct user_time **out, int *n)
{
	*out = NULL;
	*n = 0;
	int64_t available;
	if (pg_scalar(s, "checking an object", &available,
		      "SELECT ixd_state=" SQL_IXD_AVAILABLE " FROM objects WHERE id=$1", "l", m->object_id) < 0)
		return -1;
	if (!available)
		return 0;
	PGresult *r = latest
		? pg_query(s, "evaluating a filter",
			   "SELECT user_id, max(ts) FROM events_hot WHERE object_id=$1 AND ($2::bigint >> kind) & 1 = 1"
			   " AND ($3::bigint=0 OR step_id=$3) AND ($4::bigint=0 OR variant_id=$4)"
			   " AND ($5::bigint=0 OR alias_id=$5) GROUP BY user_id HAVING max(ts) >= $6 AND max(ts) < $7"
			   " ORDER BY user_id", "lllllll", m->object_id, (int64_t)m->kinds, m->step_id, m->variant_id,
			   m->alias_id, after, before)
		: pg_query(s, "evaluating a filter",
			   "SELECT DISTINCT user_id, 0 FROM events_hot WHERE object_id=$1 AND ($2::bigint >> kind) & 1 = 1"
			   " AND ($3::bigint=0 OR step_id=$3) AND ($4::bigint=0 OR variant_id=$4)"
			   " AND ($5::bigint=0 OR alias_id=$5) AND ts >= $6 AND ts < $7 ORDER BY user_id",
			   "lllllll", m->object_id, (int64_t)m->kinds, m->step_id, m->variant_id, m->alias_id, after,
			   before);
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*out = array_grow(*out, *n, &cap, sizeof **out);
		(*out)[(*n)++] = (struct user_time){pg_int(r, i, 0), pg_int(r, i, 1)};
	}
	PQclear(r);
	return 0;
}

int pg_storage_users_with_alias(struct storage *s, const char *alias, int64_t **ids, int *n)
{
	return pg_collect_ids(s, pg_query(s, "reading alias clicks",
					  "SELECT user_id FROM user_aliases WHERE alias=$1 ORDER BY user_id", "t", alias),
			      ids, n);
}

int pg_storage_available_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n)
{
	return pg_collect_ids(s, pg_query(s, "finding a tag's objects",
					  "SELECT o.id FROM objects o JOIN object_tags ot ON ot.object_id=o.id"
					  " JOIN tags t ON t.id=ot.tag_id WHERE t.name=$1 AND o.ixd_state=" SQL_IXD_AVAILABLE
					  " ORDER BY o.id", "t", tag), ids, n);
}

int pg_storage_users_received_each(struct storage *s, int64_t first_user, int64_t last_user,
				   int (*fn)(void *ctx, const struct received_row *row), void *ctx)
{
	PGresult *r = pg_query(s, "reading what users received",
			       "SELECT u.user_id, o.id, o.kind, o.api_id, o.name, u.marks FROM user_objects u"
			       " JOIN objects o ON o.id=u.object_id WHERE u.user_id BETWEEN $1 AND $2"
			       " AND o.ixd_state=" SQL_IXD_AVAILABLE " ORDER BY u.user_id, o.kind, o.name_fold, o.id",
			       "ll", first_user, last_user);
	if (!r)
		return -1;
	struct pair_mark *scratch = NULL;
	int stop = 0, cap = 0;
	for (int i = 0; i < PQntuples(r) && !stop; i++) {
		size_t size;
		unsigned char *marks = pg_bytes(r, i, 5, &size);
		struct received_row row = {pg_int(r, i, 0), pg_int(r, i, 1), (int)pg_int(r, i, 2), PQgetvalue(r, i, 3),
					   PQgetvalue(r, i, 4), NULL, 0};
		stop = received_row_hand(s, &row, marks, size, &scratch, &cap, fn, ctx);
		PQfreemem(marks);
	}
	free(scratch);
	PQclear(r);
	return stop < 0 ? -1 : 0;
}

int pg_storage_tag_users(struct storage *s, const char *tag, uint32_t kinds, void (*fn)(void *ctx, int64_t user_id),
			 void *ctx)
{
	PGresult *r = pg_query(s, "finding a tag's users",
			       "SELECT o.id, u.data FROM tags t JOIN object_tags ot ON ot.tag_id=t.id"
			       " JOIN objects o ON o.id=ot.object_id AND o.ixd_state=" SQL_IXD_AVAILABLE
			       " JOIN object_users u ON u.object_id=o.id WHERE t.name=$1", "t", tag);
	if (!r)
		return -1;
	struct user_object *users = NULL;
	int cap = 0, rc = 0;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		int64_t object_id = pg_int(r, i, 0);
		size_t size;
		unsigned char *data = pg_bytes(r, i, 1, &size);
		int n = userpack_decode(data, size, object_id, &users, &cap);
		PQfreemem(data);
		if (n < 0) {
			pg_fail(s, "object %lld: its packed users are damaged (thaw check)", (long long)object_id);
			rc = STORAGE_DAMAGED;
		}
		for (int j = 0; j < n; j++)
			if (users[j].kinds & kinds)
				fn(ctx, users[j].user_id);
	}
	PQclear(r);
	free(users);
	return rc;
}

int pg_storage_user_id_max(struct storage *s, int64_t *id)
{
	return pg_scalar(s, "counting users", id, "SELECT coalesce(max(id), 0) FROM users", "");
}

int pg_storage_object_events_each(struct storage *s, int64_t object_id, int64_t first_user, int64_t last_user,
				  int (*fn)(void *ctx, const struct event *e), void *ctx)
{
	PGresult *r = pg_query(s, "reading an object's events",
			       "SELECT user_id, ts, kind, step_id, variant_id, alias_id, label FROM events_hot"
			       " WHERE object_id=$1 AND user_id BETWEEN $2 AND $3"
			       " ORDER BY user_id, ts, kind, step_id, variant_id, alias_id, label",
			       "lll", object_id, first_user, last_user);
	if (!r)
		return -1;
	int stop = 0;
	for (int i = 0; i < PQntuples(r) && !stop; i++) {
		struct event e;
		pg_read_event(r, i, 0, object_id, &e);
		stop = fn(ctx, &e);
	}
	PQclear(r);
	return stop < 0 ? -1 : 0;
}

int pg_storage_part_names(struct storage *s, bool step, int64_t id, char *api_id, size_t api_size, char *name,
			  size_t name_size)
{
	PGresult *r = step ? pg_query(s, "naming a step", "SELECT api_id, name FROM steps WHERE id=$1", "l", id)
			   : pg_query(s, "naming a variant", "SELECT api_id, name FROM variants WHERE id=$1", "l", id);
	if (!r)
		return -1;
	snprintf(api_id, api_size, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	snprintf(name, name_size, "%s", PQntuples(r) ? PQgetvalue(r, 0, 1) : "");
	PQclear(r);
	return 0;
}

int pg_storage_segment_filters(struct storage *s, const char *key, struct stored_filter **f, int *n)
{
	*f = NULL;
	*n = 0;
	int64_t segment;
	if (pg_scalar(s, "finding a segment", &segment,
		      "SELECT id FROM segments WHERE api_id=$1 OR (name=$1 AND"
		      " (SELECT count(*) FROM segments WHERE name=$1)=1) LIMIT 1", "t", key) < 0)
		return -1;
	if (!segment)
		return 0;
	PGresult *r = pg_query(s, "reading a segment's filters",
			       "SELECT f.kind, coalesce(f.target_object_id, 0), coalesce(f.target_step_id, 0),"
			       " coalesce(f.target_variant_id, 0), coalesce(f.target_alias_id, 0), t.name"
			       " FROM filters f LEFT JOIN tags t ON t.id=f.target_tag_id WHERE f.owner_segment_id=$1"
			       " ORDER BY f.id", "l", segment);
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*f = array_grow(*f, *n, &cap, sizeof **f);
		(*f)[(*n)++] = (struct stored_filter){(int)pg_int(r, i, 0), pg_int(r, i, 1), pg_int(r, i, 2),
						      pg_int(r, i, 3), pg_int(r, i, 4), pg_text(r, i, 5)};
	}
	PQclear(r);
	return 1;
}
