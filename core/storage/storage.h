/*
 * storage — the only module that speaks SQL.
 *
 * One SQLite file holds the whole workspace: objects and their setup, users,
 * hot events (a WITHOUT ROWID table keyed object-first, so one object's
 * events are contiguous and move fast), cold events (packed chunks, see
 * coldpack.h), restore jobs, the mail outbox and the audit log.
 *
 * Rules every caller can rely on:
 *  - a connection uses WAL, a busy timeout, foreign keys and a 64 MiB cache;
 *  - the schema is migrated on open (numbered migrations, PRAGMA
 *    user_version, one transaction each); a newer schema is refused;
 *  - per-object hot/cold event counts are kept current by every function
 *    that adds or moves events, so nobody ever counts events to show them;
 *  - functions return 0 on success and -1 on error, with the reason in
 *    storage_error().  Write functions expect the caller's transaction
 *    (storage_begin / storage_commit) unless they say otherwise.
 *
 * Another back end (PostgreSQL) would reimplement this header.
 */
#ifndef THAW_STORAGE_H
#define THAW_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/coldpack.h"

#define STORAGE_SCHEMA_VERSION 3

struct storage;

enum storage_open_flags {
	STORAGE_READ_ONLY = 1, /* never writes; refuses a database that needs migrating */
	STORAGE_MUST_EXIST = 2, /* do not create a missing file */
};

/* -1 on error; STORAGE_NEEDS_MIGRATION when a read-only open found a schema
 * it may not upgrade (a writable open would). */
#define STORAGE_NEEDS_MIGRATION (-2)
int storage_open(const char *path, int flags, struct storage **out, char *err, size_t errsize);
void storage_close(struct storage *s);
const char *storage_error(const struct storage *s);
const char *storage_path(const struct storage *s);

/* BEGIN IMMEDIATE: takes the write lock now, so a later write cannot fail
 * with a stale snapshot. */
int storage_begin(struct storage *s);
/* A read transaction: one consistent snapshot across several queries. */
int storage_begin_read(struct storage *s);
int storage_commit(struct storage *s);
void storage_rollback(struct storage *s);

int storage_schema_version(struct storage *s);

/* "SQLite 3.40.1" */
const char *storage_engine_version(void);

/* Key/value metadata of the workspace (e.g. the last sweep day). */
int storage_meta_get(struct storage *s, const char *key, char *out, size_t size);
int storage_meta_set(struct storage *s, const char *key, const char *value);

/* ---- objects -------------------------------------------------------- */

struct object_input {
	const char *api_id;
	const char *name;
	int kind;
	int status;
	const char *channels; /* comma separated */
	int64_t created_at, first_sent_at, last_sent_at, stopped_at; /* 0 = unknown */
	int ixd_state; /* only used when creating; purged/none come from imports */
	int64_t last_restored_at;
	bool learned; /* first seen in events, details unknown */
};

struct object_row {
	int64_t id;
	char *api_id;
	char *name;
	int kind, status, state;
	char *channels;
	char *tags; /* comma separated, sorted */
	int64_t created_at, first_sent_at, last_sent_at, stopped_at;
	int64_t expires_at, expired_at, last_restored_at;
	char *kept_by; /* description of the protecting owner, NULL if none */
	int64_t hot_events, cold_events;
	int64_t restore_job; /* job holding it while restoring, else 0 */
	int64_t restore_done, restore_total; /* progress of that job's item */
	bool learned;
};

enum object_sort {
	SORT_NAME, SORT_KIND, SORT_STATUS, SORT_LAST_SENT, SORT_STATE, SORT_EXPIRES,
	SORT_HOT, SORT_COLD, SORT_TAGS, SORT__COUNT
};

/* Pseudo-states for filtering: expiring (due within the soon window) and kept. */
enum { STATE_FILTER_EXPIRING = 100, STATE_FILTER_KEPT = 101 };

/* One term of the console's filter ("tag:xmas", "!state:expired", "sale"). */
enum term_field { TERM_NAME, TERM_TAG, TERM_STATUS, TERM_STATE, TERM_KIND };
struct query_term {
	int field;
	bool negate;
	const char *text; /* name substring or tag */
	int value;        /* status, state (or STATE_FILTER_*), kind */
};
#define QUERY_MAX_TERMS 8

