/*
 * events_csv.c — CSV event files.
 *
 * Header (any order; the first four are required):
 *   object,user,time,kind,step,variant,alias,label
 * object = object api id, user = external user id, time = ISO-8601, kind =
 * an event kind of SPEC §3 (received_email, opened_push, ...), step and
 * variant = api ids, alias = link alias name, label = conversion label A-D.
 *
 * Unknown users are created ("learned"); unknown objects, steps and
 * variants are errors, since a CSV cannot say what they are.  The events go
 * through the import sink (import/sink.h).
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/csv.h"
#include "import/sink.h"
#include "base/model.h"

enum column { COL_OBJECT, COL_USER, COL_TIME, COL_KIND, COL_STEP, COL_VARIANT, COL_ALIAS,
	      COL_LABEL, COL__COUNT };
static const char *const column_names[COL__COUNT] = {
	"object", "user", "time", "kind", "step", "variant", "alias", "label"};

struct ev_import {
	struct event_sink sink;
	const char *file;
	struct diag *d;
	int columns[COL__COUNT]; /* field index of each column, -1 if absent */
	int header_fields;       /* how many the header names: each row has as many */
	bool failed;
};

static void problem(struct ev_import *im, const struct csv_field *f, const char *fmt, const char *arg)
{
	char msg[700];
	snprintf(msg, sizeof msg, fmt, arg);
	diag_add(im->d, im->file, f->line, f->column, "%s", msg);
	im->failed = true;
}

static int read_header(struct ev_import *im, struct csv_reader *csv)
{
	int rc = csv_next(csv);
	if (rc <= 0) {
		diag_add(im->d, im->file, 1, 1, "%s", rc == 0 ? "empty file: expected a header line" : csv->error);
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
	im->header_fields = csv->count;
	for (int c = COL_OBJECT; c <= COL_KIND; c++)
		if (im->columns[c] < 0)
			problem(im, &csv->fields[0], "the header has no '%s' column", column_names[c]);
	return im->failed ? -1 : 0;
}

static const struct csv_field *field(const struct ev_import *im, const struct csv_reader *csv, int column)
{
	int i = im->columns[column];
	return i >= 0 && i < csv->count ? &csv->fields[i] : NULL;
}

static const char *text_of(const struct csv_field *f)
{
	return f ? f->text : "";
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

static void import_row(struct ev_import *im, const struct csv_reader *csv)
{
	struct event_sink *k = &im->sink;
	const struct csv_field *obj = field(im, csv, COL_OBJECT), *user = field(im, csv, COL_USER),
			       *time = field(im, csv, COL_TIME), *kind = field(im, csv, COL_KIND);
	if (!obj || !user || !time || !kind) {
		diag_add(im->d, im->file, csv->fields[0].line, 0, "expected %d fields (as the header), found %d",
			 im->header_fields, csv->count);
		im->failed = true;
		return;
	}
	struct event e = {0};
	if ((e.kind = event_kind_parse_n(kind->text, kind->len)) < 0) {
		problem(im, kind, "unknown event kind '%s' (see README: Event kinds)", kind->text);
		return;
	}
	if (!clock_parse_n(time->text, (size_t)time->len, &e.ts)) {
		problem(im, time, "time must be ISO-8601 (2026-11-29T10:00:00Z), not '%s'", time->text);
		return;
	}
	struct seen_object *so = sink_object(k, obj->text, NULL);
	struct seen_user *su = so ? sink_user(k, user->text) : NULL;
	if (!so || !su) {
		problem(im, so ? user : obj, "%s", k->error);
		return;
	}
	const struct csv_field *step = field(im, csv, COL_STEP), *variant = field(im, csv, COL_VARIANT),
			       *alias = field(im, csv, COL_ALIAS);
	if ((e.step_id = sink_part(k, so, true, text_of(step), NULL, false)) < 0 ||
	    (e.variant_id = sink_part(k, so, false, text_of(variant), NULL, false)) < 0) {
		problem(im, e.step_id < 0 ? step : variant, "%s", k->error);
		return;
	}
	if ((e.alias_id = sink_alias(k, so, text_of(alias))) < 0) {
		problem(im, alias, "%s", k->error);
		return;
	}
	if ((e.label = parse_label(im, field(im, csv, COL_LABEL))) < 0)
		return;
	if (sink_add(k, so, su, &e) < 0)
		problem(im, obj, "%s", k->error);
}

int import_events_csv(struct storage *s, const char *path, const struct import_options *o,
		      struct import_report *r, struct diag *d)
{
	(void)o;
	struct ev_import im = {.file = path, .d = d};
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
	sink_init(&im.sink, s, r);
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
	if (!ferror(fp) && !im.failed && d->count == errors_before && rc == 0 && sink_flush(&im.sink) < 0)
		diag_add(d, path, 0, 0, "%s", im.sink.error);
	if (ferror(fp))
		diag_add(d, path, 0, 0, "read error: %s", strerror(errno));
	csv_close(&csv);
	fclose(fp);
	sink_free(&im.sink);
	return d->count == errors_before && rc == 0 ? 0 : -1;
}
