/*
 * smtp — sending one message over SMTP with libcurl.
 *
 * smtp:// or smtps://, STARTTLS off / try / required, AUTH with a password
 * taken from an environment variable or an owner-only file (never from the
 * configuration itself), certificate verification on by default, connect
 * and total timeouts, several recipients.  A failure reports the SMTP reply
 * code and text when the server gave one: the first refusal (a recipient's,
 * say), not the goodbye that follows it.
 *
 * The exchange is followed reply by reply, because what the server did
 * matters more than how the connection ended: once it has answered the
 * message with 250 the mail is accepted, whatever QUIT does; when the
 * message was sent and no answer came, it may have been received
 * (`uncertain`); recipients the server refused are listed while the others
 * get the mail.
 */
#ifndef THAW_SMTP_H
#define THAW_SMTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

struct smtp_result {
	long code;        /* the first failing SMTP reply code, else the last; 0 = none */
	char reply[256];  /* that reply line, e.g. "250 2.0.0 Ok: queued" */
	char error[512];  /* why it failed, for people; empty on success */
	bool accepted;    /* the server answered the message itself with 250 */
	bool uncertain;   /* the message went out and no answer came back */
	char refused[512]; /* "a@x (550 ...), b@y (...)": recipients refused, or "" */
};

bool smtp_configured(const struct config *c);

/* Sends `message` (a whole RFC 5322 message, CRLF line ends); true when
 * the server accepted it (for some recipients at least: see refused).
 * Setting *stop (may be NULL) ends the exchange early. */
bool smtp_send(const struct config *c, const char *const *recipients, int count,
	       const char *message, size_t length, volatile sig_atomic_t *stop, struct smtp_result *r);

/* A 5xx reply: retrying will not help. */
bool smtp_permanent(const struct smtp_result *r);

#endif
