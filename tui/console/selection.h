/*
 * selection — the set of selected objects, by id.
 *
 * It survives filter changes and refreshes: ids, not rows.  Open addressing
 * with linear probing; removal uses tombstones.
 */
#ifndef THAW_SELECTION_H
#define THAW_SELECTION_H

#include <stdbool.h>
#include <stdint.h>

struct selection {
	int64_t *slots; /* 0 = empty, -1 = removed */
	int capacity, count, used;
};

bool selection_has(const struct selection *s, int64_t id);
void selection_add(struct selection *s, int64_t id);
void selection_toggle(struct selection *s, int64_t id);
void selection_clear(struct selection *s);
/* The ids, malloc'd (n = count). */
int64_t *selection_ids(const struct selection *s, int *n);
void selection_free(struct selection *s);

#endif
