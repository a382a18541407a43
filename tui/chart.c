#include "chart.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "present.h"

bool chart_blocks(void)
{
	const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		return false;
	if (term && (strcmp(term, "vt100") == 0 || strcmp(term, "linux") == 0 || strcmp(term, "dumb") == 0))
		return false;
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* A bar of value/max of `cols` columns: whole blocks, then the eighth that
 * remains, so small weeks still show; '#' without block characters. */
static void bar(struct buf *out, int64_t value, int64_t max, int cols, bool blocks)
{
	if (value <= 0 || max <= 0 || cols <= 0)
		return;
	int64_t eighths = value * cols * 8 / max;
	if (eighths == 0)
		eighths = 1; /* not nothing */
	if (!blocks) {
		for (int64_t i = 0; i < (eighths + 7) / 8; i++)
			buf_addc(out, '#');
		return;
	}
	static const char *const part[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	for (int64_t i = 0; i < eighths / 8; i++)
		buf_adds(out, "█");
	buf_adds(out, part[eighths % 8]);
}

void chart_header(struct buf *out)
{
	buf_printf(out, "%-4s  %-10s  %15s  %18s  %s", "week", "until", "objects", "events", "");
}

void chart_week(struct buf *out, const struct forecast *f, int k, int bar_cols, bool blocks)
{
	int64_t max = 0;
	for (int i = 0; i < f->weeks; i++)
		max = f->week[i].events > max ? f->week[i].events : max;
	const struct forecast_week *w = &f->week[k];
	char until[16];
	present_date(w->until, until, sizeof until);
	buf_printf(out, "%4d  %-10s  %15s  %18s  ", k + 1, until, COUNTED(w->objects, "object", "objects"),
		   COUNTED(w->events, "event", "events"));
	bar(out, w->events, max, bar_cols, blocks);
}

void chart_keeper(struct buf *out, const struct forecast_keeper *k)
{
	buf_printf(out, "  %15s  %18s  kept by ", COUNTED(k->objects, "object", "objects"),
		   COUNTED(k->events, "event", "events"));
	text_sanitize_terminal(out, k->kept_by);
}

void chart_total(struct buf *out, const struct forecast *f)
{
	int objects = 0;
	int64_t events = 0;
	for (int k = 0; k < f->weeks; k++)
		objects += f->week[k].objects, events += f->week[k].events;
	buf_printf(out, "in %s: %s, %s", COUNTED(f->weeks, "week", "weeks"), COUNTED(objects, "object", "objects"),
		   COUNTED(events, "event", "events"));
}
