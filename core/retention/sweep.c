#include "retention/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "retention/policy.h"
#include "retention/restore.h"
#include "storage/audit.h"
#include "storage/events.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

struct policy_verdict sweep_verdict(const struct policy_row *r, int64_t now, int months)
{
	struct policy_facts f = {
		.status = r->status,
		.state = r->state,
		.stopped_at = r->stopped_at,
		.last_restored_at = r->last_restored_at,
		.has_data = r->hot_events + r->cold_events > 0,
		.protected_by_filter = r->kept_by != NULL,
	};
	return policy_evaluate(&f, now, months);
}

int sweep_refresh(struct storage *s, int64_t now, int months, int *changed)
{
	struct policy_row *rows;
	int n;
	*changed = 0;
	if (storage_policy_rows(s, &rows, &n) < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct policy_row *r = &rows[i];
		/* expired objects keep the date they were due, for the record */
		if (r->state == IXD_EXPIRED || r->state == IXD_RESTORING)
			continue;
		struct policy_verdict v = sweep_verdict(r, now, months);
		const char *kept = v.reason == REASON_KEPT ? r->kept_by : NULL;
		if (v.expires_at != r->expires_at || !same_text(kept, r->stored_kept_by)) {
			rc = storage_object_set_expiry(s, r->id, v.expires_at, kept);
			(*changed)++;
		}
	}
	policy_rows_free(rows, n);
	return rc;
}

static int find_due(struct storage *s, int64_t now, int months, struct sweep_report *r)
{
	struct policy_row *rows;
	int n;
	if (storage_policy_rows(s, &rows, &n) < 0)
		return -1;
	r->due = calloc(n + 1, sizeof *r->due);
	if (!r->due)
		abort();
	for (int i = 0; i < n; i++) {
		struct policy_verdict v = sweep_verdict(&rows[i], now, months);
		if (v.due)
			r->due[r->due_count++] = (struct sweep_due){
				.object_id = rows[i].id, .due_at = v.expires_at, .hot_events = rows[i].hot_events,
				.events = rows[i].hot_events + rows[i].cold_events};
	}
	policy_rows_free(rows, n);
	return 0;
}

static int mark_expired(struct storage *s, const struct sweep_options *o, const struct sweep_report *r)
{
	for (int i = 0; i < r->due_count; i++) {
		const struct sweep_due *due = &r->due[i];
		char details[160], date[16];
		clock_format_date(due->due_at, date, sizeof date);
		snprintf(details, sizeof details, "expired %s (due %s)", COUNTED(due->events, "event", "events"), date);
		struct audit_input a = {.at = o->now, .operator_name = o->actor.name,
					.ssh_client = o->actor.ssh_client, .action = "sweep.expire",
					.object_id = due->object_id, .details = details};
		if (storage_object_expire(s, due->object_id, o->now) < 0 || storage_audit(s, &a) < 0)
			return -1;
	}
	return 0;
}

/* Moves up to `budget` hot rows of the object if it is still expired: a
 * restore may have taken it since the list of unsettled objects was read. */
static int settle_object(struct storage *s, int64_t object_id, int64_t budget, int64_t *moved)
{
	int state;
	*moved = 0;
	if (storage_object_state(s, object_id, &state) < 0)
		return -1;
	return state == IXD_EXPIRED ? storage_move_to_cold(s, object_id, budget, moved) : 0;
}

int sweep_settle_batch(struct storage *s, const int64_t *ids, int n, int batch_rows, int64_t *moved)
{
	*moved = 0;
	if (storage_begin(s) < 0)
		return -1;
	int finished = 0;
	for (int64_t budget = batch_rows; finished < n && budget > 0; finished++) {
		int64_t object_moved;
		if (settle_object(s, ids[finished], budget, &object_moved) < 0) {
			storage_rollback(s);
			return -1;
		}
		*moved += object_moved;
		/* a full budget may have left rows: the next batch goes on with it */
		if (object_moved == budget)
			break;
		budget -= object_moved;
	}
	if (storage_commit(s) < 0) {
		storage_rollback(s);
		return -1;
	}
	return finished;
}

int sweep_settle_expired(struct storage *s, const struct sweep_options *o, struct sweep_report *r)
{
	int64_t *ids;
	int n;
	if (storage_objects_unsettled(s, &ids, &n) < 0)
		return -1;
	int rc = 0;
	for (int at = 0; at < n && rc == 0;) {
		if (o->stop && *o->stop) {
			r->stopped = true;
			break;
		}
		int64_t moved, started = clock_mono_ms();
		int finished = sweep_settle_batch(s, ids + at, n - at, o->batch_rows, &moved);
		if (finished < 0) {
			rc = -1;
			break;
		}
		r->events_moved += moved;
		r->settled_objects += finished;
		at += finished;
		clock_pace(o->max_rows_per_second, moved, clock_mono_ms() - started, o->stop);
	}
	free(ids);
	return rc;
}

int sweep_run(struct storage *s, const struct sweep_options *o, struct sweep_report *r)
{
	memset(r, 0, sizeof *r);
	int changed;
	if (storage_begin(s) < 0)
		return -1;
	/* relaunched objects are normally restored by the import that made them
	 * active; the sweep catches any other way */
	struct restore_result relaunch = {0};
	if (sweep_refresh(s, o->now, o->months, &changed) < 0 || find_due(s, o->now, o->months, r) < 0 ||
	    (!o->dry_run && mark_expired(s, o, r) < 0) ||
	    (!o->dry_run && restore_relaunched(s, o->now, &relaunch) < 0) || storage_commit(s) < 0) {
		storage_rollback(s);
		sweep_report_free(r);
		return -1;
	}
	r->relaunch_job = relaunch.job_id;
	r->relaunched = relaunch.outcomes[ITEM_PENDING];
	if (!o->dry_run && sweep_settle_expired(s, o, r) < 0) {
		sweep_report_free(r);
		return -1;
	}
	return 0;
}

void sweep_report_free(struct sweep_report *r)
{
	free(r->due);
	memset(r, 0, sizeof *r);
}
