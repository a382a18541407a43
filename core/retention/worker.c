#include "retention/worker.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/text.h"
#include "notify/notify.h"
#include "retention/restore.h"
#include "retention/sweep.h"
#include "storage/jobs.h"
#include "storage/lifecycle.h"

struct worker {
	const struct worker_options *o;
	char owner[128];
	int64_t started_ms, beat_ms;
};

static void say(const struct worker *w, enum worker_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(const struct worker *w, enum worker_level level, const char *fmt, ...)
{
	if (!w->o->log)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	w->o->log(w->o->log_ctx, level, line);
}

/* A name unique to this process, for leases: "host:pid:random". */
static void worker_owner_name(char *buf, size_t size)
{
	char host[64] = "host";
	gethostname(host, sizeof host - 1);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, size, "%s:%d:%lx", host, (int)getpid(),
		 (unsigned long)(ts.tv_nsec ^ (ts.tv_sec << 20)));
}

/* Says "a worker runs here" every WORKER_BEAT_MS (see worker.h). */
static const char *heartbeat_key(bool in_console)
{
	return in_console ? "console_worker_heartbeat" : "worker_heartbeat";
}

static int heartbeat(struct worker *w)
{
	int64_t now = clock_real_ms();
	if (w->o->only_job || now - w->beat_ms < WORKER_BEAT_MS)
		return 0;
	char beat[300];
	snprintf(beat, sizeof beat, "%" PRId64 " %" PRId64 " %s", now, w->started_ms, w->owner);
	if (storage_begin(w->o->storage) < 0)
		return -1;
	if (storage_meta_set(w->o->storage, heartbeat_key(w->o->in_console), beat) < 0 || storage_commit(w->o->storage) < 0) {
		storage_rollback(w->o->storage);
		return -1;
	}
	w->beat_ms = now;
	return 0;
}

int worker_last_seen(struct storage *s, bool in_console, struct worker_seen *out)
{
	char beat[300];
	memset(out, 0, sizeof *out);
	if (storage_meta_get(s, heartbeat_key(in_console), beat, sizeof beat) < 0)
		return -1;
	/* "last since host:pid:random", as heartbeat() and worker_owner_name() write it */
	long long last = 0, since = 0;
	if (sscanf(beat, "%lld %lld %127[^:]:%d", &last, &since, out->host, &out->pid) == 4)
		out->last_ms = last, out->since_ms = since;
	return 0;
}

bool worker_alive(const struct worker_seen *w, int64_t now_ms)
{
	return w->last_ms && now_ms - w->last_ms < 3 * WORKER_BEAT_MS;
}

static bool stopping(const struct worker *w)
{
	return w->o->stop && *w->o->stop;
}

/* Sleeps in small steps so a stop request is seen quickly. */
static void nap(const struct worker *w, int ms)
{
	clock_nap(ms, w->o->stop);
}

/* The daily sweep is due once per UTC day, after the configured time. */
static int daily_sweep_if_due(struct worker *w, bool *did)
{
	const struct config *c = w->o->config;
	if (!c->worker.sweep_enabled)
		return 0;
	int64_t now = clock_now(w->o->clock);
	int64_t day = now / 86400, minute = now % 86400 / 60;
	char last[32];
	if (storage_meta_get(w->o->storage, "last_sweep_day", last, sizeof last) < 0)
		return -1;
	int64_t last_day = last[0] ? strtoll(last, NULL, 10) : -1;
	if (last_day >= day || (minute < c->worker.sweep_minute_of_day && last_day == day - 1))
		return 0;
	struct sweep_options so = {.now = now, .months = c->policy.expire_after_months,
				   .max_rows_per_second = c->worker.max_rows_per_second,
				   .batch_rows = c->worker.batch_rows, .actor = w->o->actor,
				   .stop = w->o->stop};
	struct sweep_report r;
	if (sweep_run(w->o->storage, &so, &r) < 0)
		return -1;
	say(w, WORKER_INFO, "sweep: %s expired, %s moved to cold", COUNTED(r.due_count, "object", "objects"),
	    COUNTED(r.events_moved, "event", "events"));
	bool complete = !r.stopped;
	sweep_report_free(&r);
	*did = true;
	if (!complete)
		return 0;
	snprintf(last, sizeof last, "%" PRId64, day);
	if (storage_begin(w->o->storage) < 0)
		return -1;
	if (storage_meta_set(w->o->storage, "last_sweep_day", last) < 0 ||
	    storage_commit(w->o->storage) < 0) {
		storage_rollback(w->o->storage);
		return -1;
	}
	return 0;
}

/* Expired objects with hot rows left (a killed sweep, a cancelled restore). */
static int settle(struct worker *w, bool *did)
{
	int64_t *ids;
	int n;
	if (storage_objects_unsettled(w->o->storage, &ids, &n) < 0)
		return -1;
	int rc = 0;
	for (int at = 0; at < n && rc == 0 && !stopping(w);) {
		int64_t moved;
		int finished = sweep_settle_batch(w->o->storage, ids + at, n - at, w->o->config->worker.batch_rows,
						  &moved);
		rc = finished < 0 ? -1 : 0;
		*did |= moved > 0;
		/* a big object's next batch waits for the next round, after the
		 * jobs: one batch an object a round, as for the small ones */
		at += finished > 0 ? finished : 1;
	}
	free(ids);
	return rc;
}

/* A long job says how far it got this often. */
#define PROGRESS_EVERY_MS 5000

