/*
 * strmap — a hash map from strings to 64-bit integers.
 *
 * Imports resolve millions of api ids and user ids to row ids; a lookup per
 * event in SQLite would halve the import rate, so ids seen once are cached
 * here.  Keys are copied.  Open addressing with linear probing, FNV-1a.
 */
#ifndef THAW_STRMAP_H
#define THAW_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key; /* NULL = empty */
	size_t len;
	uint64_t hash;
	int64_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t capacity; /* power of two */
	size_t count;
};

bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value);
void strmap_put(struct strmap *m, const char *key, size_t len, int64_t value);
void strmap_free(struct strmap *m);

#endif
