/*
 * metrics.c — the counts `thaw metrics` prints (see storage/metrics.h), on
 * PostgreSQL.
 */
#include "kit.h"

#include <string.h>

/* Adds each row's count (column 1) to counts[column 0], within range. */
static int count_by(PGresult *r, int64_t *counts, int size)
{
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t key = pg_int(r, i, 0);
		if (key >= 0 && key < size)
			counts[key] += pg_int(r, i, 1);
	}
	PQclear(r);
	return 0;
}

int pg_storage_metrics(struct storage *s, struct metrics *out)
{
	memset(out, 0, sizeof *out);
	if (storage_begin_read(s) < 0)
		return -1;
	int rc = count_by(pg_query(s, "counting objects", "SELECT ixd_state, count(*) FROM objects GROUP BY 1", ""),
			  out->objects, IXD__COUNT);
	if (rc == 0)
		rc = count_by(pg_query(s, "counting jobs", "SELECT state, count(*) FROM jobs GROUP BY 1", ""), out->jobs,
			      JOB__COUNT);
	if (rc == 0)
		rc = count_by(pg_query(s, "counting notifications",
				       "SELECT channel * 4 + CASE state WHEN 'queued' THEN 0 WHEN 'sending' THEN 1"
				       " WHEN 'sent' THEN 2 ELSE 3 END, count(*) FROM outbox GROUP BY 1", ""),
			      &out->outbox[0][0], CHANNEL__COUNT * OUTBOX__COUNT);
	if (rc == 0)
		rc = pg_scalar(s, "counting events", &out->hot_events,
			       "SELECT coalesce(sum(hot_events), 0) FROM objects", "");
	if (rc == 0)
		rc = pg_scalar(s, "counting events", &out->cold_events,
			       "SELECT coalesce(sum(cold_events), 0) FROM objects", "");
	if (rc == 0)
		rc = pg_scalar(s, "finding the oldest job", &out->oldest_queued_at,
			       "SELECT coalesce(min(created_at), 0) FROM jobs WHERE state=" SQL_JOB_QUEUED, "");
	storage_rollback(s);
	return rc;
}
