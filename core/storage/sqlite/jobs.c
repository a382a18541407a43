/*
 * jobs.c — restore jobs, their items, and leases (see storage/jobs.h).
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "storage/lifecycle.h"
#include "storage/jobs.h"

int sqlite_storage_job_create(struct storage *s, const char *by, const char *from, const char *request,
		       int64_t now, int64_t *job_id)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO jobs(state, requested_by, requested_from, request,"
				   " created_at) VALUES(" SQL_JOB_QUEUED ",?,?,?,?) RETURNING id");
	if (st) {
		SQL_BIND_TEXTS(st, 1, by, from, request);
		sqlite3_bind_int64(st, 4, now);
	}
	return sql_returning_id(s, st, job_id, "creating a job");
}

int sqlite_storage_job_add_item(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			 int64_t other_job, int64_t events_total)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT OR IGNORE INTO job_items(job_id, object_id, outcome,"
				   " other_job, events_total) VALUES(?,?,?,?,?)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, object_id);
	sqlite3_bind_int(st, 3, outcome);
	sql_bind_opt(st, 4, other_job);
	sqlite3_bind_int64(st, 5, events_total);
	if (sql_exec(s, st, "adding a job item") < 0)
		return -1;
	return outcome == ITEM_PENDING ? storage_object_hold_for_restore(s, object_id, job_id) : 0;
}

int sqlite_storage_job_seal(struct storage *s, int64_t job_id, int64_t now, int64_t real_ms)
{
	sqlite3_stmt *st = sql_stmt(s, "UPDATE jobs SET events_total=(SELECT coalesce(sum(events_total), 0)"
				   " FROM job_items WHERE job_id=?1 AND outcome=" SQL_ITEM_PENDING ") WHERE id=?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if (sql_exec(s, st, "totalling a job") < 0)
		return -1;
	int64_t next;
	int pending;
	if (storage_job_next_items(s, job_id, &next, 1, &pending) < 0)
		return -1;
	return pending ? 0 : storage_job_finish(s, job_id, JOB_DONE, now, real_ms);
}

static void read_job(sqlite3_stmt *st, struct job_row *j)
{
	j->id = sqlite3_column_int64(st, 0);
	j->state = sqlite3_column_int(st, 1);
	j->requested_by = sql_column_text(st, 2);
	j->requested_from = sql_column_text(st, 3);
	j->request = sql_column_text(st, 4);
	j->created_at = sqlite3_column_int64(st, 5);
	j->finished_at = sqlite3_column_int64(st, 6);
	j->started_ms = sqlite3_column_int64(st, 7);
	j->updated_ms = sqlite3_column_int64(st, 8);
	j->finished_ms = sqlite3_column_int64(st, 9);
	j->events_total = sqlite3_column_int64(st, 10);
	j->events_done = sqlite3_column_int64(st, 11);
	j->mail_state = sql_column_text(st, 12);
	j->mail_error = sql_column_text(st, 13);
	j->lease_until_ms = sqlite3_column_int64(st, 14);
}

static int collect_jobs(struct storage *s, sqlite3_stmt *st, struct job_row **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		read_job(st, &(*rows)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading jobs");
}

int sqlite_storage_job_get(struct storage *s, int64_t job_id, struct job_row *out)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " JOB_COLUMNS " WHERE j.id=?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_job(st, out);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, "reading a job");
	return rc == SQLITE_ROW;
}

int sqlite_storage_jobs_list(struct storage *s, int64_t limit, struct job_row **rows, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " JOB_COLUMNS " ORDER BY j.id DESC LIMIT ?");
	if (st)
		sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	return collect_jobs(s, st, rows, n);
}

int sqlite_storage_object_restores(struct storage *s, int64_t object_id, struct job_row **rows, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " JOB_COLUMNS " WHERE j.id IN (SELECT job_id FROM job_items"
				   " WHERE object_id=? AND outcome IN (" SQL_ITEM_PENDING ", " SQL_ITEM_RESTORED ", " SQL_ITEM_CANCELLED "))"
				   " ORDER BY j.id DESC");
	if (st)
		sqlite3_bind_int64(st, 1, object_id);
	return collect_jobs(s, st, rows, n);
}

int sqlite_storage_job_items(struct storage *s, int64_t job_id, struct job_item_row **items, int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT i.object_id, o.api_id, o.name, o.kind, i.outcome,"
				   " i.other_job, i.events_total, i.events_done, i.new_expires_at"
				   " FROM job_items i JOIN objects o ON o.id=i.object_id"
				   " WHERE i.job_id=? ORDER BY o.name_fold, o.id");
	*items = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*items = array_grow(*items, *n, &cap, sizeof **items);
		struct job_item_row *it = &(*items)[(*n)++];
		it->object_id = sqlite3_column_int64(st, 0);
		it->api_id = sql_column_text(st, 1);
		it->name = sql_column_text(st, 2);
		it->kind = sqlite3_column_int(st, 3);
		it->outcome = sqlite3_column_int(st, 4);
		it->other_job = sqlite3_column_int64(st, 5);
		it->events_total = sqlite3_column_int64(st, 6);
		it->events_done = sqlite3_column_int64(st, 7);
		it->new_expires_at = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading job items");
}

int sqlite_storage_job_claim(struct storage *s, const char *owner, int64_t real_ms, int lease_ms,
		      int64_t *job_id)
{
	sqlite3_stmt *st = sql_stmt(s, "UPDATE jobs SET lease_owner=?1, lease_until_ms=?2 + ?3, state=" SQL_JOB_RUNNING ","
				   " started_ms=coalesce(started_ms, ?2), updated_ms=?2"
				   " WHERE id=(SELECT id FROM jobs WHERE state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")"
				   "   AND (lease_owner IS NULL OR lease_owner=?1 OR lease_until_ms < ?2)"
				   "   ORDER BY events_total - events_done, id LIMIT 1) RETURNING id");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, real_ms);
	sqlite3_bind_int(st, 3, lease_ms);
	int rc = sqlite3_step(st);
	*job_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "claiming a job");
}

int sqlite_storage_job_renew(struct storage *s, int64_t job_id, const char *owner, int64_t real_ms,
		      int lease_ms)
{
	sqlite3_stmt *st = sql_stmt(s, "UPDATE jobs SET lease_until_ms=?3 + ?4, updated_ms=?3"
				   " WHERE id=?1 AND lease_owner=?2 AND state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, real_ms);
	sqlite3_bind_int(st, 4, lease_ms);
	if (sql_exec(s, st, "renewing a lease") < 0)
		return -1;
	return sqlite3_changes(lite(s)->db) == 1 ? 0 : 1;
}

int sqlite_storage_job_smaller_waiting(struct storage *s, int64_t job_id, int64_t real_ms, bool *waiting)
{
	int64_t yes, unused;
	sqlite3_stmt *st = sql_stmt(s, "SELECT EXISTS(SELECT 1 FROM jobs o, jobs j WHERE j.id=?1 AND o.id<>j.id"
				       " AND o.state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")"
				       " AND (o.lease_owner IS NULL OR o.lease_until_ms < ?2)"
				       " AND o.events_total - o.events_done < j.events_total - j.events_done), 0");
	if (st)
		sqlite3_bind_int64(st, 2, real_ms);
	int rc = sql_query_pair(s, st, job_id, &yes, &unused, "looking for waiting jobs");
	*waiting = yes;
	return rc;
}

int sqlite_storage_job_release(struct storage *s, int64_t job_id, const char *owner)
{
	/* handed back, it waits for a worker: queued, never shown running */
	sqlite3_stmt *st = sql_stmt(s, "UPDATE jobs SET lease_owner=NULL, lease_until_ms=NULL, state=" SQL_JOB_QUEUED
				   " WHERE id=? AND lease_owner=? AND state=" SQL_JOB_RUNNING);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	return sql_exec(s, st, "releasing a lease");
}

