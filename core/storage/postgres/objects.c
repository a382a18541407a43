/*
 * objects.c — campaigns and Canvases on PostgreSQL: writing them, reading
 * one, their tags, and the workspace summary.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

int pg_storage_object_upsert(struct storage *s, const struct object_input *in, int64_t *id)
{
	/* as the SQLite engine: a later import fills in what was unknown and
	 * never moves the retention clock's dates back */
	char *fold = text_fold_case(in->name);
	int64_t found;
	int rc = pg_scalar(s, "saving an object", &found,
		"INSERT INTO objects AS o(api_id, kind, name, name_fold, status, channels, created_at,"
		" first_sent_at, last_sent_at, stopped_at, ixd_state, last_restored_at, learned)"
		" VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"
		" ON CONFLICT(api_id) DO UPDATE SET kind=excluded.kind, name=excluded.name,"
		" name_fold=excluded.name_fold, status=excluded.status,"
		" channels=CASE WHEN excluded.channels='' THEN o.channels ELSE excluded.channels END,"
		" created_at=coalesce(excluded.created_at, o.created_at),"
		" first_sent_at=coalesce(excluded.first_sent_at, o.first_sent_at),"
		" last_sent_at=coalesce(excluded.last_sent_at, o.last_sent_at),"
		" stopped_at=nullif(greatest(coalesce(excluded.stopped_at, 0), coalesce(o.stopped_at, 0)), 0),"
		" last_restored_at=nullif(greatest(coalesce(excluded.last_restored_at, 0),"
		"   coalesce(o.last_restored_at, 0)), 0),"
		" ixd_state=CASE WHEN excluded.ixd_state=" SQL_IXD_PURGED " THEN " SQL_IXD_PURGED " ELSE o.ixd_state END,"
		" learned=CASE WHEN o.learned<>0 AND excluded.learned<>0 THEN 1 ELSE 0 END"
		" RETURNING id",
		"tdttdtoooodod", in->api_id, in->kind, in->name, fold, in->status, in->channels ? in->channels : "",
		in->created_at, in->first_sent_at, in->last_sent_at, in->stopped_at, in->ixd_state,
		in->last_restored_at, (int)in->learned);
	free(fold);
	*id = found;
	return rc;
}

void pg_read_object_row(const PGresult *r, int row, struct object_row *o)
{
	o->id = pg_int(r, row, 0);
	o->api_id = pg_text(r, row, 1);
	o->name = pg_text(r, row, 2);
	o->kind = (int)pg_int(r, row, 3);
	o->status = (int)pg_int(r, row, 4);
	o->state = (int)pg_int(r, row, 5);
	o->channels = pg_text(r, row, 6);
	o->tags = pg_text(r, row, 7);
	if (!o->tags)
		o->tags = strdup("");
	int64_t *times[] = {&o->created_at, &o->first_sent_at, &o->last_sent_at, &o->stopped_at,
			    &o->expires_at, &o->expired_at, &o->last_restored_at};
	for (int i = 0; i < 7; i++)
		*times[i] = pg_int(r, row, 8 + i);
	o->kept_by = pg_text(r, row, 15);
	o->hot_events = pg_int(r, row, 16);
	o->cold_events = pg_int(r, row, 17);
	o->restore_job = pg_int(r, row, 18);
	o->restore_done = pg_int(r, row, 19);
	o->restore_total = pg_int(r, row, 20);
	o->learned = (int)pg_int(r, row, 21);
}

/* 1 and the row when the result has one, 0 when none, -1 on error. */
static int one_object(PGresult *r, struct object_row *out)
{
	if (!r)
		return -1;
	int found = PQntuples(r) > 0;
	if (found)
		pg_read_object_row(r, 0, out);
	PQclear(r);
	return found;
}

int pg_storage_object_get(struct storage *s, int64_t id, struct object_row *out)
{
	return one_object(pg_query(s, "reading an object", "SELECT " OBJECT_COLUMNS " WHERE o.id=$1", "l", id), out);
}

int pg_storage_object_find(struct storage *s, const char *key, struct object_row *out)
{
	int found = one_object(pg_query(s, "reading an object", "SELECT " OBJECT_COLUMNS " WHERE o.api_id=$1",
					"t", key), out);
	if (found != 0)
		return found;
	/* an exact name only counts when it is unambiguous */
	return one_object(pg_query(s, "reading an object", "SELECT " OBJECT_COLUMNS " WHERE o.name=$1 AND"
				   " (SELECT count(*) FROM objects WHERE name=$1)=1", "t", key), out);
}

int pg_storage_object_id(struct storage *s, const char *api_id, int64_t *id)
{
	return pg_scalar(s, "looking up an object", id, "SELECT id FROM objects WHERE api_id=$1", "t", api_id);
}

