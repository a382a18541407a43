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
 * One batch of a move, inside the caller's transaction: at most about
 * max_rows events of the object go hot → cold (or back), the counts follow.
 * *moved is what moved; 0 means nothing was left.
 */
int storage_move_to_cold(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved);
/* STORAGE_DAMAGED when a cold chunk of the object does not decode. */
int storage_move_to_hot(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved);

/* Integrity counters for tests and `thaw check`: counted, not the cached counts. */
int storage_count_events(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold);

#endif