int sqlite_storage_job_next_items(struct storage *s, int64_t job_id, int64_t *object_ids, int max, int *n)
{
	/* smallest first (job_items_next: an index lookup, however many items
	 * the job has) */
	sqlite3_stmt *st = sql_stmt(s, "SELECT object_id FROM job_items WHERE job_id=? AND outcome=" SQL_ITEM_PENDING
				   " ORDER BY events_total, object_id LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int(st, 2, max);
	int rc;
	for (*n = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; (*n)++)
		object_ids[*n] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading job items");
}

int sqlite_storage_job_progress(struct storage *s, int64_t job_id, const struct hot_move *objects, int n,
				int64_t real_ms)
{
	int64_t moved = 0;
	for (int i = 0; i < n; i++) {
		if (objects[i].moved == 0)
			continue;
		if (SQL_RUN(s, "UPDATE job_items SET events_done=events_done+? WHERE job_id=? AND object_id=?",
			    "recording progress", objects[i].moved, job_id, objects[i].object_id) < 0)
			return -1;
		moved += objects[i].moved;
	}
	return SQL_RUN(s, "UPDATE jobs SET events_done=events_done+?, updated_ms=? WHERE id=?",
		       "recording progress", moved, real_ms, job_id);
}

int sqlite_storage_job_item_finish(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			    int64_t new_expires_at)
{
	return SQL_RUN(s, "UPDATE job_items SET outcome=?, new_expires_at=nullif(?, 0)"
		       " WHERE job_id=? AND object_id=?",
		       "finishing a job item", outcome, new_expires_at, job_id, object_id);
}

int sqlite_storage_job_finish(struct storage *s, int64_t job_id, int state, int64_t now, int64_t real_ms)
{
	return SQL_RUN(s, "UPDATE jobs SET state=?, finished_at=?, finished_ms=?,"
		       " started_ms=coalesce(started_ms, ?3), updated_ms=?3,"
		       " lease_owner=NULL, lease_until_ms=NULL WHERE id=?",
		       "finishing a job", state, now, real_ms, job_id);
}

int sqlite_storage_job_cancel_items(struct storage *s, int64_t job_id)
{
	if (storage_job_release_objects(s, job_id) < 0)
		return -1;
	return SQL_RUN(s, "UPDATE job_items SET outcome=" SQL_ITEM_CANCELLED
		       " WHERE job_id=? AND outcome=" SQL_ITEM_PENDING, "cancelling job items", job_id);
}
