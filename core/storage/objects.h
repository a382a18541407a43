/*
 * storage/objects — campaigns and Canvases: writing them, reading one or a
 * page of them (the list's filter, sort and paging), their tags, what a
 * restore of a selection would touch, and the workspace summary.
 */
#ifndef THAW_STORAGE_OBJECTS_H
#define THAW_STORAGE_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/storage.h"

struct object_input {
	const char *api_id;
	const char *name;
	int kind;
	int status;
	const char *channels; /* comma separated */
	int64_t created_at, first_sent_at, last_sent_at, stopped_at; /* 0 = unknown */
	int ixd_state; /* IXD_PURGED marks it purged for good; else IXD_NONE */
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

/*
 * SORT_EXPIRES puts objects in this order, reversed by "descending":
 * available with an expiry date (soonest first), available with none
 * (active), kept by a retargeting filter, restoring, expired (earliest
 * first), deleted under the previous policy, no data.  EXPIRY_ORDER_TEXT
 * says it in words for the console and the manual.
 */
#define EXPIRY_ORDER_TEXT "soonest expiry first, then no date (active), kept, restoring, expired, deleted, no data"

enum object_sort {
	SORT_NAME, SORT_KIND, SORT_STATUS, SORT_LAST_SENT, SORT_STATE, SORT_EXPIRES,
	SORT_HOT, SORT_COLD, SORT_TAGS, SORT__COUNT
};

/* Pseudo-states for filtering: expiring (due within the soon window) and kept. */
enum { STATE_FILTER_EXPIRING = 100, STATE_FILTER_KEPT = 101 };

/* One term of the console's filter ("tag:xmas", "!state:expired", "sale"). */
/* TERM_WEEK: available, not kept, and due in the value-th week from the
 * query's `now` (week 1 includes what is already due): the rows of
 * retention/forecast.h, as stored by the last refresh. */
enum term_field { TERM_NAME, TERM_TAG, TERM_STATUS, TERM_STATE, TERM_KIND, TERM_WEEK };
struct query_term {
	enum term_field field;
	bool negate;
	const char *text; /* name substring or tag */
	int value;        /* status, state (or STATE_FILTER_*), kind, week */
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
	int64_t now;           /* for "expiring" and weeks */
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
int storage_tag_id(struct storage *s, const char *name, bool create, int64_t *id);
int storage_list_objects(struct storage *s, const struct object_query *q, struct object_list *out);
int storage_count_objects(struct storage *s, const struct object_query *q, int64_t *count);
void object_row_free(struct object_row *r);
void object_list_free(struct object_list *l);

/* Every id the query matches, in its order (select all, invert). */
int storage_list_ids(struct storage *s, const struct object_query *q, int64_t **ids, int *n);

/* Cheap one-row reads: the IxD state;
 * the cached per-object counts; the job holding it while restoring (0). */
int storage_object_state(struct storage *s, int64_t object_id, int *state);
int storage_object_counts(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold);
int storage_object_restore_job(struct storage *s, int64_t object_id, int64_t *job_id);
/* Whether a protecting reference keeps it (cheap). */
int storage_object_kept(struct storage *s, int64_t object_id, bool *kept);

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
/* The api ids of the objects with exactly this name, sorted. */
int storage_objects_named(struct storage *s, const char *name, char ***api_ids, int *n);

struct workspace_summary {
	int64_t objects, campaigns, canvases;
	int64_t by_state[5];
	int64_t expiring_soon, kept;
	int64_t hot_events, cold_events, users;
	int64_t jobs_active;
};
int storage_summary(struct storage *s, int64_t now, int soon_days, struct workspace_summary *out);

#endif
