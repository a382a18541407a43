/*
 * events_avro.c — Braze Currents event files (Avro Object Container Files),
 * read with Debian's avro-c.
 *
 * A file holds one event type, named by its schema (namespace
 * "dataexport.S3.inner.users.messages.email", name "Open").  The mapping
 * table below turns message-engagement types into thaw's event kinds; types
 * that are not interaction data update the users' summary fields (bounces,
 * spam, deliveries) or are counted as skipped.  Objects, steps, variants and
 * users first seen here are created from the ids and names the events
 * carry, marked as learned.  A record of a Canvas has a canvas_id; one of a
 * campaign has a campaign_id; one with neither is skipped.
 *
 * avro-c allocates whatever a header or a block says it holds before it
 * reads it, so a damaged file that claims gigabytes would get them.  The
 * container's framing is therefore checked first, against the file's own
 * size: metadata, every block's count and size (at most AVRO_MAX_BLOCK),
 * and every sync marker.  Inside a block, avro-c sizes a string or an
 * array by what the data claims before reading it: its allocator here
 * refuses any one allocation larger than a block, which no real value
 * needs, and avro-c reports the refusal as an error.
 */
#include "internal.h"

#include <avro.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/model.h"
#include "import/sink.h"
#include "storage/users.h"

enum special {
	SP_NONE,
	SP_MACHINE_OPEN,  /* email Open: machine_open set = opened_email_machine */
	SP_BUTTON,        /* in-app Click: button_id set = clicked_in_app_button */
	SP_LABEL,         /* conversions: conversion_behavior_index 0..3 = A..D */
	SP_CONTROL_GROUP, /* Canvas Entry: in_control_group adds enrolled_control */
	SP_LINK_ALIAS,    /* email Click: link_alias */
};

struct mapping {
	const char *type; /* after "users." */
	int kind;         /* event kind, -1 = not interaction data */
	int also;         /* a second event kind for the same record, or -1 */
	int user_field;   /* non-IxD fact, or -1 */
	int special;
};

/* The whole mapping; README "Avro import" shows the same table. */
static const struct mapping mappings[] = {
	{"messages.email.Send", EV_RECEIVED_EMAIL, -1, -1, SP_NONE},
	{"messages.email.Open", EV_OPENED_EMAIL, -1, -1, SP_MACHINE_OPEN},
	{"messages.email.Click", EV_CLICKED_EMAIL, -1, -1, SP_LINK_ALIAS},
	{"messages.email.Delivery", -1, -1, UF_LAST_RECEIVED_EMAIL, SP_NONE},
	{"messages.email.Bounce", -1, -1, UF_HARD_BOUNCED, SP_NONE},
	{"messages.email.MarkAsSpam", -1, -1, UF_MARKED_SPAM, SP_NONE},
	{"messages.pushnotification.Send", EV_RECEIVED_PUSH, -1, -1, SP_NONE},
	{"messages.pushnotification.Open", EV_OPENED_PUSH, -1, -1, SP_NONE},
	{"messages.inappmessage.Impression", EV_RECEIVED_IN_APP, EV_VIEWED_IN_APP, -1, SP_NONE},
	{"messages.inappmessage.Click", EV_CLICKED_IN_APP, -1, -1, SP_BUTTON},
	{"messages.contentcard.Send", EV_RECEIVED_CONTENT_CARD, -1, -1, SP_NONE},
	{"messages.contentcard.Impression", EV_VIEWED_CARD, -1, -1, SP_NONE},
	{"messages.contentcard.Click", EV_CLICKED_CARD, -1, -1, SP_NONE},
	{"messages.contentcard.Dismiss", EV_DISMISSED_CARD, -1, -1, SP_NONE},
	{"messages.sms.Send", EV_RECEIVED_SMS, -1, -1, SP_NONE},
	{"messages.sms.ShortLinkClick", EV_CLICKED_SMS_LINK, -1, -1, SP_NONE},
	{"messages.sms.InboundReceive", EV_REPLIED_SMS, -1, -1, SP_NONE},
	{"messages.sms.Delivery", -1, -1, UF_LAST_RECEIVED_SMS, SP_NONE},
	{"messages.webhook.Send", EV_RECEIVED_WEBHOOK, -1, -1, SP_NONE},
	{"messages.whatsapp.Send", EV_RECEIVED_WHATSAPP, -1, -1, SP_NONE},
	{"messages.whatsapp.Read", EV_READ_WHATSAPP, -1, -1, SP_NONE},
	{"messages.whatsapp.Click", EV_CLICKED_WHATSAPP, -1, -1, SP_NONE},
	{"messages.whatsapp.Delivery", -1, -1, UF_LAST_RECEIVED_WHATSAPP, SP_NONE},
	{"campaigns.Conversion", EV_CONVERTED, -1, -1, SP_LABEL},
	{"campaigns.EnrollInControl", EV_ENROLLED_CONTROL, -1, -1, SP_NONE},
	{"canvas.Conversion", EV_CONVERTED, -1, -1, SP_LABEL},
	{"canvas.Entry", EV_ENTERED_CANVAS, -1, -1, SP_CONTROL_GROUP},
	{"canvas.exit.MatchedAudience", EV_EXITED_CANVAS, -1, -1, SP_NONE},
	{"canvas.exit.PerformedEvent", EV_EXITED_CANVAS, -1, -1, SP_NONE},
};

