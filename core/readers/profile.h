/*
 * profile — what one user received: the "Campaigns received" and "Canvas
 * messages received" of a user profile (SPEC §4.2), in the shape of the
 * /users/export endpoints (SPEC §4.3); and the per-object "user data" CSV
 * (SPEC §4.4).  Only objects whose data is available are read.
 */
#ifndef THAW_PROFILE_H
#define THAW_PROFILE_H

#include <stdint.h>
#include <stdio.h>

#include "storage/objects.h"

#include "base/text.h"

/* One user as a /users/export JSON object (no trailing newline). */
int profile_json(struct storage *s, int64_t user_id, struct buf *out);

/* Many users as JSON objects, in the order given, each handed to emit
 * (non-zero from emit stops it): the same bytes as profile_json.  Both
 * read what each user received from their pairs' marks (storage/pairmarks.h),
 * a range of a table keyed by user, for batches of ascending ids. */
int profile_export(struct storage *s, const int64_t *ids, int n,
		   int (*emit)(void *ctx, const struct buf *line), void *ctx);

/* The same for people: two lists, aligned. */
int profile_text(struct storage *s, int64_t user_id, struct buf *out);

/*
 * Writes the recipients of one object as CSV (RFC 4180; cells that start
 * with - = + @ get a leading '): external_id, email, phone, variation_name,
 * variation_api_id, in_control.  Refused (-1, err set) unless the object's
 * data is available.  *rows = recipients written.
 */
int profile_object_csv(struct storage *s, const struct object_row *o, FILE *out, int64_t *rows,
		       char *err, size_t errsize);

#endif
