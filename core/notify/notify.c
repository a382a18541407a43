#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef THAW_TEST_HOOKS
#include <unistd.h> /* _exit */
#endif

#include "base/clock.h"
#include "notify/channel.h"
#include "notify/smtp.h"
#include "readers/job_report.h"
#include "storage/audit.h"
#include "storage/outbox.h"

/* ---- queueing, in the job's last transaction ---- */

static bool webhook_configured(const struct config *c)
{
	return c->notify.webhook_url[0] != '\0';
}

static bool command_configured(const struct config *c)
{
	return c->notify.command[0] != '\0';
}

/* The document the webhook and the command receive. */
static int queue_job_json(struct storage *s, const struct config *c, int64_t job_id, int64_t now)
{
	struct job_row j;
	if (storage_job_get(s, job_id, &j) <= 0)
		return -1;
	struct buf doc = {0};
	buf_adds(&doc, "{\"event\":\"restore.job.ended\",\"job\":");
	int rc = job_report_json(&doc, s, &j);
	buf_adds(&doc, "}\n");
	if (rc == 0 && webhook_configured(c))
		rc = storage_outbox_add(s, job_id, CHANNEL_WEBHOOK, "queued", "", "", doc.data, NULL, now);
	if (rc == 0 && command_configured(c))
		rc = storage_outbox_add(s, job_id, CHANNEL_COMMAND, "queued", "", "", doc.data, NULL, now);
	buf_free(&doc);
	job_row_free(&j);
	return rc;
}

static int queue_job_end(struct storage *s, int64_t job_id, void *ctx)
{
	const struct config *c = ctx;
	/* the mail first, so the JSON says it is queued */
	if (mail_queue(s, c, job_id) < 0)
		return -1;
	if (!webhook_configured(c) && !command_configured(c))
		return 0;
	return queue_job_json(s, c, job_id, clock_real_ms() / 1000);
}

struct job_end_hook notify_job_end_hook(const struct config *c)
{
	return (struct job_end_hook){queue_job_end, (void *)c};
}

/* ---- delivery ---- */

/* How a channel is delivered and retried. */
struct channel {
	bool (*configured)(const struct config *c);
	void (*send)(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a);
	int max_attempts, retry_base_seconds;
	int claim_seconds; /* longer than one attempt can last, so no two workers send one row */
};

static struct channel channel_of(const struct config *c, int channel)
{
	int notify_claim = c->notify.timeout_seconds + 30;
	switch (channel) {
	case CHANNEL_WEBHOOK:
		return (struct channel){webhook_configured, webhook_send, c->notify.max_attempts,
					c->notify.retry_base_seconds, notify_claim};
	case CHANNEL_COMMAND:
		return (struct channel){command_configured, command_send, c->notify.max_attempts,
					c->notify.retry_base_seconds, notify_claim};
	default:
		return (struct channel){smtp_configured, mail_send, c->smtp.max_attempts, c->smtp.retry_base_seconds,
					c->smtp.connect_timeout_seconds + c->smtp.timeout_seconds + 30};
	}
}

/* Records an attempt's result and audits it, in one transaction. */
static int record(struct storage *s, const struct outbox_row *m, const char *state, int attempts,
		  int64_t next, const char *error, int64_t sent_at)
{
	char details[700], action[32];
	const char *channel = notify_channel_name(m->channel);
	snprintf(details, sizeof details, "%s %lld%s%s: %s%s%s", channel, (long long)m->id,
		 m->recipients[0] ? " to " : "", m->recipients,
		 strcmp(state, "queued") == 0 ? "will be retried" : state, error ? ": " : "", error ? error : "");
	snprintf(action, sizeof action, "%s.%s", channel, strcmp(state, "sent") == 0 ? "sent" : "failed");
	/* real time: deliveries happen whatever the policy clock says */
	struct audit_input a = {.at = sent_at ? sent_at : next, .operator_name = "thaw worker",
				.action = action, .job_id = m->job_id, .details = details};
	if (storage_begin(s) < 0)
		return -1;
	if (storage_outbox_update(s, m->id, state, attempts, next, error, sent_at) < 0 ||
	    storage_audit(s, &a) < 0 || storage_commit(s) < 0) {
		storage_rollback(s);
		return -1;
	}
	return 0;
}

/* The earliest retry of a message that may have arrived. */
#define UNCERTAIN_RETRY_S 3600


static int deliver_one(struct storage *s, const struct attempt_context *x, const struct channel *ch,
		       const struct outbox_row *m, struct notify_delivery *d)
{
	int64_t now = x->now;
	int attempts = m->attempts + 1;
	struct attempt a = {0};
	ch->send(x, m, &a);
#ifdef THAW_TEST_HOOKS
	/* fault injection for the at-least-once test: die between the
	 * receiver's acceptance and our record of it */
	if (a.ok && getenv("THAW_TEST_DIE_AFTER_SEND"))
		_exit(99);
#endif
	if (a.ok) {
		d->sent[m->channel]++;
		return record(s, m, "sent", attempts, now, a.error[0] ? a.error : NULL, now);
	}
	if (a.permanent || attempts >= ch->max_attempts) {
		d->failed[m->channel]++;
		return record(s, m, "failed", attempts, now, a.error, 0);
	}
	int64_t delay = (int64_t)ch->retry_base_seconds << (attempts - 1 < 16 ? attempts - 1 : 16);
	char why[700];
	snprintf(why, sizeof why, "%s", a.error);
	if (a.uncertain) {
		/* a copy may be in the inbox already: at least once, but not
		 * again soon, and say so */
		delay = delay > UNCERTAIN_RETRY_S ? delay : UNCERTAIN_RETRY_S;
		snprintf(why, sizeof why, "sent but not answered, so it may have arrived; retried in %lld min: %s",
			 (long long)(delay / 60), a.error);
	}
	if (delay > 6 * 3600)
		delay = 6 * 3600;
	d->retried[m->channel]++;
	return record(s, m, "queued", attempts, now + delay, why, 0);
}

int notify_deliver_due(struct storage *s, const struct config *c, int64_t now, volatile sig_atomic_t *stop,
		       struct notify_delivery *d)
{
	memset(d, 0, sizeof *d);
	struct attempt_context x = {.config = c, .now = now, .stop = stop};
	for (int channel = 0; channel < CHANNEL__COUNT; channel++) {
		struct channel ch = channel_of(c, channel);
		/* a worker without this channel leaves its rows to one that has
		 * it: a console on a personal configuration must not fail the
		 * team's notifications */
		while (ch.configured(c) && !(stop && *stop)) {
			struct outbox_row m;
			if (storage_begin(s) < 0)
				return -1;
			int got = storage_outbox_claim(s, channel, now, ch.claim_seconds, &m);
			if (got <= 0 || storage_commit(s) < 0) {
				storage_rollback(s);
				if (got < 0)
					return -1;
				break;
			}
			int rc = deliver_one(s, &x, &ch, &m, d);
			outbox_row_free(&m);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}
