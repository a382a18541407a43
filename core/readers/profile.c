#include "readers/profile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "storage/objects.h"
#include "storage/readers.h"
#include "storage/users.h"

/* What one user's events of one object add up to. */
struct received {
	int64_t last_received, last_entered, last_exited;
	int64_t variant_id, variant_ts;
	bool opened_email, opened_push, clicked_email, clicked_in_app, converted, in_control;
	bool labels[5];
	struct step_seen {
		int64_t step_id, last;
	} steps[32];
	int step_count;
};

static void note_step(struct received *r, int64_t step_id, int64_t ts)
{
	for (int i = 0; i < r->step_count; i++)
		if (r->steps[i].step_id == step_id) {
			if (ts > r->steps[i].last)
				r->steps[i].last = ts;
			return;
		}
	if (r->step_count < 32)
		r->steps[r->step_count++] = (struct step_seen){step_id, ts};
}

static void summarise(const struct event *ev, int n, struct received *r)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < n; i++) {
		const struct event *e = &ev[i];
		bool received = event_kind_channel(e->kind) != NULL;
		if (received && e->ts > r->last_received)
			r->last_received = e->ts;
		if (received && e->step_id)
			note_step(r, e->step_id, e->ts);
		/* the variation is the one of the latest message or entry */
		if (e->variant_id && (received || e->kind == EV_ENTERED_CANVAS || e->kind == EV_ENROLLED_CONTROL) &&
		    e->ts >= r->variant_ts)
			r->variant_id = e->variant_id, r->variant_ts = e->ts;
		switch (e->kind) {
		case EV_OPENED_EMAIL: case EV_OPENED_EMAIL_MACHINE: r->opened_email = true; break;
		case EV_OPENED_PUSH: r->opened_push = true; break;
		case EV_CLICKED_EMAIL: r->clicked_email = true; break;
		case EV_CLICKED_IN_APP: case EV_CLICKED_IN_APP_BUTTON: r->clicked_in_app = true; break;
		case EV_CONVERTED:
			r->converted = true;
			if (e->label >= 1 && e->label <= 4)
				r->labels[e->label] = true;
			break;
		case EV_ENROLLED_CONTROL: r->in_control = true; break;
		case EV_ENTERED_CANVAS: if (e->ts > r->last_entered) r->last_entered = e->ts; break;
		case EV_EXITED_CANVAS: if (e->ts > r->last_exited) r->last_exited = e->ts; break;
		default: break;
		}
	}
}

static void json_text(struct buf *b, const char *key, const char *value, bool comma)
{
	buf_printf(b, "%s\"%s\":", comma ? "," : "", key);
	text_json_string(b, value);
}

static int variation(struct storage *s, int64_t variant_id, char *api, char *name)
{
	if (!variant_id) {
		api[0] = name[0] = '\0';
		return 0;
	}
	return storage_part_names(s, false, variant_id, api, 128, name, 256);
}

static int campaign_json(struct storage *s, const struct object_brief *o, const struct received *r,
			 struct buf *b)
{
	char api[128], name[256];
	if (variation(s, r->variant_id, api, name) < 0)
		return -1;
	json_text(b, "name", o->name, false);
	json_text(b, "api_campaign_id", o->api_id, true);
	text_json_time(b, "last_received", r->last_received);
	buf_printf(b, ",\"engaged\":{\"opened_email\":%s,\"opened_push\":%s,\"clicked_email\":%s,"
		      "\"clicked_triggered_in_app_message\":%s},\"converted\":%s,\"multiple_converted\":{",
		   r->opened_email ? "true" : "false", r->opened_push ? "true" : "false",
		   r->clicked_email ? "true" : "false", r->clicked_in_app ? "true" : "false",
		   r->converted ? "true" : "false");
	for (int l = 1, first = 1; l <= 4; l++)
		if (r->labels[l]) {
			buf_printf(b, "%s\"Conversion Event %c\":true", first ? "" : ",", 'A' + l - 1);
			first = 0;
		}
	buf_printf(b, "},\"in_control\":%s", r->in_control ? "true" : "false");
	json_text(b, "variation_name", name, true);
	json_text(b, "variation_api_id", api, true);
	return 0;
}