struct object_query {
	const struct query_term *terms; /* all must hold (AND), besides the fields below */
	int term_count;
	int kind;   /* -1 = any */
	int status; /* -1 = any */
	int state;  /* -1 = any, an ixd_state or a STATE_FILTER_* */
	const char *tag;    /* NULL = any */
	const char *search; /* case-insensitive name substring, NULL = any */
	int sort;
	bool descending;
	int64_t offset, limit; /* limit 0 = all */
	int64_t now;           /* for "expiring" */
	int soon_days;
};

struct object_list {
	struct object_row *rows;
	int count;
};

const char *object_sort_name(int sort);
int object_sort_parse(const char *name);

int storage_object_upsert(struct storage *s, const struct object_input *in, int64_t *id);
/* Finds by api_id, or by exact name when unique.  Returns 1 found, 0 not. */
int storage_object_find(struct storage *s, const char *key, struct object_row *out);
int storage_object_get(struct storage *s, int64_t id, struct object_row *out);
int storage_object_id(struct storage *s, const char *api_id, int64_t *id); /* 0 if none */
int storage_object_set_tags(struct storage *s, int64_t id, const char *const *tags, int n);
int storage_list_objects(struct storage *s, const struct object_query *q, struct object_list *out);
int storage_count_objects(struct storage *s, const struct object_query *q, int64_t *count);
void object_row_free(struct object_row *r);
void object_list_free(struct object_list *l);

/* Every id the query matches, in its order (select all, invert). */
int storage_list_ids(struct storage *s, const struct object_query *q, int64_t **ids, int *n);

/* What a restore of these objects would touch, for the confirmation. */
struct selection_summary {
	int64_t objects, restorable, campaigns, canvases, events;
	int64_t not_expired, busy, purged, no_data;
	char first_names[5][128]; /* restorable ones, in name order */
	int names;
};
int storage_selection_summary(struct storage *s, const int64_t *ids, int n,
			      struct selection_summary *out);

/* Objects carrying a tag, in name order. */
int storage_objects_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n);
/* All tag names, sorted, for completion. */
int storage_tag_names(struct storage *s, char ***names, int *n);

struct workspace_summary {
	int64_t objects, campaigns, canvases;
	int64_t by_state[5];
	int64_t expiring_soon, kept;
	int64_t hot_events, cold_events, users;
	int64_t jobs_active;
};
int storage_summary(struct storage *s, int64_t now, int soon_days, struct workspace_summary *out);

/* ---- object setup --------------------------------------------------- */

int storage_step_upsert(struct storage *s, int64_t object_id, const char *api_id,
			const char *name, int position, int64_t *id);
int storage_variant_upsert(struct storage *s, int64_t object_id, const char *api_id,
			   const char *name, bool is_control, int64_t *id);
int storage_alias_upsert(struct storage *s, int64_t object_id, const char *name, int64_t *id);
/* Row id of a step / variant by api id (0 if none) and the object it belongs to. */
int storage_step_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id);
int storage_variant_id(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id);
int storage_alias_id(struct storage *s, int64_t object_id, const char *name, int64_t *id);

int storage_segment_upsert(struct storage *s, const char *api_id, const char *name,
			   bool in_use, int64_t *id);
int storage_segment_id(struct storage *s, const char *api_id, int64_t *id);

struct filter_input {
	int kind;
	int64_t owner_object_id, owner_segment_id; /* exactly one */
	int64_t target_object_id, target_step_id, target_variant_id, target_alias_id;
	int64_t target_tag_id;
};
/* Replaces every filter of one owner with the given list. */
int storage_filters_replace(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			    const struct filter_input *f, int n);
/* Whether the owner already has this exact filter. */
int storage_filter_exists(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id,
			  const struct filter_input *f, bool *exists);
int storage_tag_id(struct storage *s, const char *name, bool create, int64_t *id);

/* Detail lists for `thaw show` and the detail view. */
struct named_item {
	char *api_id;
	char *name;
	int flag; /* variants: is_control; refs: owner is active */
	char *extra; /* refs: filter kind name */
};
struct object_detail {
	struct named_item *steps, *variants, *aliases, *refs;
	int step_count, variant_count, alias_count, ref_count;
	/* the filters this object uses: target api id (or tag), target name,
	 * flag = the target's IxD state (-1 for a tag), extra = filter kind */
	struct named_item *filters;
	int filter_count;
};
int storage_object_detail(struct storage *s, int64_t id, struct object_detail *out);
void object_detail_free(struct object_detail *d);

