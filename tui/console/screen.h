/*
 * screen — the only module that calls ncurses.
 *
 * Views draw through this small API: text clipped to a width in terminal
 * cells (wide characters counted right), fills, and styles resolved by the
 * theme.  Each frame is drawn whole into ncurses' virtual screen and flushed
 * once; ncurses then sends the terminal only the cells that changed, which is
 * what keeps a cursor move to a few dozen bytes over SSH.
 */
#ifndef THAW_SCREEN_H
#define THAW_SCREEN_H

#include <stdbool.h>
#include <wchar.h>

#include "console/theme.h"

struct screen {
	int rows, cols;
	bool utf8;
	const struct theme *theme;
	unsigned long attrs[ST__COUNT]; /* each style as curses attributes and colour pair */
};

/* Starts curses on the terminal; false (with a message) when it cannot. */
bool screen_start(struct screen *s, const struct theme *theme, bool mouse);
void screen_stop(struct screen *s);
/* Re-reads the size after SIGWINCH / KEY_RESIZE. */
void screen_resized(struct screen *s);
/* Ctrl-Z: gives the terminal back, stops the process, and takes the
 * terminal again when the shell continues it (the caller repaints). */
void screen_suspend(struct screen *s);

void screen_begin_frame(struct screen *s, bool full_repaint);
void screen_end_frame(struct screen *s);

/* Draws UTF-8 text at (y, x) in `style`, clipped to `width` cells and
 * padded with spaces to it when pad is true.  Returns cells used. */
int screen_text(struct screen *s, int y, int x, int width, int style, bool pad, const char *utf8);
void screen_fill(struct screen *s, int y, int x, int width, int style);

/* Display width of UTF-8 text in cells. */
int screen_width(const char *utf8);

/* The last mouse event (after K_MOUSE): where, and what happened. */
enum mouse_action { MOUSE_NONE, MOUSE_CLICK, MOUSE_DOUBLE_CLICK, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };
int screen_mouse(struct screen *s, int *y, int *x);

/* Reads one key without blocking: false when none is waiting.  *key is a
 * character or one of keymap.h's K_* codes (-1 for keys thaw ignores). */
bool screen_read_key(struct screen *s, int *key);

#endif