static int run_job(struct worker *w, int64_t job_id)
{
	const struct config *c = w->o->config;
	struct step_options so = {.owner = w->owner, .lease_ms = c->worker.lease_seconds * 1000,
				  .batch_rows = c->worker.batch_rows,
				  .months = c->policy.expire_after_months, .actor = w->o->actor,
				  .on_end = notify_job_end_hook(c)};
	say(w, WORKER_INFO, "job %" PRId64 ": started", job_id);
	int64_t total = 0, reported_ms = clock_mono_ms();
	while (!stopping(w)) {
		if (heartbeat(w) < 0)
			return -1;
		so.now = clock_now(w->o->clock);
		int64_t moved, started = clock_mono_ms();
		enum step_result r = restore_job_step(w->o->storage, job_id, &so, &moved);
		total += moved;
		if (r == STEP_PROGRESS && started - reported_ms >= PROGRESS_EVERY_MS) {
			say(w, WORKER_PROGRESS, "job %" PRId64 ": %" PRId64 " events restored so far", job_id, total);
			reported_ms = started;
		}
		if (r == STEP_ERROR)
			return -1;
		if (r == STEP_LOST) {
			say(w, WORKER_INFO, "job %" PRId64 ": taken over or ended elsewhere", job_id);
			return 0;
		}
		if (r == STEP_FINISHED) {
			say(w, WORKER_INFO, "job %" PRId64 ": finished, %" PRId64 " events restored", job_id, total);
			return 0;
		}
		clock_pace(c->worker.max_rows_per_second, moved, clock_mono_ms() - started, w->o->stop);
		/* fair: a smaller job asked for meanwhile goes first, so a single
		 * urgent restore never waits behind a tag of thousands */
		bool smaller;
		if (storage_job_smaller_waiting(w->o->storage, job_id, clock_real_ms(), &smaller) < 0)
			return -1;
		if (smaller) {
			say(w, WORKER_INFO, "job %" PRId64 ": paused for a smaller job", job_id);
			break;
		}
	}
	/* stopping or pausing: hand the job back at once, not after the lease */
	if (storage_begin(w->o->storage) == 0) {
		if (storage_job_release(w->o->storage, job_id, w->owner) < 0 ||
		    storage_commit(w->o->storage) < 0)
			storage_rollback(w->o->storage);
	}
	return 0;
}

static int claim(struct worker *w, int64_t *job_id)
{
	const struct config *c = w->o->config;
	if (storage_begin(w->o->storage) < 0)
		return -1;
	if (storage_job_claim(w->o->storage, w->owner, clock_real_ms(), c->worker.lease_seconds * 1000,
			      job_id) < 0 || storage_commit(w->o->storage) < 0) {
		storage_rollback(w->o->storage);
		return -1;
	}
	return 0;
}

static int deliver_notifications(struct worker *w, bool *did)
{
	struct notify_delivery d;
	if (notify_deliver_due(w->o->storage, w->o->config, clock_real_ms() / 1000, w->o->stop, &d) < 0)
		return -1;
	for (int ch = 0; ch < CHANNEL__COUNT; ch++) {
		const char *name = notify_channel_name(ch);
		if (d.sent[ch])
			say(w, WORKER_INFO, "%s: %d sent", name, d.sent[ch]);
		if (d.retried[ch])
			say(w, WORKER_WARNING, "%s: %d will be retried", name, d.retried[ch]);
		if (d.failed[ch])
			say(w, WORKER_WARNING, "%s: %d failed", name, d.failed[ch]);
		*did |= d.sent[ch] > 0;
	}
	return 0;
}

static int only_job_ended(struct worker *w, bool *ended)
{
	struct job_row j;
	int found = storage_job_get(w->o->storage, w->o->only_job, &j);
	if (found < 0)
		return -1;
	*ended = !found || (j.state != JOB_QUEUED && j.state != JOB_RUNNING);
	if (found)
		job_row_free(&j);
	return 0;
}

/* One round of the worker's duties: -1 on error, 1 when it is done
 * (--once, or the job it was started for ended), else 0; *did says
 * whether there was anything to do. */
static int worker_round(struct worker *w, bool *did)
{
	const struct worker_options *o = w->o;
	if (heartbeat(w) < 0)
		return -1;
	/* notifications first: a job that just ended is told before we return */
	if (deliver_notifications(w, did) < 0)
		return -1;
	if (o->only_job) {
		bool ended;
		if (only_job_ended(w, &ended) < 0)
			return -1;
		if (ended)
			return 1;
	} else if (daily_sweep_if_due(w, did) < 0) {
		return -1;
	}
	if (settle(w, did) < 0)
		return -1;
	int64_t job_id;
	if (claim(w, &job_id) < 0)
		return -1;
	if (job_id) {
		if (run_job(w, job_id) < 0)
			return -1;
		*did = true;
	}
	return !*did && o->once && !o->only_job;
}

/* A lost connection to a database server, or a transaction the server
 * undid, is waited out this long before the round is done again: every
 * batch is one transaction, so nothing was half done. */
#define RETRY_AFTER_MS 1000

int worker_run(const struct worker_options *o)
{
	struct worker w = {.o = o};
	worker_owner_name(w.owner, sizeof w.owner);
	w.started_ms = clock_real_ms();
	while (!stopping(&w)) {
		bool did = false;
		int rc = worker_round(&w, &did);
		if (rc < 0 && storage_error_transient(o->storage)) {
			storage_rollback(o->storage);
			say(&w, WORKER_WARNING, "%s: trying again", storage_error(o->storage));
			nap(&w, RETRY_AFTER_MS);
			continue;
		}
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (!did)
			nap(&w, o->config->worker.poll_ms);
	}
	return 0;
}
