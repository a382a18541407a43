/*
 * analytics.c — the aggregates kept at import (see storage/analytics.h),
 * on PostgreSQL.
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"

int pg_storage_stats_add(struct storage *s, const struct event_stat *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct event_stat *r = &rows[i];
		if (pg_run(s, "keeping the analytics",
			   "INSERT INTO object_stats AS x VALUES($1,$2,$3,$4,$5,$6,$7,$8)"
			   " ON CONFLICT(object_id, step_id, variant_id, kind, label) DO UPDATE SET"
			   " events=x.events+excluded.events, first_ts=least(x.first_ts, excluded.first_ts),"
			   " last_ts=greatest(x.last_ts, excluded.last_ts)",
			   "lllddlll", r->object_id, r->step_id, r->variant_id, r->kind, r->label, r->events,
			   r->first_ts, r->last_ts) < 0)
			return -1;
	}
	return 0;
}

int pg_storage_user_aliases_add(struct storage *s, const int64_t (*pairs)[2], int n)
{
	for (int i = 0; i < n; i++)
		if (pg_run(s, "recording an alias click",
			   "INSERT INTO user_aliases SELECT name, $2 FROM aliases WHERE id=$1 ON CONFLICT DO NOTHING",
			   "ll", pairs[i][0], pairs[i][1]) < 0)
			return -1;
	return 0;
}

int pg_storage_object_analytics(struct storage *s, int64_t object_id, struct object_analytics *out)
{
	memset(out, 0, sizeof *out);
	if (pg_scalar(s, "reading an object's users", &out->users, "SELECT users FROM objects WHERE id=$1", "l",
		      object_id) < 0)
		return -1;
	PGresult *r = pg_query(s, "reading the analytics",
			       "SELECT x.step_id, x.variant_id, x.kind, x.label, x.events, x.first_ts,"
			       " x.last_ts, st.api_id, v.api_id FROM object_stats x"
			       " LEFT JOIN steps st ON st.id=x.step_id LEFT JOIN variants v ON v.id=x.variant_id"
			       " WHERE x.object_id=$1 ORDER BY st.position NULLS FIRST, x.step_id, x.variant_id,"
			       " x.kind, x.label", "l", object_id);
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		out->rows = array_grow(out->rows, out->count, &cap, sizeof *out->rows);
		struct analytics_row *a = &out->rows[out->count++];
		a->stat = (struct event_stat){.object_id = object_id, .step_id = pg_int(r, i, 0),
					      .variant_id = pg_int(r, i, 1), .kind = (int)pg_int(r, i, 2),
					      .label = (int)pg_int(r, i, 3), .events = pg_int(r, i, 4),
					      .first_ts = pg_int(r, i, 5), .last_ts = pg_int(r, i, 6)};
		a->step = pg_text(r, i, 7);
		a->variant = pg_text(r, i, 8);
	}
	PQclear(r);
	return 0;
}