static const struct mapping *mapping_for(const char *namespace, const char *name)
{
	const char *users = namespace ? strstr(namespace, "users") : NULL;
	char type[256];
	/* "...inner.users.messages.email" + "Open" -> "messages.email.Open" */
	snprintf(type, sizeof type, "%s%s%s", users && users[5] == '.' ? users + 6 : "",
		 users && users[5] == '.' ? "." : "", name ? name : "");
	for (size_t i = 0; i < sizeof mappings / sizeof mappings[0]; i++)
		if (strcmp(mappings[i].type, type) == 0)
			return &mappings[i];
	return NULL;
}

/* ---- reading fields ---- */

/* The field's value, unwrapping a ["null", T] union; false when null/absent. */
static bool field(avro_value_t *record, const char *name, avro_value_t *out)
{
	avro_value_t f;
	if (avro_value_get_by_name(record, name, &f, NULL) != 0)
		return false;
	if (avro_value_get_type(&f) == AVRO_UNION) {
		avro_value_t branch;
		if (avro_value_get_current_branch(&f, &branch) != 0)
			return false;
		f = branch;
	}
	if (avro_value_get_type(&f) == AVRO_NULL)
		return false;
	*out = f;
	return true;
}

static const char *text(avro_value_t *record, const char *name)
{
	avro_value_t f;
	const char *p = NULL;
	size_t size;
	if (!field(record, name, &f) || avro_value_get_type(&f) != AVRO_STRING ||
	    avro_value_get_string(&f, &p, &size) != 0)
		return NULL;
	return p;
}

static bool number(avro_value_t *record, const char *name, int64_t *out)
{
	avro_value_t f;
	int32_t i;
	if (!field(record, name, &f))
		return false;
	switch (avro_value_get_type(&f)) {
	case AVRO_INT32: return avro_value_get_int(&f, &i) == 0 && (*out = i, true);
	case AVRO_INT64: return avro_value_get_long(&f, out) == 0;
	default: return false;
	}
}

static bool flag(avro_value_t *record, const char *name)
{
	avro_value_t f;
	int b = 0;
	return field(record, name, &f) && avro_value_get_type(&f) == AVRO_BOOLEAN &&
	       avro_value_get_boolean(&f, &b) == 0 && b;
}

/* ---- one record ---- */

struct avro_import {
	struct event_sink sink;
	const struct mapping *map;
	const char *file;
	struct diag *d;
	int64_t record;
};

static int add_event(struct avro_import *im, struct seen_object *o, struct seen_user *u, struct event *e)
{
	if (sink_add(&im->sink, o, u, e) == 0)
		return 0;
	diag_add(im->d, im->file, 0, 0, "record %lld: %s", (long long)im->record, im->sink.error);
	return -1;
}

