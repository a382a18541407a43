/*
 * check.c — what every engine's `thaw check` judges alike (see
 * storage/check.h): the engines read the rows, these say what is wrong.
 */
#include "storage/engine.h"

#include <stdio.h>
#include <string.h>

#include "storage/pairmarks.h"

void check_note(struct check_report *r, int64_t *counter, const char *fmt, long long a, long long b)
{
	(*counter)++;
	if (!r->first_problem[0])
		snprintf(r->first_problem, sizeof r->first_problem, fmt, a, b);
}

void check_users_against(struct check_report *r, int64_t object_id, const struct user_object *want, int nw,
			 const struct user_object *have, int nh)
{
	bool same = nw == nh;
	for (int i = 0; same && i < nw; i++)
		same = want[i].user_id == have[i].user_id && want[i].kinds == have[i].kinds;
	if (nh < 0)
		check_note(r, &r->users_mismatches, "object %lld: its packed users do not decode (%lld)",
			   (long long)object_id, (long long)nh);
	else if (!same)
		check_note(r, &r->users_mismatches, "object %lld: its packed users (%lld) are not its events' users"
			   " and kinds", (long long)object_id, (long long)nh);
}

void check_pair_marks(struct check_report *r, const struct pair_list *want, int i, const void *have, size_t have_size,
		      bool found)
{
	const struct user_object *p = &want->pairs[i];
	if (!found)
		check_note(r, &r->users_mismatches, "user %lld: object %lld is missing from their objects",
			   (long long)p->user_id, (long long)p->object_id);
	else if (have_size != p->marks_size || memcmp(have, want->marks.data + p->marks_at, have_size) != 0)
		check_note(r, &r->users_mismatches, "user %lld, object %lld: what they received (marks) is not what"
			   " their events say", (long long)p->user_id, (long long)p->object_id);
}

void check_object_rows(struct check_report *r, const struct checked_object *o)
{
	r->objects_checked++;
	if (o->hot_rows != o->hot_cached || o->cold_rows != o->cold_cached)
		check_note(r, &r->count_mismatches, "object %lld: cached counts differ from the rows (hot %lld)",
			   (long long)o->id, (long long)o->hot_rows);
	bool bad = (o->state == IXD_AVAILABLE && o->cold_rows > 0) ||
		   ((o->state == IXD_NONE || o->state == IXD_PURGED) && o->hot_rows + o->cold_rows > 0);
	if (bad)
		check_note(r, &r->state_mismatches, "object %lld: state %lld does not match its rows", (long long)o->id,
			   (long long)o->state);
	if (o->tallied != o->hot_rows + o->cold_rows)
		check_note(r, &r->analytics_mismatches, "object %lld: its analytics count %lld events",
			   (long long)o->id, (long long)o->tallied);
}
