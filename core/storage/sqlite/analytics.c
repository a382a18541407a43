/*
 * analytics.c — the aggregates kept at import (see storage/analytics.h).
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "storage/analytics.h"

int sqlite_storage_stats_add(struct storage *s, const struct event_stat *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct event_stat *r = &rows[i];
		if (SQL_RUN(s, "INSERT INTO object_stats VALUES(?,?,?,?,?,?,?,?)"
			       " ON CONFLICT DO UPDATE SET events=events+excluded.events,"
			       " first_ts=min(first_ts, excluded.first_ts), last_ts=max(last_ts, excluded.last_ts)",
			    "keeping the analytics", r->object_id, r->step_id, r->variant_id, r->kind, r->label,
			    r->events, r->first_ts, r->last_ts) < 0)
			return -1;
	}
	return 0;
}

int sqlite_storage_user_aliases_add(struct storage *s, const int64_t (*pairs)[2], int n)
{
	for (int i = 0; i < n; i++)
		if (SQL_RUN(s, "INSERT OR IGNORE INTO user_aliases SELECT name, ?2 FROM aliases WHERE id=?1",
			    "recording an alias click", pairs[i][0], pairs[i][1]) < 0)
			return -1;
	return 0;
}

int sqlite_storage_object_analytics(struct storage *s, int64_t object_id, struct object_analytics *out)
{
	memset(out, 0, sizeof *out);
	int64_t unused;
	if (sql_query_pair(s, sql_stmt(s, "SELECT users, 0 FROM objects WHERE id=?"), object_id, &out->users,
			   &unused, "reading an object's users") < 0)
		return -1;
	sqlite3_stmt *st = sql_stmt(s, "SELECT x.step_id, x.variant_id, x.kind, x.label, x.events, x.first_ts,"
				       " x.last_ts, st.api_id, v.api_id FROM object_stats x"
				       " LEFT JOIN steps st ON st.id=x.step_id LEFT JOIN variants v ON v.id=x.variant_id"
				       " WHERE x.object_id=? ORDER BY st.position, x.step_id, x.variant_id, x.kind, x.label");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->rows = array_grow(out->rows, out->count, &cap, sizeof *out->rows);
		struct analytics_row *r = &out->rows[out->count++];
		r->stat = (struct event_stat){.object_id = object_id, .step_id = sqlite3_column_int64(st, 0),
					      .variant_id = sqlite3_column_int64(st, 1),
					      .kind = sqlite3_column_int(st, 2), .label = sqlite3_column_int(st, 3),
					      .events = sqlite3_column_int64(st, 4),
					      .first_ts = sqlite3_column_int64(st, 5),
					      .last_ts = sqlite3_column_int64(st, 6)};
		r->step = sql_column_text(st, 7);
		r->variant = sql_column_text(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading the analytics");
}