/* ---- users ---------------------------------------------------------- */

/* The non-IxD summary fields of SPEC §3 (0 = never / false). */
struct user_summary {
	int64_t last_received_any, last_received_email, last_received_push, last_received_sms,
		last_received_webhook, last_received_whatsapp, last_engaged, last_in_app_impression,
		last_control_enrolled;
	bool hard_bounced, marked_spam, invalid_phone;
};

int storage_user_upsert(struct storage *s, const char *external_id, const char *email,
			const char *phone, const struct user_summary *sum, int64_t *id);
/* Finds or creates a user by external id (created users are "learned"). */
int storage_user_ensure(struct storage *s, const char *external_id, int64_t *id);
/* Raises each summary time to at least the given one (0 = leave). */
int storage_user_merge_summary(struct storage *s, int64_t id, const struct user_summary *sum);

/* ---- events --------------------------------------------------------- */

/* Inserts one hot event; *inserted = false when it was already there. */
int storage_event_insert_hot(struct storage *s, const struct event *e, bool *inserted);
/*
 * Adds events of one expired or restoring object to its cold chunks,
 * skipping those already stored (hot or cold).  `ev` is sorted in place.
 */
int storage_event_append_cold(struct storage *s, int64_t object_id, struct event *ev,
			      size_t n, int64_t *added);
/* An object's IxD state (cheap). */
int storage_object_state(struct storage *s, int64_t object_id, int *state);
/* The few facts a finished restore needs (cheap: one row, no joins). */
int storage_object_status(struct storage *s, int64_t object_id, int *status, int64_t *stopped_at);
/* The cached per-object counts (cheap). */
int storage_object_counts(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold);
/* Records that a user has events of an object (either tier). */
int storage_user_object_add(struct storage *s, int64_t user_id, int64_t object_id);
/* The same for many (user, object) pairs, best sorted. */
int storage_user_objects_add(struct storage *s, const int64_t (*pairs)[2], int n);
/* Adds to the per-object counts. */
int storage_object_add_counts(struct storage *s, int64_t object_id, int64_t hot, int64_t cold);

/*
 * One batch of a move, inside the caller's transaction: at most about
 * max_rows events of the object go hot → cold (or back), the counts follow.
 * *moved is what moved; 0 means nothing was left.
 */
int storage_move_to_cold(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved);
int storage_move_to_hot(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved);

/* Integrity counters for tests and `thaw check`: counted, not the cached counts. */
int storage_count_events(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold);

/* ---- checking -------------------------------------------------------- */

struct check_report {
	bool integrity_ok;        /* PRAGMA integrity_check */
	char integrity[256];      /* its first message when not ok */
	int64_t objects_checked;
	int64_t count_mismatches; /* cached hot/cold counts differ from the rows */
	int64_t damaged_chunks;   /* cold chunks that do not decode */
	int64_t duplicates;       /* events stored both hot and cold */
	int64_t state_mismatches; /* e.g. available with cold rows left */
	char first_problem[256];
};

/* Verifies the invariants every move keeps (read-only). */
int storage_check(struct storage *s, struct check_report *r);

/* ---- retention ------------------------------------------------------ */

/* What the policy needs to know about one object. */
struct policy_row {
	int64_t id;
	int status, state;
	int64_t stopped_at, last_restored_at, expires_at;
	int64_t hot_events, cold_events;
	char *kept_by; /* current protecting owner, or NULL */
	char *stored_kept_by;
};
/* Every object with its facts, protection computed from the filters. */
int storage_policy_rows(struct storage *s, struct policy_row **rows, int *n);
void policy_rows_free(struct policy_row *rows, int n);
int storage_object_set_expiry(struct storage *s, int64_t id, int64_t expires_at, const char *kept_by);
/* Marks an object expired at `when`. */
int storage_object_expire(struct storage *s, int64_t id, int64_t when);
/* Expired objects that still have hot rows (a sweep that was interrupted,
 * or a cancelled restore). */
