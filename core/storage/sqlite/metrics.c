/*
 * metrics.c — the counts `thaw metrics` prints (see storage/metrics.h).
 */
#include "kit.h"

#include <string.h>

#include "storage/metrics.h"

_Static_assert(OUTBOX__COUNT == 4, "the outbox states are counted as channel * 4 + state");

/* Adds each row's count (column 1) to counts[column 0], within range. */
static int count_by(struct storage *s, sqlite3_stmt *st, int64_t *counts, int size, const char *what)
{
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int key = sqlite3_column_int(st, 0);
		if (key >= 0 && key < size)
			counts[key] += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, what);
}

int sqlite_storage_metrics(struct storage *s, struct metrics *out)
{
	memset(out, 0, sizeof *out);
	if (storage_begin_read(s) < 0)
		return -1;
	bool ok = true;
	int rc = count_by(s, sql_stmt(s, "SELECT ixd_state, count(*) FROM objects GROUP BY 1"), out->objects,
			  IXD__COUNT, "counting objects");
	if (rc == 0)
		rc = count_by(s, sql_stmt(s, "SELECT state, count(*) FROM jobs GROUP BY 1"), out->jobs, JOB__COUNT,
			      "counting jobs");
	if (rc == 0)
		rc = count_by(s, sql_stmt(s, "SELECT channel * 4 + CASE state WHEN 'queued' THEN 0"
					     " WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END, count(*)"
					     " FROM outbox GROUP BY 1"),
			      &out->outbox[0][0], CHANNEL__COUNT * OUTBOX__COUNT, "counting notifications");
	if (rc == 0) {
		out->hot_events = sql_scalar_int(s, sql_stmt(s, "SELECT coalesce(sum(hot_events), 0) FROM objects"), &ok);
		out->cold_events = sql_scalar_int(s, sql_stmt(s, "SELECT coalesce(sum(cold_events), 0) FROM objects"), &ok);
		out->oldest_queued_at = sql_scalar_int(s, sql_stmt(s, "SELECT coalesce(min(created_at), 0)"
								   " FROM jobs WHERE state=" SQL_JOB_QUEUED), &ok);
		rc = ok ? 0 : -1;
	}
	storage_rollback(s);
	return rc;
}
