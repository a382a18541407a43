/*
 * demo — a realistic, deterministic demo workspace.
 *
 * Same seed, size and clock give the same workspace.  Dates are relative to
 * the clock so the demo always shows every state: active objects, stopped
 * ones expiring within days, expired (their events packed in cold), kept by
 * a protecting reference, restored earlier, purged under the previous
 * policy, drafts with no data.  Names in several languages, tags, variants
 * with control groups, Canvas steps, link aliases, segments, filters (some
 * protecting, some by tag, a few stale ones naming expired objects), users
 * and events of every kind.
 */
#ifndef THAW_DEMO_H
#define THAW_DEMO_H

#include <stdint.h>

#include "storage/storage.h"

enum demo_size { DEMO_SMALL, DEMO_MEDIUM, DEMO_LARGE };

struct demo_options {
	int size;
	uint64_t seed;
	int64_t now;
	int months;
	/* called now and then with events written so far; may be NULL */
	void (*progress)(void *ctx, int64_t done, int64_t planned);
	void *progress_ctx;
};

struct demo_report {
	int64_t objects, users, segments, filters, events_hot, events_cold;
};

int demo_size_parse(const char *name);

/* Fills an empty workspace. */
int demo_generate(struct storage *s, const struct demo_options *o, struct demo_report *r);

#endif
