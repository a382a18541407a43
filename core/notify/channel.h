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

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "storage/outbox.h"
#include "storage/storage.h"

struct attempt {
	bool ok;
	bool permanent;   /* retrying will not help */
	char error[512];  /* why it failed, for people; empty on success */
};

/* mail.c: queues the job's completion mail; sends one claimed mail. */
int mail_queue(struct storage *s, const struct config *c, int64_t job_id);
void mail_send(const struct config *c, const struct outbox_row *m, int64_t now, struct attempt *a);

/* webhook.c: POSTs the row's JSON body to notify.webhook_url. */
void webhook_send(const struct config *c, const struct outbox_row *m, int64_t now, struct attempt *a);

/* command.c: runs notify.command with the row's JSON body on stdin. */
void command_send(const struct config *c, const struct outbox_row *m, int64_t now, struct attempt *a);

#endif
