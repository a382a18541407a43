/*
 * audit.c — the audit log on PostgreSQL: who did what, when and from where.
 */
#include "kit.h"

#include <stdlib.h>

#include "base/text.h"

static void audit_array_id(struct buf *a, int64_t id)
{
	if (id)
		pg_array_int(a, id);
	else
		pg_array_text(a, NULL);
}

int pg_storage_audit_many(struct storage *s, const struct audit_input *a, int n)
{
	struct buf col[7] = {0};
	for (int i = 0; i < n; i++) {
		pg_array_int(&col[0], a[i].at);
		pg_array_text(&col[1], a[i].operator_name ? a[i].operator_name : "?");
		pg_array_text(&col[2], a[i].ssh_client);
		pg_array_text(&col[3], a[i].action);
		audit_array_id(&col[4], a[i].object_id);
		audit_array_id(&col[5], a[i].job_id);
		pg_array_text(&col[6], a[i].details);
	}
	int rc = n == 0 ? 0 : pg_run(s, "writing the audit log",
		      "INSERT INTO audit(at, operator, ssh_client, action, object_id, job_id, details)"
		      " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[],"
		      " $6::bigint[], $7::text[])",
		      "ttttttt", pg_array_end(&col[0]), pg_array_end(&col[1]), pg_array_end(&col[2]),
		      pg_array_end(&col[3]), pg_array_end(&col[4]), pg_array_end(&col[5]), pg_array_end(&col[6]));
	for (int c = 0; c < 7; c++)
		buf_free(&col[c]);
	return rc;
}

int pg_storage_audit_list(struct storage *s, int64_t since, int64_t limit, struct audit_row **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	PGresult *r = pg_query(s, "reading the audit log",
			       "SELECT a.id, a.at, a.operator, a.ssh_client, a.action, a.object_id, a.job_id,"
			       " a.details, o.api_id FROM audit a LEFT JOIN objects o ON o.id=a.object_id"
			       " WHERE a.at >= $1 ORDER BY a.id DESC LIMIT $2",
			       "lo", since, limit > 0 ? limit : 0);
	if (!r)
		return -1;
	int cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		(*rows)[(*n)++] = (struct audit_row){
			.id = pg_int(r, i, 0), .at = pg_int(r, i, 1), .operator_name = pg_text(r, i, 2),
			.ssh_client = pg_text(r, i, 3), .action = pg_text(r, i, 4), .object_id = pg_int(r, i, 5),
			.job_id = pg_int(r, i, 6), .details = pg_text(r, i, 7), .object_api_id = pg_text(r, i, 8)};
	}
	PQclear(r);
	return 0;
}
