/*
 * readers/job_report — a restore job as others read it: its rate and
 * time left, and the JSON that `thaw jobs --json`, the webhook and the
 * notification command all receive (one shape, documented in the README).
 */
#ifndef THAW_READERS_JOB_REPORT_H
#define THAW_READERS_JOB_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/text.h"
#include "storage/jobs.h"
#include "storage/storage.h"

/* Events a second since the job started (0 before), and the seconds left
 * at that rate (0 when unknown or done). */
void job_rate(const struct job_row *j, double *rate, int64_t *eta_s);

/* A job nobody runs: queued, or running with a lease that has lapsed (its
 * worker died or was cut off).  Shown as "waiting for a worker", never as
 * running. */
bool job_waiting_for_worker(const struct job_row *j, int64_t now_ms);

/* The state as people should read it: "waiting" for a job nobody runs. */
const char *job_state_label(const struct job_row *j, int64_t now_ms);

/* Seconds from the job's start to its end (or to its last progress). */
double job_duration_seconds(const struct job_row *j);

/* The restore rate this workspace measured: events a second over its
 * last finished jobs, 0 when none has finished yet (no history). */
int job_history_rate(struct storage *s, double *events_per_second);

/* Appends the job and its objects as one JSON object. */
int job_report_json(struct buf *out, struct storage *s, const struct job_row *j);

#endif
