/*
 * storage/readers — the queries behind segment filters, user profiles and
 * exports (SPEC §4).  Every one of them reads available objects only (their
 * hot events, or what is kept beside them: packed users, pairs' marks): an
 * expired, restoring or purged object's data is invisible.
 */
#ifndef THAW_STORAGE_READERS_H
#define THAW_STORAGE_READERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "storage/storage.h"

struct event_match {
	int64_t object_id;
	uint32_t kinds; /* one bit per enum event_kind */
	int64_t step_id, variant_id, alias_id; /* 0 = any */
};

struct user_time {
	int64_t user_id;
	int64_t ts;
};

/*
 * Users with a matching event in [after, before); with `latest`, users whose
 * latest matching event falls in the window, with its time.  Ascending by
 * user.  Nothing when the object's data is not available.
 */
int storage_event_users(struct storage *s, const struct event_match *m, int64_t after, int64_t before,
			bool latest, struct user_time **out, int *n);
/* Users who clicked a link alias of this name in any campaign or Canvas
 * step: a user fact kept at import, so it ignores expiry.  Ascending. */
int storage_users_with_alias(struct storage *s, const char *alias, int64_t **ids, int *n);
/* The available objects carrying a tag (tag filters count only those). */
int storage_available_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n);
/* Users with an event of one of `kinds` of any available object carrying
 * the tag, at any time, from the users' objects (not the events): fn is
 * called for each, once per object it has (users repeat, unsorted). */
int storage_tag_users(struct storage *s, const char *tag, uint32_t kinds, void (*fn)(void *ctx, int64_t user_id),
		      void *ctx);

/*
 * What users received, for profiles and exports: for each user in
 * [first_user, last_user] with any, each available object they have
 * events of, by user, then kind and name, with the pair's marks decoded
 * (storage/pairmarks.h) — one range of a table keyed by user.  Damaged
 * marks stop it with STORAGE_DAMAGED.  fn returns
 * non-zero to stop (negative: an error); the row lives until it returns,
 * and fn may use the storage meanwhile.
 */
struct pair_mark;
struct received_row {
	int64_t user_id, object_id;
	int kind;
	const char *api_id, *name;
	const struct pair_mark *marks;
	int mark_count;
};
int storage_users_received_each(struct storage *s, int64_t first_user, int64_t last_user,
				int (*fn)(void *ctx, const struct received_row *row), void *ctx);
/* The highest user id (0 without users). */
int storage_user_id_max(struct storage *s, int64_t *id);
/* The hot events of an object's users in [first_user, last_user] (INT64_MIN,
 * INT64_MAX for all) in key order, users ascending, streamed: one range of
 * the table.  fn returns non-zero to stop (negative: an error); it may use
 * the storage, but not to stream events itself. */
int storage_object_events_each(struct storage *s, int64_t object_id, int64_t first_user, int64_t last_user,
			       int (*fn)(void *ctx, const struct event *e), void *ctx);
/* Names of a step or variant: api id and name into the buffers. */
int storage_part_names(struct storage *s, bool step, int64_t id, char *api_id, size_t api_size,
		       char *name, size_t name_size);

/* A stored segment's filters (by api id or exact name). 1 found. */
struct stored_filter {
	int kind;
	int64_t object_id, step_id, variant_id, alias_id;
	char *tag;
};
int storage_segment_filters(struct storage *s, const char *key, struct stored_filter **f, int *n);
void stored_filters_free(struct stored_filter *f, int n);

#endif
