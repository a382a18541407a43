/*
 * import_events.c — CSV event files.
 *
 * Header (any order; the first four are required):
 *   object,user,time,kind,step,variant,alias,label
 * object = object api id, user = external user id, time = ISO-8601, kind =
 * an event kind of SPEC §3 (received_email, opened_push, ...), step and
 * variant = api ids, alias = link alias name, label = conversion label A-D.
 *
 * Lookups are cached in hash maps so each row costs one INSERT; events of
 * expired or restoring objects are gathered and appended to cold at the end.
 * Unknown users are created ("learned"); unknown objects, steps and
 * variants are errors, since a CSV cannot say what they are.
 */
#include "import_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "csv.h"
#include "model.h"
#include "strmap.h"

enum column { COL_OBJECT, COL_USER, COL_TIME, COL_KIND, COL_STEP, COL_VARIANT, COL_ALIAS,
	      COL_LABEL, COL__COUNT };
static const char *const column_names[COL__COUNT] = {
	"object", "user", "time", "kind", "step", "variant", "alias", "label"};

/* What the import knows about one object it has seen. */
struct seen_object {
	int64_t id;
	int state;
	int64_t hot_added;
	struct event *cold; /* events bound for cold, appended at the end */
	size_t cold_n, cold_cap;
};

struct seen_user {
	int64_t id;
	struct user_summary summary;
	bool touched;
};

struct ev_import {
	struct storage *s;
	const char *file;
	struct diag *d;
	struct import_report *r;
	int columns[COL__COUNT]; /* field index of each column, -1 if absent */
	struct strmap object_index, user_index, part_ids;
	struct strmap pairs; /* (user, object) already written to user_objects */
	struct seen_object *objects;
	size_t object_count, object_cap;
	struct seen_user *users;
	size_t user_count, user_cap;
	bool failed;
};

static void problem(struct ev_import *im, const struct csv_field *f, const char *fmt, const char *arg)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, arg);
	diag_add(im->d, im->file, f->line, f->column, "%s", msg);
	im->failed = true;
}

static int read_header(struct ev_import *im, struct csv_reader *csv)
{
	int rc = csv_next(csv);
	if (rc <= 0) {
		diag_add(im->d, im->file, 1, 1, rc == 0 ? "empty file: expected a header line" : csv->error);
		return -1;
	}
	for (int c = 0; c < COL__COUNT; c++)
		im->columns[c] = -1;
	for (int i = 0; i < csv->count; i++) {
		const struct csv_field *f = &csv->fields[i];
		int c = 0;
		while (c < COL__COUNT && strcmp(column_names[c], f->text) != 0)
			c++;
		if (c == COL__COUNT)
			problem(im, f, "unknown column '%s' (expected object, user, time, kind, step, variant,"
				       " alias, label)", f->text);
		else if (im->columns[c] >= 0)
			problem(im, f, "column '%s' appears twice", f->text);
		else
			im->columns[c] = i;
	}
	for (int c = COL_OBJECT; c <= COL_KIND; c++)
		if (im->columns[c] < 0)
			problem(im, &csv->fields[0], "the header has no '%s' column", column_names[c]);
	return im->failed ? -1 : 0;
}

static const struct csv_field *field(const struct ev_import *im, const struct csv_reader *csv,
				     int column)
{
	int i = im->columns[column];
	return i >= 0 && i < csv->count ? &csv->fields[i] : NULL;
}

static struct seen_object *find_object(struct ev_import *im, const struct csv_field *f)
{
	int64_t index;
	if (strmap_get(&im->object_index, f->text, f->len, &index))
		return &im->objects[index];
	struct object_row o;
	int found = storage_object_find(im->s, f->text, &o);
	if (found <= 0) {
		if (found < 0)
			problem(im, f, "%s", storage_error(im->s));
		else
			problem(im, f, "unknown object '%s' (import the workspace file that defines it first)",
				f->text);
		return NULL;
	}
	if (im->object_count == im->object_cap) {
		im->object_cap = im->object_cap ? im->object_cap * 2 : 64;
		im->objects = realloc(im->objects, im->object_cap * sizeof *im->objects);
		if (!im->objects)
			abort();
	}
	struct seen_object *so = &im->objects[im->object_count];
	*so = (struct seen_object){.id = o.id, .state = o.state};
	object_row_free(&o);
	strmap_put(&im->object_index, f->text, f->len, (int64_t)im->object_count++);
	return so;
}

