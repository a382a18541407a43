/*
 * smtp — sending one message over SMTP with libcurl.
 *
 * smtp:// or smtps://, STARTTLS off / try / required, AUTH with a password
 * taken from an environment variable or an owner-only file (never from the
 * configuration itself), certificate verification on by default, connect
 * and total timeouts, several recipients.  A failure reports the SMTP reply
 * code and text when the server gave one.
 */
#ifndef THAW_SMTP_H
#define THAW_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

struct smtp_result {
	long code;        /* last SMTP reply code, 0 when none (connection failed) */
	char reply[256];  /* the server's last reply line, e.g. "250 2.0.0 Ok: queued" */
	char error[512];  /* why it failed, for people; empty on success */
};

bool smtp_configured(const struct config *c);

/* Sends `message` (a whole RFC 5322 message, CRLF line ends). */
bool smtp_send(const struct config *c, const char *const *recipients, int count,
	       const char *message, size_t length, struct smtp_result *r);

/* A 5xx reply: retrying will not help. */
bool smtp_permanent(const struct smtp_result *r);

#endif
