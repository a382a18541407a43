#include "console/selection.h"

#include <stdlib.h>
#include <string.h>

static int slot_of(const struct selection *s, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	int i = (int)(h >> 33) & (s->capacity - 1);
	int first_free = -1;
	for (;;) {
		int64_t v = s->slots[i];
		if (v == id)
			return i;
		if (v == -1 && first_free < 0)
			first_free = i;
		if (v == 0)
			return first_free >= 0 ? first_free : i;
		i = (i + 1) & (s->capacity - 1);
	}
}

static void rehash(struct selection *s, int capacity)
{
	int64_t *old = s->slots;
	int old_cap = s->capacity;
	s->slots = calloc(capacity, sizeof *s->slots);
	if (!s->slots)
		abort();
	s->capacity = capacity;
	s->count = s->used = 0;
	for (int i = 0; i < old_cap; i++)
		if (old[i] > 0)
			selection_add(s, old[i]);
	free(old);
}

bool selection_has(const struct selection *s, int64_t id)
{
	return s->count > 0 && s->slots[slot_of(s, id)] == id;
}

void selection_add(struct selection *s, int64_t id)
{
	if ((s->used + 1) * 2 > s->capacity)
		rehash(s, s->capacity ? s->capacity * 2 : 256);
	int i = slot_of(s, id);
	if (s->slots[i] == id)
		return;
	if (s->slots[i] == 0)
		s->used++;
	s->slots[i] = id;
	s->count++;
}

static void selection_remove(struct selection *s, int64_t id)
{
	if (!selection_has(s, id))
		return;
	s->slots[slot_of(s, id)] = -1;
	s->count--;
}

void selection_toggle(struct selection *s, int64_t id)
{
	if (selection_has(s, id))
		selection_remove(s, id);
	else
		selection_add(s, id);
}

void selection_clear(struct selection *s)
{
	if (s->slots)
		memset(s->slots, 0, s->capacity * sizeof *s->slots);
	s->count = s->used = 0;
}

int64_t *selection_ids(const struct selection *s, int *n)
{
	int64_t *ids = malloc((s->count + 1) * sizeof *ids);
	if (!ids)
		abort();
	*n = 0;
	for (int i = 0; i < s->capacity; i++)
		if (s->slots[i] > 0)
			ids[(*n)++] = s->slots[i];
	return ids;
}

void selection_free(struct selection *s)
{
	free(s->slots);
	memset(s, 0, sizeof *s);
}
