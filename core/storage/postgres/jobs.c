/*
 * jobs.c — restore jobs, their items, and leases (see storage/jobs.h), on
 * PostgreSQL.
 *
 * Workers on several hosts share the queue: a claim skips the jobs another
 * claimer has locked (FOR UPDATE SKIP LOCKED) and leases run on the
 * database server's clock, not each host's, so a lapsed lease is one
 * moment for every worker and is taken over exactly once.
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"

/* The server's clock in milliseconds, for leases. */
#define SERVER_MS "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

int pg_storage_job_create(struct storage *s, const char *by, const char *from, const char *request, int64_t now,
			  int64_t *job_id)
{
	return pg_scalar(s, "creating a job", job_id,
			 "INSERT INTO jobs(state, requested_by, requested_from, request, created_at)"
			 " VALUES(" SQL_JOB_QUEUED ",$1,$2,$3,$4) RETURNING id",
			 "tttl", by, from, request, now);
}

int pg_storage_job_add_item(struct storage *s, int64_t job_id, int64_t object_id, int outcome, int64_t other_job,
			    int64_t events_total)
{
	if (pg_run(s, "adding a job item",
		   "INSERT INTO job_items(job_id, object_id, outcome, other_job, events_total)"
		   " VALUES($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
		   "lldol", job_id, object_id, outcome, other_job, events_total) < 0)
		return -1;
	return outcome == ITEM_PENDING ? storage_object_hold_for_restore(s, object_id, job_id) : 0;
}

int pg_storage_job_seal(struct storage *s, int64_t job_id, int64_t now, int64_t real_ms)
{
	if (pg_run(s, "totalling a job",
		   "UPDATE jobs SET events_total=(SELECT coalesce(sum(events_total), 0) FROM job_items"
		   " WHERE job_id=$1 AND outcome=" SQL_ITEM_PENDING ") WHERE id=$1", "l", job_id) < 0)
		return -1;
	int64_t next;
	int pending;
	if (storage_job_next_items(s, job_id, &next, 1, &pending) < 0)
		return -1;
	return pending ? 0 : storage_job_finish(s, job_id, JOB_DONE, now, real_ms);
}

static void read_job(const PGresult *r, int i, struct job_row *j)
{
	*j = (struct job_row){
		.id = pg_int(r, i, 0), .state = (int)pg_int(r, i, 1), .requested_by = pg_text(r, i, 2),
		.requested_from = pg_text(r, i, 3), .request = pg_text(r, i, 4), .created_at = pg_int(r, i, 5),
		.finished_at = pg_int(r, i, 6), .started_ms = pg_int(r, i, 7), .updated_ms = pg_int(r, i, 8),
		.finished_ms = pg_int(r, i, 9), .events_total = pg_int(r, i, 10), .events_done = pg_int(r, i, 11),
		.mail_state = pg_text(r, i, 12), .mail_error = pg_text(r, i, 13), .lease_until_ms = pg_int(r, i, 14)};
}

static int collect_jobs(PGresult *r, struct job_row **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		read_job(r, i, &(*rows)[(*n)++]);
	}
	PQclear(r);
	return 0;
}

int pg_storage_job_get(struct storage *s, int64_t job_id, struct job_row *out)
{
	PGresult *r = pg_query(s, "reading a job", "SELECT " JOB_COLUMNS " WHERE j.id=$1", "l", job_id);
	if (!r)
		return -1;
	int found = PQntuples(r) > 0;
	if (found)
		read_job(r, 0, out);
	PQclear(r);
	return found;
}

int pg_storage_jobs_list(struct storage *s, int64_t limit, struct job_row **rows, int *n)
{
	return collect_jobs(pg_query(s, "reading jobs", "SELECT " JOB_COLUMNS " ORDER BY j.id DESC LIMIT $1", "o",
				     limit > 0 ? limit : 0), rows, n);
}

int pg_storage_object_restores(struct storage *s, int64_t object_id, struct job_row **rows, int *n)
{
	return collect_jobs(pg_query(s, "reading jobs",
				     "SELECT " JOB_COLUMNS " WHERE j.id IN (SELECT job_id FROM job_items"
				     " WHERE object_id=$1 AND outcome IN (" SQL_ITEM_PENDING ", " SQL_ITEM_RESTORED
				     ", " SQL_ITEM_CANCELLED ")) ORDER BY j.id DESC", "l", object_id), rows, n);
}

int pg_storage_job_items(struct storage *s, int64_t job_id, struct job_item_row **items, int *n)
{
	*items = NULL;
	*n = 0;
	PGresult *r = pg_query(s, "reading job items",
			       "SELECT i.object_id, o.api_id, o.name, o.kind, i.outcome, i.other_job, i.events_total,"
			       " i.events_done, i.new_expires_at FROM job_items i JOIN objects o ON o.id=i.object_id"
			       " WHERE i.job_id=$1 ORDER BY o.name_fold, o.id", "l", job_id);
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*items = array_grow(*items, *n, &cap, sizeof **items);
		(*items)[(*n)++] = (struct job_item_row){
			.object_id = pg_int(r, i, 0), .api_id = pg_text(r, i, 1), .name = pg_text(r, i, 2),
			.kind = (int)pg_int(r, i, 3), .outcome = (int)pg_int(r, i, 4), .other_job = pg_int(r, i, 5),
			.events_total = pg_int(r, i, 6), .events_done = pg_int(r, i, 7),
			.new_expires_at = pg_int(r, i, 8)};
	}
	PQclear(r);
	return 0;
}

