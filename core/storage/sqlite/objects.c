/*
 * objects.c — campaigns and Canvases: writing them, reading one, their
 * tags, and the workspace summary.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/text.h"
#include "storage/objects.h"

int sqlite_storage_object_upsert(struct storage *s, const struct object_input *in, int64_t *id)
{
	/* A later import fills in what was unknown; it never erases a known
	 * date, and the retention clock's dates (the stop, the last restore,
	 * which thaw records itself) only move forward: the later wins, so an
	 * older export imported again cannot expire data restored since. */
	sqlite3_stmt *st = sql_stmt(s,
		"INSERT INTO objects(api_id, kind, name, name_fold, status, channels, created_at,"
		" first_sent_at, last_sent_at, stopped_at, ixd_state, last_restored_at, learned)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
		" ON CONFLICT(api_id) DO UPDATE SET kind=excluded.kind, name=excluded.name,"
		" name_fold=excluded.name_fold, status=excluded.status,"
		" channels=CASE WHEN excluded.channels='' THEN channels ELSE excluded.channels END,"
		" created_at=coalesce(excluded.created_at, created_at),"
		" first_sent_at=coalesce(excluded.first_sent_at, first_sent_at),"
		" last_sent_at=coalesce(excluded.last_sent_at, last_sent_at),"
		" stopped_at=nullif(max(coalesce(excluded.stopped_at, 0), coalesce(stopped_at, 0)), 0),"
		" last_restored_at=nullif(max(coalesce(excluded.last_restored_at, 0),"
		"   coalesce(last_restored_at, 0)), 0),"
		" ixd_state=CASE WHEN excluded.ixd_state=" SQL_IXD_PURGED " THEN " SQL_IXD_PURGED " ELSE ixd_state END,"
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
	sql_bind_opt(st, 7, in->created_at);
	sql_bind_opt(st, 8, in->first_sent_at);
	sql_bind_opt(st, 9, in->last_sent_at);
	sql_bind_opt(st, 10, in->stopped_at);
	sqlite3_bind_int(st, 11, in->ixd_state);
	sql_bind_opt(st, 12, in->last_restored_at);
	sqlite3_bind_int(st, 13, in->learned);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sql_fail(s, "saving an object");
		sqlite3_reset(st);
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

void sql_read_object_row(sqlite3_stmt *st, struct object_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->api_id = sql_column_text(st, 1);
	r->name = sql_column_text(st, 2);
	r->kind = sqlite3_column_int(st, 3);
	r->status = sqlite3_column_int(st, 4);
	r->state = sqlite3_column_int(st, 5);
	r->channels = sql_column_text(st, 6);
	r->tags = sql_column_text(st, 7);
	if (!r->tags)
		r->tags = strdup("");
	r->created_at = sqlite3_column_int64(st, 8);
	r->first_sent_at = sqlite3_column_int64(st, 9);
	r->last_sent_at = sqlite3_column_int64(st, 10);
	r->stopped_at = sqlite3_column_int64(st, 11);
	r->expires_at = sqlite3_column_int64(st, 12);
	r->expired_at = sqlite3_column_int64(st, 13);
	r->last_restored_at = sqlite3_column_int64(st, 14);
	r->kept_by = sql_column_text(st, 15);
	r->hot_events = sqlite3_column_int64(st, 16);
	r->cold_events = sqlite3_column_int64(st, 17);
	r->restore_job = sqlite3_column_int64(st, 18);
	r->restore_done = sqlite3_column_int64(st, 19);
	r->restore_total = sqlite3_column_int64(st, 20);
	r->learned = sqlite3_column_int(st, 21);
}

static int fetch_one_object(struct storage *s, sqlite3_stmt *st, struct object_row *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sql_read_object_row(st, out);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, "reading an object");
	return rc == SQLITE_ROW;
}

int sqlite_storage_object_get(struct storage *s, int64_t id, struct object_row *out)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " OBJECT_COLUMNS " WHERE o.id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return fetch_one_object(s, st, out);
}

int sqlite_storage_object_find(struct storage *s, const char *key, struct object_row *out)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " OBJECT_COLUMNS " WHERE o.api_id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int found = fetch_one_object(s, st, out);
	if (found != 0)
		return found;
	/* An exact name only counts when it is unambiguous. */
	st = sql_stmt(s, "SELECT " OBJECT_COLUMNS " WHERE o.name=? AND"
		     " (SELECT count(*) FROM objects WHERE name=?1)=1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return fetch_one_object(s, st, out);
}

int sqlite_storage_object_id(struct storage *s, const char *api_id, int64_t *id)
{
	return sql_id_by_key(s, "SELECT id FROM objects WHERE api_id=?", api_id, id, NULL,
			     "looking up an object");
}

