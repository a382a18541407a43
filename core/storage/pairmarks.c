#include "storage/pairmarks.h"

#include <stdlib.h>
#include <string.h>

#include "storage/userpack.h"
#include "storage/varint.h"

static int compare(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* Canonical order: the events' key order without the user, time and alias. */
static int mark_compare(const void *pa, const void *pb)
{
	const struct pair_mark *a = pa, *b = pb;
	int c = compare(a->kind, b->kind);
	if (!c)
		c = compare(a->step_id, b->step_id);
	if (!c)
		c = compare(a->variant_id, b->variant_id);
	return c ? c : compare(a->label, b->label);
}

/* Signed deltas as varints: small either way. */
static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

void pairmarks_encode(const struct pair_mark *m, int n, struct buf *out)
{
	varint_put(out, (uint64_t)n);
	struct pair_mark prev = {0};
	for (int i = 0; i < n; i++) {
		varint_put(out, (uint64_t)m[i].kind | (uint64_t)m[i].label << 5);
		varint_put(out, zigzag(m[i].step_id - prev.step_id));
		varint_put(out, zigzag(m[i].variant_id - prev.variant_id));
		varint_put(out, zigzag(m[i].first_ts - prev.first_ts));
		varint_put(out, (uint64_t)(m[i].last_ts - m[i].first_ts));
		prev = m[i];
	}
}

/* What a decoded value may be, far beyond any real id or time (the sink
 * takes times of 2000-2099): its sums and differences cannot overflow. */
#define MAX_VALUE ((int64_t)1 << 60)

static bool plausible(int64_t v) { return v >= 0 && v <= MAX_VALUE; }

int pairmarks_decode(const void *data, size_t size, struct pair_mark **m, int n, int *cap)
{
	struct varint_reader r = {data, (const unsigned char *)data + size, false};
	uint64_t count = varint_get(&r);
	if (r.bad || count > size / 5) /* five bytes at least a mark */
		return -1;
	*m = array_reserve(*m, n, cap, sizeof **m, (int)count);
	struct pair_mark prev = {0};
	for (uint64_t i = 0; i < count; i++) {
		uint64_t kind = varint_get(&r), step = varint_get(&r), variant = varint_get(&r);
		uint64_t first = varint_get(&r), span = varint_get(&r);
		const uint64_t delta_max = zigzag(-MAX_VALUE); /* the widest a difference may be */
		if (r.bad || (kind & 31) >= EV__COUNT || kind >> 5 > 4 || step > delta_max || variant > delta_max ||
		    first > delta_max || span > (uint64_t)MAX_VALUE)
			return -1;
		struct pair_mark k = {prev.step_id + unzigzag(step), prev.variant_id + unzigzag(variant),
				      prev.first_ts + unzigzag(first), 0, (int)(kind & 31), (int)(kind >> 5)};
		k.last_ts = k.first_ts + (int64_t)span;
		/* ids and times as the events hold them, or it is damage */
		if (!plausible(k.step_id) || !plausible(k.variant_id) || !plausible(k.first_ts) || !plausible(k.last_ts))
			return -1;
		(*m)[n++] = prev = k;
	}
	return r.p == r.end ? n : -1;
}

/* A pair has a few marks, and a few events replay them: sorting millions
 * of such short arrays one by one, insertion beats qsort's calls. */
static void sort_few(void *base, int n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 16) {
		qsort(base, (size_t)n, size, cmp);
		return;
	}
	char *a = base, held[64];
	_Static_assert(sizeof(struct event) <= sizeof held && sizeof(struct pair_mark) <= sizeof held,
		       "what sort_few sorts fits in held");
	for (int i = 1; i < n; i++) {
		int j = i;
		memcpy(held, a + (size_t)i * size, size);
		for (; j > 0 && cmp(a + (size_t)(j - 1) * size, held) > 0; j--)
			memcpy(a + (size_t)j * size, a + (size_t)(j - 1) * size, size);
		memcpy(a + (size_t)j * size, held, size);
	}
}

int pairmarks_fold(struct pair_mark *m, int n)
{
	sort_few(m, n, sizeof *m, mark_compare);
	int kept = 0;
	for (int i = 0; i < n; i++) {
		struct pair_mark *last = kept ? &m[kept - 1] : NULL;
		if (last && mark_compare(last, &m[i]) == 0) {
			if (m[i].first_ts < last->first_ts)
				last->first_ts = m[i].first_ts;
			if (m[i].last_ts > last->last_ts)
				last->last_ts = m[i].last_ts;
		} else {
			m[kept++] = m[i];
		}
	}
	return kept;
}

