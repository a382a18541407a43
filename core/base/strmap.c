#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct strmap_slot *find_slot(struct strmap_slot *slots, size_t cap,
				     const char *key, size_t len, uint64_t h)
{
	size_t i = h & (cap - 1);
	for (;;) {
		struct strmap_slot *s = &slots[i];
		if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value)
{
	if (m->count == 0)
		return false;
	struct strmap_slot *s = find_slot(m->slots, m->capacity, key, len, hash_bytes(key, len));
	if (!s->key)
		return false;
	*value = s->value;
	return true;
}

static void grow(struct strmap *m)
{
	size_t cap = m->capacity ? m->capacity * 2 : 1024;
	struct strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		abort();
	for (size_t i = 0; i < m->capacity; i++) {
		struct strmap_slot *old = &m->slots[i];
		if (old->key)
			*find_slot(slots, cap, old->key, old->len, old->hash) = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->capacity = cap;
}

void strmap_put(struct strmap *m, const char *key, size_t len, int64_t value)
{
	if ((m->count + 1) * 4 > m->capacity * 3)
		grow(m);
	uint64_t h = hash_bytes(key, len);
	struct strmap_slot *s = find_slot(m->slots, m->capacity, key, len, h);
	if (!s->key) {
		s->key = malloc(len + 1);
		if (!s->key)
			abort();
		memcpy(s->key, key, len);
		s->key[len] = '\0';
		s->len = len;
		s->hash = h;
		m->count++;
	}
	s->value = value;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->capacity; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}
