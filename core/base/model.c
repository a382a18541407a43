#include "base/model.h"

#include <string.h>

#include "base/sort.h"

static const char *const kind_names[KIND__COUNT] = {"campaign", "canvas"};

static const char *const status_names[STATUS__COUNT] = {
	"draft", "active", "idle", "stopped", "archived"};

static const char *const state_names[IXD__COUNT] = {
	"none", "available", "expired", "restoring", "purged"};

static const char *const event_names[EV__COUNT] = {
	"received_email", "received_push", "received_sms", "received_webhook",
	"received_whatsapp", "received_in_app", "received_content_card",
	"opened_email", "opened_email_machine", "clicked_email", "opened_push",
	"viewed_in_app", "clicked_in_app", "clicked_in_app_button",
	"viewed_card", "clicked_card", "dismissed_card", "replied_sms",
	"clicked_sms_link", "read_whatsapp", "clicked_whatsapp", "converted",
	"enrolled_control", "entered_canvas", "exited_canvas"};

static const char *const filter_names[F__COUNT] = {
	"received_campaign", "received_campaign_variant", "received_canvas_step",
	"last_received_campaign", "last_received_canvas_step",
	"clicked_opened_campaign", "clicked_opened_step",
	"clicked_alias_campaign", "clicked_alias_step",
	"converted_campaign", "converted_canvas",
	"in_campaign_control", "in_canvas_control", "entered_canvas_variation",
	"received_tag", "clicked_opened_tag", "last_received_tag"};

static const char *const job_state_names[JOB__COUNT] = {
	"queued", "running", "done", "cancelled", "failed"};

static const char *const outcome_names[ITEM__COUNT] = {
	"pending", "restored", "not expired", "already being restored",
	"deleted under the previous policy", "no interaction data", "cancelled",
	"not expired: kept by a reference", "failed: its cold data is damaged (see thaw check)"};

static const char *const channel_names[CHANNEL__COUNT] = {"mail", "webhook", "command"};

static const char *name_of(const char *const *names, int count, int v)
{
	return v >= 0 && v < count ? names[v] : "?";
}

static int parse_n(const char *const *names, int count, const char *s, int len)
{
	for (int i = 0; i < count; i++)
		if ((int)strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}

const char *object_kind_name(int v) { return name_of(kind_names, KIND__COUNT, v); }
const char *object_status_name(int v) { return name_of(status_names, STATUS__COUNT, v); }
const char *ixd_state_name(int v) { return name_of(state_names, IXD__COUNT, v); }
const char *filter_kind_name(int v) { return name_of(filter_names, F__COUNT, v); }
const char *job_state_name(int v) { return name_of(job_state_names, JOB__COUNT, v); }
const char *item_outcome_name(int v) { return name_of(outcome_names, ITEM__COUNT, v); }
const char *notify_channel_name(int v) { return name_of(channel_names, CHANNEL__COUNT, v); }

int object_kind_parse(const char *s) { return parse_n(kind_names, KIND__COUNT, s, strlen(s)); }
int object_status_parse(const char *s) { return parse_n(status_names, STATUS__COUNT, s, strlen(s)); }
int ixd_state_parse(const char *s) { return parse_n(state_names, IXD__COUNT, s, strlen(s)); }
int event_kind_parse(const char *s) { return parse_n(event_names, EV__COUNT, s, strlen(s)); }
int event_kind_parse_n(const char *s, int len) { return parse_n(event_names, EV__COUNT, s, len); }
int filter_kind_parse(const char *s) { return parse_n(filter_names, F__COUNT, s, strlen(s)); }

bool status_is_active(int s) { return s == STATUS_ACTIVE || s == STATUS_IDLE; }
bool filter_kind_is_specific(int k) { return k >= 0 && k < F__SPECIFIC_COUNT; }

const char *event_kind_channel(int kind)
{
	static const char *const channels[] = {
		"email", "push", "sms", "webhook", "whatsapp", "in_app", "content_card"};
	return kind >= EV_RECEIVED_EMAIL && kind <= EV_RECEIVED_CONTENT_CARD
		       ? channels[kind - EV_RECEIVED_EMAIL] : NULL;
}

#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

/* The hot table's key order (object, user, ts, kind, ...): the one
 * ordering of events, inlined by the sort below. */
static inline int event_order(const struct event *a, const struct event *b)
{
	int c;
	if ((c = CMP(a->object_id, b->object_id)) || (c = CMP(a->user_id, b->user_id)) ||
	    (c = CMP(a->ts, b->ts)) || (c = CMP(a->kind, b->kind)) ||
	    (c = CMP(a->step_id, b->step_id)) || (c = CMP(a->variant_id, b->variant_id)) ||
	    (c = CMP(a->alias_id, b->alias_id)))
		return c;
	return CMP(a->label, b->label);
}

int event_compare(const void *a, const void *b)
{
	return event_order(a, b);
}

static inline bool event_after(const struct event *a, const struct event *b)
{
	return event_order(a, b) > 0;
}

SORT_DEFINE(sort_events, struct event, event_after)

void event_sort(struct event *ev, size_t n)
{
	sort_events(ev, n);
}
