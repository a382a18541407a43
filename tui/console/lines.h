/*
 * lines — what the read-only views show (an object's detail, a user's
 * profile, the audit log): lines of text with a style, wrapped to the
 * terminal's width when drawn (never cut: a "why" or a banner is read
 * whole), scrolled by display rows, with "N more lines" when the screen
 * holds less than the view.
 */
#ifndef THAW_LINES_H
#define THAW_LINES_H

#include <stdbool.h>

struct console;

struct line {
	char *text;  /* made safe for the terminal */
	int style;
	int indent;  /* where the rows after the first begin when it wraps */
};

struct lines {
	struct line *items;
	int count, cap;
	int scroll;      /* the first display row shown */
	int page;        /* display rows on screen at the last draw */
};

/* Empties the lines (scroll stays: a reload keeps the operator's place). */
void lines_clear(struct lines *l);

/* Adds a line (sanitised here); its continuation rows start at `indent`. */
void lines_add(struct lines *l, int style, int indent, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Adds each line of text, styled `heading` when it starts in column 0 and
 * `body` otherwise, continued two columns right of its own indentation. */
void lines_add_text(struct lines *l, const char *text, int heading, int body);

/* Scrolls for the movement actions (up, down, pages, home, end); false
 * for any other action. */
bool lines_scroll(struct lines *l, int action);

/* Text broken into display rows of at most `cols` columns (present_wrap),
 * as an array of *rows strings; free with lines_wrap_free. */
char **lines_wrap(const char *text, int cols, int indent, int *rows);
void lines_wrap_free(char **rows, int count);

/* Draws rows [top, top + height) of the screen. */
void lines_draw(struct console *c, struct lines *l, int top, int height);

#endif
