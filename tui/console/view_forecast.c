/*
 * view_forecast.c — what the sweep will expire, week by week, as a bar
 * chart (tui/chart.h, the same rows as `thaw forecast`), with what
 * retargeting keeps below.  Enter on a week shows the list filtered to
 * its objects (week:N).
 *
 * Building it reads every object's facts, so it is rebuilt when the view
 * is entered and then at most every REBUILD_MS, not at every refresh.
 */
#include <stdio.h>

#include "base/clock.h"
#include "base/text.h"
#include "chart.h"
#include "console/view.h"
#include "present.h"
#include "retention/forecast.h"

#define WEEKS 13
#define REBUILD_MS 10000

struct forecast_view {
	struct forecast f;
	bool built;
	int64_t built_ms;
	int cursor;      /* a week, 0-based */
	int kept_scroll; /* the first keeper shown */
	int kept_shown;  /* keepers on screen at the last draw */
};

static void forecast_done(void *state)
{
	struct forecast_view *v = state;
	forecast_free(&v->f);
	v->built = false;
}

static void forecast_enter(struct console *c, void *state)
{
	(void)c;
	forecast_done(state);
}

static void forecast_reload(struct console *c, void *state)
{
	struct forecast_view *v = state;
	if (v->built && clock_mono_ms() - v->built_ms < REBUILD_MS)
		return;
	forecast_free(&v->f);
	if (forecast_build(c->s, console_now(c), c->o->config->policy.expire_after_months, WEEKS, &v->f) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	v->built = true;
	v->built_ms = clock_mono_ms();
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
	if (!v->built)
		return;
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
