/*
 * storage/analytics — what import keeps besides the events, so that
 * features which do not use interaction data read the same whether an
 * object's data is available, expired or being restored (SPEC §4):
 *
 *  - per-object aggregates: events by step, variant, kind and conversion
 *    label with their first and last time, and the number of users with
 *    any event of the object;
 *  - which users clicked each link alias, in any campaign or Canvas step
 *    (the filter clicked_alias_any).
 *
 * Both are written only for events stored for the first time, in the
 * import's transaction; moves between tiers never touch them.
 */
#ifndef THAW_STORAGE_ANALYTICS_H
#define THAW_STORAGE_ANALYTICS_H

#include <stdint.h>

#include "storage/storage.h"

struct event_stat {
	int64_t object_id, step_id, variant_id; /* 0 = none */
	int kind, label;
	int64_t events, first_ts, last_ts;
};

/* Adds to the aggregates (rows with the same key add up). */
int storage_stats_add(struct storage *s, const struct event_stat *rows, int n);
/* Records (alias row id, user id) pairs: the user clicked that alias. */
int storage_user_aliases_add(struct storage *s, const int64_t (*pairs)[2], int n);

struct analytics_row {
	struct event_stat stat;
	char *step, *variant; /* api ids; NULL when none */
};
struct object_analytics {
	int64_t users; /* users with any event of the object, either tier */
	struct analytics_row *rows; /* by step, variant, kind, label */
	int count;
};
int storage_object_analytics(struct storage *s, int64_t object_id, struct object_analytics *out);
void object_analytics_free(struct object_analytics *a);

#endif
