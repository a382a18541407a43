#include "readers/profile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/strmap.h"
#include "storage/objects.h"
#include "storage/pairmarks.h"
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

/* `before` (a key and its colon), then true or false. */
static void json_bool(struct buf *b, const char *before, bool value)
{
	buf_adds(b, before);
	buf_adds(b, value ? "true" : "false");
}

/* Step and variant names, read once each: an export names the same few
 * parts for thousands of users.  Their JSON strings are escaped once too. */
struct part_name {
	char api[128], name[256];
	struct buf api_json, name_json;
};

/* Ids below this (all, in practice: they count from 1) find their part
 * through an array; others through a map. */
#define PART_DIRECT (1 << 22)

struct part_names {
	int *direct[2];    /* [step?][id] -> 1 + index in items, 0 = not read yet */
	int direct_cap[2];
	struct strmap index; /* (step?, id) -> items[], for the rest */
	struct part_name *items;
	int count, cap;
};

static void part_names_free(struct part_names *c)
{
	for (int i = 0; i < c->count; i++) {
		buf_free(&c->items[i].api_json);
		buf_free(&c->items[i].name_json);
	}
	free(c->direct[0]);
	free(c->direct[1]);
	strmap_free(&c->index);
	free(c->items);
	memset(c, 0, sizeof *c);
}

/* Where a part's index in items is kept (NULL: in the map). */
static int *part_slot(struct part_names *c, bool step, int64_t id)
{
	if (id >= PART_DIRECT)
		return NULL;
	int *cap = &c->direct_cap[step];
	if (id >= *cap) {
		int grown = *cap ? *cap : 1024;
		while (grown <= id)
			grown *= 2;
		c->direct[step] = realloc(c->direct[step], (size_t)grown * sizeof *c->direct[step]);
		if (!c->direct[step])
			abort();
		memset(c->direct[step] + *cap, 0, (size_t)(grown - *cap) * sizeof *c->direct[step]);
		*cap = grown;
	}
	return &c->direct[step][id];
}

/* A step's or variant's names ("" for id 0); valid until the next call. */
static const struct part_name *part_name(struct storage *s, struct part_names *c, bool step, int64_t id)
{
	static const struct part_name none = {"", "", {"\"\"", 2, 0}, {"\"\"", 2, 0}};
	if (!id)
		return &none;
	int *slot = part_slot(c, step, id);
	char key[1 + sizeof id];
	key[0] = step;
	memcpy(key + 1, &id, sizeof id);
	int64_t at;
	if (slot ? *slot > 0 : strmap_get(&c->index, key, sizeof key, &at))
		return &c->items[slot ? *slot - 1 : at];
	c->items = array_grow(c->items, c->count, &c->cap, sizeof *c->items);
	struct part_name *p = &c->items[c->count];
	memset(p, 0, sizeof *p);
	if (storage_part_names(s, step, id, p->api, sizeof p->api, p->name, sizeof p->name) < 0)
		return NULL;
	text_json_string(&p->api_json, p->api);
	text_json_string(&p->name_json, p->name);
	if (slot)
		*slot = ++c->count;
	else
		strmap_put(&c->index, key, sizeof key, c->count++);
	return p;
}

/* A key and a JSON string escaped already. */
static void json_escaped(struct buf *b, const char *key, const struct buf *value, bool comma)
{
	buf_adds(b, comma ? ",\"" : "\"");
	buf_adds(b, key);
	buf_adds(b, "\":");
	buf_add(b, value->data, value->len);
}

