/*
 * notify/channel — what notify.c asks of each channel (private to notify/).
 *
 * A channel queues a job's notification (inside the job's last
 * transaction) and makes one delivery attempt of a claimed outbox row;
 * notify.c decides what the attempt's result means: sent, retried later,
 * or failed.
 */
#ifndef THAW_NOTIFY_CHANNEL_H
#define THAW_NOTIFY_CHANNEL_H

#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "storage/outbox.h"
#include "storage/storage.h"

/* What one delivery attempt is given: `stop`, once set, ends it early
 * (a worker shutting down does not wait for a slow server). */
struct attempt_context {
	const struct config *config;
	int64_t now;
	volatile sig_atomic_t *stop; /* may be NULL */
};

struct attempt {
	bool ok;
	bool permanent;   /* retrying will not help */
	bool uncertain;   /* it may have arrived all the same: retry, but not soon */
	char error[512];  /* why it failed, or what a success missed; for people */
};

/* mail.c: queues the job's completion mail; sends one claimed mail. */
int mail_queue(struct storage *s, const struct config *c, int64_t job_id);
void mail_send(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a);

/* webhook.c: POSTs the row's JSON body to notify.webhook_url. */
void webhook_send(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a);

/* command.c: runs notify.command with the row's JSON body on stdin. */
void command_send(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a);

/* What bounds a libcurl exchange (mail, webhook) as a whole: it ends once
 * *stop is set or timeout_seconds have passed, closing the connection so
 * that nothing is waited for on the way out (not even the answer to QUIT). */
struct transfer_guard {
	volatile sig_atomic_t *stop;
	int64_t deadline_ms; /* monotonic */
	curl_socket_t fd;
};
void transfer_guard_install(CURL *curl, struct transfer_guard *g, int timeout_seconds,
			    volatile sig_atomic_t *stop);

#endif
