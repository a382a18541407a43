/*
 * sweep — applying the policy to the workspace (SPEC §2.6).
 *
 * sweep_refresh() recomputes every object's expiry date and protecting owner
 * from its facts (after an import, before a sweep).  sweep_run() expires
 * every object that is due: first, in one short transaction, it marks them
 * expired with an audit entry each — from that instant no reader sees their
 * data — then it moves their hot rows to cold in bounded batches, each its
 * own transaction.  A sweep killed at any point leaves marked objects with
 * some hot rows; the next sweep (or worker) settles them.  Nothing is ever
 * lost or doubled because every batch moves and deletes atomically.
 */
#ifndef THAW_SWEEP_H
#define THAW_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "retention/policy.h"
#include "storage/lifecycle.h"
#include "storage/storage.h"

/* What the policy says of one object at `now`, from its stored facts and
 * its current protection: the one verdict the sweep, its dry run and the
 * forecast act on. */
struct policy_verdict sweep_verdict(const struct policy_row *r, int64_t now, int months);

/* Recomputes expiry dates and protection; call inside a transaction. */
int sweep_refresh(struct storage *s, int64_t now, int months, int *changed);

struct sweep_options {
	int64_t now;
	int months;
	int batch_rows;
	int max_rows_per_second; /* 0 = as fast as the disk allows */
	bool dry_run;
	struct actor actor;
	volatile sig_atomic_t *stop; /* checked between batches, may be NULL */
};

/* An object the sweep expired, as it was then: a restore may change it
 * (its expiry, its events) before the sweep has told anyone. */
struct sweep_due {
	int64_t object_id;
	int64_t due_at;
	int64_t hot_events, events;
};

struct sweep_report {
	struct sweep_due *due; /* objects expired (or that would be, in a dry run) */
	int due_count;
	int64_t events_moved;
	int settled_objects; /* objects whose hot rows were moved */
	bool stopped;        /* interrupted by *stop */
	int64_t relaunch_job; /* a restore queued for relaunched objects, or 0 */
	int relaunched;
};

/* 0 with the report (free it with sweep_report_free), or -1 with nothing
 * to free and the reason in storage_error(s). */
int sweep_run(struct storage *s, const struct sweep_options *o, struct sweep_report *r);
void sweep_report_free(struct sweep_report *r);

/* Moves the hot rows every expired object still has to cold, a batch a
 * transaction (what a sweep does after expiring; a cancel, for the rows
 * that had come back).  Adds to r's events_moved and settled_objects. */
int sweep_settle_expired(struct storage *s, const struct sweep_options *o, struct sweep_report *r);

/*
 * Moves hot rows of expired objects to cold in one transaction: object
 * after object from ids[0], about batch_rows in all, so that many small
 * objects share one commit.  An object no longer expired (a restore took
 * it since the ids were read) is passed over.  Returns how many of the
 * objects it finished (their hot rows all moved, or passed over): the next
 * batch starts after them; or -1.  *moved is the events it moved.
 */
int sweep_settle_batch(struct storage *s, const int64_t *ids, int n, int batch_rows, int64_t *moved);

#endif
