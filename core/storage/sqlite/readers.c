/*
 * readers.c — the queries behind segment filters, profiles and exports
 * (see storage/readers.h): hot events of available objects only.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "storage/readers.h"
#include "storage/userpack.h"

static int object_available(struct storage *s, int64_t object_id, bool *available)
{
	int64_t yes, unused;
	int rc = sql_query_pair(s, sql_stmt(s, "SELECT ixd_state=" SQL_IXD_AVAILABLE ", 0 FROM objects WHERE id=?"), object_id, &yes,
			    &unused, "checking an object");
	*available = yes;
	return rc;
}

int sqlite_storage_event_users(struct storage *s, const struct event_match *m, int64_t after, int64_t before,
			bool latest, struct user_time **out, int *n)
{
	*out = NULL;
	*n = 0;
	bool available;
	if (object_available(s, m->object_id, &available) < 0)
		return -1;
	if (!available)
		return 0;
	/* the object's events are one key range: this reads only them */
	sqlite3_stmt *st = latest
		? sql_stmt(s, "SELECT user_id, max(ts) FROM events_hot WHERE object_id=?1 AND (?2 >> kind) & 1"
			  " AND (?3=0 OR step_id=?3) AND (?4=0 OR variant_id=?4) AND (?5=0 OR alias_id=?5)"
			  " GROUP BY user_id HAVING max(ts) >= ?6 AND max(ts) < ?7")
		/* in key order users come ascending: repeats are dropped below,
		 * without the temporary b-tree DISTINCT would build */
		: sql_stmt(s, "SELECT user_id, 0 FROM events_hot WHERE object_id=?1 AND (?2 >> kind) & 1"
			  " AND (?3=0 OR step_id=?3) AND (?4=0 OR variant_id=?4) AND (?5=0 OR alias_id=?5)"
			  " AND ts >= ?6 AND ts < ?7 ORDER BY user_id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, m->object_id);
	sqlite3_bind_int64(st, 2, m->kinds);
	sqlite3_bind_int64(st, 3, m->step_id);
	sqlite3_bind_int64(st, 4, m->variant_id);
	sqlite3_bind_int64(st, 5, m->alias_id);
	sqlite3_bind_int64(st, 6, after);
	sqlite3_bind_int64(st, 7, before);
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t user = sqlite3_column_int64(st, 0);
		if (*n > 0 && (*out)[*n - 1].user_id == user)
			continue;
		*out = array_grow(*out, *n, &cap, sizeof **out);
		(*out)[(*n)++] = (struct user_time){user, sqlite3_column_int64(st, 1)};
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "evaluating a filter");
}

int sqlite_storage_users_with_alias(struct storage *s, const char *alias, int64_t **ids, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT user_id FROM user_aliases WHERE alias=? ORDER BY user_id");
	if (st)
		sqlite3_bind_text(st, 1, alias, -1, SQLITE_STATIC);
	return sql_collect_ids(s, st, ids, n, "reading alias clicks");
}

int sqlite_storage_available_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT o.id FROM objects o JOIN object_tags ot ON ot.object_id=o.id"
				   " JOIN tags t ON t.id=ot.tag_id WHERE t.name=? AND o.ixd_state=" SQL_IXD_AVAILABLE " ORDER BY o.id");
	if (st)
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	return sql_collect_ids(s, st, ids, n, "finding a tag's objects");
}

int sqlite_storage_users_received_each(struct storage *s, int64_t first_user, int64_t last_user,
				       int (*fn)(void *ctx, const struct received_row *row), void *ctx)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT u.user_id, o.id, o.kind, o.api_id, o.name, u.marks FROM user_objects u"
				       " JOIN objects o ON o.id=u.object_id WHERE u.user_id BETWEEN ?1 AND ?2"
				       " AND o.ixd_state=" SQL_IXD_AVAILABLE " ORDER BY u.user_id, o.kind, o.name_fold, o.id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, first_user);
	sqlite3_bind_int64(st, 2, last_user);
	struct pair_mark *marks = NULL;
	int rc, stop = 0, cap = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct received_row row = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
					   sqlite3_column_int(st, 2), (const char *)sqlite3_column_text(st, 3),
					   (const char *)sqlite3_column_text(st, 4), NULL, 0};
		stop = received_row_hand(s, &row, sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5), &marks,
					 &cap, fn, ctx);
	}
	free(marks);
	if (!stop && rc != SQLITE_DONE)
		sql_fail(s, "reading what users received");
	sqlite3_reset(st);
	return stop < 0 || (!stop && rc != SQLITE_DONE) ? -1 : 0;
}

