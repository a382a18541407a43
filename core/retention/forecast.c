#include "retention/forecast.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "retention/sweep.h"
#include "storage/lifecycle.h"

/* Which week (1..weeks) an expiry date falls in, or 0 when beyond them. */
static int week_of(int64_t now, int weeks, int64_t expires_at)
{
	if (expires_at <= now + CLOCK_WEEK)
		return 1; /* due now or within the week: the next sweeps take it */
	int64_t k = (expires_at - now + CLOCK_WEEK - 1) / CLOCK_WEEK;
	return k <= weeks ? (int)k : 0;
}

static void add_to_week(struct forecast_week *w, const struct policy_row *r, int *cap)
{
	w->ids = array_grow(w->ids, w->objects, cap, sizeof *w->ids);
	w->ids[w->objects++] = r->id;
	w->events += r->hot_events + r->cold_events;
}

static void add_kept(struct forecast *f, const struct policy_row *r, int *cap)
{
	int i = 0;
	while (i < f->kept_count && strcmp(f->kept[i].kept_by, r->kept_by) != 0)
		i++;
	if (i == f->kept_count) {
		f->kept = array_grow(f->kept, f->kept_count, cap, sizeof *f->kept);
		f->kept[f->kept_count++] = (struct forecast_keeper){.kept_by = strdup(r->kept_by)};
	}
	f->kept[i].objects++;
	f->kept[i].events += r->hot_events + r->cold_events;
}

static int by_objects(const void *a, const void *b)
{
	const struct forecast_keeper *x = a, *y = b;
	if (x->objects != y->objects)
		return x->objects > y->objects ? -1 : 1;
	return strcmp(x->kept_by, y->kept_by);
}

int forecast_build(struct storage *s, int64_t now, int months, int weeks, struct forecast *out)
{
	memset(out, 0, sizeof *out);
	out->now = now;
	out->weeks = weeks < 1 ? 1 : weeks > FORECAST_MAX_WEEKS ? FORECAST_MAX_WEEKS : weeks;
	for (int k = 0; k < out->weeks; k++)
		out->week[k].until = now + (int64_t)(k + 1) * CLOCK_WEEK;
	struct policy_row *rows;
	int n;
	if (storage_policy_rows(s, &rows, &n) < 0)
		return -1;
	int caps[FORECAST_MAX_WEEKS] = {0}, kept_cap = 0;
	for (int i = 0; i < n; i++) {
		const struct policy_row *r = &rows[i];
		if (r->state != IXD_AVAILABLE)
			continue;
		struct policy_verdict v = sweep_verdict(r, now, months);
		if (v.reason == REASON_KEPT)
			add_kept(out, r, &kept_cap);
		int k = v.reason == REASON_CLOCK ? week_of(now, out->weeks, v.expires_at) : 0;
		if (k > 0)
			add_to_week(&out->week[k - 1], r, &caps[k - 1]);
	}
	policy_rows_free(rows, n);
	if (out->kept_count > 1)
		qsort(out->kept, (size_t)out->kept_count, sizeof *out->kept, by_objects);
	return 0;
}

void forecast_free(struct forecast *f)
{
	for (int k = 0; k < f->weeks; k++)
		free(f->week[k].ids);
	for (int i = 0; i < f->kept_count; i++)
		free(f->kept[i].kept_by);
	free(f->kept);
	memset(f, 0, sizeof *f);
}
