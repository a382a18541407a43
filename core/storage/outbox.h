/*
 * storage/outbox — what tells people a job ended (a mail, a webhook post, a
 * command's run; enum notify_channel) is queued in the transaction that
 * ends the job and delivered later by a worker (notify/notify.h).
 *
 * Outbox states: queued (waiting for its next attempt), sending (claimed by
 * a worker until next_attempt_at), sent, failed.  A "sending" row whose
 * claim lapsed is due again: delivery is at-least-once (see README).
 */
#ifndef THAW_STORAGE_OUTBOX_H
#define THAW_STORAGE_OUTBOX_H

#include <stdint.h>

#include "storage/storage.h"

struct outbox_row {
	int64_t id, job_id;
	int channel; /* enum notify_channel */
	char *state, *recipients, *subject, *body, *last_error;
	int attempts;
	int64_t next_attempt_at, created_at, sent_at; /* real time, seconds */
};

/* `recipients` and `subject` are mail's; other channels pass "". */
int storage_outbox_add(struct storage *s, int64_t job_id, int channel, const char *state,
		       const char *recipients, const char *subject, const char *body, const char *error,
		       int64_t now);
/* Claims the channel's next due row (state becomes "sending" until
 * now + claim_s).  Returns 1 with *out filled, 0 when nothing is due. */
int storage_outbox_claim(struct storage *s, int channel, int64_t now, int claim_s,
			 struct outbox_row *out);
int storage_outbox_update(struct storage *s, int64_t id, const char *state, int attempts,
			  int64_t next_attempt_at, const char *error, int64_t sent_at);
void outbox_row_free(struct outbox_row *r);

#endif