static int import_record(struct avro_import *im, avro_value_t *rec, struct import_report *r)
{
	struct event_sink *k = &im->sink;
	const char *user_key = text(rec, "external_user_id");
	if (!user_key)
		user_key = text(rec, "user_id");
	int64_t ts;
	if (!user_key || !number(rec, "time", &ts)) {
		diag_add(im->d, im->file, 0, 0, "record %lld: no user id or no time", (long long)im->record);
		return -1;
	}
	struct seen_user *u = sink_user(k, user_key);
	if (!u)
		return diag_add(im->d, im->file, 0, 0, "record %lld: %s", (long long)im->record, k->error), -1;
	if (im->map->kind < 0) {
		sink_user_fact(k, u, im->map->user_field, ts);
		r->user_facts++;
		return 0;
	}
	const char *canvas = text(rec, "canvas_id"), *campaign = text(rec, "campaign_id");
	if (!canvas && !campaign) {
		r->records_skipped++;
		r->skip_reason = "neither a campaign nor a Canvas";
		return 0;
	}
	struct learned_object learn = {canvas ? KIND_CANVAS : KIND_CAMPAIGN,
				       text(rec, canvas ? "canvas_name" : "campaign_name")};
	struct seen_object *o = sink_object(k, canvas ? canvas : campaign, &learn);
	if (!o)
		return diag_add(im->d, im->file, 0, 0, "record %lld: %s", (long long)im->record, k->error), -1;
	struct event e = {.ts = ts, .kind = im->map->kind};
	e.variant_id = sink_part(k, o, false, text(rec, canvas ? "canvas_variation_id" : "message_variation_id"),
				 text(rec, canvas ? "canvas_variation_name" : "message_variation_name"), true);
	e.step_id = canvas ? sink_part(k, o, true, text(rec, "canvas_step_id"), text(rec, "canvas_step_name"), true) : 0;
	if (e.variant_id < 0 || e.step_id < 0)
		return diag_add(im->d, im->file, 0, 0, "record %lld: %s", (long long)im->record, k->error), -1;
	int64_t index;
	switch (im->map->special) {
	case SP_MACHINE_OPEN:
		if (text(rec, "machine_open") && *text(rec, "machine_open"))
			e.kind = EV_OPENED_EMAIL_MACHINE;
		break;
	case SP_BUTTON:
		if (text(rec, "button_id"))
			e.kind = EV_CLICKED_IN_APP_BUTTON;
		break;
	case SP_LABEL:
		if (number(rec, "conversion_behavior_index", &index) && index >= 0 && index <= 3)
			e.label = (int)index + 1;
		break;
	case SP_LINK_ALIAS:
		if ((e.alias_id = sink_alias(k, o, text(rec, "link_alias"))) < 0)
			return diag_add(im->d, im->file, 0, 0, "record %lld: %s", (long long)im->record, k->error), -1;
		break;
	default:
		break;
	}
	struct event second = e;
	if (add_event(im, o, u, &e) < 0)
		return -1;
	int also = im->map->also;
	if (im->map->special == SP_CONTROL_GROUP && flag(rec, "in_control_group"))
		also = EV_ENROLLED_CONTROL;
	if (also < 0)
		return 0;
	second.kind = also;
	return add_event(im, o, u, &second);
}

/* Writers block at a few kilobytes to a few megabytes; a bigger claim is damage. */
#define AVRO_MAX_BLOCK (64 << 20)

struct framing {
	FILE *fp;
	int64_t left; /* bytes of the file not read yet */
};

/* An Avro long: zig-zag varint of at most ten bytes. */
static bool read_long(struct framing *f, int64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		int c = f->left > 0 ? getc(f->fp) : EOF;
		if (c == EOF)
			return false;
		f->left--;
		v |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80)) {
			*out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
			return true;
		}
	}
	return false;
}

/* Skips `n` bytes that the file must still hold. */
static bool skip(struct framing *f, int64_t n)
{
	if (n < 0 || n > f->left || fseeko(f->fp, n, SEEK_CUR) != 0)
		return false;
	f->left -= n;
	return true;
}

static bool read_bytes(struct framing *f, void *out, size_t n)
{
	if ((int64_t)n > f->left || fread(out, 1, n, f->fp) != n)
		return false;
	f->left -= (int64_t)n;
	return true;
}

/* The header's metadata: a map of strings to bytes, in counted blocks. */
static bool check_metadata(struct framing *f, char *why, size_t size)
{
	int64_t count, length;
	while (read_long(f, &count) && count != 0) {
		/* a negative count comes with a byte size; compared before it is
		 * negated, as the most negative long has no positive */
		if (count < 0 && (!read_long(f, &length) || count < -f->left))
			break;
		if (count < 0)
			count = -count;
		if (count > f->left)
			break;
		for (int64_t i = 0; i < 2 * count; i++)
			if (!read_long(f, &length) || !skip(f, length)) {
				snprintf(why, size, "its header claims metadata longer than the file");
				return false;
			}
	}
	if (count != 0) {
		snprintf(why, size, "its header is damaged");
		return false;
	}
	return true;
}

