/*
 * notify — telling people that a restore job ended, by every channel the
 * configuration sets: the completion mail (notify/mail.h), a JSON post to
 * notify.webhook_url, and notify.command run with the same JSON on its
 * standard input.
 *
 * notify_job_end_hook() queues one outbox row per configured channel in
 * the transaction that ends the job (storage/outbox.h), so a job never ends
 * untold.  notify_deliver_due() delivers what is due, channel by channel,
 * under one rule: a temporary failure (no connection, SMTP 4xx, HTTP 5xx,
 * 408 or 429, a command's non-zero exit or time-out) is retried with
 * exponential back-off up to the channel's max_attempts; a permanent one
 * (SMTP 5xx, any other HTTP 4xx, a redirect) fails at once; every attempt is
 * audited.  Delivery is at-least-once, as for mail: a webhook receiver
 * de-duplicates with the X-Thaw-Delivery header, a command with
 * $THAW_DELIVERY.
 *
 * The webhook's URL and the command are read from the configuration when
 * they are delivered, never from the workspace: whoever can write the
 * database cannot make a worker run a command or post to an address of
 * their choosing.
 */
#ifndef THAW_NOTIFY_H
#define THAW_NOTIFY_H

#include <signal.h>
#include <stdint.h>

#include "base/model.h"
#include "config/config.h"
#include "storage/jobs.h"
#include "storage/storage.h"

/* What every caller of restore_request, restore_job_step and
 * restore_cancel passes, so the job's end is told. */
struct job_end_hook notify_job_end_hook(const struct config *c);

struct notify_delivery {
	int sent[CHANNEL__COUNT], retried[CHANNEL__COUNT], failed[CHANNEL__COUNT];
};

/* Delivers every due notification; `now` is real time in seconds.  Once
 * *stop is set (may be NULL), the attempt under way ends at once and is
 * retried later, like any other failure: shutting down never waits for a
 * slow server. */
int notify_deliver_due(struct storage *s, const struct config *c, int64_t now, volatile sig_atomic_t *stop,
		       struct notify_delivery *out);

#endif
