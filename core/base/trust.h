/*
 * trust — reading a file only when the operator can trust it, as OpenSSH
 * does for its own files.  Settings (a configuration, a theme) must belong
 * to the operator or to root, and nobody else may change them: a file
 * another user owns or can write could send restore mails, and what they
 * say, anywhere.  A secret (the SMTP password file) must be the operator's
 * own and readable by nobody else (mode 0600).
 *
 * The checks are made on the opened file (fstat), so the file cannot be
 * swapped between the check and the read.
 */
#ifndef THAW_TRUST_H
#define THAW_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/text.h"

enum trust_kind { TRUST_SETTINGS, TRUST_SECRET };

/* Reads the whole file into `out` (NUL-terminated); false with `why` (a
 * sentence naming the file and how to fix it). */
bool trust_read(const char *path, enum trust_kind kind, struct buf *out, char *why, size_t size);

#endif
