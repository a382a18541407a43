/*
 * userpack — the compact encoding of one object's users: who has events of
 * it (either tier) and of which kinds, one bit per enum event_kind.
 *
 * A tag filter asks this of thousands of objects at once, so each object's
 * users are one value, read whole and decoded in C at a few nanoseconds a
 * user, instead of a row each.  Every engine stores it as the same bytes.
 *
 * Layout: varint count, then per user, ascending: varint Δuser (from 0),
 * varint kinds.
 */
#ifndef THAW_STORAGE_USERPACK_H
#define THAW_STORAGE_USERPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "base/text.h"
#include "storage/events.h"

/* Encodes n users of one object, ascending by user, distinct. */
void userpack_encode(const struct user_object *u, size_t n, struct buf *out);

/* Decodes a value into *out (grown with array_grow; *cap its capacity),
 * setting object_id on each.  Returns the number of users, or -1 if the
 * value is damaged. */
int userpack_decode(const void *data, size_t size, int64_t object_id, struct user_object **out, int *cap);

/* Sorts pairs by object then user (USERS_BY_OBJECT) or by user then
 * object (USERS_BY_USER) and merges repeats, their kinds OR-ed; returns
 * how many remain.  The order user_objects and object_users are written
 * in, and the one userpack_encode and userpack_merge want. */
enum user_order { USERS_BY_OBJECT, USERS_BY_USER };
void user_objects_sort(struct user_object *u, int n, enum user_order order);
int user_objects_compact(struct user_object *u, int n, enum user_order order);

/* Merges sorted, distinct `add` into sorted, distinct `have` (kinds OR-ed)
 * into *out; returns the count and sets *changed when `have` gained a
 * user or a kind. */
int userpack_merge(const struct user_object *have, int nh, const struct user_object *add, int na,
		   struct user_object **out, int *cap, bool *changed);

/*
 * Where an engine keeps each object's packed users: read gives the stored
 * value into *value (found false when the object has none), write stores
 * a new one; both return 0 or -1 (the engine's error set).
 */
struct userpack_store {
	int (*read)(void *ctx, int64_t object_id, struct buf *value, bool *found);
	int (*write)(void *ctx, int64_t object_id, int users, const struct buf *value);
	void *ctx;
};
/* What userpack_add_pairs reuses from one object to the next. */
struct userpack_scratch {
	struct user_object *have, *merged;
	int have_cap, merged_cap;
	struct buf value;
};
/* Merges (user, object, kinds) pairs, in any order, into their objects'
 * packed users in `store`, object by object, rewriting a value only when
 * it gains a user or a kind.  0; -1 on the store's error; STORAGE_DAMAGED
 * (the reason in err) when a stored value does not decode. */
int userpack_add_pairs(const struct user_object *pairs, int n, const struct userpack_store *store, char *err,
		       size_t errsize);

#endif
