/*
 * keymap — actions and the keys that trigger them.
 *
 * Every action has a name (used in config.yaml's console.keys), a
 * description (shown by the help overlay, which is generated from this table
 * and the live bindings) and default keys.  The defaults avoid tmux's and
 * screen's prefixes (ctrl-b, ctrl-a).  A configured key replaces an action's
 * defaults; a key bound to two actions is a conflict reported at start-up.
 */
#ifndef THAW_KEYMAP_H
#define THAW_KEYMAP_H

#include <stdbool.h>
#include <wchar.h>

#include "config/config.h"
#include "base/diag.h"

/* Special keys, above every Unicode code point. */
enum {
	K_UP = 0x110001, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME, K_END,
	K_ENTER, K_ESC, K_BACKSPACE, K_DELETE, K_TAB, K_BTAB, K_RESIZE,
	K_MOUSE, /* details from screen_mouse() */
	K_F1, /* K_F1 + n - 1 for F1..F12 */
};

#define K_CTRL(c) ((c) & 0x1f)

enum action {
	ACT_QUIT, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END, ACT_OPEN, ACT_BACK,
	ACT_FILTER, ACT_NEXT_TAB, ACT_PREV_TAB, ACT_SORT, ACT_REVERSE, ACT_TOGGLE, ACT_RANGE, ACT_SELECT_ALL,
	ACT_INVERT, ACT_CLEAR, ACT_VIEWS, ACT_RESTORE, ACT_RESTORE_TAG, ACT_JOBS, ACT_CANCEL_JOB, ACT_USER,
	ACT_AUDIT, ACT_FORECAST, ACT_EXPORT, ACT_HELP, ACT_REDRAW,
	ACT__COUNT
};

#define KEYS_PER_ACTION 3

struct keymap {
	int keys[ACT__COUNT][KEYS_PER_ACTION]; /* 0 = unused slot */
};

const char *action_name(int action);
const char *action_help(int action);
/* A few words for people: "restore by tag", "page up". */
const char *action_label(int action);

/* Defaults, then config.yaml's console.keys.  Unknown actions, keys that
 * are not keys and one key configured for two actions go to `errors` with
 * their position in the configuration (false: the console must not start);
 * a default key a configured one takes over goes to `notices`. */
bool keymap_load(struct keymap *k, const struct config *c, struct diag *errors, struct diag *notices);

/* The action bound to a key, or -1. */
int keymap_action(const struct keymap *k, int key);

/* "R", "ctrl-l", "pgdn" ... for help and hints. */
void keyname_of(int key, char *buf, size_t size);
/* Parses one key name; -1 when it is not one. */
int key_parse(const char *name);
/* The keys of an action, "j, down". */
void keymap_keys_text(const struct keymap *k, int action, char *buf, size_t size);

#endif
