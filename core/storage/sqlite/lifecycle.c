/*
 * lifecycle.c — every change of an object's IxD state (see
 * storage/lifecycle.h) and the facts the retention policy reads.
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "storage/lifecycle.h"

int sqlite_storage_policy_rows(struct storage *s, struct policy_row **rows, int *n)
{
	/* The protecting owner: the first active owner (active/idle object or
	 * segment in use) of a specific-object filter naming the object. */
	sqlite3_stmt *st = sql_stmt(s,
		POLICY_QUERY);
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
		r->stored_kept_by = sql_column_text(st, 8);
		r->kept_by = sql_column_text(st, 9);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading retention facts");
}

int sqlite_storage_object_set_expiry(struct storage *s, int64_t id, int64_t expires_at, const char *kept_by)
{
	sqlite3_stmt *st = sql_stmt(s, "UPDATE objects SET expires_at=?, kept_by=? WHERE id=?");
	if (!st)
		return -1;
	sql_bind_opt(st, 1, expires_at);
	sqlite3_bind_text(st, 2, kept_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return sql_exec(s, st, "saving an expiry date");
}

int sqlite_storage_objects_relaunched(struct storage *s, int64_t **ids, int *n)
{
	return sql_collect_ids(s, sql_stmt(s, "SELECT id FROM objects WHERE ixd_state=" SQL_IXD_EXPIRED
					   " AND status IN (" SQL_STATUS_ACTIVE ", " SQL_STATUS_IDLE ") ORDER BY id"),
			       ids, n, "finding relaunched objects");
}

int sqlite_storage_objects_unsettled(struct storage *s, int64_t **ids, int *n)
{
	return sql_collect_ids(s, sql_stmt(s, "SELECT id FROM objects WHERE ixd_state=" SQL_IXD_EXPIRED " AND hot_events>0"
				      " ORDER BY id"), ids, n, "finding unsettled objects");
}

int sqlite_storage_object_expire(struct storage *s, int64_t id, int64_t when)
{
	return SQL_RUN(s, "UPDATE objects SET ixd_state=" SQL_IXD_EXPIRED ", expired_at=?, kept_by=NULL,"
		       " restore_job=NULL WHERE id=?", "expiring an object", when, id);
}

int sqlite_storage_object_add_counts(struct storage *s, int64_t object_id, int64_t hot, int64_t cold)
{
	if (hot == 0 && cold == 0)
		return 0;
	/* The first event of an object turns "no data" into "available". */
	return SQL_RUN(s, "UPDATE objects SET hot_events=hot_events+?1, cold_events=cold_events+?2,"
		       " ixd_state=CASE WHEN ixd_state=" SQL_IXD_NONE " THEN " SQL_IXD_AVAILABLE
		       " ELSE ixd_state END WHERE id=?3", "updating event counts", hot, cold, object_id);
}

int sqlite_storage_restore_complete(struct storage *s, int64_t job_id, const struct restored_object *objects,
				    int n, int64_t now)
{
	for (int i = 0; i < n; i++)
		if (SQL_RUN(s, "UPDATE objects SET ixd_state=" SQL_IXD_AVAILABLE ", last_restored_at=?,"
			    " expires_at=nullif(?, 0), expired_at=NULL, restore_job=NULL WHERE id=?",
			    "completing a restore", now, objects[i].expires_at, objects[i].object_id) < 0 ||
		    storage_job_item_finish(s, job_id, objects[i].object_id, ITEM_RESTORED, objects[i].expires_at) < 0)
			return -1;
	return 0;
}

int sqlite_storage_object_hold_for_restore(struct storage *s, int64_t object_id, int64_t job_id)
{
	return SQL_RUN(s, "UPDATE objects SET ixd_state=" SQL_IXD_RESTORING ", restore_job=? WHERE id=?",
		       "holding an object for restore", job_id, object_id);
}

int sqlite_storage_job_release_objects(struct storage *s, int64_t job_id)
{
	return SQL_RUN(s, "UPDATE objects SET ixd_state=" SQL_IXD_EXPIRED ", restore_job=NULL"
		       " WHERE id IN (SELECT object_id FROM job_items WHERE job_id=?1"
		       " AND outcome=" SQL_ITEM_PENDING ") AND restore_job=?1",
		       "expiring cancelled items", job_id);
}

int sqlite_storage_object_restore_failed(struct storage *s, int64_t object_id)
{
	return SQL_RUN(s, "UPDATE objects SET ixd_state=" SQL_IXD_EXPIRED ", restore_job=NULL WHERE id=?",
		       "giving up a restore", object_id);
}
