/*
 * mail — the restore completion e-mail (SPEC §5).
 *
 * mail_job_end_hook() writes the mail of a job that has just ended into the
 * outbox, inside the transaction that ends the job, so a job never ends
 * without its mail and a mail never exists for a job that did not end.
 * mail_deliver_due() sends what is due: a temporary failure (no connection,
 * 4xx) is retried with exponential back-off up to smtp.max_attempts, a
 * permanent one (5xx) fails at once; the reason shows in `thaw jobs`.
 *
 * Delivery is at-least-once: a worker that dies after the server accepted a
 * mail but before recording it sends it again later, with the same
 * Message-ID so mail clients can tell.  A lost completion mail would leave
 * an operator waiting; a duplicate costs a glance.
 *
 * No string from the database reaches a header: headers carry only fixed
 * text, numbers and configured addresses, all passed through a filter that
 * drops CR, LF and other control characters, and non-ASCII is RFC 2047
 * encoded.  The body is quoted-printable, so no line exceeds 76 octets.
 */
#ifndef THAW_MAIL_H
#define THAW_MAIL_H

#include <stdint.h>

#include "base/text.h"
#include "config/config.h"
#include "storage/jobs.h"
#include "storage/storage.h"

/* The hook that queues a job's completion mail as the job ends: what every
 * caller of restore_request, restore_job_step and restore_cancel passes. */
struct job_end_hook mail_job_end_hook(const struct config *c);

struct mail_delivery {
	int sent, retried, failed;
};

/* Sends every due mail; `now` is real time in seconds. */
int mail_deliver_due(struct storage *s, const struct config *c, int64_t now,
		     struct mail_delivery *out);

/* Builds a whole RFC 5322 message (CRLF line ends) for `to` (comma list). */
void mail_format(struct buf *out, const struct config *c, const char *to, const char *subject,
		 const char *body, const char *message_id, int64_t date);

#endif
