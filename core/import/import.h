/*
 * import — loading a workspace file (YAML) and event files (CSV).
 *
 * Each file is imported in one transaction: any error leaves the database as
 * it was and is reported with file:line(:column).  Importing the same file
 * twice changes nothing: objects, segments and users are upserted by their
 * ids, events are de-duplicated by their natural key (every column).  Events
 * of an expired or restoring object go to cold (SPEC §2.8).  The formats are
 * documented in README.md; examples are in tests/data/.
 */
#ifndef THAW_IMPORT_H
#define THAW_IMPORT_H

#include <stdint.h>

#include "base/diag.h"
#include "base/model.h"
#include "storage/storage.h"

struct import_options {
	int64_t now;
	int months; /* policy.expire_after_months, for the expiry refresh */
	struct actor actor;
};

struct import_report {
	const char *format; /* "workspace" or "events" */
	int64_t objects, segments, filters, users;
	int64_t objects_learned; /* created from ids and names in event files */
	int64_t events_read, events_hot, events_cold, events_duplicate;
	/* Avro: the file's event type, and what became of its records */
	char event_type[128];
	int64_t records, records_skipped, user_facts;
	const char *skip_reason;
	/* objects active again whose data was expired: restored by thaw's own job */
	int64_t relaunch_job;
	int relaunched;
	/* active again but purged under the previous policy: their data stays deleted */
	int relaunched_purged;
	char first_relaunched_purged[128];
};

int import_file(struct storage *s, const char *path, const struct import_options *o,
		struct import_report *r, struct diag *d);

#endif
