/*
 * make_avro — writes Braze Currents Avro files for the tests and the
 * benchmark, with Debian's avro-c and the schemas in shared/fixtures.
 *
 *   make_avro SCHEMA_DIR OUT_DIR [SENDS]
 *
 * Writes one file per event type: email Send (SENDS records, default 200:
 * campaigns and a Canvas, non-ASCII names, null and non-null unions), email
 * Open (half machine opens), email Click (link alias), campaign Conversion
 * (label C), Canvas Entry (some in the control group), Canvas exit, email
 * Bounce (not interaction data) and a custom event (an unknown type).
 */
#include <avro.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static avro_schema_t load_schema(const char *dir, const char *type)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/users.%s.avsc", dir, type);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		exit(1);
	}
	static char json[65536];
	size_t n = fread(json, 1, sizeof json - 1, fp);
	fclose(fp);
	json[n] = '\0';
	avro_schema_t schema;
	if (avro_schema_from_json_length(json, n, &schema)) {
		fprintf(stderr, "%s: %s\n", path, avro_strerror());
		exit(1);
	}
	return schema;
}

/* Every field gets a value: null for unions, zero or empty otherwise. */
static void clear_record(avro_value_t *rec)
{
	size_t n = 0;
	avro_value_get_size(rec, &n);
	for (size_t i = 0; i < n; i++) {
		avro_value_t f, branch;
		avro_value_get_by_index(rec, i, &f, NULL);
		switch (avro_value_get_type(&f)) {
		case AVRO_UNION: avro_value_set_branch(&f, 0, &branch), avro_value_set_null(&branch); break;
		case AVRO_STRING: avro_value_set_string(&f, ""); break;
		case AVRO_INT32: avro_value_set_int(&f, 0); break;
		case AVRO_INT64: avro_value_set_long(&f, 0); break;
		case AVRO_BOOLEAN: avro_value_set_boolean(&f, 0); break;
		case AVRO_DOUBLE: avro_value_set_double(&f, 0); break;
		case AVRO_FLOAT: avro_value_set_float(&f, 0); break;
		default: break;
		}
	}
}

/* The value slot of a field, choosing the non-null branch of a union. */
static void slot(avro_value_t *rec, const char *name, avro_value_t *out)
{
	avro_value_t f;
	if (avro_value_get_by_name(rec, name, &f, NULL)) {
		fprintf(stderr, "no field %s\n", name);
		exit(1);
	}
	if (avro_value_get_type(&f) == AVRO_UNION)
		avro_value_set_branch(&f, 1, out);
	else
		*out = f;
}

static void set_text(avro_value_t *rec, const char *name, const char *v)
{
	avro_value_t s;
	if (!v)
		return; /* stays null */
	slot(rec, name, &s);
	avro_value_set_string(&s, v);
}

static void set_number(avro_value_t *rec, const char *name, long v)
{
	avro_value_t s;
	slot(rec, name, &s);
	if (avro_value_get_type(&s) == AVRO_INT64)
		avro_value_set_long(&s, v);
	else
		avro_value_set_int(&s, (int)v);
}

static void set_flag(avro_value_t *rec, const char *name, int v)
{
	avro_value_t s;
	slot(rec, name, &s);
	avro_value_set_boolean(&s, v);
}

typedef void (*fill_fn)(avro_value_t *rec, int i);

static void write_file(const char *schemas, const char *out, const char *type, int n, fill_fn fill)
{
	avro_schema_t schema = load_schema(schemas, type);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.avro", out, type);
	remove(path);
	avro_file_writer_t w;
	if (avro_file_writer_create(path, schema, &w)) {
		fprintf(stderr, "%s: %s\n", path, avro_strerror());
		exit(1);
	}
	avro_value_iface_t *iface = avro_generic_class_from_schema(schema);
	avro_value_t rec;
	avro_generic_value_new(iface, &rec);
	for (int i = 0; i < n; i++) {
		clear_record(&rec);
		fill(&rec, i);
		if (avro_file_writer_append_value(w, &rec)) {
			fprintf(stderr, "%s: %s\n", path, avro_strerror());
			exit(1);
		}
	}
	avro_file_writer_close(w);
	avro_value_decref(&rec);
	avro_value_iface_decref(iface);
	avro_schema_decref(schema);
}

