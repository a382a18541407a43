/*
 * storage/metrics — the counts a monitoring system scrapes (thaw metrics):
 * one consistent snapshot, cheap enough to take every minute.
 */
#ifndef THAW_STORAGE_METRICS_H
#define THAW_STORAGE_METRICS_H

#include <stdint.h>

#include "base/model.h"
#include "storage/storage.h"

/* The outbox's states, in the order metrics count them. */
enum outbox_state_index { OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED, OUTBOX__COUNT };

struct metrics {
	int64_t objects[IXD__COUNT];   /* by IxD state */
	int64_t hot_events, cold_events;
	int64_t jobs[JOB__COUNT];      /* by job state */
	int64_t oldest_queued_at;      /* when the oldest queued job was asked for; 0 = none */
	int64_t outbox[CHANNEL__COUNT][OUTBOX__COUNT]; /* by channel and state */
};

int storage_metrics(struct storage *s, struct metrics *out);

#endif
