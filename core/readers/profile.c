#include "readers/profile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/strmap.h"
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

/* Adds one event of the user's to what they received of the object. */
static void receive_event(struct received *r, const struct event *e)
{
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

static void summarise(const struct event *ev, int n, struct received *r)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < n; i++)
		receive_event(r, &ev[i]);
}

static void json_text(struct buf *b, const char *key, const char *value, bool comma)
{
	buf_adds(b, comma ? ",\"" : "\"");
	buf_adds(b, key);
	buf_adds(b, "\":");
	text_json_string(b, value);
}

/* Step and variant names, read once each: an export names the same few
 * parts for thousands of users. */
struct part_name {
	char api[128], name[256];
};

struct part_names {
	struct strmap index; /* (step?, id) -> items[] */
	struct part_name *items;
	int count, cap;
};

static void part_names_free(struct part_names *c)
{
	strmap_free(&c->index);
	free(c->items);
	memset(c, 0, sizeof *c);
}

/* A step's or variant's names ("" for id 0); valid until the next call. */
static const struct part_name *part_name(struct storage *s, struct part_names *c, bool step, int64_t id)
{
	static const struct part_name none = {"", ""};
	if (!id)
		return &none;
	char key[1 + sizeof id];
	key[0] = step;
	memcpy(key + 1, &id, sizeof id);
	int64_t at;
	if (strmap_get(&c->index, key, sizeof key, &at))
		return &c->items[at];
	c->items = array_grow(c->items, c->count, &c->cap, sizeof *c->items);
	struct part_name *p = &c->items[c->count];
	if (storage_part_names(s, step, id, p->api, sizeof p->api, p->name, sizeof p->name) < 0)
		return NULL;
	strmap_put(&c->index, key, sizeof key, c->count++);
	return p;
}

static int campaign_json(struct storage *s, struct part_names *names, const struct object_brief *o,
			 const struct received *r, struct buf *b)
{
	const struct part_name *variant = part_name(s, names, false, r->variant_id);
	if (!variant)
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
	json_text(b, "variation_name", variant->name, true);
	json_text(b, "variation_api_id", variant->api, true);
	return 0;
}

