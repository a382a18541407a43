/*
 * dialog.c — what opens over a view: the restore and cancel confirmations,
 * the restore-by-tag prompt, and the help overlay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "base/model.h"
#include "base/text.h"
#include "console/view.h"
#include "present.h"
#include "retention/restore.h"
#include "storage/objects.h"
#include "storage/users.h"

/* A box in the middle of the screen; returns its top row and left column. */
static void box(struct console *c, int height, int width, int *top, int *left)
{
	struct screen *sc = &c->screen;
	if (width > sc->cols - 2)
		width = sc->cols - 2;
	*top = (sc->rows - height) / 2;
	*left = (sc->cols - width) / 2;
	for (int y = 0; y < height; y++)
		screen_fill(sc, *top + y, *left, width, ST_DIALOG);
}

static void dialog_text(struct console *c, int y, int x, int width, int style, const char *text)
{
	struct buf safe = {0};
	text_sanitize_terminal(&safe, text);
	screen_text(&c->screen, y, x, width, style, false, safe.data ? safe.data : "");
	buf_free(&safe);
}

void console_confirm_restore(struct console *c, int64_t *ids, int n, const char *tag)
{
	free(c->confirm_ids);
	c->confirm_ids = ids;
	c->confirm_count = n;
	snprintf(c->confirm_tag, sizeof c->confirm_tag, "%s", tag ? tag : "");
	if (storage_selection_summary(c->s, ids, n, &c->confirm) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	if (c->confirm.restorable == 0) {
		console_flash(c, ST_WARNING, "Nothing to restore: %lld not expired, %lld already restoring,"
			      " %lld deleted (legacy), %lld without data", (long long)c->confirm.not_expired,
			      (long long)c->confirm.busy, (long long)c->confirm.purged, (long long)c->confirm.no_data);
		return;
	}
	c->confirm_kind = CONFIRM_RESTORE;
	c->confirm_focus = 0; /* Cancel has the focus */
	c->mode = MODE_CONFIRM;
}

static void draw_buttons(struct console *c, int y, int left, int width, const char *yes)
{
	char no_label[32], yes_label[64];
	snprintf(no_label, sizeof no_label, c->confirm_focus == 0 ? "[> Cancel <]" : "[  Cancel  ]");
	snprintf(yes_label, sizeof yes_label, c->confirm_focus == 1 ? "[> %s <]" : "[  %s  ]", yes);
	int x = left + width - screen_width(no_label) - screen_width(yes_label) - 4;
	x += screen_text(&c->screen, y, x, 20, c->confirm_focus == 0 ? ST_FOCUS : ST_DIALOG, false, no_label) + 2;
	screen_text(&c->screen, y, x, 30, c->confirm_focus == 1 ? ST_FOCUS : ST_DIALOG, false, yes_label);
}

static void draw_restore_confirm(struct console *c)
{
	const struct selection_summary *s = &c->confirm;
	int width = 72, top, left;
	box(c, 14, width, &top, &left);
	char line[256], events[32];
	present_count(s->events, events, sizeof events);
	int y = top + 1, x = left + 2, w = width - 4;
	if (c->confirm_tag[0])
		snprintf(line, sizeof line, " Restore interaction data tagged '%s'", c->confirm_tag);
	else
		snprintf(line, sizeof line, " Restore interaction data");
	dialog_text(c, y++, x, w, ST_LABEL, line);
	snprintf(line, sizeof line, "%lld object%s: %lld campaign%s, %lld Canvas%s — %s events", (long long)s->restorable,
		 s->restorable == 1 ? "" : "s", (long long)s->campaigns, s->campaigns == 1 ? "" : "s",
		 (long long)s->canvases, s->canvases == 1 ? "" : "es", events);
	dialog_text(c, ++y, x, w, ST_DIALOG, line);
	y++;
	for (int i = 0; i < s->names; i++)
		dialog_text(c, y++, x + 2, w - 2, ST_DIALOG, s->first_names[i]);
	if (s->restorable > s->names) {
		snprintf(line, sizeof line, "... and %lld more", (long long)(s->restorable - s->names));
		dialog_text(c, y++, x + 2, w - 2, ST_DIALOG, line);
	}
	struct { int64_t n; const char *what; } skips[] = {
		{s->not_expired, "not expired"}, {s->busy, "already restoring"},
		{s->purged, "deleted (legacy)"}, {s->no_data, "without data"}};
	char skipped[200] = "Skipped:";
	size_t used = strlen(skipped);
	for (size_t i = 0; i < 4; i++)
		if (skips[i].n)
			used += (size_t)snprintf(skipped + used, sizeof skipped - used, "%s %lld %s",
						 used > 8 ? "," : "", (long long)skips[i].n, skips[i].what);
	if (used > 8)
		dialog_text(c, top + 10, x, w, ST_DIALOG, skipped);
	draw_buttons(c, top + 12, left, width, "Restore");
}

static void draw_cancel_confirm(struct console *c)
{
	int width = 60, top, left;
	box(c, 7, width, &top, &left);
	char line[128];
	snprintf(line, sizeof line, " Cancel restore job %lld?", (long long)c->confirm_job);
	dialog_text(c, top + 1, left + 2, width - 4, ST_LABEL, line);
	dialog_text(c, top + 3, left + 2, width - 4, ST_DIALOG, "Objects not yet restored stay expired.");
	draw_buttons(c, top + 5, left, width, "Cancel the job");
}

static void draw_tag_prompt(struct console *c)
{
	int width = 60, top, left;
	box(c, 6, width, &top, &left);
	dialog_text(c, top + 1, left + 2, width - 4, ST_LABEL, c->mode == MODE_USER_PROMPT
		    ? " Look up a user by external id:" : " Restore every expired object with the tag:");
	char line[160];
	snprintf(line, sizeof line, "> %s_", c->prompt_input);
	dialog_text(c, top + 3, left + 2, width - 4, ST_FOCUS, line);
	dialog_text(c, top + 4, left + 2, width - 4, ST_DIALOG, c->mode == MODE_USER_PROMPT
		    ? "Enter looks it up, Esc cancels" : "Tab completes, Enter continues, Esc cancels");
}

void dialog_draw(struct console *c)
{
	if (c->mode == MODE_TAG_PROMPT || c->mode == MODE_USER_PROMPT)
		draw_tag_prompt(c);
	else if (c->confirm_kind == CONFIRM_RESTORE)
		draw_restore_confirm(c);
	else
		draw_cancel_confirm(c);
}

static void do_restore(struct console *c)
{
	struct restore_request r = {.object_ids = c->confirm_ids, .object_id_count = c->confirm_count,
				    .actor = c->o->actor, .now = console_now(c),
				    .on_end = mail_job_end_hook(c->o->config)};
	struct diag d = {0};
	int64_t job;
	if (restore_request(c->s, &r, &job, &d) < 0) {
		char first[300];
		diag_first(&d, first, sizeof first);
		console_flash(c, ST_ERROR, "restore not requested: %s", d.count ? first : storage_error(c->s));
	} else {
		console_flash(c, ST_INFO, "Restore job %lld queued: %lld objects (J shows progress)", (long long)job,
			      (long long)c->confirm.restorable);
		selection_clear(&c->selection);
	}
	diag_clear(&d);
}

static void do_cancel(struct console *c)
{
	int rc = restore_cancel(c->s, c->confirm_job, &c->o->actor, console_now(c),
				mail_job_end_hook(c->o->config));
	if (rc < 0)
		console_flash(c, ST_ERROR, "cancel: %s", storage_error(c->s));
	else if (rc > 0)
		console_flash(c, ST_WARNING, "job %lld had already ended", (long long)c->confirm_job);
	else
		console_flash(c, ST_INFO, "Job %lld cancelled; its unfinished objects stay expired", (long long)c->confirm_job);
}

static void open_user(struct console *c)
{
	struct user_row u;
	int found = storage_user_find(c->s, c->prompt_input, &u);
	c->mode = MODE_NORMAL;
	if (found <= 0) {
		console_flash(c, ST_WARNING, "No user '%s'", c->prompt_input);
		return;
	}
	c->user_id = u.id;
	user_row_free(&u);
	c->text_scroll = 0;
	c->view = VIEW_USER;
	console_reload_soon(c);
}

static void tag_prompt_key(struct console *c, int key)
{
	size_t len = strlen(c->prompt_input);
	if (key == K_ESC) {
		c->mode = MODE_NORMAL;
	} else if (key == K_ENTER && len && c->mode == MODE_USER_PROMPT) {
		open_user(c);
	} else if (key == K_TAB && c->mode == MODE_USER_PROMPT) {
		return;
	} else if (key == K_TAB) {
		filter_complete_tag(c->prompt_input, sizeof c->prompt_input, c->tags, c->tag_count, true);
	} else if (key == K_BACKSPACE && len) {
		c->prompt_input[len - 1] = '\0';
	} else if (key == K_ENTER && len) {
		struct object_query q = {.kind = -1, .status = -1, .state = IXD_EXPIRED, .tag = c->prompt_input};
		int64_t *ids;
		int n;
		c->mode = MODE_NORMAL;
		if (storage_list_ids(c->s, &q, &ids, &n) < 0)
			return;
		if (n == 0) {
			free(ids);
			console_flash(c, ST_WARNING, "No expired object carries the tag '%s'", c->prompt_input);
			return;
		}
		console_confirm_restore(c, ids, n, c->prompt_input);
	} else if (key > ' ' && key < 0x7F && len + 1 < sizeof c->prompt_input) {
		c->prompt_input[len] = (char)key;
		c->prompt_input[len + 1] = '\0';
	}
}

void dialog_key(struct console *c, int key)
{
	if (c->mode == MODE_TAG_PROMPT || c->mode == MODE_USER_PROMPT) {
		tag_prompt_key(c, key);
		return;
	}
	switch (key) {
	case K_TAB: case K_LEFT: case K_RIGHT: case K_BTAB:
		c->confirm_focus = !c->confirm_focus;
		return;
	case K_ESC: case 'n': case 'N':
		c->mode = MODE_NORMAL;
		return;
	case 'y': case 'Y':
		c->confirm_focus = 1;
		/* fall through */
	case K_ENTER:
		c->mode = MODE_NORMAL;
		if (c->confirm_focus == 1) {
			if (c->confirm_kind == CONFIRM_RESTORE)
				do_restore(c);
			else
				do_cancel(c);
			console_reload_soon(c);
		}
		return;
	default:
		return;
	}
}

void help_draw(struct console *c, int top, int height)
{
	struct screen *sc = &c->screen;
	int width = sc->cols - 4, left = 2;
	for (int y = 0; y < height; y++)
		screen_fill(sc, top + y, left, width, ST_DIALOG);
	screen_text(sc, top, left + 1, width - 2, ST_LABEL, false,
		    "Keys (live bindings; change them in config.yaml console.keys). Esc closes.");
	/* one column when it fits, else two */
	int rows = height - 3, columns = ACT__COUNT <= rows ? 1 : 2;
	int per_column = (ACT__COUNT + columns - 1) / columns, col_width = (width - 2) / columns;
	for (int a = 0; a < ACT__COUNT; a++) {
		int col = a / per_column, row = a % per_column;
		if (row >= rows)
			continue;
		char keys[64], line[256];
		keymap_keys_text(&c->keys, a, keys, sizeof keys);
		snprintf(line, sizeof line, "%-11s %s", keys, columns == 1 ? action_help(a) : action_name(a));
		screen_text(sc, top + 2 + row, left + 1 + col * col_width, col_width - 1, ST_DIALOG, false, line);
	}
	screen_text(sc, top + height - 1, left + 1, width - 2, ST_DIM, false,
		    "Filter: words match names; tag:x status:x state:x kind:x; !negates; Tab completes tags.");
}