int pg_storage_tag_id(struct storage *s, const char *name, bool create, int64_t *id)
{
	if (create && pg_exec(s, "saving a tag", "INSERT INTO tags(name) VALUES($1) ON CONFLICT DO NOTHING",
			      "t", name) < 0)
		return -1;
	return pg_scalar(s, "looking up a tag", id, "SELECT id FROM tags WHERE name=$1", "t", name);
}

int pg_storage_object_set_tags(struct storage *s, int64_t id, const char *const *tags, int n)
{
	if (pg_exec(s, "replacing tags", "DELETE FROM object_tags WHERE object_id=$1", "l", id) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t tag;
		if (pg_storage_tag_id(s, tags[i], true, &tag) < 0 ||
		    pg_exec(s, "tagging an object", "INSERT INTO object_tags VALUES($1, $2) ON CONFLICT DO NOTHING",
			    "ll", id, tag) < 0)
			return -1;
	}
	return 0;
}

int pg_storage_objects_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n)
{
	return pg_collect_ids(s, pg_query(s, "finding tagged objects",
					  "SELECT o.id FROM objects o JOIN object_tags ot ON ot.object_id=o.id"
					  " JOIN tags t ON t.id=ot.tag_id WHERE t.name=$1 ORDER BY o.name_fold",
					  "t", tag), ids, n);
}

int pg_storage_tag_names(struct storage *s, char ***names, int *n)
{
	return pg_collect_texts(s, pg_query(s, "listing tags", "SELECT name FROM tags ORDER BY name", ""), names, n);
}

int pg_storage_objects_named(struct storage *s, const char *name, char ***api_ids, int *n)
{
	return pg_collect_texts(s, pg_query(s, "looking up a name",
					    "SELECT api_id FROM objects WHERE name=$1 ORDER BY api_id", "t", name),
				api_ids, n);
}

int pg_storage_summary(struct storage *s, int64_t now, int soon_days, struct workspace_summary *out)
{
	memset(out, 0, sizeof *out);
	PGresult *r = pg_query(s, "summarising the workspace",
		"SELECT kind, ixd_state, count(*), sum(hot_events), sum(cold_events),"
		" count(*) FILTER (WHERE kept_by IS NOT NULL AND ixd_state=" SQL_IXD_AVAILABLE "),"
		" count(*) FILTER (WHERE ixd_state=" SQL_IXD_AVAILABLE " AND kept_by IS NULL AND expires_at < $1)"
		" FROM objects GROUP BY kind, ixd_state", "l", now + (int64_t)soon_days * 86400);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t sums[5];
		for (int k = 0; k < 5; k++)
			sums[k] = pg_int(r, i, 2 + k);
		workspace_summary_add(out, (int)pg_int(r, i, 0), (int)pg_int(r, i, 1), sums);
	}
	PQclear(r);
	if (pg_scalar(s, "summarising the workspace", &out->users, "SELECT coalesce(max(id), 0) FROM users", "") < 0)
		return -1;
	return pg_scalar(s, "summarising the workspace", &out->jobs_active,
			 "SELECT count(*) FROM jobs WHERE state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")", "");
}

/* Two integer columns of an object's row (0, 0 when there is none). */
static int object_pair(struct storage *s, const char *context, const char *sql, int64_t id, int64_t *a,
		       int64_t *b)
{
	PGresult *r = pg_query(s, context, sql, "l", id);
	bool found = r && PQntuples(r) > 0;
	*a = found ? pg_int(r, 0, 0) : 0;
	if (b)
		*b = found ? pg_int(r, 0, 1) : 0;
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

int pg_storage_object_state(struct storage *s, int64_t object_id, int *state)
{
	int64_t v;
	int rc = object_pair(s, "reading an object's state", "SELECT ixd_state FROM objects WHERE id=$1", object_id,
			     &v, NULL);
	*state = (int)v;
	return rc;
}

int pg_storage_object_counts(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold)
{
	return object_pair(s, "reading event counts", "SELECT hot_events, cold_events FROM objects WHERE id=$1",
			   object_id, hot, cold);
}

int pg_storage_object_kept(struct storage *s, int64_t object_id, bool *kept)
{
	int64_t yes;
	int rc = object_pair(s, "reading an object's protection",
			     "SELECT kept_by IS NOT NULL FROM objects WHERE id=$1", object_id, &yes, NULL);
	*kept = yes;
	return rc;
}

int pg_storage_object_restore_job(struct storage *s, int64_t object_id, int64_t *job_id)
{
	return object_pair(s, "reading a restore job", "SELECT coalesce(restore_job, 0) FROM objects WHERE id=$1",
			   object_id, job_id, NULL);
}
