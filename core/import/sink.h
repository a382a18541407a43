/*
 * sink — where imported events go, whatever file they came from.
 *
 * The CSV and Avro readers resolve ids through it (cached in hash maps, so
 * an event costs one INSERT), and hand it events: it routes each to hot, or
 * to cold for an expired or restoring object (SPEC §2.8), records which
 * objects each user has events of and what those events were (the pairs'
 * marks, storage/pairmarks.h), raises the users' non-IxD summary fields,
 * and keeps the per-object counts and analytics (import/tally.h).  sink_flush() writes what was gathered.
 * Everything happens inside the caller's transaction.
 */
#ifndef THAW_IMPORT_SINK_H
#define THAW_IMPORT_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import.h"
#include "base/strmap.h"
#include "import/tally.h"
#include "storage/events.h"
#include "storage/pairmarks.h"
#include "storage/users.h"

struct seen_object {
	int64_t id;
	int state;
	int kind;
	int64_t hot_added;
	struct event *cold; /* events bound for cold, appended by sink_flush */
	int cold_n, cold_cap;
};

struct seen_user {
	int64_t id; /* negative until the storage gives it: -(its index + 1) */
	struct user_summary summary;
	bool touched;
};

/* What an event file may say about an object it does not know. */
struct learned_object {
	int kind;          /* enum object_kind */
	const char *name;  /* NULL = use the api id */
};

struct event_sink {
	struct storage *s;
	struct import_report *r;
	struct strmap object_index, user_index, part_ids;
	struct strmap object_by_id; /* row id (8 bytes) -> index in objects */
	struct seen_object *objects;
	int object_count, object_cap;
	struct seen_user *users;
	int user_count, user_cap;
	/* users met since the last batch went to the storage (sink.c,
	 * resolve_users) */
	struct pending_user {
		char *external_id;
		int user; /* its index in users */
	} *pending;
	int pending_count, pending_cap;
	struct pair_list pairs; /* (user, object) pairs with kinds and marks to record */
	int pairs_compacted;    /* how many of them are sorted and merged */
	struct event *hot;    /* hot events waiting to be written in key order */
	int hot_count, hot_cap;
	struct tally tally;   /* analytics of the events stored for the first time */
	char error[512]; /* why the last call failed */
};

void sink_init(struct event_sink *k, struct storage *s, struct import_report *r);
void sink_free(struct event_sink *k);

/* The object with this api id; created "learned from events" when `learn`
 * is given, an error otherwise.  NULL on error. */
struct seen_object *sink_object(struct event_sink *k, const char *api_id, const struct learned_object *learn);
struct seen_user *sink_user(struct event_sink *k, const char *external_id);
/* A step or variant of the object: -1 on error; learned (with `name`) when
 * `learn` is set, else it must exist.  0 for an empty api id. */
int64_t sink_part(struct event_sink *k, struct seen_object *o, bool step, const char *api_id,
		  const char *name, bool learn);
/* A link alias of the object, created on first use. */
int64_t sink_alias(struct event_sink *k, struct seen_object *o, const char *name);

/* The years an event's time may fall in (2000-01-01 to 2099-12-31, UTC). */
#define SINK_FIRST_TIME INT64_C(946684800)
#define SINK_END_TIME INT64_C(4102444800)

/* Adds one event (object_id and user_id are filled in here); refuses a
 * time outside those years. */
int sink_add(struct event_sink *k, struct seen_object *o, struct seen_user *u, struct event *e);

/* A fact about a user that is not interaction data (a bounce, a delivery). */
void sink_user_fact(struct event_sink *k, struct seen_user *u, int user_field, int64_t ts);

/* Writes cold events, counts and user summaries. */
int sink_flush(struct event_sink *k);

#endif
