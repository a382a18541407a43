/*
 * audit.c — the audit log: who did what, when and from where.
 */
#include "kit.h"

#include <stdlib.h>

#include "base/text.h"
#include "storage/audit.h"

int sqlite_storage_audit_many(struct storage *s, const struct audit_input *a, int n)
{
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = sql_stmt(s, "INSERT INTO audit(at, operator, ssh_client, action, object_id,"
					   " job_id, details) VALUES(?,?,?,?,?,?,?)");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, a[i].at);
		sqlite3_bind_text(st, 2, a[i].operator_name ? a[i].operator_name : "?", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a[i].ssh_client, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a[i].action, -1, SQLITE_STATIC);
		sql_bind_opt(st, 5, a[i].object_id);
		sql_bind_opt(st, 6, a[i].job_id);
		sqlite3_bind_text(st, 7, a[i].details, -1, SQLITE_STATIC);
		if (sql_exec(s, st, "writing the audit log") < 0)
			return -1;
	}
	return 0;
}

int sqlite_storage_audit_list(struct storage *s, int64_t since, int64_t limit, struct audit_row **rows,
		       int *n)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT a.id, a.at, a.operator, a.ssh_client, a.action,"
				   " a.object_id, a.job_id, a.details, o.api_id FROM audit a"
				   " LEFT JOIN objects o ON o.id=a.object_id"
				   " WHERE a.at >= ? ORDER BY a.id DESC LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	*rows = NULL;
	*n = 0;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		struct audit_row *r = &(*rows)[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		r->at = sqlite3_column_int64(st, 1);
		r->operator_name = sql_column_text(st, 2);
		r->ssh_client = sql_column_text(st, 3);
		r->action = sql_column_text(st, 4);
		r->object_id = sqlite3_column_int64(st, 5);
		r->job_id = sqlite3_column_int64(st, 6);
		r->details = sql_column_text(st, 7);
		r->object_api_id = sql_column_text(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "reading the audit log");
}