static int canvas_json(struct storage *s, const struct object_brief *o, const struct received *r,
		       struct buf *b)
{
	char api[128], name[256];
	if (variation(s, r->variant_id, api, name) < 0)
		return -1;
	json_text(b, "name", o->name, false);
	json_text(b, "api_canvas_id", o->api_id, true);
	text_json_time(b, "last_received_message", r->last_received);
	text_json_time(b, "last_entered", r->last_entered);
	text_json_time(b, "last_exited", r->last_exited);
	json_text(b, "variation_name", name, true);
	buf_printf(b, ",\"in_control\":%s,\"steps_received\":[", r->in_control ? "true" : "false");
	for (int i = 0; i < r->step_count; i++) {
		if (storage_part_names(s, true, r->steps[i].step_id, api, sizeof api, name, sizeof name) < 0)
			return -1;
		buf_adds(b, i ? ",{" : "{");
		json_text(b, "name", name, false);
		json_text(b, "api_canvas_step_id", api, true);
		text_json_time(b, "last_received", r->steps[i].last);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
	return 0;
}

/* Calls fn for each available object the user has events of. */
static int each_received(struct storage *s, int64_t user_id,
			 int (*fn)(struct storage *, const struct object_brief *, const struct received *, void *),
			 void *ctx)
{
	struct object_brief *objects;
	int n, rc = 0;
	if (storage_user_available_objects(s, user_id, &objects, &n) < 0)
		return -1;
	for (int i = 0; i < n && rc == 0; i++) {
		struct event *ev;
		int count;
		rc = storage_user_object_events(s, objects[i].id, user_id, &ev, &count);
		if (rc == 0 && count > 0) {
			struct received r;
			summarise(ev, count, &r);
			rc = fn(s, &objects[i], &r, ctx);
		}
		if (rc == 0)
			free(ev);
	}
	object_briefs_free(objects, n);
	return rc;
}

struct json_lists {
	struct buf campaigns, canvases;
};

static int add_json(struct storage *s, const struct object_brief *o, const struct received *r, void *ctx)
{
	struct json_lists *l = ctx;
	struct buf *b = o->kind == KIND_CAMPAIGN ? &l->campaigns : &l->canvases;
	buf_adds(b, b->len ? ",{" : "{");
	int rc = o->kind == KIND_CAMPAIGN ? campaign_json(s, o, r, b) : canvas_json(s, o, r, b);
	buf_addc(b, '}');
	return rc;
}

int profile_json(struct storage *s, int64_t user_id, struct buf *out)
{
	struct user_row u;
	int found = storage_user_get(s, user_id, &u);
	if (found <= 0)
		return -1;
	struct json_lists l = {0};
	int rc = each_received(s, user_id, add_json, &l);
	buf_addc(out, '{');
	json_text(out, "external_id", u.external_id, false);
	json_text(out, "email", u.email ? u.email : "", true);
	json_text(out, "phone", u.phone ? u.phone : "", true);
	buf_printf(out, ",\"email_hard_bounced\":%s,\"marked_email_as_spam\":%s,\"invalid_phone\":%s",
		   u.summary.hard_bounced ? "true" : "false", u.summary.marked_spam ? "true" : "false",
		   u.summary.invalid_phone ? "true" : "false");
	buf_printf(out, ",\"campaigns_received\":[%s],\"canvases_received\":[%s]}",
		   l.campaigns.data ? l.campaigns.data : "", l.canvases.data ? l.canvases.data : "");
	buf_free(&l.campaigns);
	buf_free(&l.canvases);
	user_row_free(&u);
	return rc;
}

static int add_text(struct storage *s, const struct object_brief *o, const struct received *r, void *ctx)
{
	(void)s;
	struct buf *b = ctx;
	char when[16];
	clock_format_date(r->last_received ? r->last_received : r->last_entered, when, sizeof when);
	buf_printf(b, "  %-8s %s  ", object_kind_name(o->kind), r->last_received || r->last_entered ? when : "—         ");
	text_sanitize_terminal(b, o->name);
	buf_adds(b, "  (");
	text_sanitize_terminal(b, o->api_id);
	buf_printf(b, ")%s%s%s\n", r->in_control ? "  [control]" : "", r->converted ? "  [converted]" : "",
		   r->clicked_email || r->clicked_in_app ? "  [clicked]" : "");
	return 0;
}

int profile_text(struct storage *s, int64_t user_id, struct buf *out)
{
	struct user_row u;
	if (storage_user_get(s, user_id, &u) <= 0)
		return -1;
	buf_adds(out, "User ");
	text_sanitize_terminal(out, u.external_id);
	buf_adds(out, "\nCampaigns and Canvas messages received (available interaction data only):\n");
	size_t before = out->len;
	int rc = each_received(s, user_id, add_text, out);
	if (out->len == before)
		buf_adds(out, "  none\n");
	user_row_free(&u);
	return rc;
}

/* ---- the object's CSV ---- */

struct csv_run {
	struct storage *s;
	FILE *out;
	int64_t user_id, variant_id, variant_ts, rows;
	bool in_control, received;
	struct buf line;
};

static int csv_flush_user(struct csv_run *r)
{
	if (!r->user_id)
		return 0;
	struct user_row u;
	if (storage_user_get(r->s, r->user_id, &u) <= 0)
		return -1;
	char api[128], name[256];
	if (variation(r->s, r->variant_id, api, name) < 0) {
		user_row_free(&u);
		return -1;
	}
	const char *cells[] = {u.external_id, u.email ? u.email : "", u.phone ? u.phone : "", name, api,
			       r->in_control ? "true" : "false"};
	buf_reset(&r->line);
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		if (i)
			buf_addc(&r->line, ',');
		text_csv_field(&r->line, cells[i]);
	}
	buf_adds(&r->line, "\r\n");
	fwrite(r->line.data, 1, r->line.len, r->out);
	r->rows++;
	user_row_free(&u);
	return 0;
}

