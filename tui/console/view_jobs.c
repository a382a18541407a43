/*
 * view_jobs.c — restore jobs: progress, rate, ETA, mail state, and the
 * objects of the job under the cursor; cancel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/clock.h"
#include "base/text.h"
#include "console/dialog.h"
#include "console/view.h"
#include "notify/smtp.h"
#include "present.h"
#include "readers/job_report.h"
#include "storage/jobs.h"

struct jobs {
	struct job_row *rows;
	int count, cursor;
	struct job_item_row *items; /* of the job under the cursor */
	int item_count;
	int item_offset; /* the first item on screen (PgUp / PgDn scroll them) */
	int item_rows;   /* how many fitted at the last frame */
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
	if (v->item_offset >= v->item_count)
		v->item_offset = 0;
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
	if (j->state == JOB_RUNNING && left_s > 0 && !job_waiting_for_worker(j, clock_real_ms()))
		snprintf(eta, sizeof eta, " ETA %llds", (long long)left_s);
	int style = cursor ? ST_CURSOR : ST_NORMAL;
	snprintf(line, sizeof line, " job %-5lld %-9s", (long long)j->id, job_state_label(j, clock_real_ms()));
	screen_fill(&c->screen, y, 0, c->screen.cols, style);
	int x = screen_text(&c->screen, y, 0, 26, style, true, line);
	draw_progress(c, y, x, 20, j->events_done, j->events_total);
	x += 21;
	int pct = j->events_total ? (int)(j->events_done * 100 / j->events_total) : 100;
	/* "mail off" as the CLI says it: no smtp.url, nothing will be sent */
	snprintf(line, sizeof line, "%3d%% %s/%s %s/s%s  %s%s", pct, done, total, speed, eta,
		 smtp_configured(c->o->config) || j->mail_state ? "mail: " : "mail off",
		 j->mail_state ? j->mail_state : smtp_configured(c->o->config) ? "—" : "");
	screen_text(&c->screen, y, x, c->screen.cols - x, style, false, line);
}

/* What became of an item: the part of its line never cut. */
static void item_outcome(const struct job_item_row *it, char *out, size_t size)
{
	char count[32], date[16];
	text_count(it->events_total, count, sizeof count);
	present_date(it->new_expires_at, date, sizeof date);
	if (it->outcome == ITEM_RESTORED)
		snprintf(out, size, "restored %s events, until %s", count, date);
	else if (it->outcome == ITEM_PENDING)
		snprintf(out, size, "restoring %lld of %s", (long long)it->events_done, count);
	else if (it->outcome == ITEM_SKIPPED_BUSY)
		snprintf(out, size, "skipped: already being restored (job %lld)", (long long)it->other_job);
	else
		snprintf(out, size, "%s%s", it->outcome == ITEM_CANCELLED ? "" : "skipped: ", item_outcome_name(it->outcome));
}

/* Kind, name fitted to name_width display cells, outcome. */
static void item_line(struct console *c, int y, const struct job_item_row *it, int name_width)
{
	struct screen *sc = &c->screen;
	char kind[16], outcome[160];
	struct buf name = {0};
	text_sanitize_terminal(&name, it->name);
	item_outcome(it, outcome, sizeof outcome);
	int style = it->outcome == ITEM_RESTORED ? ST_AVAILABLE : ST_NORMAL;
	screen_fill(sc, y, 0, sc->cols, style);
	snprintf(kind, sizeof kind, "   %-8s", object_kind_name(it->kind));
	int x = screen_text(sc, y, 0, 12, style, true, kind) + 1;
	x += screen_text(sc, y, x, name_width, style, true, name.data ? name.data : "") + 2;
	screen_text(sc, y, x, sc->cols - x, style, false, outcome);
	buf_free(&name);
}

/* The names give way to the outcomes, which are never cut: one name
 * column for every item on screen, as wide as the longest outcome allows. */
static int name_column(const struct console *c, const struct job_item_row *items, int from, int to)
{
	int widest = 0;
	for (int i = from; i < to; i++) {
		char outcome[160];
		item_outcome(&items[i], outcome, sizeof outcome);
		int w = screen_width(outcome);
		widest = w > widest ? w : widest;
	}
	int name_width = c->screen.cols - 13 - widest - 2;
	return name_width < 12 ? 12 : name_width;
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
	/* the objects scroll; the last row says how many more there are */
	struct jobs *w = state;
	int rows = top + height - y;
	bool cut = v->item_count - v->item_offset > rows;
	w->item_rows = cut ? rows - 1 : rows;
	int end = v->item_offset + w->item_rows < v->item_count ? v->item_offset + w->item_rows : v->item_count;
	int name_width = name_column(c, v->items, v->item_offset, end);
	for (int i = v->item_offset; i < end; i++)
		item_line(c, y++, &v->items[i], name_width);
	if (cut) {
		char more[96];
		snprintf(more, sizeof more, "   … %d more (PgDn)", v->item_count - v->item_offset - w->item_rows);
		screen_text(sc, y, 0, sc->cols, ST_DIM, true, more);
	}
}

static bool jobs_handle(struct console *c, void *state, int action)
{
	struct jobs *v = state;
	switch (action) {
	case ACT_UP:
		if (v->cursor > 0)
			v->cursor--;
		v->item_offset = 0;
		console_reload_soon(c);
		return true;
	case ACT_DOWN:
		if (v->cursor + 1 < v->count)
			v->cursor++;
		v->item_offset = 0;
		console_reload_soon(c);
		return true;
	case ACT_HOME:
	case ACT_END:
		v->cursor = action == ACT_HOME || v->count == 0 ? 0 : v->count - 1;
		v->item_offset = 0;
		console_reload_soon(c);
		return true;
	case ACT_PAGE_DOWN:
		if (v->item_offset + v->item_rows < v->item_count)
			v->item_offset += v->item_rows > 1 ? v->item_rows : 1;
		return true;
	case ACT_PAGE_UP:
		v->item_offset = v->item_offset > v->item_rows ? v->item_offset - v->item_rows : 0;
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

static const int jobs_hints[] = {ACT_BACK, ACT_CANCEL_JOB, ACT_PAGE_DOWN, ACT_HELP, -1};

const struct view_ops jobs_view = {
	.title = "jobs",
	.state_size = sizeof(struct jobs),
	.done = jobs_done,
	.reload = jobs_reload,
	.draw = jobs_draw,
	.handle = jobs_handle,
	.hints = jobs_hints,
};
