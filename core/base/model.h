/*
 * model — the words of the domain (SPEC §1, §3, §4.1, restore jobs) as C
 * enums with their names, and who acts.
 *
 * The numeric values are stored in the database: append, never renumber.
 */
#ifndef THAW_MODEL_H
#define THAW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum object_kind { KIND_CAMPAIGN, KIND_CANVAS, KIND__COUNT };

enum object_status {
	STATUS_DRAFT, STATUS_ACTIVE, STATUS_IDLE, STATUS_STOPPED, STATUS_ARCHIVED,
	STATUS__COUNT
};

enum ixd_state {
	IXD_NONE, IXD_AVAILABLE, IXD_EXPIRED, IXD_RESTORING, IXD_PURGED, IXD__COUNT
};

/* Interaction event kinds (SPEC §3); `received` is one kind per channel. */
enum event_kind {
	EV_RECEIVED_EMAIL, EV_RECEIVED_PUSH, EV_RECEIVED_SMS, EV_RECEIVED_WEBHOOK,
	EV_RECEIVED_WHATSAPP, EV_RECEIVED_IN_APP, EV_RECEIVED_CONTENT_CARD,
	EV_OPENED_EMAIL, EV_OPENED_EMAIL_MACHINE, EV_CLICKED_EMAIL, EV_OPENED_PUSH,
	EV_VIEWED_IN_APP, EV_CLICKED_IN_APP, EV_CLICKED_IN_APP_BUTTON,
	EV_VIEWED_CARD, EV_CLICKED_CARD, EV_DISMISSED_CARD, EV_REPLIED_SMS,
	EV_CLICKED_SMS_LINK, EV_READ_WHATSAPP, EV_CLICKED_WHATSAPP, EV_CONVERTED,
	EV_ENROLLED_CONTROL, EV_ENTERED_CANVAS, EV_EXITED_CANVAS,
	EV__COUNT
};

/* Retargeting filter kinds (SPEC §4.1): A = specific object, B = by tag. */
enum filter_kind {
	/* A — these protect their target */
	F_RECEIVED_CAMPAIGN, F_RECEIVED_CAMPAIGN_VARIANT, F_RECEIVED_CANVAS_STEP,
	F_LAST_RECEIVED_CAMPAIGN, F_LAST_RECEIVED_CANVAS_STEP,
	F_CLICKED_OPENED_CAMPAIGN, F_CLICKED_OPENED_STEP,
	F_CLICKED_ALIAS_CAMPAIGN, F_CLICKED_ALIAS_STEP,
	F_CONVERTED_CAMPAIGN, F_CONVERTED_CANVAS,
	F_IN_CAMPAIGN_CONTROL, F_IN_CANVAS_CONTROL, F_ENTERED_CANVAS_VARIATION,
	/* B — by tag, never protect */
	F_RECEIVED_TAG, F_CLICKED_OPENED_TAG, F_LAST_RECEIVED_TAG,
	F__COUNT
};

#define F__SPECIFIC_COUNT F_RECEIVED_TAG

/* A restore job's life, and what became of each object it was asked for. */
enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_CANCELLED, JOB_FAILED, JOB__COUNT };
enum item_outcome {
	ITEM_PENDING, ITEM_RESTORED, ITEM_SKIPPED_NOT_EXPIRED, ITEM_SKIPPED_BUSY,
	ITEM_SKIPPED_PURGED, ITEM_SKIPPED_NO_DATA, ITEM_CANCELLED, ITEM_SKIPPED_KEPT, ITEM_FAILED_DAMAGED,
	ITEM__COUNT
};

/* Where a job's end is told: the outbox's channels (mail/, notify/). */
enum notify_channel { CHANNEL_MAIL, CHANNEL_WEBHOOK, CHANNEL_COMMAND, CHANNEL__COUNT };

/* One interaction event; ids are row ids (0 = absent). */
struct event {
	int64_t object_id;
	int64_t user_id;
	int64_t ts;
	int kind; /* enum event_kind */
	int64_t step_id;
	int64_t variant_id;
	int64_t alias_id;
	int label; /* conversion label 1..4 = A..D, 0 = none */
};

/* Orders events by the hot table's key (object, user, ts, kind, ...). */
int event_compare(const void *a, const void *b);
/* Sorts events in that order: what qsort with event_compare does, in
 * about half the time (imports sort every batch of events). */
void event_sort(struct event *ev, size_t n);

/* Who asked for an action, for jobs and the audit log. */
struct actor {
	const char *name;       /* operator (OS user) */
	const char *ssh_client; /* address from $SSH_CLIENT, or NULL */
};

const char *object_kind_name(int kind);
const char *object_status_name(int status);
const char *ixd_state_name(int state);
const char *filter_kind_name(int kind);
const char *job_state_name(int state);
const char *item_outcome_name(int outcome);
const char *notify_channel_name(int channel);

/* Name → value; -1 when unknown.  Case-sensitive, as stored in files. */
int object_kind_parse(const char *name);
int object_status_parse(const char *name);
int ixd_state_parse(const char *name);
int event_kind_parse(const char *name);
int event_kind_parse_n(const char *name, int len);
int filter_kind_parse(const char *name);

/* Active or idle: the object still sends, its data never expires. */
bool status_is_active(int status);
bool filter_kind_is_specific(int kind);

/* Which channel a `received_*` kind is for (email, push...), or NULL. */
const char *event_kind_channel(int kind);

#endif
