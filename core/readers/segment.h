/*
 * segment — segment expressions: the retargeting filters of SPEC §4.1 and
 * the user filters that do not read interaction data, combined with and /
 * or / not and parentheses.  See README "Segment expressions".
 *
 *   received_campaign(spring-sale) and not hard_bounced
 *   clicked_opened_tag(seasonal, interaction=clicked_email)
 *   last_received_campaign(spring-sale, more_than_days=30) or segment("VIP buyers")
 *
 * Evaluation yields the matching users as a sorted array of user ids.  Every
 * filter that reads interaction data sees only available objects: one that
 * names an expired or purged object matches nobody.
 */
#ifndef THAW_SEGMENT_H
#define THAW_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/text.h"
#include "storage/storage.h"

struct segment_expr;

/* Parses ("N days ago" is relative to now); on error returns NULL with a
 * message naming the column. */
struct segment_expr *segment_parse(const char *text, int64_t now, char *err, size_t errsize);
void segment_free(struct segment_expr *e);

/*
 * Checks the objects an expression names before it runs (SPEC §4.1): one
 * deleted under the previous policy is refused as a new filter would be
 * (returns 1, `err` names the column); an expired or restoring one is
 * allowed and `notes` gets a line saying it matches nobody until restored.
 * -1 with `err` set on an unknown or ambiguous name or a storage error.
 */
int segment_check(struct storage *s, const struct segment_expr *e, char *err, size_t errsize,
		  struct buf *notes);

/* The users matching, ascending.  -1 with err set on an unknown name. */
int segment_eval(struct storage *s, const struct segment_expr *e, int64_t now, int64_t **ids, int *n,
		 char *err, size_t errsize);

/* Evaluates a stored segment by api id or name (its filters ANDed). */
int segment_eval_stored(struct storage *s, const char *key, int64_t now, int64_t **ids, int *n,
			char *err, size_t errsize);

#endif
