/*
 * theme — named styles for everything the console draws, from themes/NAME.yaml.
 *
 * A style is a foreground, a background and attributes.  Colours are given
 * by name (red, bright_blue, default), 256-colour index or #rrggbb; the
 * screen maps them to what the terminal supports.  Meaning never rests on
 * colour alone: every state also has its word or glyph, so the monochrome
 * theme and NO_COLOR lose nothing.
 */
#ifndef THAW_THEME_H
#define THAW_THEME_H

#include <stdbool.h>

#include "base/diag.h"

enum style {
	ST_NORMAL, ST_TITLE, ST_BANNER, ST_ALERT, ST_HEADER, ST_CURSOR, ST_MARK,
	ST_EXPIRED, ST_EXPIRING, ST_KEPT, ST_AVAILABLE, ST_RESTORING, ST_PURGED, ST_NONE,
	ST_DIM, ST_STATUS, ST_KEY, ST_INFO, ST_WARNING, ST_ERROR, ST_DIALOG, ST_FOCUS,
	ST_PROGRESS, ST_LABEL, ST_TAB, ST_TAB_ACTIVE,
	ST__COUNT
};

enum color_kind { COLOR_DEFAULT, COLOR_INDEX, COLOR_RGB };

struct color_spec {
	int kind;  /* enum color_kind */
	int value; /* index 0..255, or 0xRRGGBB */
};

enum { ATTR_BOLD = 1, ATTR_REVERSE = 2, ATTR_UNDERLINE = 4, ATTR_DIM = 8 };

struct style_spec {
	struct color_spec fg, bg;
	unsigned attrs;
};

struct theme {
	char name[64];
	bool monochrome; /* attributes only */
	struct style_spec styles[ST__COUNT];
};

/* The built-in default (what themes/default.yaml also says). */
void theme_default(struct theme *t);
/* Strips colours, keeping attributes (NO_COLOR, monochrome terminals). */
void theme_strip_colours(struct theme *t);

/*
 * Loads DIR/NAME.yaml over the default.  On error the theme stays the
 * default and every problem is in d as file:line:column.
 */
bool theme_load(struct theme *t, const char *dir, const char *name, struct diag *d);

/* The same from text (named `path` in messages), or from `path` when NULL. */
bool theme_parse(struct theme *t, const char *path, const char *text, const char *name, struct diag *d);

/* Where themes live: $THAW_THEMES, else beside the executable
 * (../../themes in a build tree), else the installed data directory. */
void theme_directory(char *buf, size_t size);

/* Whether `name` is a theme of `dir`; `names` gets the ones there are
 * ("default, light, ..."), for the message when it is not. */
bool theme_exists(const char *dir, const char *name, char *names, size_t size);

#endif