int sqlite_storage_tag_users(struct storage *s, const char *tag, uint32_t kinds, void (*fn)(void *ctx, int64_t user_id),
		      void *ctx)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT o.id, u.data FROM tags t JOIN object_tags ot ON ot.tag_id=t.id"
				       " JOIN objects o ON o.id=ot.object_id AND o.ixd_state=" SQL_IXD_AVAILABLE
				       " JOIN object_users u ON u.object_id=o.id WHERE t.name=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	struct user_object *users = NULL;
	int cap = 0, rc, damaged = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t object_id = sqlite3_column_int64(st, 0);
		int n = userpack_decode(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), object_id,
					&users, &cap);
		if (n < 0) {
			damaged = 1;
			snprintf(s->error, sizeof s->error, "object %lld: its packed users are damaged (thaw check)",
				 (long long)object_id);
			break;
		}
		for (int i = 0; i < n; i++)
			if (users[i].kinds & kinds)
				fn(ctx, users[i].user_id);
	}
	sqlite3_reset(st);
	free(users);
	if (damaged)
		return STORAGE_DAMAGED;
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "finding a tag's users");
}

int sqlite_storage_user_id_max(struct storage *s, int64_t *id)
{
	int64_t unused;
	return sql_query_pair(s, sql_stmt(s, "SELECT coalesce(max(id), 0), ?1 FROM users"), 0, id, &unused,
			      "counting users");
}

int sqlite_storage_object_events_each(struct storage *s, int64_t object_id, int64_t first_user, int64_t last_user,
			       int (*fn)(void *ctx, const struct event *e), void *ctx)
{
	/* cached: called for every object of every batch of an export; the
	 * callback must not read an object's events itself */
	sqlite3_stmt *st = sql_stmt(s, "SELECT user_id, ts, kind, step_id, variant_id, alias_id, label"
				       " FROM events_hot WHERE object_id=? AND user_id BETWEEN ? AND ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	sqlite3_bind_int64(st, 2, first_user);
	sqlite3_bind_int64(st, 3, last_user);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event e;
		sql_column_event(st, object_id, &e);
		stop = fn(ctx, &e);
	}
	if (!stop && rc != SQLITE_DONE)
		sql_fail(s, "reading an object's events");
	sqlite3_reset(st);
	return stop < 0 || (!stop && rc != SQLITE_DONE) ? -1 : 0;
}

int sqlite_storage_part_names(struct storage *s, bool step, int64_t id, char *api_id, size_t api_size,
		       char *name, size_t name_size)
{
	sqlite3_stmt *st = step ? sql_stmt(s, "SELECT api_id, name FROM steps WHERE id=?")
				: sql_stmt(s, "SELECT api_id, name FROM variants WHERE id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	snprintf(api_id, api_size, "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "");
	snprintf(name, name_size, "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 1) : "");
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "naming a step or variant");
}

int sqlite_storage_segment_filters(struct storage *s, const char *key, struct stored_filter **f, int *n)
{
	*f = NULL;
	*n = 0;
	sqlite3_stmt *st = sql_stmt(s, "SELECT id FROM segments WHERE api_id=?1 OR (name=?1 AND"
				   " (SELECT count(*) FROM segments WHERE name=?1)=1)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int64_t segment = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, "finding a segment");
	if (!segment)
		return 0;
	st = sql_stmt(s, "SELECT f.kind, coalesce(f.target_object_id, 0), coalesce(f.target_step_id, 0),"
		     " coalesce(f.target_variant_id, 0), coalesce(f.target_alias_id, 0), t.name"
		     " FROM filters f LEFT JOIN tags t ON t.id=f.target_tag_id WHERE f.owner_segment_id=?"
		     " ORDER BY f.id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, segment);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*f = array_grow(*f, *n, &cap, sizeof **f);
		(*f)[(*n)++] = (struct stored_filter){
			sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sql_column_text(st, 5)};
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 1 : sql_fail(s, "reading a segment's filters");
}

