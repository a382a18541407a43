/*
 * storage/events — interaction events: adding them, and moving one
 * object's events between the hot table and its packed cold chunks.
 *
 * A move batch reads, writes and deletes inside the caller's transaction,
 * so a batch is all or nothing: a process killed between batches leaves
 * every event in exactly one tier, and the per-object counts match.
 */
#ifndef THAW_STORAGE_EVENTS_H
#define THAW_STORAGE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "storage/storage.h"

/* Inserts hot events, best in key order; inserted[i] = false when event i
 * was already there. */
int storage_events_insert_hot(struct storage *s, const struct event *ev, int n, bool *inserted);
/*
 * Adds events of one expired or restoring object to its cold chunks,
 * skipping those already stored (hot or cold).  `ev` is sorted in place,
 * and on return its first *added events are the ones stored.
 */
int storage_event_append_cold(struct storage *s, int64_t object_id, struct event *ev,
			      size_t n, int64_t *added);
/* That a user has events of an object (either tier), and of which kinds
 * (one bit per enum event_kind): user_objects by user, object_users by
 * object with the kinds (what tag filters read instead of events). */
struct user_object {
	int64_t user_id, object_id;
	uint32_t kinds;
	uint32_t marks_size; /* in a pair_list: its marks (storage/pairmarks.h) */
	int64_t marks_at;
};
/* Records the pairs of a compacted list (pair_list_compact): a pair seen
 * for the first time counts one more user of its object, and is stored
 * with its marks; a known one gains the marks and, in object_users, the
 * kinds it did not have. */
struct pair_list;
int storage_user_objects_add(struct storage *s, const struct pair_list *pairs);

/*
 * One batch of a sweep, inside the caller's transaction: at most about
 * max_rows events of the object go hot → cold, the counts follow.  *moved
 * is what moved; 0 means nothing was left.
 */
int storage_move_to_cold(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved);
/* One object of a restore batch, and what the batch did with it. */
struct hot_move {
	int64_t object_id;
	int64_t moved; /* its events back in the hot tier */
	bool damaged;  /* a cold chunk did not decode (storage_error says which): none of it moved */
	/* the object as a sound move left it: its counts, and the status and
	 * stop time its new expiry is worked out from once nothing is cold */
	int64_t hot_events, cold_events;
	int status;
	int64_t stopped_at;
};
/*
 * One batch of a restore, inside the caller's transaction: the objects'
 * cold events come back hot, object after object in the order given,
 * until about max_rows have moved in all; the counts follow.  Many small
 * objects share one batch, which the engine may send as one bulk insert.
 * Returns how many of the objects the batch reached (their `moved` and the
 * object's facts set), or -1.  A damaged object ends the batch: it is the
 * last one reached.
 */
int storage_move_to_hot(struct storage *s, struct hot_move *objects, int n, int64_t max_rows);

/* Integrity counters for tests and `thaw check`: counted, not the cached counts. */
int storage_count_events(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold);

#endif
