/*
 * view_jobs.c — restore jobs: progress, rate, ETA, mail state, and the
 * objects of the job under the cursor; cancel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/text.h"
#include "console/view.h"
#include "present.h"
#include "storage/jobs.h"

static void jobs_reload(struct console *c)
{
	job_rows_free(c->jobs, c->job_count);
	c->jobs = NULL;
	c->job_count = 0;
	if (storage_jobs_list(c->s, 100, &c->jobs, &c->job_count) < 0)
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	if (c->job_cursor >= c->job_count)
		c->job_cursor = c->job_count ? c->job_count - 1 : 0;
	job_items_free(c->job_items, c->job_item_count);
	c->job_items = NULL;
	c->job_item_count = 0;
	if (c->job_count)
		storage_job_items(c->s, c->jobs[c->job_cursor].id, &c->job_items, &c->job_item_count);
}

static void draw_progress(struct console *c, int y, int x, int width, int64_t done, int64_t total)
{
	int filled = total > 0 ? (int)(done * width / total) : width;
	char bar[256];
	int n = 0;
	for (int i = 0; i < width && n < (int)sizeof bar - 4; i++)
		bar[n++] = i < filled ? '#' : '.';
	bar[n] = '\0';
	screen_text(&c->screen, y, x, width, ST_PROGRESS, false, bar);
}

static void job_line(struct console *c, int y, const struct job_row *j, bool cursor)
{
	int64_t end = j->finished_ms ? j->finished_ms : j->updated_ms;
	double seconds = j->started_ms && end > j->started_ms ? (end - j->started_ms) / 1000.0 : 0;
	double rate = seconds > 0 ? j->events_done / seconds : 0;
	int64_t left = j->events_total - j->events_done;
	char done[16], total[16], speed[16], line[256], eta[32] = "";
	format_count(j->events_done, done, sizeof done);
	format_count(j->events_total, total, sizeof total);
	format_count((int64_t)rate, speed, sizeof speed);
	if (j->state == JOB_RUNNING && rate > 0 && left > 0)
		snprintf(eta, sizeof eta, " ETA %llds", (long long)(left / rate));
	int style = cursor ? ST_CURSOR : ST_NORMAL;
	snprintf(line, sizeof line, " job %-5lld %-9s", (long long)j->id, job_state_name(j->state));
	screen_fill(&c->screen, y, 0, c->screen.cols, style);
	int x = screen_text(&c->screen, y, 0, 26, style, true, line);
	draw_progress(c, y, x, 20, j->events_done, j->events_total);
	x += 21;
	int pct = j->events_total ? (int)(j->events_done * 100 / j->events_total) : 100;
	snprintf(line, sizeof line, "%3d%% %s/%s %s/s%s  mail: %s", pct, done, total, speed, eta,
		 j->mail_state ? j->mail_state : "—");
	screen_text(&c->screen, y, x, c->screen.cols - x, style, false, line);
}

static void item_line(struct console *c, int y, const struct job_item_row *it)
{
	char line[512], count[32], date[16];
	struct buf name = {0};
	text_sanitize_terminal(&name, it->name);
	present_count(it->events_total, count, sizeof count);
	present_date(it->new_expires_at, date, sizeof date);
	const char *what = item_outcome_name(it->outcome);
	char detail[128];
	if (it->outcome == ITEM_RESTORED)
		snprintf(detail, sizeof detail, "restored %s events, until %s", count, date);
	else if (it->outcome == ITEM_PENDING)
		snprintf(detail, sizeof detail, "restoring %lld of %s", (long long)it->events_done, count);
	else if (it->outcome == ITEM_SKIPPED_BUSY)
		snprintf(detail, sizeof detail, "skipped: already being restored (job %lld)", (long long)it->other_job);
	else
		snprintf(detail, sizeof detail, "%s%s", it->outcome == ITEM_CANCELLED ? "" : "skipped: ", what);
	snprintf(line, sizeof line, "   %-8s %-40.40s %s", object_kind_name(it->kind), name.data ? name.data : "", detail);
	buf_free(&name);
	screen_text(&c->screen, y, 0, c->screen.cols, it->outcome == ITEM_RESTORED ? ST_AVAILABLE : ST_NORMAL, true, line);
}

static void jobs_draw(struct console *c, int top, int height)
{
	struct screen *sc = &c->screen;
	screen_text(sc, top, 0, sc->cols, ST_HEADER, true, " Restore jobs (newest first)");
	int list_rows = height / 2 - 1;
	if (c->job_count == 0)
		screen_text(sc, top + 2, 2, sc->cols - 4, ST_DIM, false, "No restore jobs yet.");
	int first = c->job_cursor >= list_rows ? c->job_cursor - list_rows + 1 : 0;
	for (int i = 0; i < list_rows && first + i < c->job_count; i++)
		job_line(c, top + 1 + i, &c->jobs[first + i], first + i == c->job_cursor);
	int y = top + 1 + list_rows;
	if (c->job_count == 0)
		return;
	const struct job_row *j = &c->jobs[c->job_cursor];
	char head[512];
	struct buf who = {0};
	text_sanitize_terminal(&who, j->request ? j->request : "");
	snprintf(head, sizeof head, " Job %lld: %s — asked by %s%s", (long long)j->id, who.data ? who.data : "",
		 j->requested_by, j->mail_error ? "" : "");
	buf_free(&who);
	screen_text(sc, y++, 0, sc->cols, ST_HEADER, true, head);
	if (j->mail_error) {
		struct buf err = {0};
		text_sanitize_terminal(&err, j->mail_error);
		snprintf(head, sizeof head, "   mail: %s (%s)", j->mail_state ? j->mail_state : "", err.data ? err.data : "");
		buf_free(&err);
		screen_text(sc, y++, 0, sc->cols, ST_WARNING, true, head);
	}
	for (int i = 0; i < c->job_item_count && y < top + height; i++)
		item_line(c, y++, &c->job_items[i]);
}

static bool jobs_handle(struct console *c, int action)
{
	switch (action) {
	case ACT_UP:
		if (c->job_cursor > 0)
			c->job_cursor--;
		console_reload_soon(c);
		return true;
	case ACT_DOWN:
		if (c->job_cursor + 1 < c->job_count)
			c->job_cursor++;
		console_reload_soon(c);
		return true;
	case ACT_CANCEL_JOB:
		if (c->o->read_only) {
			console_flash(c, ST_WARNING, "cancel is not available: %s", c->o->why_read_only);
			return true;
		}
		if (c->job_count == 0)
			return true;
		if (c->jobs[c->job_cursor].state > JOB_RUNNING) {
			console_flash(c, ST_WARNING, "job %lld has already ended", (long long)c->jobs[c->job_cursor].id);
			return true;
		}
		c->confirm_kind = CONFIRM_CANCEL_JOB;
		c->confirm_job = c->jobs[c->job_cursor].id;
		c->confirm_focus = 0;
		c->mode = MODE_CONFIRM;
		return true;
	default:
		return false;
	}
}

static const int jobs_hints[] = {ACT_BACK, ACT_CANCEL_JOB, ACT_UP, ACT_DOWN, ACT_HELP, -1};

const struct view_ops jobs_view = {
	.title = "jobs",
	.reload = jobs_reload,
	.draw = jobs_draw,
	.handle = jobs_handle,
	.hints = jobs_hints,
};
