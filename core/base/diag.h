/*
 * diag — a list of diagnostics ("file:line:column: message").
 *
 * Loaders (config, themes, imports) report every problem they find, not just
 * the first, so they append to a diag list and let the caller decide how to
 * print it.  Line and column are 1-based; 0 means "not known".
 */
#ifndef THAW_DIAG_H
#define THAW_DIAG_H

#include <stdio.h>

struct diag_entry {
	char *file;
	int line;
	int column;
	char *message;
};

struct diag {
	struct diag_entry *entries;
	int count;
	int capacity;
};

/* Appends one diagnostic; `file` may be NULL. printf-style message. */
void diag_add(struct diag *d, const char *file, int line, int column,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prints every entry as "file:line:column: message" (parts omitted when unknown). */
void diag_print(const struct diag *d, FILE *out);

/* The first message formatted as above into buf (for one-line errors). */
void diag_first(const struct diag *d, char *buf, size_t size);

void diag_clear(struct diag *d);

#endif
