/*
 * tally — the analytics an import keeps besides the events (storage/
 * analytics.h): per-object aggregates of the events stored for the first
 * time, and who clicked which link alias.  Gathered in memory while events
 * are written, then written at once; the import sink and the demo
 * generator both keep theirs with it.
 */
#ifndef THAW_IMPORT_TALLY_H
#define THAW_IMPORT_TALLY_H

#include "base/model.h"
#include "base/strmap.h"
#include "storage/analytics.h"

#define TALLY_RECENT 64

struct tally {
	struct strmap index; /* (object, step, variant, kind, label) -> row */
	/* the rows used last, by a cheap hash of the key: an object has few
	 * distinct keys, so most events skip the map (an import counts every
	 * event it stores) */
	struct {
		int64_t key[5];
		int64_t row_plus_one; /* 0 = empty, so a zeroed tally is ready */
	} recent[TALLY_RECENT];
	struct event_stat *rows;
	int count, cap;
	int64_t (*alias_clicks)[2]; /* (alias id, user id) */
	int click_count, click_cap;
};

/* Counts one event that was stored for the first time. */
void tally_add(struct tally *t, const struct event *e);
/* Writes and forgets what was counted; inside the caller's transaction. */
int tally_write(struct tally *t, struct storage *s);
void tally_free(struct tally *t);

#endif
