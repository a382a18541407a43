#include "retention/restore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "readers/lookup.h"
#include "retention/policy.h"
#include "storage/audit.h"
#include "storage/events.h"
#include "storage/jobs.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"

/* The outcome of asking to restore one object in its current state. */
static int item_outcome_for(int state, bool kept)
{
	switch (state) {
	case IXD_EXPIRED: return ITEM_PENDING;
	case IXD_RESTORING: return ITEM_SKIPPED_BUSY;
	case IXD_PURGED: return ITEM_SKIPPED_PURGED;
	case IXD_NONE: return ITEM_SKIPPED_NO_DATA;
	default: return kept ? ITEM_SKIPPED_KEPT : ITEM_SKIPPED_NOT_EXPIRED;
	}
}

/* Resolves the request to object ids; unknown names are errors. */
static int resolve_objects(struct storage *s, const struct restore_request *r, int64_t **ids,
			   int *n, struct diag *d)
{
	if (r->tag) {
		int64_t tag;
		if (storage_tag_id(s, r->tag, false, &tag) < 0)
			return -1;
		if (!tag) {
			diag_add(d, NULL, 0, 0, "no object carries the tag '%s'", r->tag);
			return -1;
		}
		return storage_objects_with_tag(s, r->tag, ids, n);
	}
	if (r->object_ids) {
		*ids = malloc((r->object_id_count + 1) * sizeof **ids);
		if (!*ids)
			abort();
		memcpy(*ids, r->object_ids, r->object_id_count * sizeof **ids);
		*n = r->object_id_count;
		return 0;
	}
	*ids = calloc(r->object_count + 1, sizeof **ids);
	if (!*ids)
		abort();
	*n = 0;
	for (int i = 0; i < r->object_count; i++) {
		struct object_row o;
		char why[512];
		int found = lookup_object(s, r->objects[i], &o, why, sizeof why);
		if (found < 0)
			return -1;
		if (!found) {
			diag_add(d, NULL, 0, 0, "%s", why);
			continue;
		}
		bool duplicate = false;
		for (int k = 0; k < *n; k++)
			duplicate |= (*ids)[k] == o.id;
		if (!duplicate)
			(*ids)[(*n)++] = o.id;
		object_row_free(&o);
	}
	return d->count ? -1 : 0;
}

static void describe_request(const struct restore_request *r, struct buf *out)
{
	if (r->request) {
		buf_adds(out, r->request);
		return;
	}
	if (r->tag) {
		buf_printf(out, "tag:%s", r->tag);
		return;
	}
	if (r->object_ids) {
		buf_printf(out, "%d selected object%s", r->object_id_count, r->object_id_count == 1 ? "" : "s");
		return;
	}
	for (int i = 0; i < r->object_count; i++)
		buf_printf(out, "%s%s", i ? " " : "", r->objects[i]);
}

static int run_hook(struct storage *s, int64_t job_id, struct job_end_hook hook)
{
	return hook.fn ? hook.fn(s, job_id, hook.ctx) : 0;
}

/* What asking for one object would do, from the cheap facts only: a
 * selection may hold 100,000 objects. */
struct item_plan {
	int outcome;
	int64_t holder; /* the job restoring it already */
	int64_t events;
};

static int plan_items(struct storage *s, const int64_t *ids, int n, struct item_plan *plan,
		      struct restore_result *out)
{
	for (int i = 0; i < n; i++) {
		int state;
		bool kept = false;
		int64_t hot, cold;
		plan[i].holder = 0;
		if (storage_object_state(s, ids[i], &state) < 0 ||
		    (state == IXD_RESTORING && storage_object_restore_job(s, ids[i], &plan[i].holder) < 0) ||
		    (state == IXD_AVAILABLE && storage_object_kept(s, ids[i], &kept) < 0) ||
		    storage_object_counts(s, ids[i], &hot, &cold) < 0)
			return -1;
		plan[i].outcome = item_outcome_for(state, kept);
		/* what the job moves: an object the sweep is still settling has
		 * hot rows left, which stay where they are (the sweep leaves a
		 * restoring object alone), so they are not part of its progress */
		plan[i].events = plan[i].outcome == ITEM_PENDING ? cold : hot + cold;
		out->outcomes[plan[i].outcome]++;
		out->events += plan[i].outcome == ITEM_PENDING ? plan[i].events : 0;
	}
	return 0;
}

