#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

void diag_add(struct diag *d, const char *file, int line, int column,
	      const char *fmt, ...)
{
	if (d->count == d->capacity) {
		int cap = d->capacity ? d->capacity * 2 : 8;
		struct diag_entry *grown = realloc(d->entries, cap * sizeof *grown);
		if (!grown)
			return; /* out of memory: losing a message beats crashing */
		d->entries = grown;
		d->capacity = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	struct diag_entry *e = &d->entries[d->count++];
	e->file = file ? strdup(file) : NULL;
	e->line = line;
	e->column = column;
	e->message = msg ? msg : strdup("(out of memory)");
}

static void format_entry(const struct diag_entry *e, char *buf, size_t size)
{
	char where[512] = "";
	if (e->file && e->line > 0 && e->column > 0)
		snprintf(where, sizeof where, "%s:%d:%d: ", e->file, e->line, e->column);
	else if (e->file && e->line > 0)
		snprintf(where, sizeof where, "%s:%d: ", e->file, e->line);
	else if (e->file)
		snprintf(where, sizeof where, "%s: ", e->file);
	snprintf(buf, size, "%s%s", where, e->message);
}

void diag_print(const struct diag *d, FILE *out)
{
	/* messages quote files and databases: what reaches a person is made
	 * safe for a terminal (an ESC from a file never reaches one) */
	char buf[2048];
	for (int i = 0; i < d->count; i++) {
		struct buf safe = {0};
		format_entry(&d->entries[i], buf, sizeof buf);
		text_sanitize_terminal(&safe, buf);
		fprintf(out, "%s\n", safe.data ? safe.data : "");
		buf_free(&safe);
	}
}

void diag_first(const struct diag *d, char *buf, size_t size)
{
	if (d->count == 0)
		snprintf(buf, size, "no error");
	else
		format_entry(&d->entries[0], buf, size);
}

void diag_clear(struct diag *d)
{
	for (int i = 0; i < d->count; i++) {
		free(d->entries[i].file);
		free(d->entries[i].message);
	}
	free(d->entries);
	memset(d, 0, sizeof *d);
}
