/*
 * audit.c — the audit log on PostgreSQL: who did what, when and from where.
 */
#include "kit.h"

#include <stdlib.h>

#include "base/text.h"

int pg_storage_audit(struct storage *s, const struct audit_input *a)
{
	return pg_run(s, "writing the audit log",
		      "INSERT INTO audit(at, operator, ssh_client, action, object_id, job_id, details)"
		      " VALUES($1,$2,$3,$4,$5,$6,$7)",
		      "ltttoot", a->at, a->operator_name ? a->operator_name : "?", a->ssh_client, a->action,
		      a->object_id, a->job_id, a->details);
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
