/*
 * view_forecast.c — what the sweep will expire, week by week, as a bar
 * chart (tui/chart.h, the same rows as `thaw forecast`), with what
 * retargeting keeps below.  Enter on a week shows the list filtered to
 * its objects (week:N).
 *
 * Building it reads every object's facts (a few hundred milliseconds for
 * 100,000 objects), so it is built off the input loop, on a connection of
 * its own in a thread, when the view is entered and then at most every
 * REBUILD_MS; the view says so meanwhile and shows the last one it had.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "chart.h"
#include "console/view.h"
#include "present.h"
#include "retention/forecast.h"

#define WEEKS 13
#define REBUILD_MS 10000

/* A build in its thread: what it was asked, what it found. */
struct forecast_build {
	const char *db_path;
	int64_t now;
	int months;
	struct forecast f;
	char error[256];
	pthread_mutex_t lock;
	bool finished;
};

struct forecast_view {
	struct forecast f;
	bool built;
	int64_t built_ms;
	pthread_t thread;
	bool building;
	struct forecast_build job;
	int cursor;      /* a week, 0-based */
	int kept_scroll; /* the first keeper shown */
	int kept_shown;  /* keepers on screen at the last draw */
};

static void *build_main(void *arg)
{
	struct forecast_build *b = arg;
	struct storage *s;
	char err[256] = "";
	if (storage_open(b->db_path, STORAGE_READ_ONLY | STORAGE_MUST_EXIST, &s, err, sizeof err) == 0) {
		if (forecast_build(s, b->now, b->months, WEEKS, &b->f) < 0)
			snprintf(err, sizeof err, "forecast: %s", storage_error(s));
		storage_close(s);
	}
	pthread_mutex_lock(&b->lock);
	snprintf(b->error, sizeof b->error, "%s", err);
	b->finished = true;
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* Waits for a build in progress and takes what it found. */
static void take_build(struct console *c, struct forecast_view *v)
{
	pthread_join(v->thread, NULL);
	pthread_mutex_destroy(&v->job.lock);
	v->building = false;
	if (v->job.error[0]) {
		if (c)
			console_flash(c, ST_ERROR, "%s", v->job.error);
		forecast_free(&v->job.f);
		return;
	}
	forecast_free(&v->f);
	v->f = v->job.f;
	v->built = true;
	v->built_ms = clock_mono_ms();
}

static bool build_finished(struct forecast_view *v)
{
	pthread_mutex_lock(&v->job.lock);
	bool finished = v->job.finished;
	pthread_mutex_unlock(&v->job.lock);
	return finished;
}

static void forecast_done(void *state)
{
	struct forecast_view *v = state;
	if (v->building)
		take_build(NULL, v);
	forecast_free(&v->f);
	v->built = false;
}

static void forecast_enter(struct console *c, void *state)
{
	(void)c;
	((struct forecast_view *)state)->built_ms = 0; /* build again at once */
}

static void forecast_reload(struct console *c, void *state)
{
	struct forecast_view *v = state;
	if (v->building) {
		if (build_finished(v))
			take_build(c, v);
		else
			console_reload_in(c, 50);
		return;
	}
	if (v->built && clock_mono_ms() - v->built_ms < REBUILD_MS)
		return;
	v->job = (struct forecast_build){.db_path = c->o->db_path, .now = console_now(c),
					 .months = c->o->config->policy.expire_after_months};
	pthread_mutex_init(&v->job.lock, NULL);
	if (pthread_create(&v->thread, NULL, build_main, &v->job) != 0) {
		pthread_mutex_destroy(&v->job.lock);
		console_flash(c, ST_ERROR, "forecast: cannot start a thread");
		return;
	}
	v->building = true;
	console_reload_in(c, 50); /* and look again soon */
}

static void draw_line(struct console *c, int y, int style, struct buf *text)
{
	screen_text(&c->screen, y, 0, c->screen.cols, style, true, text->data ? text->data : "");
	buf_free(text);
}

static void forecast_draw(struct console *c, void *state, int top, int height)
{
	struct forecast_view *v = state;
	const struct forecast *f = &v->f;
	if (!v->built) {
		screen_text(&c->screen, top, 0, c->screen.cols, ST_DIM, true,
			    "Reading every object's facts to see what the sweep will expire…");
		return;
	}
	int y = top, end = top + height;
	struct buf line = {0};
	char from[16];
	present_date(f->now, from, sizeof from);
	buf_printf(&line, "What the sweep will expire, week by week from %s (Enter lists a week)", from);
	draw_line(c, y++, ST_LABEL, &line);
	chart_header(&line);
	draw_line(c, y++, ST_HEADER, &line);
	bool blocks = chart_blocks() && c->screen.utf8;
	for (int k = 0; k < f->weeks && y < end; k++) {
		chart_week(&line, f, k, c->screen.cols - CHART_ROW_TEXT - 1, blocks);
		if (k == v->cursor)
			screen_fill(&c->screen, y, 0, c->screen.cols, ST_CURSOR);
		draw_line(c, y++, k == v->cursor ? ST_CURSOR : ST_NORMAL, &line);
	}
	if (y < end) {
		chart_total(&line, f);
		draw_line(c, y++, ST_DIM, &line);
	}
	if (f->kept_count == 0 || y + 2 >= end)
		return;
	y++;
	buf_adds(&line, "Kept by retargeting (due otherwise; they expire once nothing active uses them)");
	draw_line(c, y++, ST_LABEL, &line);
	int room = end - y;
	if (v->kept_scroll > f->kept_count - room)
		v->kept_scroll = f->kept_count > room ? f->kept_count - room : 0;
	v->kept_shown = v->kept_scroll + room < f->kept_count ? room - 1 : room;
	for (int i = v->kept_scroll; i < v->kept_scroll + v->kept_shown && i < f->kept_count; i++) {
		chart_keeper(&line, &f->kept[i]);
		draw_line(c, y++, ST_KEPT, &line);
	}
	if (v->kept_shown < room)
		console_more_below(c, y, f->kept_count - v->kept_scroll - v->kept_shown);
}

static bool forecast_handle(struct console *c, void *state, int action)
{
	struct forecast_view *v = state;
	int last = v->f.weeks > 0 ? v->f.weeks - 1 : 0;
	switch (action) {
	case ACT_UP: v->cursor = v->cursor > 0 ? v->cursor - 1 : 0; return true;
	case ACT_DOWN: v->cursor = v->cursor < last ? v->cursor + 1 : last; return true;
	/* pages scroll what keeps objects, below the weeks; first and last
	 * go to either end of both */
	case ACT_PAGE_UP: v->kept_scroll = v->kept_scroll > v->kept_shown ? v->kept_scroll - v->kept_shown : 0; return true;
	case ACT_PAGE_DOWN: v->kept_scroll += v->kept_shown > 1 ? v->kept_shown : 1; return true; /* drawing clamps it */
	case ACT_HOME: v->cursor = v->kept_scroll = 0; return true;
	case ACT_END: v->cursor = last, v->kept_scroll = 1 << 30; return true;
	case ACT_OPEN: {
		char filter[32];
		snprintf(filter, sizeof filter, "week:%d", v->cursor + 1);
		console_show_filtered(c, filter);
		console_flash(c, ST_INFO, "week %d of the forecast: %s due by then", v->cursor + 1,
			      COUNTED(v->f.week[v->cursor].objects, "object", "objects"));
		return true;
	}
	default: return false;
	}
}

static const int forecast_hints[] = {ACT_BACK, ACT_OPEN, ACT_PAGE_DOWN, ACT_HELP, -1};

const struct view_ops forecast_view = {
	.title = "forecast",
	.state_size = sizeof(struct forecast_view),
	.done = forecast_done,
	.enter = forecast_enter,
	.reload = forecast_reload,
	.draw = forecast_draw,
	.handle = forecast_handle,
	.hints = forecast_hints,
};
