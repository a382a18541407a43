/*
 * worker — runs restore jobs, settles interrupted moves, and the daily sweep.
 *
 * The same loop serves `thaw worker` (a service), `thaw restore --wait` (runs
 * until its own job ends) and a thread inside the console.  Each
 * worker has a unique lease owner name; two workers never run one job, and a
 * job whose worker died is taken over once its lease lapses.  The stop flag
 * is checked between batches, so SIGTERM/SIGINT stop it cleanly.
 */
#ifndef THAW_WORKER_H
#define THAW_WORKER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/model.h"
#include "config/config.h"
#include "storage/storage.h"

/* How much a worker's line matters: warnings (mail failing), news (a job
 * started or ended, a sweep, mail sent), progress (a job's batches, every
 * few seconds). */
enum worker_level { WORKER_WARNING, WORKER_INFO, WORKER_PROGRESS };

struct worker_options {
	struct storage *storage;
	const struct config *config;
	const struct clock *clock;
	struct actor actor;
	bool once;        /* return when there is nothing left to do */
	int64_t only_job; /* when set: return as soon as this job has ended */
	bool in_console;  /* a console's own worker, which stops when it quits */
	volatile sig_atomic_t *stop;
	/* one line per event, with its level; may be NULL */
	void (*log)(void *ctx, enum worker_level level, const char *line);
	void *log_ctx;
};

/* Returns 0 when stopped or done, -1 on a storage error (reason in storage_error). */
int worker_run(const struct worker_options *o);

/*
 * A running worker leaves a heartbeat in the workspace every few seconds,
 * so anyone can tell whether jobs will be run: the last one seen, with
 * when its worker started and who it is ("host:pid:…").  A standing worker
 * (`thaw worker`, the service) and the workers inside consoles beat apart:
 * a console's worker stops when it quits, and operators need to know
 * whether anything will carry on.  `restore --wait` (only_job) does not
 * beat: it runs one job and leaves.
 */
#define WORKER_BEAT_MS 5000
struct worker_seen {
	int64_t last_ms, since_ms; /* real time; last_ms 0 = never seen */
	char host[128];
	int pid;
};
int worker_last_seen(struct storage *s, bool in_console, struct worker_seen *out);
/* Whether that heartbeat is recent enough to mean a worker runs now. */
bool worker_alive(const struct worker_seen *w, int64_t now_ms);

#endif
