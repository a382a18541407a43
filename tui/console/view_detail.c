/*
 * view_detail.c — one object: a banner when its data is not available,
 * then its state, expiry and why, dates, setup, counts and restore history.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/outfile.h"
#include "base/text.h"
#include "console/dialog.h"
#include "console/lines.h"
#include "console/view.h"
#include "present.h"
#include "readers/profile.h"
#include "storage/analytics.h"
#include "storage/jobs.h"
#include "storage/objects.h"
#include "storage/setup.h"

struct detail {
	struct object_row row;
	struct object_detail parts;
	struct object_analytics analytics;
	struct job_row *restores;
	int restore_count;
	struct lines lines; /* built again at each draw, wrapped to the width */
};

static void detail_done(void *state)
{
	struct detail *d = state;
	object_row_free(&d->row);
	object_detail_free(&d->parts);
	object_analytics_free(&d->analytics);
	job_rows_free(d->restores, d->restore_count);
	d->restores = NULL;
	d->restore_count = 0;
	lines_clear(&d->lines);
}

static void detail_enter(struct console *c, void *state)
{
	(void)c;
	((struct detail *)state)->lines.scroll = 0;
}

static void detail_reload(struct console *c, void *state)
{
	struct detail *d = state;
	int64_t id = c->shown_object;
	struct object_row row;
	int found = storage_object_get(c->s, id, &row);
	if (found <= 0) {
		console_flash(c, ST_WARNING, "that object is gone");
		console_show(c, VIEW_LIST);
		return;
	}
	detail_done(d);
	d->row = row;
	storage_object_detail(c->s, id, &d->parts);
	storage_object_analytics(c->s, id, &d->analytics);
	storage_object_restores(c->s, id, &d->restores, &d->restore_count);
}

/* A line of the object's text, continued under its start when it wraps. */
static void add(struct lines *l, int style, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(struct lines *l, int style, const char *fmt, ...)
{
	struct buf text = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&text, fmt, ap);
	va_end(ap);
	const char *t = text.data ? text.data : "";
	lines_add(l, style, (int)strspn(t, " ") + 2, "%s", t);
	buf_free(&text);
}

/* "  label        value": a wrapped value continues under the value. */
#define FIELD_INDENT 15
static void field(struct lines *l, int style, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void field(struct lines *l, int style, const char *label, const char *fmt, ...)
{
	struct buf value = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&value, fmt, ap);
	va_end(ap);
	lines_add(l, style, FIELD_INDENT, "  %-*s%s", FIELD_INDENT - 2, label, value.data ? value.data : "");
	buf_free(&value);
}

static void banner(struct console *c, const struct object_row *o, struct lines *l)
{
	char date[16], keys[32];
	keymap_keys_text(&c->keys, ACT_RESTORE, keys, sizeof keys);
	if (o->state == IXD_EXPIRED) {
		present_date(o->expired_at, date, sizeof date);
		lines_add(l, ST_ALERT, 3, " ! Interaction data expired on %s. Retargeting filters, user profiles"
			  " and exports leave it out. Press %s to restore it.", date, keys);
	} else if (o->state == IXD_RESTORING) {
		int pct = o->restore_total ? (int)(o->restore_done * 100 / o->restore_total) : 0;
		lines_add(l, ST_BANNER, 3, " ~ Being restored by job %lld: %d%% (%s of %s). Filters,"
			  " profiles and exports see it once the restore is done.", (long long)o->restore_job, pct,
			  COUNT(o->restore_done), COUNTED(o->restore_total, "event", "events"));
	} else if (o->state == IXD_PURGED) {
		lines_add(l, ST_ALERT, 3, " x Interaction data deleted under the previous retention policy (nothing"
			  " sent for 25 months, no active retargeting use). It cannot be restored or used in new filters.");
	}
}

static void parts(struct lines *l, const char *title, const struct named_item *items, int n, bool variants)
{
	if (n == 0)
		return;
	add(l, ST_LABEL, "%s", title);
	for (int i = 0; i < n; i++)
		add(l, ST_NORMAL, "  %s%s%s%s%s", items[i].name, items[i].api_id[0] ? "  (" : "",
		    items[i].api_id, items[i].api_id[0] ? ")" : "", variants && items[i].flag ? "  [control group]" : "");
}

