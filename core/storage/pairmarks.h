/*
 * pairmarks — what one user's events of one object were, condensed and
 * kept with the pair in user_objects (keyed by user first), so a profile
 * or a users export reads a user's whole history as one range of one
 * table instead of seeking into every object's events (SPEC §4.2, §4.3).
 *
 * A mark is one distinct (kind, step, variant, label) of the pair's events
 * with the first and the last time it happened.  Replaying each mark's
 * first and last time as events, in key order, summarises to exactly what
 * the events themselves summarise to: a summary keeps latest times, flags,
 * the variation of the latest message (the last in key order at the
 * latest second) and steps in the order first reached, all of which the
 * two ends of the marks carry.
 *
 * Marks cover both tiers: a sweep or a restore moves events and never
 * changes them, so moves leave the marks alone, and readers show only
 * available objects' marks.  Merging is a union (first = min, last = max):
 * adding the same events twice changes nothing, so an import may merge
 * what it read without knowing which events were new.
 *
 * Layout (every engine stores the same bytes): varint count, then per mark
 * in (kind, step, variant, label) order: varint kind | label << 5; step,
 * variant and first time as zigzag varints of the difference from the
 * previous mark's (0 before the first); varint last - first.  Marks of a
 * pair share their step and variant more often than not, so most of a
 * mark after the first is one byte a field.
 */
#ifndef THAW_STORAGE_PAIRMARKS_H
#define THAW_STORAGE_PAIRMARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "base/text.h"
#include "storage/events.h"

struct pair_mark {
	int64_t step_id, variant_id, first_ts, last_ts;
	int kind, label;
};

/* Encodes marks in canonical order (pairmarks_fold makes them so). */
void pairmarks_encode(const struct pair_mark *m, int n, struct buf *out);
/* Appends the decoded marks to *m (n so far, *cap its capacity); returns
 * the new count, or -1 if the value is damaged. */
int pairmarks_decode(const void *data, size_t size, struct pair_mark **m, int n, int *cap);
/* Sorts marks into canonical order and merges repeats; returns the count. */
int pairmarks_fold(struct pair_mark *m, int n);
/* The events the marks stand for, in key order, as the pair's own events
 * would be read (alias 0): each mark's first and, if later, its last. */
int pairmarks_events(const struct pair_mark *m, int n, int64_t object_id, int64_t user_id, struct event **ev,
		     int *cap);
/* Merges encoded marks `add` into encoded `have`, into *out; returns 1 if
 * the result differs from `have`, 0 if not, -1 if either is damaged. */
int pairmarks_merge(const void *have, size_t have_size, const void *add, size_t add_size, struct buf *out);

/*
 * (user, object) pairs with their kinds and marks, as an import or the
 * demo gathers them from its events: the pairs' marks lie end to end in
 * `marks` (user_object.marks_at, marks_size).
 */
struct pair_list {
	struct user_object *pairs;
	int count, cap;
	struct buf marks;
	struct pair_mark *scratch;
	int scratch_cap;
};
/* Adds the pairs of events sorted by event_compare (object, user, ...). */
void pair_list_add_events(struct pair_list *l, const struct event *ev, size_t n);
/* Sorts by user then object and merges repeats (their marks merged), so
 * the list is what storage_user_objects_add wants; memory then follows
 * distinct pairs. */
void pair_list_compact(struct pair_list *l);
void pair_list_clear(struct pair_list *l);
void pair_list_free(struct pair_list *l);

#endif
