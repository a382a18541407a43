/*
 * varint — LEB128 varints and zigzag, for the packed formats every engine
 * stores as the same bytes (coldpack, userpack).
 */
#ifndef THAW_STORAGE_VARINT_H
#define THAW_STORAGE_VARINT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/text.h"

static inline void varint_put(struct buf *out, uint64_t v)
{
	unsigned char tmp[10];
	int n = 0;
	while (v >= 0x80) {
		tmp[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (unsigned char)v;
	buf_add(out, tmp, (size_t)n);
}

/* A cursor over packed bytes; `bad` once it reads past the end or a varint
 * longer than 64 bits. */
struct varint_reader {
	const unsigned char *p, *end;
	bool bad;
};

static inline uint64_t varint_get(struct varint_reader *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

#endif