static void build(struct console *c, const struct detail *dt, struct lines *l)
{
	const struct object_row *o = &dt->row;
	int64_t now = console_now(c);
	int months = c->o->config->policy.expire_after_months;
	char expiry[256], why[512], d[5][16], hot[32], cold[32];
	banner(c, o, l);
	add(l, ST_LABEL, "%s", o->name);
	present_expiry(o, now, expiry, sizeof expiry);
	present_why(o, now, months, why, sizeof why);
	field(l, ST_NORMAL, "api id", "%s", o->api_id);
	field(l, ST_NORMAL, "kind", "%s        status  %s", object_kind_name(o->kind), object_status_name(o->status));
	field(l, console_state_style(o, now, c->o->config->policy.expiring_soon_days), "data", "%s (%s)",
	      ixd_state_name(o->state), expiry);
	field(l, ST_NORMAL, "why", "%s", why);
	present_date(o->created_at, d[0], sizeof d[0]);
	present_date(o->first_sent_at, d[1], sizeof d[1]);
	present_date(o->last_sent_at, d[2], sizeof d[2]);
	present_date(o->stopped_at, d[3], sizeof d[3]);
	present_date(o->last_restored_at, d[4], sizeof d[4]);
	field(l, ST_NORMAL, "created", "%s   first sent %s   last sent %s", d[0], d[1], d[2]);
	field(l, ST_NORMAL, "stopped", "%s   last restore %s", d[3], d[4]);
	text_count(o->hot_events, hot, sizeof hot);
	text_count(o->cold_events, cold, sizeof cold);
	field(l, ST_NORMAL, "events", "%s hot, %s cold", hot, cold);
	field(l, ST_NORMAL, "tags", "%s", o->tags && *o->tags ? o->tags : "—");
	field(l, ST_NORMAL, "channels", "%s", o->channels && *o->channels ? o->channels : "—");
	parts(l, "Steps", dt->parts.steps, dt->parts.step_count, false);
	parts(l, "Variants", dt->parts.variants, dt->parts.variant_count, true);
	parts(l, "Link aliases", dt->parts.aliases, dt->parts.alias_count, false);
	if (dt->parts.ref_count)
		add(l, ST_LABEL, "Retargeting filters naming it");
	for (int i = 0; i < dt->parts.ref_count; i++) {
		const struct named_item *r = &dt->parts.refs[i];
		add(l, r->flag ? ST_KEPT : ST_DIM, "  %-26s by %s %s  %s", filter_kind_name(atoi(r->extra)),
		    strchr(r->extra, ':') + 1, r->name, r->flag ? "(active: keeps it)" : "(owner not active)");
	}
	if (dt->parts.filter_count)
		add(l, ST_LABEL, "Its retargeting filters");
	for (int i = 0; i < dt->parts.filter_count; i++) {
		const struct named_item *f = &dt->parts.filters[i];
		const char *stale = present_filter_target(f->flag);
		add(l, *stale ? ST_WARNING : ST_NORMAL, "  %-26s %s%s%s%s", filter_kind_name(atoi(f->extra)),
		    f->flag < 0 ? "tag " : "", f->api_id, *stale ? "  ! " : "", stale);
	}
	struct buf analytics = {0};
	present_analytics_text(&analytics, &dt->analytics);
	for (char *line = analytics.data, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		add(l, line == analytics.data ? ST_LABEL : ST_NORMAL, "%s", line);
	}
	buf_free(&analytics);
	if (dt->restore_count)
		add(l, ST_LABEL, "Restore history");
	for (int i = 0; i < dt->restore_count; i++) {
		const struct job_row *j = &dt->restores[i];
		present_date(j->finished_at ? j->finished_at : j->created_at, d[0], sizeof d[0]);
		add(l, ST_NORMAL, "  job %lld  %-9s %s  by %s", (long long)j->id, job_state_name(j->state), d[0],
		    j->requested_by);
	}
}

static void detail_draw(struct console *c, void *state, int top, int height)
{
	struct detail *d = state;
	lines_clear(&d->lines);
	build(c, d, &d->lines);
	lines_draw(c, &d->lines, top, height);
}

/* Writes the recipients CSV beside the workspace's working directory as
 * API_ID-recipients.csv (0600: personal data), whole or not at all. */
static void export_csv(struct console *c, const struct object_row *o)
{
	char path[600], err[600];
	struct buf name = {0};
	for (const char *p = o->api_id; *p; p++) /* a file name, not a path */
		buf_addc(&name, (*p == '/' || *p < ' ') ? '_' : *p);
	snprintf(path, sizeof path, "%s-recipients.csv", name.data ? name.data : "object");
	buf_free(&name);
	struct outfile out;
	if (!outfile_open(&out, path, err, sizeof err)) {
		console_flash(c, ST_ERROR, "%s", err);
		return;
	}
	int64_t rows;
	bool ok = profile_object_csv(c->s, o, out.fp, &rows, err, sizeof err) == 0;
	if (!outfile_close(&out, ok, err, sizeof err) || !ok) {
		console_flash(c, ST_WARNING, "not exported: %s", err);
		return;
	}
	console_flash(c, ST_INFO, "%s written to %s", COUNTED(rows, "recipient", "recipients"), path);
}

static bool detail_handle(struct console *c, void *state, int action)
{
	struct detail *d = state;
	switch (action) {
	case ACT_RESTORE: {
		if (console_refuse_change(c, "restore"))
			return true;
		int64_t *ids = malloc(sizeof *ids);
		ids[0] = d->row.id;
		dialog_open_restore(c, ids, 1, NULL);
		return true;
	}
	case ACT_EXPORT:
		export_csv(c, &d->row);
		return true;
	default: return lines_scroll(&d->lines, action);
	}
}

static const int detail_hints[] = {ACT_BACK, ACT_RESTORE, ACT_EXPORT, ACT_PAGE_DOWN, ACT_HELP, -1};

const struct view_ops detail_view = {
	.title = "detail",
	.state_size = sizeof(struct detail),
	.done = detail_done,
	.enter = detail_enter,
	.reload = detail_reload,
	.draw = detail_draw,
	.handle = detail_handle,
	.hints = detail_hints,
};
