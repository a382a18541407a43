/*
 * lookup — finding the object an operator named, the same way everywhere
 * (show, restore, export, segment expressions): by api id, else by its
 * exact name when one object has it.  A name that several objects share is
 * reported as ambiguous with their api ids, never as unknown.
 */
#ifndef THAW_LOOKUP_H
#define THAW_LOOKUP_H

#include <stddef.h>

#include "storage/objects.h"

/* 1 found (*out filled); 0 not, with `why` saying why (unknown, or which
 * objects an ambiguous name could mean); -1 on a storage error. */
int lookup_object(struct storage *s, const char *key, struct object_row *out, char *why, size_t size);

#endif