/* The request, inside the caller's transaction. */
static int request_job(struct storage *s, const struct restore_request *r, struct restore_result *out,
		       struct diag *d)
{
	memset(out, 0, sizeof *out);
	int64_t *ids = NULL;
	int n = 0;
	struct item_plan *plan = NULL;
	struct buf what = {0};
	describe_request(r, &what);
	int rc = resolve_objects(s, r, &ids, &n, d);
	if (rc == 0 && r->tag && n == 0)
		diag_add(d, NULL, 0, 0, "no object carries the tag '%s'", r->tag), rc = -1;
	if (rc == 0 && !(plan = malloc((n + 1) * sizeof *plan)))
		abort();
	if (rc == 0)
		rc = plan_items(s, ids, n, plan, out);
	int pending = rc == 0 ? out->outcomes[ITEM_PENDING] : 0;
	/* a tag with nothing expired asks for nothing: no empty job */
	bool ask = rc == 0 && !r->dry_run && !(r->tag && pending == 0);
	if (ask)
		rc = storage_job_create(s, r->actor.name, r->actor.ssh_client, what.data, r->now, &out->job_id);
	for (int i = 0; ask && rc == 0 && i < n; i++)
		rc = storage_job_add_item(s, out->job_id, ids[i], plan[i].outcome, plan[i].holder, plan[i].events);
	if (ask && rc == 0) {
		char details[256];
		snprintf(details, sizeof details, "restore requested: %.200s (%d to restore)", what.data, pending);
		struct audit_input a = {.at = r->now, .operator_name = r->actor.name,
					.ssh_client = r->actor.ssh_client, .action = "restore.request",
					.job_id = out->job_id, .details = details};
		rc = storage_audit(s, &a);
	}
	if (ask && rc == 0)
		rc = storage_job_seal(s, out->job_id, r->now, clock_real_ms());
	if (ask && rc == 0 && pending == 0)
		rc = run_hook(s, out->job_id, r->on_end);
	if (rc < 0)
		out->job_id = 0;
	free(plan);
	free(ids);
	buf_free(&what);
	return rc;
}

int restore_request(struct storage *s, const struct restore_request *r, struct restore_result *out,
		    struct diag *d)
{
	if ((r->dry_run ? storage_begin_read(s) : storage_begin(s)) < 0)
		return -1;
	int rc = request_job(s, r, out, d);
	if (rc == 0)
		rc = storage_commit(s);
	if (rc < 0) {
		storage_rollback(s);
		out->job_id = 0;
	}
	return rc;
}

int restore_relaunched(struct storage *s, int64_t now, struct restore_result *out)
{
	memset(out, 0, sizeof *out);
	int64_t *ids;
	int n;
	if (storage_objects_relaunched(s, &ids, &n) < 0)
		return -1;
	struct buf what = {0};
	buf_adds(&what, "relaunched:");
	for (int i = 0; i < n && i < 20; i++) {
		struct object_row o = {0};
		if (storage_object_get(s, ids[i], &o) > 0)
			buf_printf(&what, " %s", o.api_id);
		object_row_free(&o);
	}
	if (n > 20)
		buf_printf(&what, " and %d more", n - 20);
	/* no hook: every item is pending, and the worker that ends the job
	 * queues its mail (to smtp.recipients: thaw has no address) */
	struct restore_request r = {.object_ids = ids, .object_id_count = n, .request = what.data,
				    .actor = {.name = "thaw"}, .now = now};
	struct diag d = {0};
	int rc = n ? request_job(s, &r, out, &d) : 0;
	diag_clear(&d);
	buf_free(&what);
	free(ids);
	return rc;
}