int pg_storage_job_claim(struct storage *s, const char *owner, int64_t real_ms, int lease_ms, int64_t *job_id)
{
	return pg_scalar(s, "claiming a job", job_id,
			 "UPDATE jobs SET lease_owner=$1, lease_until_ms=" SERVER_MS " + $3, state=" SQL_JOB_RUNNING ","
			 " started_ms=coalesce(started_ms, $2), updated_ms=$2"
			 " WHERE id=(SELECT id FROM jobs WHERE state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")"
			 "   AND (lease_owner IS NULL OR lease_owner=$1 OR lease_until_ms < " SERVER_MS ")"
			 "   ORDER BY events_total - events_done, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id",
			 "tld", owner, real_ms, lease_ms);
}

int pg_storage_job_renew(struct storage *s, int64_t job_id, const char *owner, int64_t real_ms, int lease_ms)
{
	int64_t changed = pg_exec(s, "renewing a lease",
				  "UPDATE jobs SET lease_until_ms=" SERVER_MS " + $4, updated_ms=$3"
				  " WHERE id=$1 AND lease_owner=$2 AND state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")",
				  "ltld", job_id, owner, real_ms, lease_ms);
	return changed < 0 ? -1 : changed == 1 ? 0 : 1;
}

int pg_storage_job_smaller_waiting(struct storage *s, int64_t job_id, int64_t real_ms, bool *waiting)
{
	(void)real_ms; /* leases are the server's time */
	int64_t yes;
	int rc = pg_scalar(s, "looking for waiting jobs", &yes,
			   "SELECT EXISTS(SELECT 1 FROM jobs o, jobs j WHERE j.id=$1 AND o.id<>j.id"
			   " AND o.state IN (" SQL_JOB_QUEUED ", " SQL_JOB_RUNNING ")"
			   " AND (o.lease_owner IS NULL OR o.lease_until_ms < " SERVER_MS ")"
			   " AND o.events_total - o.events_done < j.events_total - j.events_done)", "l", job_id);
	*waiting = yes;
	return rc;
}

int pg_storage_job_release(struct storage *s, int64_t job_id, const char *owner)
{
	/* handed back, it waits for a worker: queued, never shown running */
	return pg_run(s, "releasing a lease",
		      "UPDATE jobs SET lease_owner=NULL, lease_until_ms=NULL, state=" SQL_JOB_QUEUED
		      " WHERE id=$1 AND lease_owner=$2 AND state=" SQL_JOB_RUNNING, "lt", job_id, owner);
}

int pg_storage_job_next_items(struct storage *s, int64_t job_id, int64_t *object_ids, int max, int *n)
{
	/* smallest first (job_items_next) */
	PGresult *r = pg_query(s, "reading job items",
			       "SELECT object_id FROM job_items WHERE job_id=$1 AND outcome=" SQL_ITEM_PENDING
			       " ORDER BY events_total, object_id LIMIT $2", "ll", job_id, (int64_t)max);
	*n = r ? PQntuples(r) : 0;
	for (int i = 0; i < *n; i++)
		object_ids[i] = pg_int(r, i, 0);
	PQclear(r);
	return r ? 0 : -1;
}

int pg_storage_job_progress(struct storage *s, int64_t job_id, const struct hot_move *objects, int n,
			    int64_t real_ms)
{
	struct buf ids = {0}, moved = {0};
	for (int i = 0; i < n; i++) {
		pg_array_int(&ids, objects[i].object_id);
		pg_array_int(&moved, objects[i].moved);
	}
	int rc = pg_run(s, "recording progress",
			"WITH m AS (SELECT * FROM unnest($2::bigint[], $3::bigint[]) AS m(object_id, moved)),"
			" items AS (UPDATE job_items i SET events_done=i.events_done+m.moved FROM m"
			"   WHERE i.job_id=$1 AND i.object_id=m.object_id AND m.moved<>0)"
			" UPDATE jobs SET events_done=events_done+(SELECT coalesce(sum(moved), 0) FROM m), updated_ms=$4"
			" WHERE id=$1", "lttl", job_id, pg_array_end(&ids), pg_array_end(&moved), real_ms);
	buf_free(&ids);
	buf_free(&moved);
	return rc;
}

int pg_storage_job_item_finish(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			       int64_t new_expires_at)
{
	return pg_run(s, "finishing a job item",
		      "UPDATE job_items SET outcome=$1, new_expires_at=$2 WHERE job_id=$3 AND object_id=$4", "doll",
		      outcome, new_expires_at, job_id, object_id);
}

int pg_storage_job_finish(struct storage *s, int64_t job_id, int state, int64_t now, int64_t real_ms)
{
	return pg_run(s, "finishing a job",
		      "UPDATE jobs SET state=$1, finished_at=$2, finished_ms=$3, started_ms=coalesce(started_ms, $3),"
		      " updated_ms=$3, lease_owner=NULL, lease_until_ms=NULL WHERE id=$4",
		      "dlll", state, now, real_ms, job_id);
}

int pg_storage_job_cancel_items(struct storage *s, int64_t job_id)
{
	if (storage_job_release_objects(s, job_id) < 0)
		return -1;
	return pg_run(s, "cancelling job items",
		      "UPDATE job_items SET outcome=" SQL_ITEM_CANCELLED " WHERE job_id=$1 AND outcome=" SQL_ITEM_PENDING,
		      "l", job_id);
}
