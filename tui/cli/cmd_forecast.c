/*
 * cmd_forecast.c — `thaw forecast`: what the sweep will expire, week by
 * week, and what retargeting keeps (retention/forecast.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/text.h"
#include "chart.h"
#include "cli/cli.h"
#include "present.h"
#include "retention/forecast.h"
#include "storage/objects.h"

static void forecast_json(struct storage *s, const struct forecast *f, struct buf *out)
{
	char from[32];
	clock_format(f->now, from, sizeof from);
	buf_printf(out, "{\"from\":\"%s\"", from);
	buf_adds(out, ",\"weeks\":[");
	for (int k = 0; k < f->weeks; k++) {
		const struct forecast_week *w = &f->week[k];
		buf_printf(out, "%s{\"week\":%d", k ? "," : "", k + 1);
		text_json_time(out, "until", w->until);
		buf_printf(out, ",\"objects\":%d,\"events\":%lld,\"api_ids\":[", w->objects, (long long)w->events);
		for (int i = 0; i < w->objects; i++) {
			struct object_row o;
			if (storage_object_get(s, w->ids[i], &o) <= 0)
				continue;
			if (i)
				buf_addc(out, ',');
			text_json_string(out, o.api_id);
			object_row_free(&o);
		}
		buf_adds(out, "]}");
	}
	buf_adds(out, "],\"kept\":[");
	for (int i = 0; i < f->kept_count; i++) {
		buf_adds(out, i ? ",{" : "{");
		text_json_field(out, "kept_by", f->kept[i].kept_by);
		buf_printf(out, ",\"objects\":%d,\"events\":%lld}", f->kept[i].objects, (long long)f->kept[i].events);
	}
	buf_adds(out, "]}\n");
}

static void forecast_text(const struct forecast *f, struct buf *out)
{
	struct winsize ws = {0};
	int cols = isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
	int bar_cols = cols - CHART_ROW_TEXT - 1;
	char from[16];
	present_date(f->now, from, sizeof from);
	buf_printf(out, "What the sweep will expire, week by week from %s:\n", from);
	chart_header(out);
	buf_addc(out, '\n');
	bool blocks = chart_blocks();
	for (int k = 0; k < f->weeks; k++) {
		chart_week(out, f, k, bar_cols > 40 ? 40 : bar_cols, blocks);
		buf_addc(out, '\n');
	}
	chart_total(out, f);
	buf_addc(out, '\n');
	if (f->kept_count == 0)
		return;
	buf_adds(out, "\nKept by retargeting (due otherwise; they expire once nothing active uses them):\n");
	for (int i = 0; i < f->kept_count; i++) {
		chart_keeper(out, &f->kept[i]);
		buf_addc(out, '\n');
	}
}

int cmd_forecast(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool json = false;
	const char *weeks_text = NULL;
	const struct option opts[] = {{"weeks", true, &weeks_text}, {"json", false, &json}, {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	int weeks = 13;
	if (weeks_text) {
		char *end;
		long n = strtol(weeks_text, &end, 10);
		if (*end || end == weeks_text || n < 1 || n > FORECAST_MAX_WEEKS)
			return cli_usage(self, "--weeks must be a number from 1 to %d, not '%s'", FORECAST_MAX_WEEKS,
					 weeks_text);
		weeks = (int)n;
	}
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	struct forecast f;
	if (forecast_build(s, cli_now(c), c->config.policy.expire_after_months, weeks, &f) < 0) {
		rc = cli_fail("forecast: %s", storage_error(s));
		storage_close(s);
		return rc;
	}
	struct buf out = {0};
	if (json)
		forecast_json(s, &f, &out);
	else
		forecast_text(&f, &out);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	forecast_free(&f);
	storage_close(s);
	return EXIT_OK;
}