static bool check_framing(FILE *fp, char *why, size_t size)
{
	struct stat st;
	char magic[4], sync[16], block_sync[16];
	struct framing f = {fp, fstat(fileno(fp), &st) == 0 ? st.st_size : 0};
	if (!read_bytes(&f, magic, 4) || memcmp(magic, "Obj\x01", 4) != 0) {
		snprintf(why, size, "it does not start like an Avro container file");
		return false;
	}
	if (!check_metadata(&f, why, size))
		return false;
	if (!read_bytes(&f, sync, sizeof sync)) {
		snprintf(why, size, "its header is truncated");
		return false;
	}
	for (int64_t block = 1; f.left > 0; block++) {
		int64_t count, bytes;
		if (!read_long(&f, &count) || !read_long(&f, &bytes) || count < 0 || bytes < 0 ||
		    count > bytes + 1 || bytes > AVRO_MAX_BLOCK || !skip(&f, bytes) ||
		    !read_bytes(&f, block_sync, sizeof block_sync) || memcmp(sync, block_sync, sizeof sync) != 0) {
			snprintf(why, size, "block %lld is damaged or truncated (a block holds at most %d MiB)",
				 (long long)block, AVRO_MAX_BLOCK >> 20);
			return false;
		}
	}
	return true;
}

static void *bounded_allocator(void *user_data, void *ptr, size_t old_size, size_t new_size)
{
	(void)user_data, (void)old_size;
	if (new_size == 0) {
		free(ptr);
		return NULL;
	}
	return new_size > AVRO_MAX_BLOCK ? NULL : realloc(ptr, new_size);
}

int import_avro(struct storage *s, const char *path, const struct import_options *o,
		struct import_report *r, struct diag *d)
{
	(void)o;
	avro_set_allocator(bounded_allocator, NULL);
	FILE *fp = fopen(path, "rb");
	char why[160] = "it cannot be opened";
	bool framed = fp && check_framing(fp, why, sizeof why);
	if (fp)
		fclose(fp);
	if (!framed) {
		diag_add(d, path, 0, 0, "not a readable Avro file: %s", why);
		return -1;
	}
	avro_file_reader_t reader;
	if (avro_file_reader(path, &reader) != 0) {
		diag_add(d, path, 0, 0, "not a readable Avro file: %s", avro_strerror());
		return -1;
	}
	avro_schema_t schema = avro_file_reader_get_writer_schema(reader);
	const char *name = avro_schema_name(schema), *ns = avro_schema_namespace(schema);
	snprintf(r->event_type, sizeof r->event_type, "%s%s%s", ns ? ns : "", ns ? "." : "", name ? name : "?");
	struct avro_import im = {.map = mapping_for(ns, name), .file = path, .d = d};
	int before = d->count, rc;
	avro_value_iface_t *iface = avro_generic_class_from_schema(schema);
	avro_value_t rec;
	avro_generic_value_new(iface, &rec);
	sink_init(&im.sink, s, r);
	while ((rc = avro_file_reader_read_value(reader, &rec)) == 0 && d->count == before) {
		im.record++;
		r->records++;
		if (!im.map) {
			r->records_skipped++;
			r->skip_reason = "not interaction data thaw keeps";
			continue;
		}
		import_record(&im, &rec, r);
	}
	/* avro-c says EOF at a clean end; anything else is a damaged file */
	if (d->count == before && rc != EOF)
		diag_add(d, path, 0, 0, "damaged or truncated Avro file after record %lld: %s",
			 (long long)im.record, avro_strerror());
	if (d->count == before && sink_flush(&im.sink) < 0)
		diag_add(d, path, 0, 0, "%s", im.sink.error);
	sink_free(&im.sink);
	avro_value_decref(&rec);
	avro_value_iface_decref(iface);
	avro_schema_decref(schema);
	avro_file_reader_close(reader);
	return d->count == before ? 0 : -1;
}
