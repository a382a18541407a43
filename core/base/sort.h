/*
 * base/sort — a merge sort written out for one element type, so that its
 * comparison inlines.  qsort pays an indirect call per comparison and
 * moves elements through a generic size; imports sort every batch of
 * events and every (user, object) pair, and that showed.
 *
 *   SORT_DEFINE(sort_events, struct event, event_after)
 *
 * defines `static void sort_events(struct event *a, size_t n)`, ordering
 * by `static inline bool event_after(const struct event *x, const struct
 * event *y)`: true when x belongs after y.  Stable; needs n elements of
 * scratch memory (aborts without it, as the rest of thaw does).
 */
#ifndef THAW_BASE_SORT_H
#define THAW_BASE_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Runs this short are sorted by insertion, then merged pairwise. */
#define SORT_RUN 16

#define SORT_DEFINE(name, T, after)                                                              \
	static void name##_insertion(T *a, size_t n)                                             \
	{                                                                                        \
		for (size_t i = 1; i < n; i++) {                                                 \
			T held = a[i];                                                           \
			size_t j = i;                                                            \
			for (; j > 0 && after(&a[j - 1], &held); j--)                            \
				a[j] = a[j - 1];                                                 \
			a[j] = held;                                                             \
		}                                                                                \
	}                                                                                        \
	/* merges the sorted runs from[0, mid) and from[mid, n) into to */                     \
	static void name##_merge(const T *from, size_t mid, size_t n, T *to)                     \
	{                                                                                        \
		size_t i = 0, j = mid, k = 0;                                                    \
		while (i < mid && j < n)                                                         \
			to[k++] = after(&from[i], &from[j]) ? from[j++] : from[i++];             \
		memcpy(to + k, from + i, (mid - i) * sizeof *to);                                \
		memcpy(to + k + (mid - i), from + j, (n - j) * sizeof *to);                      \
	}                                                                                        \
	static void name(T *a, size_t n)                                                         \
	{                                                                                        \
		for (size_t at = 0; at < n; at += SORT_RUN)                                      \
			name##_insertion(a + at, n - at < SORT_RUN ? n - at : SORT_RUN);         \
		if (n <= SORT_RUN)                                                               \
			return;                                                                  \
		T *spare = malloc(n * sizeof *spare);                                            \
		if (!spare)                                                                      \
			abort();                                                                 \
		/* bottom-up: runs of `width` become runs of twice that, back and              \
		 * forth between the two arrays */                                               \
		T *from = a, *to = spare;                                                        \
		for (size_t width = SORT_RUN; width < n; width *= 2) {                           \
			for (size_t at = 0; at < n; at += 2 * width)                             \
				name##_merge(from + at, at + width < n ? width : n - at,         \
					     at + 2 * width < n ? 2 * width : n - at, to + at);  \
			T *swap = from;                                                          \
			from = to;                                                               \
			to = swap;                                                               \
		}                                                                                \
		if (from != a)                                                                   \
			memcpy(a, from, n * sizeof *a);                                          \
		free(spare);                                                                     \
	}

#endif
