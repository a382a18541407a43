/*
 * storage/setup — what an object is made of (steps, variants, link
 * aliases), segments, and the retargeting filters that name them.
 */
#ifndef THAW_STORAGE_SETUP_H
#define THAW_STORAGE_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/storage.h"

int storage_step_upsert(struct storage *s, int64_t object_id, const char *api_id,
			const char *name, int position, int64_t *id);
int storage_variant_upsert(struct storage *s, int64_t object_id, const char *api_id,
			   const char *name, bool is_control, int64_t *id);
int storage_alias_upsert(struct storage *s, int64_t object_id, const char *name, int64_t *id);
/* Row id of a step / variant by api id (0 if none) and the object it belongs to. */
int storage_step_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id);
int storage_variant_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id);
int storage_alias_id(struct storage *s, int64_t object_id, const char *name, int64_t *id);

int storage_segment_upsert(struct storage *s, const char *api_id, const char *name,
			   bool in_use, int64_t *id);
int storage_segment_id(struct storage *s, const char *api_id, int64_t *id);

struct filter_input {
	int kind;
	int64_t owner_object_id, owner_segment_id; /* exactly one */
	int64_t target_object_id, target_step_id, target_variant_id, target_alias_id;
	int64_t target_tag_id;
};
/* Replaces every filter of one owner with the given list. */
int storage_filters_replace(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			    const struct filter_input *f, int n);
/* Whether the owner already has this exact filter. */
int storage_filter_exists(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			  const struct filter_input *f, bool *exists);

/* Detail lists for `thaw show` and the detail view. */
struct named_item {
	char *api_id;
	char *name;
	int flag; /* variants: is_control; refs: owner is active */
	char *extra; /* refs: filter kind name */
};
struct object_detail {
	struct named_item *steps, *variants, *aliases, *refs;
	int step_count, variant_count, alias_count, ref_count;
	/* the filters this object uses: target api id (or tag), target name,
	 * flag = the target's IxD state (-1 for a tag), extra = filter kind */
	struct named_item *filters;
	int filter_count;
};
int storage_object_detail(struct storage *s, int64_t id, struct object_detail *out);
void object_detail_free(struct object_detail *d);

#endif