static int campaign_json(struct storage *s, struct part_names *names, const struct received_row *o,
			 const struct received *r, struct buf *b)
{
	const struct part_name *variant = part_name(s, names, false, r->variant_id);
	if (!variant)
		return -1;
	json_text(b, "name", o->name, false);
	json_text(b, "api_campaign_id", o->api_id, true);
	text_json_time(b, "last_received", r->last_received);
	json_bool(b, ",\"engaged\":{\"opened_email\":", r->opened_email);
	json_bool(b, ",\"opened_push\":", r->opened_push);
	json_bool(b, ",\"clicked_email\":", r->clicked_email);
	json_bool(b, ",\"clicked_triggered_in_app_message\":", r->clicked_in_app);
	json_bool(b, "},\"converted\":", r->converted);
	buf_adds(b, ",\"multiple_converted\":{");
	for (int l = 1, first = 1; l <= 4; l++)
		if (r->labels[l]) {
			buf_adds(b, first ? "\"Conversion Event " : ",\"Conversion Event ");
			buf_addc(b, (char)('A' + l - 1));
			buf_adds(b, "\":true");
			first = 0;
		}
	json_bool(b, "},\"in_control\":", r->in_control);
	json_escaped(b, "variation_name", &variant->name_json, true);
	json_escaped(b, "variation_api_id", &variant->api_json, true);
	return 0;
}