static struct seen_user *find_user(struct ev_import *im, const struct csv_field *f)
{
	int64_t index;
	if (strmap_get(&im->user_index, f->text, f->len, &index))
		return &im->users[index];
	if (f->len == 0) {
		problem(im, f, "%s", "the user id is empty");
		return NULL;
	}
	int64_t id;
	if (storage_user_ensure(im->s, f->text, &id) < 0) {
		problem(im, f, "%s", storage_error(im->s));
		return NULL;
	}
	if (im->user_count == im->user_cap) {
		im->user_cap = im->user_cap ? im->user_cap * 2 : 1024;
		im->users = realloc(im->users, im->user_cap * sizeof *im->users);
		if (!im->users)
			abort();
	}
	struct seen_user *u = &im->users[im->user_count];
	*u = (struct seen_user){.id = id};
	strmap_put(&im->user_index, f->text, f->len, (int64_t)im->user_count++);
	return u;
}

/* Step and variant api ids, checked to belong to the event's object. */
static int64_t part_id(struct ev_import *im, const struct csv_field *f, bool step, int64_t object_id)
{
	if (!f || f->len == 0)
		return 0;
	char key[512];
	int len = snprintf(key, sizeof key, "%c%s", step ? 's' : 'v', f->text);
	int64_t id, owner;
	if (len < (int)sizeof key && strmap_get(&im->part_ids, key, len, &id))
		return id;
	int rc = step ? storage_step_id(im->s, f->text, &id, &owner)
		      : storage_variant_id(im->s, f->text, &id, &owner);
	if (rc < 0) {
		problem(im, f, "%s", storage_error(im->s));
		return -1;
	}
	if (!id || owner != object_id) {
		problem(im, f, id ? "'%s' belongs to another object" : "unknown step or variant '%s'", f->text);
		return -1;
	}
	if (len < (int)sizeof key)
		strmap_put(&im->part_ids, key, len, id);
	return id;
}

static int64_t alias_id(struct ev_import *im, const struct csv_field *f, int64_t object_id)
{
	if (!f || f->len == 0)
		return 0;
	char key[512];
	int len = snprintf(key, sizeof key, "a%lld:%s", (long long)object_id, f->text);
	int64_t id;
	if (len < (int)sizeof key && strmap_get(&im->part_ids, key, len, &id))
		return id;
	/* link aliases are free text; the first event that names one defines it */
	if (storage_alias_upsert(im->s, object_id, f->text, &id) < 0) {
		problem(im, f, "%s", storage_error(im->s));
		return -1;
	}
	if (len < (int)sizeof key)
		strmap_put(&im->part_ids, key, len, id);
	return id;
}

