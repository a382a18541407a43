/*
 * storage/lifecycle — the one home of an object's IxD state changes, and
 * the facts the retention policy reads to decide them.
 *
 * The states and what moves an object between them:
 *
 *   none      → available   its first event (storage_object_add_counts)
 *   available → expired     a sweep found it due (storage_object_expire)
 *   expired   → restoring   a restore job took it (storage_object_hold_for_restore)
 *   restoring → available   its job moved every row back (storage_restore_complete)
 *   restoring → expired     its job was cancelled (storage_job_release_objects),
 *                           or could not read its cold data (storage_object_restore_failed)
 *   any       → purged      an import says it was deleted under the previous
 *                           policy (storage_object_upsert); purged is final
 *
 * Nothing else writes the state.
 */
#ifndef THAW_STORAGE_LIFECYCLE_H
#define THAW_STORAGE_LIFECYCLE_H

#include <stdint.h>

#include "storage/storage.h"

/* What the policy needs to know about one object. */
struct policy_row {
	int64_t id;
	int status, state;
	int64_t stopped_at, last_restored_at, expires_at;
	int64_t hot_events, cold_events;
	char *kept_by; /* current protecting owner, or NULL */
	char *stored_kept_by;
};
/* Every object with its facts, protection computed from the filters. */
int storage_policy_rows(struct storage *s, struct policy_row **rows, int *n);
void policy_rows_free(struct policy_row *rows, int n);
int storage_object_set_expiry(struct storage *s, int64_t id, int64_t expires_at, const char *kept_by);

/* Adds to the per-object counts; an object's first event makes it available. */
int storage_object_add_counts(struct storage *s, int64_t object_id, int64_t hot, int64_t cold);
/* Marks an available object expired at `when`. */
int storage_object_expire(struct storage *s, int64_t id, int64_t when);
/* Job `job_id` now holds the expired object: readers skip it, its new
 * events go to cold. */
int storage_object_hold_for_restore(struct storage *s, int64_t object_id, int64_t job_id);
/* Objects whose restore brought every event back: available again, their
 * clock restarted at `now` with a new expiry date (0 = none), and their
 * items in job `job_id` restored. */
struct restored_object {
	int64_t object_id, expires_at;
};
int storage_restore_complete(struct storage *s, int64_t job_id, const struct restored_object *objects, int n,
			     int64_t now);
/* The object's restore could not go on (its cold data is damaged): it is
 * expired again; rows already back are settled to cold by the sweep. */
int storage_object_restore_failed(struct storage *s, int64_t object_id);
/* Objects of a cancelled job's pending items are expired again. */
int storage_job_release_objects(struct storage *s, int64_t job_id);

/* Objects active (or idle) again whose data is expired: relaunched, they
 * must be restored at once (SPEC §2.1).  In id order. */
int storage_objects_relaunched(struct storage *s, int64_t **ids, int *n);
/* Expired objects that still have hot rows (a sweep that was interrupted,
 * or a cancelled restore). */
int storage_objects_unsettled(struct storage *s, int64_t **ids, int *n);

#endif
