/*
 * restore — restore jobs (SPEC §5).
 *
 * restore_request() turns a request (objects or a tag) into a job with one
 * item per object, written in one transaction before anything moves.  Each
 * item is either pending (the object was expired; the job now holds it as
 * "restoring") or skipped with its reason.  Asking again for an object that
 * is already being restored yields "already being restored (job N)", so a
 * repeated request never doubles work.  A tag stands for every object that
 * carries it, each reported like an explicit list's; when none of them is
 * expired no job is made.
 *
 * restore_relaunched() is thaw's own request (SPEC §2.1): objects active
 * again whose data is expired are restored at once, asked by "thaw".
 *
 * restore_job_step() runs one batch of a job in one transaction: renew the
 * lease, honour a cancel, move up to batch_rows events of the current item
 * cold → hot and record the progress.  When an item has no cold rows left it
 * becomes available with a new clock (SPEC §2.7); when no item is left the
 * job is done.  A process killed at any moment resumes at the last batch.
 */
#ifndef THAW_RESTORE_H
#define THAW_RESTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/model.h"
#include "storage/jobs.h"
#include "storage/storage.h"

struct restore_request {
	const char *const *objects; /* api ids or exact names */
	int object_count;
	const char *tag;            /* or: every object with this tag */
	const int64_t *object_ids;  /* or: these objects (the console's selection) */
	int object_id_count;
	const char *request;        /* what the job records as asked; NULL: said from the above */
	bool dry_run;               /* only say what the job would do: nothing is written */
	struct actor actor;
	int64_t now;
	struct job_end_hook on_end; /* a job with nothing to restore ends at once */
};

struct restore_result {
	int64_t job_id;             /* 0: no job (a tag none of whose objects is expired, a dry run) */
	int outcomes[ITEM__COUNT];  /* the objects asked for, by outcome */
	int64_t events;             /* in the objects to restore */
};

/* Creates the job in a transaction of its own.  -1 with the reasons in `d`
 * (unknown names, an unknown tag) or in storage_error(). */
int restore_request(struct storage *s, const struct restore_request *r, struct restore_result *out,
		    struct diag *d);

/* Queues one restore for every relaunched object, inside the caller's
 * transaction (an import's, a sweep's). */
int restore_relaunched(struct storage *s, int64_t now, struct restore_result *out);

enum step_result {
	STEP_PROGRESS,  /* a batch moved; call again */
	STEP_FINISHED,  /* the job ended (done or cancelled) */
	STEP_LOST,      /* another worker holds the lease */
	STEP_ERROR,
};

struct step_options {
	const char *owner;  /* lease owner, unique per worker */
	int lease_ms;
	int batch_rows;
	int months;
	int64_t now;
	struct actor actor;
	struct job_end_hook on_end;
};

/* *moved = events moved by this batch. */
enum step_result restore_job_step(struct storage *s, int64_t job_id, const struct step_options *o,
				  int64_t *moved);

/*
 * Cancels a job between batches: pending items end "cancelled" and their
 * objects expired again (rows already moved back are settled to cold by the
 * caller or the next sweep).  Returns 0 when cancelled, 1 if the job had
 * already ended, 2 if there is no such job, -1 on a storage error.
 */
int restore_cancel(struct storage *s, int64_t job_id, const struct actor *actor, int64_t now,
		   struct job_end_hook on_end);

#endif
