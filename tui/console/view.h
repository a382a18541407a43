/*
 * view — what each console view provides, as a table of functions.
 */
#ifndef THAW_VIEW_H
#define THAW_VIEW_H

#include <stdbool.h>

#include "console/console.h"

struct view_ops {
	const char *title;
	/* reloads what the view shows (called when data is stale) */
	void (*reload)(struct console *c);
	/* draws rows [top, top + height) of the screen */
	void (*draw)(struct console *c, int top, int height);
	/* handles an action; false = not this view's, let the console try */
	bool (*handle)(struct console *c, int action);
	/* key hints for the status line */
	const int *hints;
};

extern const struct view_ops list_view, detail_view, jobs_view, user_view, audit_view;

/* Draws the help overlay, generated from the live key bindings. */
void help_draw(struct console *c, int top, int height);
/* Draws the confirmation or the tag prompt over the current view. */
void dialog_draw(struct console *c);
/* Handles a key while a dialog is open. */
void dialog_key(struct console *c, int key);

/* Small drawing helpers shared by the views. */
void format_count(int64_t n, char *buf, size_t size);

#endif
