/*
 * view_text.c — two read-only views made of lines: a user's profile ("what
 * they received", from available interaction data only) and the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "console/view.h"
#include "readers/profile.h"
#include "storage/audit.h"

struct text {
	char **lines;
	int count, scroll;
};

static void text_done(void *state)
{
	struct text *t = state;
	for (int i = 0; i < t->count; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->count = 0;
}

static void text_enter(struct console *c, void *state)
{
	(void)c;
	((struct text *)state)->scroll = 0;
}

/* Takes a buffer of already sanitised lines. */
static void set_lines(struct text *t, const char *text)
{
	text_done(t);
	int cap = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		t->lines = array_grow(t->lines, t->count, &cap, sizeof *t->lines);
		t->lines[t->count++] = strndup(p, len);
		p = nl ? nl + 1 : p + len;
	}
}

static void text_draw(struct console *c, void *state, int top, int height)
{
	struct text *t = state;
	if (t->scroll > t->count - height)
		t->scroll = t->count > height ? t->count - height : 0;
	int shown = t->scroll + height < t->count ? height - 1 : height;
	for (int i = 0; i < shown && t->scroll + i < t->count; i++) {
		const char *line = t->lines[t->scroll + i];
		bool heading = line[0] && line[0] != ' ';
		screen_text(&c->screen, top + i, 0, c->screen.cols, heading ? ST_LABEL : ST_NORMAL, true, line);
	}
	if (shown < height)
		console_more_below(c, top + shown, t->count - t->scroll - shown);
}

static bool text_handle(struct console *c, void *state, int action)
{
	(void)c;
	struct text *t = state;
	switch (action) {
	case ACT_UP: if (t->scroll > 0) t->scroll--; return true;
	case ACT_DOWN: t->scroll++; return true;
	case ACT_PAGE_UP: t->scroll = t->scroll > 10 ? t->scroll - 10 : 0; return true;
	case ACT_PAGE_DOWN: t->scroll += 10; return true;
	case ACT_HOME: t->scroll = 0; return true;
	case ACT_END: t->scroll = t->count; return true; /* drawing clamps it */
	default: return false;
	}
}

static void user_reload(struct console *c, void *state)
{
	struct buf b = {0};
	if (profile_text(c->s, c->shown_user, &b) < 0)
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	set_lines(state, b.data);
	buf_free(&b);
}

static void audit_reload(struct console *c, void *state)
{
	struct audit_row *rows;
	int n;
	if (storage_audit_list(c->s, 0, 500, &rows, &n) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	struct buf b = {0};
	buf_adds(&b, "Audit log (newest first)\n");
	for (int i = 0; i < n; i++) {
		char when[32];
		clock_format(rows[i].at, when, sizeof when);
		buf_printf(&b, "  %s  ", when);
		text_sanitize_terminal(&b, rows[i].operator_name ? rows[i].operator_name : "");
		if (rows[i].ssh_client) {
			buf_addc(&b, '@');
			text_sanitize_terminal(&b, rows[i].ssh_client);
		}
		buf_printf(&b, "  %-15s ", rows[i].action ? rows[i].action : "");
		if (rows[i].object_api_id) {
			text_sanitize_terminal(&b, rows[i].object_api_id);
			buf_addc(&b, ' ');
		}
		if (rows[i].job_id)
			buf_printf(&b, "job %lld ", (long long)rows[i].job_id);
		text_sanitize_terminal(&b, rows[i].details ? rows[i].details : "");
		buf_addc(&b, '\n');
	}
	audit_rows_free(rows, n);
	set_lines(state, b.data);
	buf_free(&b);
}

static const int text_hints[] = {ACT_BACK, ACT_UP, ACT_DOWN, ACT_PAGE_DOWN, ACT_HELP, -1};

const struct view_ops user_view = {
	.title = "user",
	.state_size = sizeof(struct text),
	.done = text_done,
	.enter = text_enter,
	.reload = user_reload,
	.draw = text_draw,
	.handle = text_handle,
	.hints = text_hints,
};

const struct view_ops audit_view = {
	.title = "audit",
	.state_size = sizeof(struct text),
	.done = text_done,
	.enter = text_enter,
	.reload = audit_reload,
	.draw = text_draw,
	.handle = text_handle,
	.hints = text_hints,
};
