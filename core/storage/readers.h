/*
 * storage/readers — the queries behind segment filters, user profiles and
 * exports (SPEC §4).  Every one of them reads hot events of available
 * objects only: an expired, restoring or purged object's data is invisible.
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

/* The available objects a user has events for, by kind then name. */
struct object_brief {
	int64_t id;
	int kind;
	char *api_id, *name;
	int64_t user_id;    /* whose object it is, in the range query below */
	int64_t hot_events; /* the object's, for choosing how to read them */
};
int storage_user_available_objects(struct storage *s, int64_t user_id, struct object_brief **out, int *n);
/* The same for every user in [first_user, last_user]: by user, then as above. */
int storage_users_available_objects(struct storage *s, int64_t first_user, int64_t last_user,
				    struct object_brief **out, int *n);
void object_briefs_free(struct object_brief *b, int n);
/* The highest user id (0 without users). */
int storage_user_id_max(struct storage *s, int64_t *id);
/* One user's hot events of one object (a key-prefix lookup). */
int storage_user_object_events(struct storage *s, int64_t object_id, int64_t user_id,
			       struct event **ev, int *n);
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
