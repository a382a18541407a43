/*
 * import.c — picks the reader for a file and wraps it in one transaction.
 */
#include "base/clock.h"
#include "base/text.h"
#include "internal.h"
#include "retention/restore.h"
#include "retention/sweep.h"
#include "storage/audit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Avro Object Container Files start with "Obj" and version 1. */
static bool looks_like_avro(const char *path)
{
	if (ends_with(path, ".avro"))
		return true;
	FILE *fp = fopen(path, "rb");
	char magic[4] = "";
	bool avro = fp && fread(magic, 1, 4, fp) == 4 && memcmp(magic, "Obj\x01", 4) == 0;
	if (fp)
		fclose(fp);
	return avro;
}

/* CSV event files start with a header naming the object column. */
static bool looks_like_csv(const char *path)
{
	if (ends_with(path, ".csv"))
		return true;
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		return false;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	char head[16] = "";
	size_t n = fread(head, 1, sizeof head - 1, fp);
	head[n] = '\0';
	fclose(fp);
	return strncmp(head, "object,", 7) == 0;
}

int import_file(struct storage *s, const char *path, const struct import_options *o,
		struct import_report *r, struct diag *d)
{
	memset(r, 0, sizeof *r);
	FILE *probe = fopen(path, "rb");
	if (!probe) {
		diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	fclose(probe);
	bool avro = looks_like_avro(path), csv = !avro && looks_like_csv(path);
	r->format = avro ? "avro" : csv ? "events" : "workspace";
	int errors_before = d->count;
	if (storage_begin(s) < 0) {
		diag_add(d, path, 0, 0, "%s", storage_error(s));
		return -1;
	}
	int rc = avro ? import_avro(s, path, o, r, d)
		 : csv ? import_events_csv(s, path, o, r, d) : import_workspace(s, path, o, r, d);
	int changed;
	struct restore_result relaunch = {0};
	if (rc == 0 && d->count == errors_before)
		rc = sweep_refresh(s, o->now, o->months, &changed);
	if (rc == 0 && d->count == errors_before)
		rc = restore_relaunched(s, o->now, &relaunch);
	r->relaunch_job = relaunch.job_id;
	r->relaunched = relaunch.outcomes[ITEM_PENDING];
	if (rc == 0 && d->count == errors_before) {
		char details[512];
		snprintf(details, sizeof details,
			 "%s %s: %s, %s, %s, %s (%s hot, %s cold, %s already present)", r->format, path,
			 COUNTED(r->objects, "object", "objects"), COUNTED(r->segments, "segment", "segments"),
			 COUNTED(r->users, "user", "users"), COUNTED(r->events_read, "event", "events"),
			 COUNT(r->events_hot), COUNT(r->events_cold), COUNT(r->events_duplicate));
		struct audit_input a = {.at = o->now, .operator_name = o->actor.name,
					.ssh_client = o->actor.ssh_client, .action = "import",
					.details = details};
		rc = storage_audit(s, &a);
	}
	if (rc == 0 && d->count == errors_before)
		rc = storage_commit(s);
	if (rc < 0 && d->count == errors_before)
		diag_add(d, path, 0, 0, "%s", storage_error(s));
	if (d->count != errors_before) {
		storage_rollback(s);
		return -1;
	}
	return 0;
}