static int audit_job(struct storage *s, const struct step_options *o, const char *action,
		     int64_t job_id, int64_t object_id, const char *details)
{
	struct audit_input a = {.at = o->now, .operator_name = o->actor.name,
				.ssh_client = o->actor.ssh_client, .action = action,
				.object_id = object_id, .job_id = job_id, .details = details};
	return storage_audit(s, &a);
}

/* The item's cold data cannot be read, or disagrees with its counts: it
 * fails with the reason, its object expired again, the cold data left as
 * it is for `thaw check`. */
static int fail_item(struct storage *s, int64_t job_id, int64_t object_id, const char *reason,
		     const struct step_options *o)
{
	char details[600];
	snprintf(details, sizeof details, "restore failed: %s", reason);
	if (storage_object_restore_failed(s, object_id) < 0 ||
	    storage_job_item_finish(s, job_id, object_id, ITEM_FAILED_DAMAGED, 0) < 0)
		return -1;
	return audit_job(s, o, "restore.failed", job_id, object_id, details);
}

static enum step_result finish_job(struct storage *s, int64_t job_id, const struct step_options *o)
{
	if (storage_job_finish(s, job_id, JOB_DONE, o->now, clock_real_ms()) < 0 ||
	    audit_job(s, o, "restore.finish", job_id, 0, "restore job finished") < 0 ||
	    run_hook(s, job_id, o->on_end) < 0 ||
	    storage_commit(s) < 0) {
		storage_rollback(s);
		return STEP_ERROR;
	}
	return STEP_FINISHED;
}

/* Items asked for at once: enough for a batch of small objects. */
#define ITEMS_PER_MOVE 64

/*
 * Records what a move did with its sound objects (the first n), and
 * finishes those with no cold rows left: available, clock restarted, one
 * audit entry each.  All of them at once, so an engine with a round trip a
 * statement pays a few per batch, not a few per object.
 */
static int record_moves(struct storage *s, int64_t job_id, const struct hot_move *moves, int n,
			const struct step_options *o)
{
	if (n == 0)
		return 0;
	if (storage_job_progress(s, job_id, moves, n, clock_real_ms()) < 0)
		return -1;
	struct restored_object done[ITEMS_PER_MOVE];
	struct audit_input audit[ITEMS_PER_MOVE];
	char details[ITEMS_PER_MOVE][64];
	int finished = 0;
	for (int i = 0; i < n; i++) {
		const struct hot_move *m = &moves[i];
		if (m->cold_events != 0)
			continue;
		struct policy_facts f = {.status = m->status, .state = IXD_AVAILABLE, .stopped_at = m->stopped_at,
					 .last_restored_at = o->now, .has_data = true};
		done[finished] = (struct restored_object){m->object_id, policy_evaluate(&f, o->now, o->months).expires_at};
		snprintf(details[finished], sizeof details[finished], "restored %s",
			 COUNTED(m->hot_events, "event", "events"));
		audit[finished] = (struct audit_input){.at = o->now, .operator_name = o->actor.name,
						       .ssh_client = o->actor.ssh_client, .action = "restore.object",
						       .object_id = m->object_id, .job_id = job_id,
						       .details = details[finished]};
		finished++;
	}
	if (storage_restore_complete(s, job_id, done, finished, o->now) < 0)
		return -1;
	return storage_audit_many(s, audit, finished);
}

/*
 * An object the move reached with budget to spare yet found nothing cold
 * for, while its counts still say something is, would be asked for again and
 * again, the step never ending: its item fails, like damaged data, and
 * `thaw check` says what is wrong.
 */
static int fail_miscounted(struct storage *s, int64_t job_id, const struct hot_move *moves, int n,
			   const struct step_options *o)
{
	for (int i = 0; i < n; i++) {
		if (moves[i].moved != 0 || moves[i].cold_events == 0)
			continue;
		int64_t off = moves[i].cold_events;
		char reason[160];
		snprintf(reason, sizeof reason, "its counts say %lld %s cold events than are stored; run `thaw check`",
			 (long long)(off > 0 ? off : -off), off > 0 ? "more" : "fewer");
		if (fail_item(s, job_id, moves[i].object_id, reason, o) < 0)
			return -1;
	}
	return 0;
}