int storage_objects_unsettled(struct storage *s, int64_t **ids, int *n);

/* ---- readers of interaction data (SPEC §4) --------------------------- */

/* Every reader sees only objects whose data is available. */

struct event_match {
	int64_t object_id;
	uint32_t kinds; /* one bit per enum event_kind */
	int64_t step_id, variant_id, alias_id; /* 0 = any */
};

struct user_time {
	int64_t user_id;
	int64_t ts;
};

/*
 * Users with a matching event in [after, before); with `latest`, users whose
 * latest matching event falls in the window, with its time.  Ascending by
 * user.  Nothing when the object's data is not available.
 */
int storage_event_users(struct storage *s, const struct event_match *m, int64_t after, int64_t before,
			bool latest, struct user_time **out, int *n);
/* The available objects carrying a tag (tag filters count only those). */
int storage_available_with_tag(struct storage *s, const char *tag, int64_t **ids, int *n);

/* Non-IxD user fields (they never expire). */
enum user_field {
	UF_HARD_BOUNCED, UF_MARKED_SPAM, UF_INVALID_PHONE, UF_LAST_RECEIVED_ANY,
	UF_LAST_RECEIVED_EMAIL, UF_LAST_RECEIVED_PUSH, UF_LAST_RECEIVED_SMS,
	UF_LAST_RECEIVED_WEBHOOK, UF_LAST_RECEIVED_WHATSAPP, UF_LAST_ENGAGED,
	UF_LAST_IN_APP_IMPRESSION, UF_LAST_CONTROL_ENROLLED, UF__COUNT
};
/* Flags: users with it set; times: users whose time is in [after, before). */
int storage_users_by_field(struct storage *s, int field, int64_t after, int64_t before,
			   int64_t **ids, int *n);
int storage_all_user_ids(struct storage *s, int64_t **ids, int *n);

struct user_row {
	int64_t id;
	char *external_id, *email, *phone;
	struct user_summary summary;
};
int storage_user_find(struct storage *s, const char *external_id, struct user_row *out); /* 1 found */
int storage_user_get(struct storage *s, int64_t id, struct user_row *out);
void user_row_free(struct user_row *u);

/* The available objects a user has events for, by kind then name. */
struct object_brief {
	int64_t id;
	int kind;
	char *api_id, *name;
};
int storage_user_available_objects(struct storage *s, int64_t user_id, struct object_brief **out, int *n);
void object_briefs_free(struct object_brief *b, int n);
/* One user's hot events of one object (a key-prefix lookup). */
int storage_user_object_events(struct storage *s, int64_t object_id, int64_t user_id,
			       struct event **ev, int *n);
/* Every hot event of an object in key order (users ascending), streamed. */
int storage_object_events_each(struct storage *s, int64_t object_id,
			       int (*fn)(void *ctx, const struct event *e), void *ctx);
/* Names of a step or variant: api id and name into the buffers. */
int storage_part_names(struct storage *s, bool step, int64_t id, char *api_id, size_t api_size,
		       char *name, size_t name_size);

/* A stored segment's filters (by api id or exact name). 1 found. */
struct stored_filter {
	int kind;
	int64_t object_id, step_id, variant_id, alias_id;
	char *tag;
};
int storage_segment_filters(struct storage *s, const char *key, struct stored_filter **f, int *n);
void stored_filters_free(struct stored_filter *f, int n);

/* ---- audit ---------------------------------------------------------- */

struct audit_input {
	int64_t at;
	const char *operator_name;
	const char *ssh_client;
	const char *action;
	int64_t object_id, job_id; /* 0 = none */
	const char *details;
};
int storage_audit(struct storage *s, const struct audit_input *a);

struct audit_row {
	int64_t id, at, object_id, job_id;
	char *operator_name, *ssh_client, *action, *details, *object_api_id;
};
int storage_audit_list(struct storage *s, int64_t since, int64_t limit, struct audit_row **rows, int *n);
void audit_rows_free(struct audit_row *rows, int n);

/* ---- mail outbox ---------------------------------------------------- */

/*
 * Outbox states: queued (waiting for its next attempt), sending (claimed by
 * a worker until next_attempt_at), sent, failed.  A "sending" row whose
 * claim lapsed is due again: delivery is at-least-once (see README).
 */
