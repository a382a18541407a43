/*
 * coldpack — the compact encoding of one object's cold events.
 *
 * Cold events are long-term storage: they are read only by a restore, whole.
 * So they are packed, per object, into chunks of at most COLDPACK_CHUNK
 * events sorted in hot-table key order, each event as a few varints relative
 * to the one before: about 7-9 bytes per event against 22+ for plain rows
 * (README, Benchmarks), and faster to move.  Every engine stores a chunk as
 * the same bytes.
 *
 * Layout of a chunk: varint count, varint base_ts, then per event:
 *   varint Δuser            (users ascending)
 *   varint time             (Δ from the previous event when Δuser = 0,
 *                            else offset from base_ts)
 *   varint kind | flags<<5  (flags: step, variant, alias, label present)
 *   zigzag Δ of each present id against the previous one of its field
 */
#ifndef THAW_STORAGE_COLDPACK_H
#define THAW_STORAGE_COLDPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "base/text.h"

#define COLDPACK_CHUNK 1024

/* Encodes n events of one object (sorted with event_compare) into out. */
void coldpack_encode(const struct event *ev, size_t n, struct buf *out);

/*
 * Decodes a chunk into `out` (room for COLDPACK_CHUNK events), setting
 * object_id on each.  Returns the number of events, or -1 if the blob is
 * damaged.
 */
int coldpack_decode(const void *data, size_t size, int64_t object_id, struct event *out);

#endif