int sqlite_storage_tag_id(struct storage *s, const char *name, bool create, int64_t *id)
{
	if (create) {
		sqlite3_stmt *ins = sql_stmt(s, "INSERT OR IGNORE INTO tags(name) VALUES(?)");
		if (!ins)
			return -1;
		sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
		if (sql_exec(s, ins, "saving a tag") < 0)
			return -1;
	}
	return sql_id_by_key(s, "SELECT id FROM tags WHERE name=?", name, id, NULL,
			     "looking up a tag");
}

int sqlite_storage_object_set_tags(struct storage *s, int64_t id, const char *const *tags, int n)
{
	sqlite3_stmt *del = sql_stmt(s, "DELETE FROM object_tags WHERE object_id=?");
	if (!del)
		return -1;
	sqlite3_bind_int64(del, 1, id);
	if (sql_exec(s, del, "replacing tags") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t tag;
		if (storage_tag_id(s, tags[i], true, &tag) < 0)
			return -1;
		sqlite3_stmt *ins = sql_stmt(s, "INSERT OR IGNORE INTO object_tags VALUES(?, ?)");
		if (!ins)
			return -1;
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_int64(ins, 2, tag);
		if (sql_exec(s, ins, "tagging an object") < 0)
			return -1;
	}
	return 0;
}

int sqlite_storage_objects_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT o.id FROM objects o JOIN object_tags ot ON ot.object_id=o.id"
				   " JOIN tags t ON t.id=ot.tag_id WHERE t.name=? ORDER BY o.name_fold");
	if (st)
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	return sql_collect_ids(s, st, ids, n, "finding tagged objects");
}

int sqlite_storage_tag_names(struct storage *s, char ***names, int *n)
{
	return sql_collect_texts(s, sql_stmt(s, "SELECT name FROM tags ORDER BY name"), names, n, "listing tags");
}

int sqlite_storage_objects_named(struct storage *s, const char *name, char ***api_ids, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT api_id FROM objects WHERE name=? ORDER BY api_id");
	if (st)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return sql_collect_texts(s, st, api_ids, n, "looking up a name");
}

int sqlite_storage_summary(struct storage *s, int64_t now, int soon_days, struct workspace_summary *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = sql_stmt(s, "SELECT kind, ixd_state, count(*), sum(hot_events), sum(cold_events),"
				   " sum((kept_by IS NOT NULL) AND ixd_state=" SQL_IXD_AVAILABLE "),"
				   " sum(ixd_state=" SQL_IXD_AVAILABLE " AND (kept_by IS NOT NULL)=0 AND expires_at < ?)"
				   " FROM objects INDEXED BY objects_summary GROUP BY kind, ixd_state");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now + (int64_t)soon_days * 86400);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sums[5];
		for (int i = 0; i < 5; i++)
			sums[i] = sqlite3_column_int64(st, 2 + i);
		workspace_summary_add(out, sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), sums);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sql_fail(s, "summarising the workspace");
	bool ok = true;
	/* users.id is the rowid, so max(id) is instant; users are never deleted */
	out->users = sql_scalar_int(s, sql_stmt(s, "SELECT coalesce(max(id), 0) FROM users"), &ok);
	out->jobs_active = sql_scalar_int(s, sql_stmt(s, "SELECT count(*) FROM jobs WHERE state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")"), &ok);
	return ok ? 0 : -1;
}

int sqlite_storage_object_state(struct storage *s, int64_t object_id, int *state)
{
	int64_t v, unused;
	int rc = sql_query_pair(s, sql_stmt(s, "SELECT ixd_state, 0 FROM objects WHERE id=?"), object_id, &v, &unused,
			    "reading an object's state");
	*state = (int)v;
	return rc;
}

int sqlite_storage_object_counts(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold)
{
	return sql_query_pair(s, sql_stmt(s, "SELECT hot_events, cold_events FROM objects WHERE id=?"), object_id,
			   hot, cold, "reading event counts");
}

int sqlite_storage_object_kept(struct storage *s, int64_t object_id, bool *kept)
{
	int64_t yes, unused;
	int rc = sql_query_pair(s, sql_stmt(s, "SELECT kept_by IS NOT NULL, 0 FROM objects WHERE id=?"), object_id,
				&yes, &unused, "reading an object's protection");
	*kept = yes;
	return rc;
}

int sqlite_storage_object_restore_job(struct storage *s, int64_t object_id, int64_t *job_id)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT coalesce(restore_job, 0) FROM objects WHERE id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int rc = sqlite3_step(st);
	*job_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "reading a restore job");
}
