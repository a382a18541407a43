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

static void clear_lines(struct console *c)
{
	for (int i = 0; i < c->text_count; i++)
		free(c->text_lines[i]);
	free(c->text_lines);
	c->text_lines = NULL;
	c->text_count = 0;
}

/* Takes a buffer of already sanitised lines. */
static void set_lines(struct console *c, const char *text)
{
	clear_lines(c);
	int cap = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		c->text_lines = array_grow(c->text_lines, c->text_count, &cap, sizeof *c->text_lines);
		c->text_lines[c->text_count++] = strndup(p, len);
		p = nl ? nl + 1 : p + len;
	}
}

static void text_draw(struct console *c, int top, int height)
{
	if (c->text_scroll > c->text_count - height)
		c->text_scroll = c->text_count > height ? c->text_count - height : 0;
	for (int i = 0; i < height && c->text_scroll + i < c->text_count; i++) {
		const char *line = c->text_lines[c->text_scroll + i];
		bool heading = line[0] && line[0] != ' ';
		screen_text(&c->screen, top + i, 0, c->screen.cols, heading ? ST_LABEL : ST_NORMAL, true, line);
	}
}

static bool text_handle(struct console *c, int action)
{
	switch (action) {
	case ACT_UP: if (c->text_scroll > 0) c->text_scroll--; return true;
	case ACT_DOWN: c->text_scroll++; return true;
	case ACT_PAGE_UP: c->text_scroll = c->text_scroll > 10 ? c->text_scroll - 10 : 0; return true;
	case ACT_PAGE_DOWN: c->text_scroll += 10; return true;
	case ACT_HOME: c->text_scroll = 0; return true;
	default: return false;
	}
}

static void user_reload(struct console *c)
{
	struct buf b = {0};
	if (profile_text(c->s, c->user_id, &b) < 0)
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	set_lines(c, b.data);
	buf_free(&b);
}

static void audit_reload(struct console *c)
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
	set_lines(c, b.data);
	buf_free(&b);
}

static const int text_hints[] = {ACT_BACK, ACT_UP, ACT_DOWN, ACT_PAGE_DOWN, ACT_HELP, -1};

const struct view_ops user_view = {
	.title = "user",
	.reload = user_reload,
	.draw = text_draw,
	.handle = text_handle,
	.hints = text_hints,
};

const struct view_ops audit_view = {
	.title = "audit",
	.reload = audit_reload,
	.draw = text_draw,
	.handle = text_handle,
	.hints = text_hints,
};
