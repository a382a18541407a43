/*
 * context.c — what views and dialogs may ask of the console: the status
 * line, the clock, switching views.  Nothing here calls into a view.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/model.h"
#include "filter.h"
#include "console/view.h"
#include "storage/jobs.h"

int64_t console_now(const struct console *c)
{
	return clock_now(c->o->clock);
}

void console_flash(struct console *c, int style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->flash, sizeof c->flash, fmt, ap);
	va_end(ap);
	c->flash_style = style;
	c->flash_until = clock_mono_ms() + (style == ST_ERROR ? 8000 : 4000);
	c->dirty = true;
}

void console_reload_soon(struct console *c)
{
	c->next_refresh = 0;
	c->dirty = true;
}

void console_reload_in(struct console *c, int ms)
{
	c->reload_in_ms = ms;
}

void console_show(struct console *c, enum view_id view)
{
	c->view = view;
	c->entering = true;
	console_reload_soon(c);
}

static void append_job_id(int64_t **ids, int *count, int64_t job_id)
{
	int64_t *grown = realloc(*ids, ((size_t)*count + 1) * sizeof *grown);
	if (!grown)
		abort();
	*ids = grown;
	grown[(*count)++] = job_id;
}

void console_own_job(struct console *c, int64_t job_id)
{
	append_job_id(&c->own_jobs, &c->own_job_count, job_id);
	/* counted as active now, not at the next refresh: the embedded worker
	 * may finish a small job before then, and its end must still be said */
	append_job_id(&c->active_jobs, &c->active_job_count, job_id);
	c->jobs_active = true;
}

int console_own_jobs_active(struct console *c, int64_t *ids, int max)
{
	int n = 0;
	for (int i = 0; i < c->own_job_count && n < max; i++) {
		struct job_row j;
		if (storage_job_get(c->s, c->own_jobs[i], &j) <= 0)
			continue;
		if (j.state == JOB_QUEUED || j.state == JOB_RUNNING)
			ids[n++] = j.id;
		job_row_free(&j);
	}
	return n;
}

void console_complete_tag(struct console *c, char *input, size_t size, bool bare_tags)
{
	if (c->tab_nth < 0 && !filter_tag_prefix(input, bare_tags, c->tab_prefix, sizeof c->tab_prefix))
		return;
	c->tab_nth++;
	int matches = filter_complete_tag(input, size, c->tab_prefix, c->tags, c->tag_count, c->tab_nth, bare_tags);
	if (matches == 0)
		console_flash(c, ST_WARNING, "no tag starts with '%s'", c->tab_prefix);
	else if (matches > 1)
		console_flash(c, ST_INFO, "tag %d of %d starting with '%s' (Tab: the next)", c->tab_nth % matches + 1,
			      matches, c->tab_prefix);
}

void console_more_below(struct console *c, int y, int hidden)
{
	char line[96];
	snprintf(line, sizeof line, " … %d more line%s (PgDn, G)", hidden, hidden == 1 ? "" : "s");
	screen_text(&c->screen, y, 0, c->screen.cols, ST_DIM, true, line);
}

void console_show_filtered(struct console *c, const char *filter)
{
	snprintf(c->requested_filter, sizeof c->requested_filter, "%s", filter);
	console_show(c, VIEW_LIST);
}

void console_show_object(struct console *c, int64_t object_id)
{
	c->shown_object = object_id;
	console_show(c, VIEW_DETAIL);
}

void console_show_user(struct console *c, int64_t user_id)
{
	c->shown_user = user_id;
	console_show(c, VIEW_USER);
}

bool console_refuse_change(struct console *c, const char *what)
{
	if (!c->o->read_only)
		return false;
	console_flash(c, ST_WARNING, "%s is not available: %s", what, c->o->why_read_only);
	return true;
}

int console_state_style(const struct object_row *o, int64_t now, int soon_days)
{
	switch (o->state) {
	case IXD_EXPIRED: return ST_EXPIRED;
	case IXD_RESTORING: return ST_RESTORING;
	case IXD_PURGED: return ST_PURGED;
	case IXD_NONE: return ST_NONE;
	}
	if (o->kept_by)
		return ST_KEPT;
	if (o->expires_at && o->expires_at < now + (int64_t)soon_days * 86400)
		return ST_EXPIRING;
	return ST_AVAILABLE;
}
