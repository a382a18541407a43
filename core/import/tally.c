#include "import/tally.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"

/* The row of a key, found through the recent rows or the map; -1 if new. */
static int64_t find_row(struct tally *t, const int64_t key[5], unsigned slot)
{
	if (t->recent[slot].row_plus_one && memcmp(t->recent[slot].key, key, sizeof t->recent[slot].key) == 0)
		return t->recent[slot].row_plus_one - 1;
	int64_t at;
	return strmap_get(&t->index, (const char *)key, 5 * sizeof *key, &at) ? at : -1;
}

void tally_add(struct tally *t, const struct event *e)
{
	const int64_t key[5] = {e->object_id, e->step_id, e->variant_id, e->kind, e->label};
	unsigned slot = (unsigned)(e->object_id * 31 + e->step_id * 7 + e->variant_id * 5 + e->kind * 3 + e->label) %
			TALLY_RECENT;
	int64_t at = find_row(t, key, slot);
	if (at < 0) {
		t->rows = array_grow(t->rows, t->count, &t->cap, sizeof *t->rows);
		at = t->count++;
		t->rows[at] = (struct event_stat){.object_id = e->object_id, .step_id = e->step_id,
						  .variant_id = e->variant_id, .kind = e->kind,
						  .label = e->label, .first_ts = e->ts, .last_ts = e->ts};
		strmap_put(&t->index, (const char *)key, sizeof key, at);
	}
	memcpy(t->recent[slot].key, key, sizeof key);
	t->recent[slot].row_plus_one = at + 1;
	struct event_stat *r = &t->rows[at];
	r->events++;
	if (e->ts < r->first_ts)
		r->first_ts = e->ts;
	if (e->ts > r->last_ts)
		r->last_ts = e->ts;
	if (e->alias_id) {
		t->alias_clicks = array_grow(t->alias_clicks, t->click_count, &t->click_cap, sizeof *t->alias_clicks);
		t->alias_clicks[t->click_count][0] = e->alias_id;
		t->alias_clicks[t->click_count++][1] = e->user_id;
	}
}

static int by_click(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1];
}

int tally_write(struct tally *t, struct storage *s)
{
	/* a user clicks the same link many times: write each pair once */
	if (t->click_count > 1)
		qsort(t->alias_clicks, (size_t)t->click_count, sizeof *t->alias_clicks, by_click);
	int kept = 0;
	for (int i = 0; i < t->click_count; i++)
		if (kept == 0 || by_click(t->alias_clicks[i], t->alias_clicks[kept - 1]) != 0)
			memcpy(t->alias_clicks[kept++], t->alias_clicks[i], sizeof t->alias_clicks[0]);
	t->click_count = kept;
	int rc = storage_stats_add(s, t->rows, t->count) < 0 ||
		 storage_user_aliases_add(s, (const int64_t (*)[2])t->alias_clicks, t->click_count) < 0 ? -1 : 0;
	tally_free(t);
	return rc;
}

void tally_free(struct tally *t)
{
	strmap_free(&t->index);
	free(t->rows);
	free(t->alias_clicks);
	memset(t, 0, sizeof *t);
}
