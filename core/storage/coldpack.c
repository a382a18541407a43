#include "storage/coldpack.h"

#include "storage/varint.h"

enum { HAS_STEP = 1, HAS_VARIANT = 2, HAS_ALIAS = 4, HAS_LABEL = 8 };

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

void coldpack_encode(const struct event *ev, size_t n, struct buf *out)
{
	int64_t base = n ? ev[0].ts : 0;
	for (size_t i = 1; i < n; i++)
		if (ev[i].ts < base)
			base = ev[i].ts;
	varint_put(out, n);
	varint_put(out, zigzag(base));
	struct event prev = {0};
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev[i];
		uint64_t du = (uint64_t)(e->user_id - prev.user_id);
		varint_put(out, du);
		varint_put(out, du == 0 && i > 0 ? (uint64_t)(e->ts - prev.ts) : (uint64_t)(e->ts - base));
		unsigned flags = (e->step_id ? HAS_STEP : 0) | (e->variant_id ? HAS_VARIANT : 0) |
				 (e->alias_id ? HAS_ALIAS : 0) | (e->label ? HAS_LABEL : 0);
		varint_put(out, (uint64_t)e->kind | flags << 5);
		if (flags & HAS_STEP)
			varint_put(out, zigzag(e->step_id - prev.step_id));
		if (flags & HAS_VARIANT)
			varint_put(out, zigzag(e->variant_id - prev.variant_id));
		if (flags & HAS_ALIAS)
			varint_put(out, zigzag(e->alias_id - prev.alias_id));
		if (flags & HAS_LABEL)
			varint_put(out, (uint64_t)e->label);
		/* absent ids keep the previous value as the base for the next delta */
		int64_t step = e->step_id ? e->step_id : prev.step_id;
		int64_t variant = e->variant_id ? e->variant_id : prev.variant_id;
		int64_t alias = e->alias_id ? e->alias_id : prev.alias_id;
		prev = *e;
		prev.step_id = step, prev.variant_id = variant, prev.alias_id = alias;
	}
}

/* a + b as the encoder's deltas were taken: wrapping, never signed
 * overflow, whatever a damaged chunk holds (the checks below refuse it) */
static int64_t wrap_add(int64_t a, uint64_t b)
{
	return (int64_t)((uint64_t)a + b);
}

int coldpack_decode(const void *data, size_t size, int64_t object_id, struct event *out)
{
	struct varint_reader r = {data, (const unsigned char *)data + size, false};
	uint64_t n = varint_get(&r);
	int64_t base = unzigzag(varint_get(&r));
	if (r.bad || n > COLDPACK_CHUNK)
		return -1;
	struct event prev = {0};
	for (uint64_t i = 0; i < n; i++) {
		struct event *e = &out[i];
		uint64_t du = varint_get(&r);
		uint64_t t = varint_get(&r);
		uint64_t kf = varint_get(&r);
		e->object_id = object_id;
		e->user_id = wrap_add(prev.user_id, du);
		e->ts = wrap_add(du == 0 && i > 0 ? prev.ts : base, t);
		e->kind = (int)(kf & 31);
		unsigned flags = (unsigned)(kf >> 5);
		e->step_id = flags & HAS_STEP ? wrap_add(prev.step_id, (uint64_t)unzigzag(varint_get(&r))) : 0;
		e->variant_id = flags & HAS_VARIANT ? wrap_add(prev.variant_id, (uint64_t)unzigzag(varint_get(&r))) : 0;
		e->alias_id = flags & HAS_ALIAS ? wrap_add(prev.alias_id, (uint64_t)unzigzag(varint_get(&r))) : 0;
		uint64_t label = flags & HAS_LABEL ? varint_get(&r) : 0;
		e->label = (int)(label & 7);
		/* ids are row ids, times are after 1970, labels A to D */
		if (r.bad || flags > 15 || label > 4 || e->user_id <= 0 || e->ts < 0 || e->step_id < 0 ||
		    e->variant_id < 0 || e->alias_id < 0)
			return -1;
		int64_t step = e->step_id ? e->step_id : prev.step_id;
		int64_t variant = e->variant_id ? e->variant_id : prev.variant_id;
		int64_t alias = e->alias_id ? e->alias_id : prev.alias_id;
		prev = *e;
		prev.step_id = step, prev.variant_id = variant, prev.alias_id = alias;
	}
	return r.p == r.end ? (int)n : -1;
}
