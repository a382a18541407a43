#include "storage/userpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "storage/varint.h"

static inline bool after_by_object(const struct user_object *x, const struct user_object *y)
{
	return x->object_id != y->object_id ? x->object_id > y->object_id : x->user_id > y->user_id;
}

static inline bool after_by_user(const struct user_object *x, const struct user_object *y)
{
	return x->user_id != y->user_id ? x->user_id > y->user_id : x->object_id > y->object_id;
}

SORT_DEFINE(sort_by_object, struct user_object, after_by_object)
SORT_DEFINE(sort_by_user, struct user_object, after_by_user)

void user_objects_sort(struct user_object *u, int n, enum user_order order)
{
	if (order == USERS_BY_OBJECT)
		sort_by_object(u, (size_t)n);
	else
		sort_by_user(u, (size_t)n);
}

int user_objects_compact(struct user_object *u, int n, enum user_order order)
{
	user_objects_sort(u, n, order);
	int kept = 0;
	for (int i = 0; i < n; i++) {
		if (kept > 0 && u[i].user_id == u[kept - 1].user_id && u[i].object_id == u[kept - 1].object_id)
			u[kept - 1].kinds |= u[i].kinds;
		else
			u[kept++] = u[i];
	}
	return kept;
}

void userpack_encode(const struct user_object *u, size_t n, struct buf *out)
{
	varint_put(out, n);
	int64_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		varint_put(out, (uint64_t)(u[i].user_id - prev));
		varint_put(out, u[i].kinds);
		prev = u[i].user_id;
	}
}

int userpack_decode(const void *data, size_t size, int64_t object_id, struct user_object **out, int *cap)
{
	struct varint_reader r = {data, (const unsigned char *)data + size, false};
	uint64_t n = varint_get(&r);
	if (r.bad || n > size / 2) /* two bytes at least a user */
		return -1;
	*out = array_reserve(*out, 0, cap, sizeof **out, (int)n);
	int64_t user = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t delta = varint_get(&r), kinds = varint_get(&r);
		/* ascending, positive ids and known kinds, or it is damage */
		if (r.bad || delta == 0 || delta > (uint64_t)INT64_MAX - (uint64_t)user || kinds >> EV__COUNT)
			return -1;
		user += (int64_t)delta;
		(*out)[i] = (struct user_object){.user_id = user, .object_id = object_id, .kinds = (uint32_t)kinds};
	}
	return r.p == r.end ? (int)n : -1;
}

int userpack_merge(const struct user_object *have, int nh, const struct user_object *add, int na,
		   struct user_object **out, int *cap, bool *changed)
{
	*out = array_reserve(*out, 0, cap, sizeof **out, nh + na);
	int n = 0, i = 0, j = 0;
	*changed = false;
	while (i < nh || j < na) {
		if (j == na || (i < nh && have[i].user_id < add[j].user_id)) {
			(*out)[n++] = have[i++];
		} else if (i == nh || add[j].user_id < have[i].user_id) {
			(*out)[n++] = add[j++];
			*changed = true;
		} else {
			(*out)[n] = have[i++];
			*changed |= (add[j].kinds & ~(*out)[n].kinds) != 0;
			(*out)[n++].kinds |= add[j++].kinds;
		}
	}
	return n;
}

/* Merges one object's pairs (sorted by user, distinct) into its stored
 * value, rewriting it only when it gains a user or a kind. */
static int add_to_object(const struct user_object *add, int n, const struct userpack_store *store,
			 struct userpack_scratch *w, char *err, size_t errsize)
{
	int64_t object_id = add[0].object_id;
	bool found;
	buf_reset(&w->value);
	if (store->read(store->ctx, object_id, &w->value, &found) < 0)
		return -1;
	int nh = found ? userpack_decode(w->value.data, w->value.len, object_id, &w->have, &w->have_cap) : 0;
	if (nh < 0) {
		snprintf(err, errsize, "object %lld: its packed users are damaged (thaw check)", (long long)object_id);
		return STORAGE_DAMAGED;
	}
	bool changed;
	int nm = userpack_merge(w->have, nh, add, n, &w->merged, &w->merged_cap, &changed);
	if (!changed)
		return 0;
	buf_reset(&w->value);
	userpack_encode(w->merged, (size_t)nm, &w->value);
	return store->write(store->ctx, object_id, nm, &w->value);
}

int userpack_add_pairs(const struct user_object *pairs, int n, const struct userpack_store *store, char *err,
		       size_t errsize)
{
	struct user_object *by_object = malloc(((size_t)n + 1) * sizeof *by_object);
	if (!by_object)
		abort();
	memcpy(by_object, pairs, (size_t)n * sizeof *pairs);
	int kept = user_objects_compact(by_object, n, USERS_BY_OBJECT);
	struct userpack_scratch w = {0};
	int rc = 0;
	for (int i = 0, j; i < kept && rc == 0; i = j) {
		for (j = i; j < kept && by_object[j].object_id == by_object[i].object_id; j++)
			;
		rc = add_to_object(by_object + i, j - i, store, &w, err, errsize);
	}
	free(by_object);
	free(w.have);
	free(w.merged);
	buf_free(&w.value);
	return rc;
}
