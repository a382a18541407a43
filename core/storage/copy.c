/*
 * copy.c — a workspace copied between engines (see storage/copy.h): the
 * tables in an order their references allow, each engine reading and
 * writing rows as they are stored, then the copy compared with its source
 * before the destination commits.
 */
#include "storage/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table of a workspace, its columns as both engines name them, and
 * the rows that are the engine's own (the destination's schema version). */
static const struct table {
	const char *name, *columns, *where;
} tables[] = {
	{"objects", "id, api_id, kind, name, name_fold, status, channels, created_at, first_sent_at, last_sent_at,"
		    " stopped_at, ixd_state, expires_at, expired_at, last_restored_at, kept_by, restore_job,"
		    " hot_events, cold_events, learned, users", NULL},
	{"tags", "id, name", NULL},
	{"object_tags", "object_id, tag_id", NULL},
	{"steps", "object_id, id, api_id, name, position", NULL},
	{"variants", "object_id, id, api_id, name, is_control", NULL},
	{"aliases", "object_id, id, name", NULL},
	{"segments", "id, api_id, name, in_use", NULL},
	{"filters", "id, kind, owner_object_id, owner_segment_id, target_object_id, target_step_id,"
		    " target_variant_id, target_alias_id, target_tag_id", NULL},
	{"users", "id, external_id, email, phone, last_received_any, last_received_email, last_received_push,"
		  " last_received_sms, last_received_webhook, last_received_whatsapp, last_engaged,"
		  " last_in_app_impression, last_control_enrolled, hard_bounced, marked_spam, invalid_phone, learned",
	 NULL},
	{"events_hot", "object_id, user_id, ts, kind, step_id, variant_id, alias_id, label", NULL},
	{"events_cold", "object_id, chunk, n, data", NULL},
	{"object_users", "object_id, users, data", NULL},
	{"object_stats", "object_id, step_id, variant_id, kind, label, events, first_ts, last_ts", NULL},
	{"user_objects", "user_id, object_id, import_seq, marks", NULL},
	{"user_aliases", "alias, user_id", NULL},
	{"jobs", "id, state, requested_by, requested_from, request, created_at, finished_at, started_ms,"
		 " updated_ms, finished_ms, events_total, events_done, lease_owner, lease_until_ms", NULL},
	{"job_items", "job_id, object_id, outcome, other_job, events_total, events_done, new_expires_at", NULL},
	{"outbox", "id, job_id, state, recipients, subject, body, attempts, next_attempt_at, last_error,"
		   " created_at, sent_at, channel", NULL},
	{"audit", "id, at, operator, ssh_client, action, object_id, job_id, details", NULL},
	{"meta", "key, value", "key <> 'schema'"},
};
#define TABLE_COUNT (int)(sizeof tables / sizeof tables[0])

/* A workspace's own rows: a database holding any is not a new one. */
static int holds_workspace(struct storage *s, bool *holds)
{
	*holds = false;
	for (int i = 0; i < TABLE_COUNT && !*holds; i++) {
		if (strcmp(tables[i].name, "meta") == 0)
			continue;
		int64_t n;
		if (storage_rows_count(s, tables[i].name, tables[i].where, &n) < 0)
			return -1;
		*holds = n > 0;
	}
	return 0;
}

struct copying {
	struct storage *to;
	int64_t done, total;
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *ctx;
};

static int copy_row(void *ctx, const struct stored_value *row, int n)
{
	struct copying *c = ctx;
	if (storage_rows_load(c->to, row, n) < 0)
		return -1;
	if (++c->done % 100000 == 0 && c->progress)
		c->progress(c->ctx, c->done, c->total);
	return 0;
}

static int copy_tables(struct storage *from, struct copying *c, struct copy_report *r)
{
	for (int i = 0; i < TABLE_COUNT; i++) {
		const struct table *t = &tables[i];
		if (storage_rows_load_begin(c->to, t->name, t->columns) < 0)
			return -1;
		int rc = storage_rows_each(from, t->name, t->columns, t->where, copy_row, c);
		if (rc < 0) {
			if (!storage_error(c->to)[0] || storage_error(from)[0])
				snprintf(c->to->error, sizeof c->to->error, "%s", storage_error(from));
			return -1;
		}
		if (storage_rows_load_end(c->to) < 0)
			return -1;
		r->tables++;
	}
	r->rows = c->done;
	return 0;
}

static int differs(struct copy_report *r, const char *fmt, const char *what, long long a, long long b)
{
	snprintf(r->first_difference, sizeof r->first_difference, fmt, what, a, b);
	return -1;
}

/* Every table holds as many rows, every object as many hot and cold
 * events, and the totals agree. */
static int verify(struct storage *from, struct storage *to, struct copy_report *r)
{
	for (int i = 0; i < TABLE_COUNT; i++) {
		int64_t a, b;
		if (storage_rows_count(from, tables[i].name, tables[i].where, &a) < 0 ||
		    storage_rows_count(to, tables[i].name, tables[i].where, &b) < 0)
			return -1;
		if (a != b)
			return differs(r, "%s: %lld rows, %lld copied", tables[i].name, a, b);
	}
	int64_t *ids, hot[2], cold[2];
	int n;
	struct object_query all = {.kind = -1, .status = -1, .state = -1};
	if (storage_list_ids(from, &all, &ids, &n) < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		if (storage_count_events(from, ids[i], &hot[0], &cold[0]) < 0 ||
		    storage_count_events(to, ids[i], &hot[1], &cold[1]) < 0)
			rc = -1;
		else if (hot[0] != hot[1] || cold[0] != cold[1])
			rc = differs(r, "%s %lld: its events differ (%lld hot in the copy)", "object", ids[i], hot[1]);
	}
	free(ids);
	r->objects = n;
	if (rc == 0 && (storage_count_events(from, 0, &hot[0], &cold[0]) < 0 ||
			storage_count_events(to, 0, &hot[1], &cold[1]) < 0))
		rc = -1;
	if (rc == 0 && (hot[0] != hot[1] || cold[0] != cold[1]))
		rc = differs(r, "%s: %lld events, %lld copied", "all objects", hot[0] + cold[0], hot[1] + cold[1]);
	r->hot_events = hot[1];
	r->cold_events = cold[1];
	return rc;
}

int storage_copy(struct storage *from, struct storage *to, void (*progress)(void *ctx, int64_t done, int64_t total),
		 void *ctx, struct copy_report *report)
{
	memset(report, 0, sizeof *report);
	bool holds;
	if (holds_workspace(to, &holds) < 0)
		return -1;
	if (holds) {
		snprintf(to->error, sizeof to->error, "%s already holds a workspace: migrate copies into a new database",
			 to->location);
		return -1;
	}
	struct copying c = {.to = to, .progress = progress, .ctx = ctx};
	/* one snapshot of the source, one transaction of the destination: an
	 * interrupted copy leaves nothing behind */
	if (storage_begin_read(from) < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < TABLE_COUNT && rc == 0; i++) {
		int64_t n;
		rc = storage_rows_count(from, tables[i].name, tables[i].where, &n);
		c.total += n;
	}
	if (rc == 0)
		rc = storage_begin(to);
	if (rc == 0)
		rc = copy_tables(from, &c, report);
	if (rc == 0)
		rc = verify(from, to, report);
	if (rc == 0 && progress)
		progress(ctx, c.done, c.total);
	if (rc == 0)
		rc = storage_commit(to);
	else
		storage_rollback(to);
	storage_rollback(from);
	return rc;
}