static int parse_label(struct ev_import *im, const struct csv_field *f)
{
	if (!f || f->len == 0)
		return 0;
	char c = f->text[0];
	if (f->len == 1 && ((c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd')))
		return (c | 0x20) - 'a' + 1;
	problem(im, f, "conversion label must be A, B, C or D, not '%s'", f->text);
	return -1;
}

static void raise_to(int64_t *field, int64_t t)
{
	if (t > *field)
		*field = t;
}

/* The non-IxD user summary fields (SPEC §3) that an event updates. */
static void note_summary(struct seen_user *u, int kind, int64_t ts)
{
	struct user_summary *s = &u->summary;
	u->touched = true;
	switch (kind) {
	case EV_RECEIVED_EMAIL: raise_to(&s->last_received_email, ts); break;
	case EV_RECEIVED_PUSH: raise_to(&s->last_received_push, ts); break;
	case EV_RECEIVED_SMS: raise_to(&s->last_received_sms, ts); break;
	case EV_RECEIVED_WEBHOOK: raise_to(&s->last_received_webhook, ts); break;
	case EV_RECEIVED_WHATSAPP: raise_to(&s->last_received_whatsapp, ts); break;
	case EV_VIEWED_IN_APP: raise_to(&s->last_in_app_impression, ts); break;
	case EV_ENROLLED_CONTROL: raise_to(&s->last_control_enrolled, ts); break;
	default: break;
	}
	if (event_kind_channel(kind))
		raise_to(&s->last_received_any, ts);
	else if (kind >= EV_OPENED_EMAIL && kind <= EV_CONVERTED)
		raise_to(&s->last_engaged, ts);
}

static void queue_cold(struct seen_object *so, const struct event *e)
{
	if (so->cold_n == so->cold_cap) {
		so->cold_cap = so->cold_cap ? so->cold_cap * 2 : 256;
		so->cold = realloc(so->cold, so->cold_cap * sizeof *so->cold);
		if (!so->cold)
			abort();
	}
	so->cold[so->cold_n++] = *e;
}

static void import_row(struct ev_import *im, const struct csv_reader *csv)
{
	const struct csv_field *obj = field(im, csv, COL_OBJECT), *user = field(im, csv, COL_USER),
			       *time = field(im, csv, COL_TIME), *kind = field(im, csv, COL_KIND);
	if (!obj || !user || !time || !kind) {
		diag_add(im->d, im->file, csv->fields[0].line, 0, "expected %d fields, found %d",
			 csv->count < COL__COUNT ? COL__COUNT : csv->count, csv->count);
		im->failed = true;
		return;
	}
	struct event e = {0};
	e.kind = event_kind_parse_n(kind->text, kind->len);
	if (e.kind < 0)
		{
		problem(im, kind, "unknown event kind '%s' (see README: Event kinds)", kind->text);
		return;
	}
	if (!clock_parse_n(time->text, (size_t)time->len, &e.ts))
		{
		problem(im, time, "time must be ISO-8601 (2026-11-29T10:00:00Z), not '%s'", time->text);
		return;
	}
	struct seen_object *so = find_object(im, obj);
	struct seen_user *su = so ? find_user(im, user) : NULL;
	if (!so || !su)
		return;
	if (so->state == IXD_PURGED)
		{
		problem(im, obj, "'%s' had its data deleted under the previous retention policy;"
					" its events cannot be imported", obj->text);
		return;
	}
	e.object_id = so->id;
	e.user_id = su->id;
	if ((e.step_id = part_id(im, field(im, csv, COL_STEP), true, so->id)) < 0 ||
	    (e.variant_id = part_id(im, field(im, csv, COL_VARIANT), false, so->id)) < 0 ||
	    (e.alias_id = alias_id(im, field(im, csv, COL_ALIAS), so->id)) < 0 ||
	    (e.label = parse_label(im, field(im, csv, COL_LABEL))) < 0)
		return;
	im->r->events_read++;
	note_summary(su, e.kind, e.ts);
	int64_t pair[2] = {e.user_id, e.object_id}, seen;
	if (!strmap_get(&im->pairs, (const char *)pair, sizeof pair, &seen)) {
		strmap_put(&im->pairs, (const char *)pair, sizeof pair, 1);
		if (storage_user_object_add(im->s, e.user_id, e.object_id) < 0) {
			problem(im, obj, "%s", storage_error(im->s));
			return;
		}
	}
	if (so->state == IXD_EXPIRED || so->state == IXD_RESTORING) {
		queue_cold(so, &e);
		return;
	}
	bool inserted;
	if (storage_event_insert_hot(im->s, &e, &inserted) < 0)
		{
		problem(im, obj, "%s", storage_error(im->s));
		return;
	}
	so->hot_added += inserted;
	im->r->events_hot += inserted;
	im->r->events_duplicate += !inserted;
}

static int flush(struct ev_import *im)
{
	for (size_t i = 0; i < im->object_count; i++) {
		struct seen_object *so = &im->objects[i];
		int64_t added = 0;
		if (storage_object_add_counts(im->s, so->id, so->hot_added, 0) < 0 ||
		    storage_event_append_cold(im->s, so->id, so->cold, so->cold_n, &added) < 0)
			return -1;
		im->r->events_cold += added;
		im->r->events_duplicate += (int64_t)so->cold_n - added;
	}
	for (size_t i = 0; i < im->user_count; i++)
		if (im->users[i].touched &&
		    storage_user_merge_summary(im->s, im->users[i].id, &im->users[i].summary) < 0)
			return -1;
	im->r->objects = (int64_t)im->object_count;
	im->r->users = (int64_t)im->user_count;
	return 0;
}

static void release(struct ev_import *im)
{
	for (size_t i = 0; i < im->object_count; i++)
		free(im->objects[i].cold);
	free(im->objects);
	free(im->users);
	strmap_free(&im->object_index);
	strmap_free(&im->user_index);
	strmap_free(&im->part_ids);
	strmap_free(&im->pairs);
}

int import_events_csv(struct storage *s, const char *path, const struct import_options *o,
		      struct import_report *r, struct diag *d)
{
	(void)o;
	struct ev_import im = {.s = s, .file = path, .d = d, .r = r};
	int errors_before = d->count;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct csv_reader csv;
	if (!csv_open(&csv, fp)) {
		fclose(fp);
		return -1;
	}
	int rc = read_header(&im, &csv);
	while (rc == 0 && d->count < IMPORT_MAX_ERRORS) {
		int got = csv_next(&csv);
		if (got == 0)
			break;
		if (got < 0) {
			diag_add(d, path, csv.error_line, csv.error_column, "%s", csv.error);
			break;
		}
		/* after an error, go on checking the rest: every problem is reported
		 * at once and the transaction is rolled back anyway */
		import_row(&im, &csv);
	}
	if (!ferror(fp) && !im.failed && d->count == errors_before && rc == 0)
		rc = flush(&im);
	if (ferror(fp))
		diag_add(d, path, 0, 0, "read error: %s", strerror(errno));
	csv_close(&csv);
	fclose(fp);
	release(&im);
	return rc;
}