/*
 * Moves up to batch_rows events of the job's pending items, item after item,
 * finishing each item whose cold rows are all back.  Small objects share a
 * batch, and one move of the storage, so a job of many small objects costs
 * few commits and few bulk inserts.
 */
static int move_batch(struct storage *s, int64_t job_id, const struct step_options *o,
		      int64_t *moved, bool *job_empty)
{
	int64_t budget = o->batch_rows;
	*job_empty = false;
	while (budget > 0) {
		int64_t ids[ITEMS_PER_MOVE];
		struct hot_move items[ITEMS_PER_MOVE];
		int n;
		if (storage_job_next_items(s, job_id, ids, ITEMS_PER_MOVE, &n) < 0)
			return -1;
		if (n == 0) {
			*job_empty = true;
			return 0;
		}
		for (int i = 0; i < n; i++)
			items[i] = (struct hot_move){.object_id = ids[i]};
		int reached = storage_move_to_hot(s, items, n, budget);
		if (reached < 0)
			return -1;
		/* one object's damaged data must not hold the job, or every
		 * worker, forever: the item fails (first, while storage_error
		 * still says why), the job goes on */
		bool damaged = reached > 0 && items[reached - 1].damaged;
		if (damaged && fail_item(s, job_id, ids[reached - 1], storage_error(s), o) < 0)
			return -1;
		int sound = damaged ? reached - 1 : reached;
		if (record_moves(s, job_id, items, sound, o) < 0 || fail_miscounted(s, job_id, items, sound, o) < 0)
			return -1;
		for (int i = 0; i < sound; i++) {
			*moved += items[i].moved;
			budget -= items[i].moved;
		}
	}
	return 0;
}

enum step_result restore_job_step(struct storage *s, int64_t job_id, const struct step_options *o,
				  int64_t *moved)
{
	*moved = 0;
	/* only this job's rows and objects: other jobs' steps may run at once */
	if (storage_begin_step(s) < 0)
		return STEP_ERROR;
	int lease = storage_job_renew(s, job_id, o->owner, clock_real_ms(), o->lease_ms);
	if (lease != 0) {
		storage_rollback(s);
		return lease < 0 ? STEP_ERROR : STEP_LOST;
	}
	bool job_empty;
	if (move_batch(s, job_id, o, moved, &job_empty) < 0) {
		storage_rollback(s);
		return STEP_ERROR;
	}
	if (job_empty)
		return finish_job(s, job_id, o);
	if (storage_commit(s) < 0) {
		storage_rollback(s);
		return STEP_ERROR;
	}
	return STEP_PROGRESS;
}

int restore_cancel(struct storage *s, int64_t job_id, const struct actor *actor, int64_t now,
		   struct job_end_hook on_end)
{
	struct job_row job;
	if (storage_begin(s) < 0)
		return -1;
	int found = storage_job_get(s, job_id, &job);
	if (found <= 0) {
		storage_rollback(s);
		return found < 0 ? -1 : 2;
	}
	int state = job.state;
	job_row_free(&job);
	if (state != JOB_QUEUED && state != JOB_RUNNING) {
		storage_rollback(s);
		return 1;
	}
	/* Holding the write lock, no batch of this job is in flight: the
	 * worker's next batch finds the job ended and stops. */
	int rc = storage_job_cancel_items(s, job_id);
	if (rc == 0)
		rc = storage_job_finish(s, job_id, JOB_CANCELLED, now, clock_real_ms());
	if (rc == 0) {
		struct audit_input a = {.at = now, .operator_name = actor->name,
					.ssh_client = actor->ssh_client, .action = "restore.cancel",
					.job_id = job_id, .details = "restore job cancelled"};
		rc = storage_audit(s, &a);
	}
	if (rc == 0)
		rc = run_hook(s, job_id, on_end);
	if (rc == 0)
		rc = storage_commit(s);
	if (rc < 0)
		storage_rollback(s);
	return rc;
}
