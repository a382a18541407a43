/*
 * storage/check — verifying what every move promises: each event in
 * exactly one tier, cached counts equal to the rows, cold chunks readable,
 * states consistent with where the rows are, the analytics adding up to
 * the events, each object's users and kinds of event (object_users) and
 * each user's pairs with what they received (user_objects' marks) as the
 * events say.  Used by `thaw check` and by
 * the crash tests after each kill.
 */
#ifndef THAW_STORAGE_CHECK_H
#define THAW_STORAGE_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/storage.h"

struct check_report {
	bool integrity_ok;        /* the engine's own integrity check */
	char integrity[256];      /* its first message when not ok */
	char connection[256];     /* how thaw reaches the data: the file, or the server and whether encrypted */
	int64_t objects_checked;
	int64_t count_mismatches; /* cached hot/cold counts differ from the rows */
	int64_t damaged_chunks;   /* cold chunks that do not decode */
	int64_t duplicates;       /* events stored both hot and cold */
	int64_t state_mismatches; /* e.g. available with cold rows left */
	int64_t analytics_mismatches; /* aggregates that do not add up to the rows */
	int64_t users_mismatches; /* objects whose users and kinds (object_users), or pairs whose marks, differ from the events */
	char first_problem[256];
};

/* Verifies the invariants every move keeps (read-only). */
int storage_check(struct storage *s, struct check_report *r);

#endif