static int canvas_json(struct storage *s, struct part_names *names, const struct object_brief *o,
		       const struct received *r, struct buf *b)
{
	const struct part_name *part = part_name(s, names, false, r->variant_id);
	if (!part)
		return -1;
	json_text(b, "name", o->name, false);
	json_text(b, "api_canvas_id", o->api_id, true);
	text_json_time(b, "last_received_message", r->last_received);
	text_json_time(b, "last_entered", r->last_entered);
	text_json_time(b, "last_exited", r->last_exited);
	json_text(b, "variation_name", part->name, true);
	buf_printf(b, ",\"in_control\":%s,\"steps_received\":[", r->in_control ? "true" : "false");
	for (int i = 0; i < r->step_count; i++) {
		if (!(part = part_name(s, names, true, r->steps[i].step_id)))
			return -1;
		buf_adds(b, i ? ",{" : "{");
		json_text(b, "name", part->name, false);
		json_text(b, "api_canvas_step_id", part->api, true);
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
	struct part_names *names;
};

static int add_json(struct storage *s, const struct object_brief *o, const struct received *r, void *ctx)
{
	struct json_lists *l = ctx;
	struct buf *b = o->kind == KIND_CAMPAIGN ? &l->campaigns : &l->canvases;
	buf_adds(b, b->len ? ",{" : "{");
	int rc = o->kind == KIND_CAMPAIGN ? campaign_json(s, l->names, o, r, b) : canvas_json(s, l->names, o, r, b);
	buf_addc(b, '}');
	return rc;
}

/* The user's JSON object around the lists of what they received. */
static int user_json(struct storage *s, int64_t user_id, struct json_lists *l, struct buf *out)
{
	struct user_row u;
	if (storage_user_get(s, user_id, &u) <= 0) {
		buf_free(&l->campaigns);
		buf_free(&l->canvases);
		return -1;
	}
	buf_addc(out, '{');
	json_text(out, "external_id", u.external_id, false);
	json_text(out, "email", u.email ? u.email : "", true);
	json_text(out, "phone", u.phone ? u.phone : "", true);
	buf_printf(out, ",\"email_hard_bounced\":%s,\"marked_email_as_spam\":%s,\"invalid_phone\":%s",
		   u.summary.hard_bounced ? "true" : "false", u.summary.marked_spam ? "true" : "false",
		   u.summary.invalid_phone ? "true" : "false");
	buf_printf(out, ",\"campaigns_received\":[%s],\"canvases_received\":[%s]}",
		   l->campaigns.data ? l->campaigns.data : "", l->canvases.data ? l->canvases.data : "");
	buf_free(&l->campaigns);
	buf_free(&l->canvases);
	user_row_free(&u);
	return 0;
}

int profile_json(struct storage *s, int64_t user_id, struct buf *out)
{
	struct part_names names = {0};
	struct json_lists l = {.names = &names};
	int rc = each_received(s, user_id, add_json, &l);
	if (user_json(s, user_id, &l, out) < 0)
		rc = -1;
	part_names_free(&names);
	return rc;
}

/* ---- many users, read object by object ---- */

/*
 * A per-user export seeks once per (user, object) pair in a table keyed
 * by object: tens of seeks a user.  profile_export() takes the users in
 * batches of consecutive ids instead and reads, for each object any of
 * them has, the one key range of its events that holds the batch's users:
 * a sequential read.  Where a batch's users are a thin share of that range
 * (a sparse segment), seeking their pairs costs less, and it does that.
 * Memory is bounded by the batch, whatever the number of users.
 */
#define EXPORT_BATCH 512
#define SEEK_COST 32 /* a seek costs about as much as reading this many events in order */

struct pair {
	const struct object_brief *o;
	struct received r;
	bool seen;
};

struct pair_key {
	int64_t object_id, user_id;
	int pair;
};

static int by_object_then_user(const void *a, const void *b)
{
	const struct pair_key *x = a, *y = b;
	if (x->object_id != y->object_id)
		return x->object_id < y->object_id ? -1 : 1;
	return (x->user_id > y->user_id) - (x->user_id < y->user_id);
}

/* Events of one object's range, handed to the pairs of the batch. */
struct range_read {
	struct pair *pairs;
	const struct pair_key *keys; /* this object's, by user */
	int count, at;
};

static int range_event(void *ctx, const struct event *e)
{
	struct range_read *r = ctx;
	while (r->at < r->count && r->keys[r->at].user_id < e->user_id)
		r->at++;
	if (r->at < r->count && r->keys[r->at].user_id == e->user_id) {
		struct pair *p = &r->pairs[r->keys[r->at].pair];
		receive_event(&p->r, e);
		p->seen = true;
	}
	return 0;
}

/* Reads the events of one object's pairs (keys[0..n), one object, by user). */
static int read_object(struct storage *s, struct pair *pairs, const struct pair_key *keys, int n, int64_t max_user)
{
	int64_t first = keys[0].user_id, last = keys[n - 1].user_id;
	double in_range = (double)pairs[keys[0].pair].o->hot_events * (double)(last - first + 1) /
			  (double)(max_user > 0 ? max_user : 1);
	if ((double)n * SEEK_COST >= in_range) {
		struct range_read r = {pairs, keys, n, 0};
		return storage_object_events_each(s, keys[0].object_id, first, last, range_event, &r);
	}
	for (int i = 0; i < n; i++) {
		struct event *ev;
		int count;
		if (storage_user_object_events(s, keys[i].object_id, keys[i].user_id, &ev, &count) < 0)
			return -1;
		struct pair *p = &pairs[keys[i].pair];
		summarise(ev, count, &p->r);
		p->seen = count > 0;
		free(ev);
	}
	return 0;
}

/* The available objects of the batch's users, by user then kind and name:
 * one range of user_objects when the users are most of their id range,
 * else user by user (a sparse segment's range holds mostly other users). */
static int batch_briefs(struct storage *s, const int64_t *ids, int n, struct object_brief **out, int *count)
{
	if (ids[n - 1] - ids[0] + 1 <= 4 * (int64_t)n)
		return storage_users_available_objects(s, ids[0], ids[n - 1], out, count);
	*out = NULL;
	*count = 0;
	int cap = 0;
	for (int u = 0; u < n; u++) {
		struct object_brief *one;
		int k;
		if (storage_user_available_objects(s, ids[u], &one, &k) < 0) {
			object_briefs_free(*out, *count);
			return -1;
		}
		for (int i = 0; i < k; i++) {
			*out = array_grow(*out, *count, &cap, sizeof **out);
			(*out)[(*count)++] = one[i]; /* the strings move over */
		}
		free(one);
	}
	return 0;
}

/* One batch: ids ascending.  Emits a line per user, in order. */
static int export_batch(struct storage *s, struct part_names *names, const int64_t *ids, int n,
			int64_t max_user, int (*emit)(void *ctx, const struct buf *line), void *ctx)
{
	struct object_brief *briefs;
	int nb;
	if (batch_briefs(s, ids, n, &briefs, &nb) < 0)
		return -1;
	/* the batch's users' pairs, in the briefs' order (user, kind, name) */
	struct pair *pairs = calloc((size_t)nb + 1, sizeof *pairs);
	struct pair_key *keys = calloc((size_t)nb + 1, sizeof *keys);
	int *first = calloc((size_t)n + 1, sizeof *first); /* each user's first pair */
	if (!pairs || !keys || !first)
		abort();
	int np = 0;
	for (int i = 0, u = 0; u < n; u++) {
		while (i < nb && briefs[i].user_id < ids[u])
			i++;
		first[u] = np;
		for (; i < nb && briefs[i].user_id == ids[u]; i++) {
			keys[np] = (struct pair_key){briefs[i].id, ids[u], np};
			pairs[np++].o = &briefs[i];
		}
	}
	first[n] = np;
	qsort(keys, (size_t)np, sizeof *keys, by_object_then_user);
	int rc = 0;
	for (int i = 0, j; i < np && rc == 0; i = j) {
		for (j = i; j < np && keys[j].object_id == keys[i].object_id; j++)
			;
		rc = read_object(s, pairs, keys + i, j - i, max_user);
	}
	struct buf line = {0};
	for (int u = 0; u < n && rc == 0; u++) {
		struct json_lists l = {.names = names};
		for (int k = first[u]; k < first[u + 1] && rc == 0; k++)
			if (pairs[k].seen)
				rc = add_json(s, pairs[k].o, &pairs[k].r, &l);
		buf_reset(&line);
		if (rc == 0 && user_json(s, ids[u], &l, &line) < 0)
			rc = -1;
		buf_free(&l.campaigns);
		buf_free(&l.canvases);
		if (rc == 0)
			rc = emit(ctx, &line);
	}
	buf_free(&line);
	free(first);
	free(keys);
	free(pairs);
	object_briefs_free(briefs, nb);
	return rc;
}

int profile_export(struct storage *s, const int64_t *ids, int n,
		   int (*emit)(void *ctx, const struct buf *line), void *ctx)
{
	int64_t max_user;
	if (storage_user_id_max(s, &max_user) < 0)
		return -1;
	struct part_names names = {0};
	int rc = 0;
	for (int at = 0, end; at < n; at = end) {
		/* a batch is ascending: ids out of order (as given) go in batches of their own */
		for (end = at + 1; end < n && end - at < EXPORT_BATCH && ids[end] > ids[end - 1]; end++)
			;
		/* one snapshot a batch: each user whole and consistent, one lock
		 * taken a batch instead of one a query, and no snapshot held for
		 * the whole export (a writer's checkpoint waits for none) */
		if ((rc = storage_begin_read(s)) < 0)
			break;
		rc = export_batch(s, &names, ids + at, end - at, max_user, emit, ctx);
		storage_rollback(s);
		if (rc < 0)
			break;
	}
	part_names_free(&names);
	return rc < 0 ? -1 : 0;
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
	struct part_names names;
};

static int csv_flush_user(struct csv_run *r)
{
	if (!r->user_id)
		return 0;
	struct user_row u;
	if (storage_user_get(r->s, r->user_id, &u) <= 0)
		return -1;
	const struct part_name *variant = part_name(r->s, &r->names, false, r->variant_id);
	if (!variant) {
		user_row_free(&u);
		return -1;
	}
	const char *cells[] = {u.external_id, u.email ? u.email : "", u.phone ? u.phone : "", variant->name, variant->api,
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
	int rc = storage_object_events_each(s, o->id, INT64_MIN, INT64_MAX, csv_event, &r);
	if (rc == 0)
		rc = csv_flush_user(&r);
	buf_free(&r.line);
	part_names_free(&r.names);
	*rows = r.rows;
	if (rc < 0)
		snprintf(err, errsize, "%s", storage_error(s));
	return rc;
}
