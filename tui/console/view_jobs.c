/*
 * view_jobs.c — restore jobs: progress, rate, ETA, mail state, and the
 * objects of the job under the cursor; cancel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/text.h"
#include "console/dialog.h"
#include "console/view.h"
#include "present.h"
#include "readers/job_report.h"
#include "storage/jobs.h"

struct jobs {
	struct job_row *rows;
	int count, cursor;
	struct job_item_row *items; /* of the job under the cursor */
	int item_count;
};

static void jobs_done(void *state)
{
	struct jobs *v = state;
	job_rows_free(v->rows, v->count);
	v->rows = NULL;
	v->count = 0;
	job_items_free(v->items, v->item_count);
	v->items = NULL;
	v->item_count = 0;
}

static void jobs_reload(struct console *c, void *state)
{
	struct jobs *v = state;
	jobs_done(v);
	if (storage_jobs_list(c->s, 100, &v->rows, &v->count) < 0)
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	if (v->cursor >= v->count)
		v->cursor = v->count ? v->count - 1 : 0;
	if (v->count)
		storage_job_items(c->s, v->rows[v->cursor].id, &v->items, &v->item_count);
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
	double rate;
	int64_t left_s;
	job_rate(j, &rate, &left_s);
	char done[16], total[16], speed[16], line[256], eta[32] = "";
	present_count_short(j->events_done, done, sizeof done);
	present_count_short(j->events_total, total, sizeof total);
	present_count_short((int64_t)rate, speed, sizeof speed);
	if (j->state == JOB_RUNNING && left_s > 0)
		snprintf(eta, sizeof eta, " ETA %llds", (long long)left_s);
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

static void jobs_draw(struct console *c, void *state, int top, int height)
{
	const struct jobs *v = state;
	struct screen *sc = &c->screen;
	screen_text(sc, top, 0, sc->cols, ST_HEADER, true, " Restore jobs (newest first)");
	int list_rows = height / 2 - 1;
	if (v->count == 0)
		screen_text(sc, top + 2, 2, sc->cols - 4, ST_DIM, false, "No restore jobs yet.");
	int first = v->cursor >= list_rows ? v->cursor - list_rows + 1 : 0;
	for (int i = 0; i < list_rows && first + i < v->count; i++)
		job_line(c, top + 1 + i, &v->rows[first + i], first + i == v->cursor);
	int y = top + 1 + list_rows;
	if (v->count == 0)
		return;
	const struct job_row *j = &v->rows[v->cursor];
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
	for (int i = 0; i < v->item_count && y < top + height; i++)
		item_line(c, y++, &v->items[i]);
}

static bool jobs_handle(struct console *c, void *state, int action)
{
	struct jobs *v = state;
	switch (action) {
	case ACT_UP:
		if (v->cursor > 0)
			v->cursor--;
		console_reload_soon(c);
		return true;
	case ACT_DOWN:
		if (v->cursor + 1 < v->count)
			v->cursor++;
		console_reload_soon(c);
		return true;
	case ACT_CANCEL_JOB:
		if (console_refuse_change(c, "cancel") || v->count == 0)
			return true;
		if (v->rows[v->cursor].state > JOB_RUNNING) {
			console_flash(c, ST_WARNING, "job %lld has already ended", (long long)v->rows[v->cursor].id);
			return true;
		}
		dialog_open_cancel_job(c, v->rows[v->cursor].id);
		return true;
	default:
		return false;
	}
}

static const int jobs_hints[] = {ACT_BACK, ACT_CANCEL_JOB, ACT_UP, ACT_DOWN, ACT_HELP, -1};

const struct view_ops jobs_view = {
	.title = "jobs",
	.state_size = sizeof(struct jobs),
	.done = jobs_done,
	.reload = jobs_reload,
	.draw = jobs_draw,
	.handle = jobs_handle,
	.hints = jobs_hints,
};
