/*
 * lifecycle.c — every change of an object's IxD state (see
 * storage/lifecycle.h) and the facts the retention policy reads, on
 * PostgreSQL.
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"

int pg_storage_policy_rows(struct storage *s, struct policy_row **rows, int *n)
{
	/* the protecting owner: the first active owner (active/idle object or
	 * segment in use) of a specific-object filter naming the object */
	PGresult *r = pg_query(s, "reading retention facts",
		POLICY_QUERY, "");
	*rows = NULL;
	*n = 0;
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		(*rows)[(*n)++] = (struct policy_row){
			.id = pg_int(r, i, 0), .status = (int)pg_int(r, i, 1), .state = (int)pg_int(r, i, 2),
			.stopped_at = pg_int(r, i, 3), .last_restored_at = pg_int(r, i, 4),
			.expires_at = pg_int(r, i, 5), .hot_events = pg_int(r, i, 6), .cold_events = pg_int(r, i, 7),
			.stored_kept_by = pg_text(r, i, 8), .kept_by = pg_text(r, i, 9)};
	}
	PQclear(r);
	return 0;
}

int pg_storage_object_set_expiry(struct storage *s, int64_t id, int64_t expires_at, const char *kept_by)
{
	return pg_run(s, "saving an expiry date", "UPDATE objects SET expires_at=$1, kept_by=$2 WHERE id=$3",
		      "otl", expires_at, kept_by, id);
}

int pg_storage_objects_relaunched(struct storage *s, int64_t **ids, int *n)
{
	return pg_collect_ids(s, pg_query(s, "finding relaunched objects",
					  "SELECT id FROM objects WHERE ixd_state=" SQL_IXD_EXPIRED
					  " AND status IN (" SQL_STATUS_ACTIVE ", " SQL_STATUS_IDLE ") ORDER BY id", ""),
			      ids, n);
}

int pg_storage_objects_unsettled(struct storage *s, int64_t **ids, int *n)
{
	return pg_collect_ids(s, pg_query(s, "finding unsettled objects",
					  "SELECT id FROM objects WHERE ixd_state=" SQL_IXD_EXPIRED " AND hot_events>0"
					  " ORDER BY id", ""), ids, n);
}

int pg_storage_object_expire(struct storage *s, int64_t id, int64_t when)
{
	return pg_run(s, "expiring an object", "UPDATE objects SET ixd_state=" SQL_IXD_EXPIRED ", expired_at=$1,"
		      " kept_by=NULL, restore_job=NULL WHERE id=$2", "ll", when, id);
}

int pg_storage_object_add_counts(struct storage *s, int64_t object_id, int64_t hot, int64_t cold)
{
	if (hot == 0 && cold == 0)
		return 0;
	/* the first event of an object turns "no data" into "available" */
	return pg_run(s, "updating event counts", "UPDATE objects SET hot_events=hot_events+$1,"
		      " cold_events=cold_events+$2, ixd_state=CASE WHEN ixd_state=" SQL_IXD_NONE
		      " THEN " SQL_IXD_AVAILABLE " ELSE ixd_state END WHERE id=$3", "lll", hot, cold, object_id);
}

int pg_storage_restore_complete(struct storage *s, int64_t job_id, const struct restored_object *objects, int n,
				int64_t now)
{
	if (n == 0)
		return 0;
	struct buf ids = {0}, expiry = {0};
	for (int i = 0; i < n; i++) {
		pg_array_int(&ids, objects[i].object_id);
		pg_array_int(&expiry, objects[i].expires_at);
	}
	int rc = pg_run(s, "completing a restore",
			"WITH m AS (SELECT id, nullif(expires_at, 0) AS expires_at"
			"   FROM unnest($2::bigint[], $3::bigint[]) AS m(id, expires_at)),"
			" items AS (UPDATE job_items i SET outcome=" SQL_ITEM_RESTORED ", new_expires_at=m.expires_at"
			"   FROM m WHERE i.job_id=$1 AND i.object_id=m.id)"
			" UPDATE objects o SET ixd_state=" SQL_IXD_AVAILABLE ", last_restored_at=$4,"
			" expires_at=m.expires_at, expired_at=NULL, restore_job=NULL FROM m WHERE o.id=m.id",
			"lttl", job_id, pg_array_end(&ids), pg_array_end(&expiry), now);
	buf_free(&ids);
	buf_free(&expiry);
	return rc;
}

int pg_storage_object_hold_for_restore(struct storage *s, int64_t object_id, int64_t job_id)
{
	return pg_run(s, "holding an object for restore", "UPDATE objects SET ixd_state=" SQL_IXD_RESTORING
		      ", restore_job=$1 WHERE id=$2", "ll", job_id, object_id);
}

int pg_storage_job_release_objects(struct storage *s, int64_t job_id)
{
	return pg_run(s, "expiring cancelled items", "UPDATE objects SET ixd_state=" SQL_IXD_EXPIRED
		      ", restore_job=NULL WHERE id IN (SELECT object_id FROM job_items WHERE job_id=$1"
		      " AND outcome=" SQL_ITEM_PENDING ") AND restore_job=$1", "l", job_id);
}

int pg_storage_object_restore_failed(struct storage *s, int64_t object_id)
{
	return pg_run(s, "giving up a restore", "UPDATE objects SET ixd_state=" SQL_IXD_EXPIRED
		      ", restore_job=NULL WHERE id=$1", "l", object_id);
}
