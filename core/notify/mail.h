/*
 * mail — the restore completion e-mail (SPEC §5).
 *
 * The mail of a job that has just ended is written into the outbox inside
 * the transaction that ends the job (notify/notify.h), so a job never ends
 * without its mail and a mail never exists for a job that did not end.  A
 * temporary failure (no connection, 4xx) is retried with exponential
 * back-off up to smtp.max_attempts, a permanent one (5xx) fails at once;
 * the reason shows in `thaw jobs`.
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

/* Builds a whole RFC 5322 message (CRLF line ends) for `to` (comma list). */
void mail_format(struct buf *out, const struct config *c, const char *to, const char *subject,
		 const char *body, const char *message_id, int64_t date);

#endif
