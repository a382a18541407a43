/*
 * view_text.c — two read-only views made of lines: a user's profile ("what
 * they received", from available interaction data only) and the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "console/lines.h"
#include "console/view.h"
#include "readers/profile.h"
#include "storage/audit.h"

static void text_done(void *state)
{
	lines_clear(state);
}

static void text_enter(struct console *c, void *state)
{
	(void)c;
	((struct lines *)state)->scroll = 0;
}

/* Takes the whole text again; the scroll position stays. */
static void set_lines(struct lines *l, const char *text)
{
	lines_clear(l);
	lines_add_text(l, text, ST_LABEL, ST_NORMAL);
}

static void text_draw(struct console *c, void *state, int top, int height)
{
	lines_draw(c, state, top, height);
}

static bool text_handle(struct console *c, void *state, int action)
{
	(void)c;
	return lines_scroll(state, action);
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

static const int text_hints[] = {ACT_BACK, ACT_PAGE_DOWN, ACT_END, ACT_HELP, -1};

const struct view_ops user_view = {
	.title = "user",
	.state_size = sizeof(struct lines),
	.done = text_done,
	.enter = text_enter,
	.reload = user_reload,
	.draw = text_draw,
	.handle = text_handle,
	.hints = text_hints,
};

const struct view_ops audit_view = {
	.title = "audit",
	.state_size = sizeof(struct lines),
	.done = text_done,
	.enter = text_enter,
	.reload = audit_reload,
	.draw = text_draw,
	.handle = text_handle,
	.hints = text_hints,
};