static int csv_event(void *ctx, const struct event *e)
{
	struct csv_run *r = ctx;
	if (e->user_id != r->user_id) {
		if (csv_flush_user(r) < 0)
			return -1;
		r->user_id = e->user_id;
		r->variant_id = r->variant_ts = 0;
		r->in_control = false;
	}
	if (e->kind == EV_ENROLLED_CONTROL)
		r->in_control = true;
	if (e->variant_id && e->ts >= r->variant_ts)
		r->variant_id = e->variant_id, r->variant_ts = e->ts;
	return 0;
}

int profile_object_csv(struct storage *s, const struct object_row *o, FILE *out, int64_t *rows,
		       char *err, size_t errsize)
{
	*rows = 0;
	if (o->state != IXD_AVAILABLE) {
		snprintf(err, errsize, o->state == IXD_EXPIRED ? "its interaction data has expired: restore it first"
				       : o->state == IXD_RESTORING ? "its interaction data is being restored: try when the job is done"
				       : o->state == IXD_PURGED ? "its interaction data was deleted under the previous retention policy"
				       : "it has no interaction data");
		return -1;
	}
	struct csv_run r = {.s = s, .out = out};
	fputs("external_id,email,phone,variation_name,variation_api_id,in_control\r\n", out);
	int rc = storage_object_events_each(s, o->id, csv_event, &r);
	if (rc == 0)
		rc = csv_flush_user(&r);
	buf_free(&r.line);
	*rows = r.rows;
	if (rc < 0)
		snprintf(err, errsize, "%s", storage_error(s));
	return rc;
}
