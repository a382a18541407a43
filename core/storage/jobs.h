/*
 * storage/jobs — restore jobs, their items, and leases.
 *
 * A job and all its items are written in one transaction before anything
 * moves.  A worker holds a job through a lease (owner + expiry in real
 * milliseconds) renewed with every batch; a lease that lapses is free for
 * another worker to take over, so a dead worker never strands a job.
 * Job states and item outcomes are words of the domain (base/model.h).
 */
#ifndef THAW_STORAGE_JOBS_H
#define THAW_STORAGE_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/storage.h"

struct job_row {
	int64_t id;
	int state; /* enum job_state */
	char *requested_by, *requested_from, *request;
	int64_t created_at, finished_at;    /* policy time */
	int64_t started_ms, updated_ms, finished_ms; /* real time, for rates */
	int64_t lease_until_ms; /* real time; 0 = no worker holds it */
	int64_t events_total, events_done;
	char *mail_state, *mail_error; /* NULL when no mail */
};

struct job_item_row {
	int64_t object_id;
	char *api_id, *name;
	int kind;
	int outcome; /* enum item_outcome */
	int64_t other_job;
	int64_t events_total, events_done;
	int64_t new_expires_at;
};

/*
 * Called inside the transaction that ends a job (done or cancelled), so
 * whatever it records (the completion mail and notifications,
 * notify/notify.h) commits with the ending.
 */
struct job_end_hook {
	int (*fn)(struct storage *s, int64_t job_id, void *ctx);
	void *ctx;
};

int storage_job_create(struct storage *s, const char *by, const char *from, const char *request,
		       int64_t now, int64_t *job_id);
/* A pending item also holds its object for the job (storage/lifecycle.h). */
int storage_job_add_item(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			 int64_t other_job, int64_t events_total);
/* Totals the job's pending items; a job with none is finished at once. */
int storage_job_seal(struct storage *s, int64_t job_id, int64_t now, int64_t real_ms);
int storage_job_get(struct storage *s, int64_t job_id, struct job_row *out); /* 1 found, 0 not */
int storage_job_items(struct storage *s, int64_t job_id, struct job_item_row **items, int *n);
int storage_jobs_list(struct storage *s, int64_t limit, struct job_row **rows, int *n);
void job_row_free(struct job_row *j);
void job_rows_free(struct job_row *rows, int n);
void job_items_free(struct job_item_row *items, int n);

/* Takes the runnable job with the least left to move (small and urgent
 * restores first; then the oldest) whose lease is free or expired.
 * 0 = none. */
int storage_job_claim(struct storage *s, const char *owner, int64_t real_ms,
		      int lease_ms, int64_t *job_id);
/* Extends the lease; fails (returns 1) if another owner took it. */
int storage_job_renew(struct storage *s, int64_t job_id, const char *owner, int64_t real_ms,
		      int lease_ms);
int storage_job_release(struct storage *s, int64_t job_id, const char *owner);
/* Whether another runnable job with less left to move waits for a worker. */
int storage_job_smaller_waiting(struct storage *s, int64_t job_id, int64_t real_ms, bool *waiting);
/* The job's next pending items, smallest first: at most `max` object ids
 * in object_ids, *n of them (0 = none left). */
int storage_job_next_items(struct storage *s, int64_t job_id, int64_t *object_ids, int max, int *n);
/* A restore batch's progress: each object's item, and the job, count the
 * events it moved. */
struct hot_move;
int storage_job_progress(struct storage *s, int64_t job_id, const struct hot_move *objects, int n,
			 int64_t real_ms);
int storage_job_item_finish(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			    int64_t new_expires_at);
int storage_job_finish(struct storage *s, int64_t job_id, int state, int64_t now, int64_t real_ms);
/* Pending items end cancelled; their objects are expired again. */
int storage_job_cancel_items(struct storage *s, int64_t job_id);
/* Restore history of one object: job id, finished time, outcome. */
int storage_object_restores(struct storage *s, int64_t object_id, struct job_row **rows, int *n);

#endif