#define BASE 1767225600L /* 2026-01-01 */

/* Shared: who and what.  Every tenth record is the Canvas; some users have
 * only a Braze id (external_user_id null). */
static void common(avro_value_t *rec, const char *prefix, int i)
{
	char id[64], user[32], braze[32];
	snprintf(id, sizeof id, "%s-%d", prefix, i);
	snprintf(user, sizeof user, "ext-%03d", i % 50);
	snprintf(braze, sizeof braze, "braze-%03d", i % 50);
	set_text(rec, "id", id);
	set_text(rec, "user_id", braze);
	set_text(rec, "external_user_id", i % 50 == 7 ? NULL : user);
	set_number(rec, "time", BASE + i * 60L);
}

static void message(avro_value_t *rec, int i, bool has_canvas_step)
{
	if (i % 10 == 9 && has_canvas_step) {
		set_text(rec, "canvas_id", "cv-welcome");
		set_text(rec, "canvas_name", "Willkommen — Reise");
		set_text(rec, "canvas_variation_id", "cv-welcome-var1");
		set_text(rec, "canvas_variation_name", "Variación 1");
		set_text(rec, "canvas_step_id", i % 20 == 9 ? "cv-step-1" : "cv-step-2");
		set_text(rec, "canvas_step_name", i % 20 == 9 ? "Paso uno" : "第二步");
	} else {
		set_text(rec, "campaign_id", i % 3 ? "cmp-summer" : "cmp-winter");
		set_text(rec, "campaign_name", i % 3 ? "Campaña de verano ☀" : "Winter sale");
		set_text(rec, "message_variation_id", i % 3 ? "cmp-summer-a" : "cmp-winter-a");
		set_text(rec, "message_variation_name", "Variant A");
	}
}

static void fill_send(avro_value_t *rec, int i) { common(rec, "send", i); message(rec, i, true); }
static void fill_open(avro_value_t *rec, int i)
{
	common(rec, "open", i);
	message(rec, i, true);
	set_text(rec, "machine_open", i % 2 ? "true" : NULL);
}
static void fill_click(avro_value_t *rec, int i)
{
	common(rec, "click", i);
	message(rec, i, false);
	set_text(rec, "link_alias", "cta");
}
static void fill_conversion(avro_value_t *rec, int i)
{
	common(rec, "conv", i);
	message(rec, i, false);
	set_number(rec, "conversion_behavior_index", 2);
}
static void fill_entry(avro_value_t *rec, int i)
{
	common(rec, "entry", i);
	set_text(rec, "canvas_id", "cv-welcome");
	set_text(rec, "canvas_name", "Willkommen — Reise");
	set_text(rec, "canvas_variation_id", "cv-welcome-var1");
	set_text(rec, "canvas_variation_name", "Variación 1");
	set_flag(rec, "in_control_group", i % 4 == 0);
}
static void fill_exit(avro_value_t *rec, int i)
{
	common(rec, "exit", i);
	set_text(rec, "canvas_id", "cv-welcome");
	set_text(rec, "canvas_name", "Willkommen — Reise");
}
static void fill_bounce(avro_value_t *rec, int i) { common(rec, "bounce", i); message(rec, i, false); }
static void fill_custom(avro_value_t *rec, int i)
{
	common(rec, "custom", i);
	set_text(rec, "name", "played_level");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: make_avro SCHEMA_DIR OUT_DIR [SENDS]\n");
		return 2;
	}
	int sends = argc > 3 ? atoi(argv[3]) : 200;
	write_file(argv[1], argv[2], "messages.email.Send", sends, fill_send);
	write_file(argv[1], argv[2], "messages.email.Open", 50, fill_open);
	write_file(argv[1], argv[2], "messages.email.Click", 20, fill_click);
	write_file(argv[1], argv[2], "campaigns.Conversion", 9, fill_conversion);
	write_file(argv[1], argv[2], "canvas.Entry", 12, fill_entry);
	write_file(argv[1], argv[2], "canvas.exit.PerformedEvent", 6, fill_exit);
	write_file(argv[1], argv[2], "messages.email.Bounce", 3, fill_bounce);
	write_file(argv[1], argv[2], "behaviors.CustomEvent", 5, fill_custom);
	return 0;
}