int pairmarks_events(const struct pair_mark *m, int n, int64_t object_id, int64_t user_id, struct event **ev,
		     int *cap)
{
	*ev = array_reserve(*ev, 0, cap, sizeof **ev, 2 * n);
	int count = 0;
	for (int i = 0; i < n; i++) {
		struct event e = {object_id, user_id, m[i].first_ts, m[i].kind, m[i].step_id, m[i].variant_id, 0,
				  m[i].label};
		(*ev)[count++] = e;
		if (m[i].last_ts != m[i].first_ts) {
			e.ts = m[i].last_ts;
			(*ev)[count++] = e;
		}
	}
	sort_few(*ev, count, sizeof **ev, event_compare);
	return count;
}

int pairmarks_merge(const void *have, size_t have_size, const void *add, size_t add_size, struct buf *out)
{
	struct pair_mark *m = NULL;
	int cap = 0;
	int n = pairmarks_decode(have, have_size, &m, 0, &cap);
	if (n >= 0)
		n = pairmarks_decode(add, add_size, &m, n, &cap);
	if (n < 0) {
		free(m);
		return -1;
	}
	n = pairmarks_fold(m, n);
	buf_reset(out);
	pairmarks_encode(m, n, out);
	free(m);
	return out->len != have_size || memcmp(out->data, have, have_size) != 0;
}

/* ---- gathering pairs ---- */

/* The marks of one pair's events (ev[0..n), one user and object). */
static void add_pair(struct pair_list *l, const struct event *ev, size_t n)
{
	int count = 0;
	uint32_t kinds = 0;
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev[i];
		kinds |= 1u << e->kind;
		l->scratch = array_grow(l->scratch, count, &l->scratch_cap, sizeof *l->scratch);
		l->scratch[count++] = (struct pair_mark){e->step_id, e->variant_id, e->ts, e->ts, e->kind, e->label};
	}
	count = pairmarks_fold(l->scratch, count);
	size_t at = l->marks.len;
	pairmarks_encode(l->scratch, count, &l->marks);
	l->pairs = array_grow(l->pairs, l->count, &l->cap, sizeof *l->pairs);
	l->pairs[l->count++] = (struct user_object){.user_id = ev[0].user_id, .object_id = ev[0].object_id,
						    .kinds = kinds, .marks_size = (uint32_t)(l->marks.len - at),
						    .marks_at = (int64_t)at};
}

void pair_list_add_events(struct pair_list *l, const struct event *ev, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && ev[j].user_id == ev[i].user_id && ev[j].object_id == ev[i].object_id; j++)
			;
		add_pair(l, ev + i, j - i);
	}
}

void pair_list_compact(struct pair_list *l)
{
	user_objects_sort(l->pairs, l->count, USERS_BY_USER);
	/* the merged list's marks go to a new buffer; repeats are rare (a
	 * pair split across an import's batches), so merging may be slow */
	struct buf marks = {0}, merged = {0}, next = {0};
	int kept = 0;
	for (int i = 0, j; i < l->count; i = j) {
		struct user_object p = l->pairs[i];
		const char *at = l->marks.data + p.marks_at;
		buf_reset(&merged);
		buf_add(&merged, at, p.marks_size);
		for (j = i + 1; j < l->count && l->pairs[j].user_id == p.user_id && l->pairs[j].object_id == p.object_id;
		     j++) {
			/* both encoded here: they decode */
			pairmarks_merge(merged.data, merged.len, l->marks.data + l->pairs[j].marks_at,
					l->pairs[j].marks_size, &next);
			struct buf swap = merged;
			merged = next;
			next = swap;
			p.kinds |= l->pairs[j].kinds;
		}
		p.marks_at = (int64_t)marks.len;
		p.marks_size = (uint32_t)merged.len;
		buf_add(&marks, merged.data, merged.len);
		l->pairs[kept++] = p;
	}
	buf_free(&merged);
	buf_free(&next);
	buf_free(&l->marks);
	l->marks = marks;
	l->count = kept;
}

void pair_list_clear(struct pair_list *l)
{
	l->count = 0;
	buf_reset(&l->marks);
}

void pair_list_free(struct pair_list *l)
{
	free(l->pairs);
	free(l->scratch);
	buf_free(&l->marks);
	memset(l, 0, sizeof *l);
}