struct outbox_row {
	int64_t id, job_id;
	char *state, *recipients, *subject, *body, *last_error;
	int attempts;
	int64_t next_attempt_at, created_at, sent_at; /* real time, seconds */
};

int storage_outbox_add(struct storage *s, int64_t job_id, const char *state, const char *recipients,
		       const char *subject, const char *body, const char *error, int64_t now);
/* Claims the next due row (state becomes "sending" until now + claim_s).
 * Returns 1 with *out filled, 0 when nothing is due. */
int storage_outbox_claim(struct storage *s, int64_t now, int claim_s, struct outbox_row *out);
int storage_outbox_update(struct storage *s, int64_t id, const char *state, int attempts,
			  int64_t next_attempt_at, const char *error, int64_t sent_at);
void outbox_row_free(struct outbox_row *r);

/* ---- jobs ----------------------------------------------------------- */

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_CANCELLED, JOB_FAILED, JOB__COUNT };
enum item_outcome {
	ITEM_PENDING, ITEM_RESTORED, ITEM_SKIPPED_NOT_EXPIRED, ITEM_SKIPPED_BUSY,
	ITEM_SKIPPED_PURGED, ITEM_SKIPPED_NO_DATA, ITEM_CANCELLED, ITEM__COUNT
};
const char *job_state_name(int state);
const char *item_outcome_name(int outcome);

struct job_row {
	int64_t id;
	int state;
	char *requested_by, *requested_from, *request;
	int64_t created_at, finished_at;    /* policy time */
	int64_t started_ms, updated_ms, finished_ms; /* real time, for rates */
	int64_t events_total, events_done;
	char *mail_state, *mail_error; /* NULL when no mail */
};

struct job_item_row {
	int64_t object_id;
	char *api_id, *name;
	int kind;
	int outcome;
	int64_t other_job;
	int64_t events_total, events_done;
	int64_t new_expires_at;
};

int storage_job_create(struct storage *s, const char *by, const char *from, const char *request,
		       int64_t now, int64_t *job_id);
int storage_job_add_item(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			 int64_t other_job, int64_t events_total);
/* Totals the job's pending items; a job with none is finished at once. */
int storage_job_seal(struct storage *s, int64_t job_id, int64_t now, int64_t real_ms);
int storage_job_get(struct storage *s, int64_t job_id, struct job_row *out); /* 1 found, 0 not */
int storage_job_items(struct storage *s, int64_t job_id, struct job_item_row **items, int *n);
int storage_jobs_list(struct storage *s, int64_t limit, struct job_row **rows, int *n);
void job_row_free(struct job_row *j);
void job_rows_free(struct job_row *rows, int n);
void job_items_free(struct job_item_row *items, int n);

/* Takes the oldest runnable job whose lease is free or expired. 0 = none. */
int storage_job_claim(struct storage *s, const char *owner, int64_t real_ms,
		      int lease_ms, int64_t *job_id);
/* Extends the lease; fails (returns 1) if another owner took it. */
int storage_job_renew(struct storage *s, int64_t job_id, const char *owner, int64_t real_ms,
		      int lease_ms);
int storage_job_release(struct storage *s, int64_t job_id, const char *owner);
/* The next pending item of a job (0 = none left). */
int storage_job_next_item(struct storage *s, int64_t job_id, int64_t *object_id);
int storage_job_progress(struct storage *s, int64_t job_id, int64_t object_id, int64_t moved,
			 int64_t real_ms);
int storage_job_item_finish(struct storage *s, int64_t job_id, int64_t object_id, int outcome,
			    int64_t new_expires_at);
int storage_job_finish(struct storage *s, int64_t job_id, int state, int64_t now, int64_t real_ms);
/* Pending items end cancelled; their objects are expired again. */
int storage_job_cancel_items(struct storage *s, int64_t job_id);
/* The object is available again with a new clock start and expiry date. */
int storage_restore_complete(struct storage *s, int64_t object_id, int64_t now, int64_t expires_at);
/* Jobs holding an object as restoring. */
int storage_object_restore_job(struct storage *s, int64_t object_id, int64_t *job_id);
/* Restore history of one object: job id, finished time, outcome. */
int storage_object_restores(struct storage *s, int64_t object_id, struct job_row **rows, int *n);

#endif