static int canvas_json(struct storage *s, struct part_names *names, const struct received_row *o,
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
	json_escaped(b, "variation_name", &part->name_json, true);
	json_bool(b, ",\"in_control\":", r->in_control);
	buf_adds(b, ",\"steps_received\":[");
	for (int i = 0; i < r->step_count; i++) {
		if (!(part = part_name(s, names, true, r->steps[i].step_id)))
			return -1;
		buf_adds(b, i ? ",{" : "{");
		json_escaped(b, "name", &part->name_json, false);
		json_escaped(b, "api_canvas_step_id", &part->api_json, true);
		text_json_time(b, "last_received", r->steps[i].last);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
	return 0;
}

/*
 * What users received, read from each pair's marks (storage/pairmarks.h):
 * the events they stand for summarise to what the user's own events do,
 * and a user's pairs are one range of a table keyed by user, so a profile
 * or an export never seeks into the objects' events.
 */
typedef int received_fn(struct storage *s, const struct received_row *o, const struct received *r, void *ctx);

struct receiving {
	struct storage *s;
	received_fn *fn;
	void *ctx;
	struct event *ev;
	int ev_cap;
};

static int receive_row(void *ctx, const struct received_row *row)
{
	struct receiving *w = ctx;
	int n = pairmarks_events(row->marks, row->mark_count, row->object_id, row->user_id, &w->ev, &w->ev_cap);
	if (n == 0)
		return 0;
	struct received r;
	summarise(w->ev, n, &r);
	return w->fn(w->s, row, &r, w->ctx);
}

/* Calls fn for each available object each user in [first, last] has
 * events of, by user, then kind and name. */
static int each_received(struct storage *s, int64_t first, int64_t last, received_fn *fn, void *ctx)
{
	struct receiving w = {s, fn, ctx, NULL, 0};
	int rc = storage_users_received_each(s, first, last, receive_row, &w);
	free(w.ev);
	return rc;
}

/*
 * One user's JSON object, written into `out` as their rows come: the
 * storage hands a user's campaigns before their Canvases (rows come by
 * kind), so each list is written in place instead of gathered and copied.
 */
struct user_line {
	struct buf *out;
	struct part_names *names;
	int64_t user_id; /* whose object is open, 0 = none */
	int kind;        /* the list open */
	bool empty;      /* it has no item yet */
};

static int line_open(struct storage *s, struct user_line *l, int64_t user_id)
{
	struct user_row u;
	if (storage_user_get(s, user_id, &u) <= 0)
		return -1;
	struct buf *out = l->out;
	buf_addc(out, '{');
	json_text(out, "external_id", u.external_id, false);
	json_text(out, "email", u.email ? u.email : "", true);
	json_text(out, "phone", u.phone ? u.phone : "", true);
	json_bool(out, ",\"email_hard_bounced\":", u.summary.hard_bounced);
	json_bool(out, ",\"marked_email_as_spam\":", u.summary.marked_spam);
	json_bool(out, ",\"invalid_phone\":", u.summary.invalid_phone);
	buf_adds(out, ",\"campaigns_received\":[");
	user_row_free(&u);
	l->user_id = user_id;
	l->kind = KIND_CAMPAIGN;
	l->empty = true;
	return 0;
}

static void line_close(struct user_line *l)
{
	buf_adds(l->out, l->kind == KIND_CAMPAIGN ? "],\"canvases_received\":[]}" : "]}");
	l->user_id = 0;
}

/* Adds what the user received of one object to their open object. */
static int line_add(struct storage *s, const struct received_row *o, const struct received *r, void *ctx)
{
	struct user_line *l = ctx;
	if (l->user_id != o->user_id && line_open(s, l, o->user_id) < 0)
		return -1;
	if (o->kind != l->kind) {
		buf_adds(l->out, "],\"canvases_received\":[");
		l->kind = o->kind;
		l->empty = true;
	}
	buf_adds(l->out, l->empty ? "{" : ",{");
	l->empty = false;
	int rc = o->kind == KIND_CAMPAIGN ? campaign_json(s, l->names, o, r, l->out)
					  : canvas_json(s, l->names, o, r, l->out);
	buf_addc(l->out, '}');
	return rc;
}

int profile_json(struct storage *s, int64_t user_id, struct buf *out)
{
	struct part_names names = {0};
	struct user_line l = {.out = out, .names = &names};
	int rc = each_received(s, user_id, user_id, line_add, &l);
	if (rc == 0 && l.user_id == 0)
		rc = line_open(s, &l, user_id); /* nothing received */
	if (rc == 0)
		line_close(&l);
	part_names_free(&names);
	return rc;
}

/* ---- many users ---- */

/*
 * An export takes the users in batches of ascending ids, one snapshot a
 * batch.  A batch whose users are most of their id range reads that range
 * of user_objects once; a sparse one (a thin segment) reads each user's.
 * Memory is bounded by the batch, whatever the number of users.
 */
#define EXPORT_BATCH 512

struct export_batch {
	const int64_t *ids;
	int n, next;   /* ids[next] is the next user to write */
	struct user_line l;
	int (*emit)(void *ctx, const struct buf *line);
	void *ctx;
};

/* Writes the batch's users before `upto`: the one whose object is open,
 * and those who received nothing available. */
static int write_users_before(struct storage *s, struct export_batch *b, int64_t upto)
{
	int rc = 0;
	while (rc == 0 && b->next < b->n && b->ids[b->next] < upto) {
		int64_t id = b->ids[b->next++];
		if (b->l.user_id != id)
			rc = line_open(s, &b->l, id);
		if (rc == 0) {
			line_close(&b->l);
			rc = b->emit(b->ctx, b->l.out);
		}
		buf_reset(b->l.out);
	}
	return rc;
}

static int export_received(struct storage *s, const struct received_row *o, const struct received *r, void *ctx)
{
	struct export_batch *b = ctx;
	int rc = write_users_before(s, b, o->user_id);
	if (rc != 0 || b->next >= b->n || b->ids[b->next] != o->user_id)
		return rc; /* a user of the range outside the segment */
	return line_add(s, o, r, &b->l);
}

static int export_batch(struct storage *s, struct export_batch *b)
{
	int rc = 0;
	if (b->ids[b->n - 1] - b->ids[0] + 1 <= 4 * (int64_t)b->n)
		rc = each_received(s, b->ids[0], b->ids[b->n - 1], export_received, b);
	else
		for (int u = 0; u < b->n && rc == 0; u++)
			rc = each_received(s, b->ids[u], b->ids[u], export_received, b);
	return rc == 0 ? write_users_before(s, b, INT64_MAX) : rc;
}

int profile_export(struct storage *s, const int64_t *ids, int n,
		   int (*emit)(void *ctx, const struct buf *line), void *ctx)
{
	struct part_names names = {0};
	struct buf line = {0};
	struct export_batch b = {.l = {.out = &line, .names = &names}, .emit = emit, .ctx = ctx};
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
		b.ids = ids + at;
		b.n = end - at;
		b.next = 0;
		b.l.user_id = 0;
		buf_reset(&line);
		rc = export_batch(s, &b);
		storage_rollback(s);
		if (rc < 0)
			break;
	}
	buf_free(&line);
	part_names_free(&names);
	return rc < 0 ? -1 : 0;
}

static int add_text(struct storage *s, const struct received_row *o, const struct received *r, void *ctx)
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
	int rc = each_received(s, user_id, user_id, add_text, out);
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
