/*
 * storage/audit — the audit log: who did what, when and from where.
 */
#ifndef THAW_STORAGE_AUDIT_H
#define THAW_STORAGE_AUDIT_H

#include <stdint.h>

#include "storage/storage.h"

struct audit_input {
	int64_t at;
	const char *operator_name;
	const char *ssh_client;
	const char *action;
	int64_t object_id, job_id; /* 0 = none */
	const char *details;
};
/* n entries at once (a restore batch's objects). */
int storage_audit_many(struct storage *s, const struct audit_input *a, int n);
static inline int storage_audit(struct storage *s, const struct audit_input *a)
{
	return storage_audit_many(s, a, 1);
}

struct audit_row {
	int64_t id, at, object_id, job_id;
	char *operator_name, *ssh_client, *action, *details, *object_api_id;
};
/* Newest first, from `since` on; limit 0 = all. */
int storage_audit_list(struct storage *s, int64_t since, int64_t limit, struct audit_row **rows, int *n);
void audit_rows_free(struct audit_row *rows, int n);

#endif
