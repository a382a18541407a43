/*
 * workspace.c — the workspace file: objects (with steps, variants,
 * link aliases, tags, statuses and dates), segments, retargeting filters
 * and users.  See README.md "Workspace file" for the format.
 *
 * Two passes: first every object and segment with its setup, so filters may
 * name objects defined later in the file; then the filters.
 */
#include "base/model.h"
#include "base/strmap.h"
#include "base/text.h"
#include "config/yamltree.h"
#include "internal.h"
#include "storage/objects.h"
#include "storage/setup.h"
#include "storage/users.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct ws {
	struct storage *s;
	const char *file;
	struct diag *d;
	struct import_report *r;
	bool storage_failed;
};

static bool too_many_errors(const struct ws *w)
{
	return w->d->count >= IMPORT_MAX_ERRORS || w->storage_failed;
}

static void storage_problem(struct ws *w, const struct ynode *at)
{
	diag_add(w->d, w->file, at->line, at->column, "%s", storage_error(w->s));
	w->storage_failed = true;
}

/* Reports keys not in `allowed` (NULL-terminated) and duplicates. */
static bool check_keys(struct ws *w, const struct ynode *map, const char *what,
		       const char *const *allowed)
{
	if (map->type != YNODE_MAPPING) {
		diag_add(w->d, w->file, map->line, map->column, "%s must be a mapping", what);
		return false;
	}
	bool ok = yamltree_check_keys(map, w->file, w->d);
	for (int i = 0; i + 1 < map->count; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->type != YNODE_SCALAR)
			continue;
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, k->value) == 0;
		if (!known) {
			struct buf list = {0};
			for (const char *const *a = allowed; *a; a++)
				buf_printf(&list, "%s%s", a == allowed ? "" : ", ", *a);
			diag_add(w->d, w->file, k->line, k->column, "unknown key '%s' in %s (expected: %s)",
				 k->value, what, list.data);
			buf_free(&list);
			ok = false;
		}
	}
	return ok;
}

static const struct ynode *list_of(struct ws *w, const struct ynode *map, const char *key)
{
	const struct ynode *v = yamltree_get(map, key);
	if (!v || yamltree_is_null(v))
		return NULL;
	if (v->type != YNODE_SEQUENCE) {
		diag_add(w->d, w->file, v->line, v->column, "%s must be a list", key);
		return NULL;
	}
	return v;
}

/* A required or optional string; NULL (with a diagnostic if required) when absent. */
static const char *string_of(struct ws *w, const struct ynode *map, const char *key, bool required)
{
	const struct ynode *v = yamltree_get(map, key);
	const char *s = NULL;
	if (!v || yamltree_is_null(v)) {
		if (required)
			diag_add(w->d, w->file, map->line, map->column, "missing required key '%s'", key);
		return NULL;
	}
	if (!yamltree_string(v, w->file, key, &s, w->d))
		return NULL;
	if (required && s[strspn(s, " \t")] == '\0') {
		diag_add(w->d, w->file, v->line, v->column, "%s must not be empty or blank", key);
		return NULL;
	}
	return s;
}

static int64_t time_of(struct ws *w, const struct ynode *map, const char *key)
{
	const struct ynode *v = yamltree_get(map, key);
	int64_t t = 0;
	if (v && !yamltree_is_null(v))
		yamltree_time(v, w->file, key, &t, w->d);
	return t;
}

static bool bool_of(struct ws *w, const struct ynode *map, const char *key)
{
	const struct ynode *v = yamltree_get(map, key);
	bool b = false;
	if (v && !yamltree_is_null(v))
		yamltree_bool(v, w->file, key, &b, w->d);
	return b;
}

static int choice_of(struct ws *w, const struct ynode *map, const char *key,
		     int (*parse)(const char *), const char *expected)
{
	const char *s = string_of(w, map, key, true);
	if (!s)
		return -1;
	int v = parse(s);
	if (v < 0) {
		const struct ynode *n = yamltree_get(map, key);
		diag_add(w->d, w->file, n->line, n->column, "%s must be %s, not '%s'", key, expected, s);
	}
	return v;
}

/* Joins a list of scalars with commas (channels). */
static char *joined_list(struct ws *w, const struct ynode *map, const char *key)
{
	const struct ynode *list = list_of(w, map, key);
	struct buf out = {0};
	buf_adds(&out, "");
	for (int i = 0; list && i < list->count; i++) {
		const char *s;
		if (yamltree_string(list->items[i], w->file, key, &s, w->d))
			buf_printf(&out, "%s%s", out.len ? "," : "", s);
	}
	return out.data;
}

static void import_tags(struct ws *w, const struct ynode *obj, int64_t id)
{
	const struct ynode *list = list_of(w, obj, "tags");
	const char **tags = calloc(list ? list->count + 1 : 1, sizeof *tags);
	int n = 0;
	for (int i = 0; list && i < list->count; i++) {
		const char *s;
		if (yamltree_string(list->items[i], w->file, "tag", &s, w->d) && *s)
			tags[n++] = s;
	}
	if (!too_many_errors(w) && storage_object_set_tags(w->s, id, tags, n) < 0)
		storage_problem(w, obj);
	free(tags);
}

static void import_variants(struct ws *w, const struct ynode *obj, int64_t id)
{
	static const char *const keys[] = {"api_id", "name", "control", NULL};
	const struct ynode *list = list_of(w, obj, "variants");
	for (int i = 0; list && i < list->count && !too_many_errors(w); i++) {
		const struct ynode *v = list->items[i];
		if (!check_keys(w, v, "a variant", keys))
			continue;
		const char *api = string_of(w, v, "api_id", true), *name = string_of(w, v, "name", true);
		bool control = bool_of(w, v, "control");
		int64_t vid;
		if (api && name && storage_variant_upsert(w->s, id, api, name, control, &vid) < 0)
			storage_problem(w, v);
	}
}

static void import_steps(struct ws *w, const struct ynode *obj, int64_t id, int kind)
{
	static const char *const keys[] = {"api_id", "name", NULL};
	const struct ynode *list = list_of(w, obj, "steps");
	if (list && kind != KIND_CANVAS) {
		diag_add(w->d, w->file, list->line, list->column, "only a Canvas has steps");
		return;
	}
	for (int i = 0; list && i < list->count && !too_many_errors(w); i++) {
		const struct ynode *v = list->items[i];
		if (!check_keys(w, v, "a step", keys))
			continue;
		const char *api = string_of(w, v, "api_id", true), *name = string_of(w, v, "name", true);
		int64_t sid;
		if (api && name && storage_step_upsert(w->s, id, api, name, i, &sid) < 0)
			storage_problem(w, v);
	}
}

static void import_aliases(struct ws *w, const struct ynode *obj, int64_t id)
{
	const struct ynode *list = list_of(w, obj, "aliases");
	for (int i = 0; list && i < list->count && !too_many_errors(w); i++) {
		const char *s;
		int64_t aid;
		if (yamltree_string(list->items[i], w->file, "alias", &s, w->d) &&
		    storage_alias_upsert(w->s, id, s, &aid) < 0)
			storage_problem(w, list->items[i]);
	}
}

static const char *const object_keys[] = {
	"api_id", "kind", "name", "status", "channels", "tags", "created", "first_sent",
	"last_sent", "stopped", "last_restored", "purged", "variants", "steps", "aliases",
	"filters", NULL};

/* What a file cannot change about an object thaw already holds: its kind
 * (a campaign's events and filters are not a Canvas's), and whether data
 * it still holds was deleted under the previous policy. */
static bool consistent_with_stored(struct ws *w, const struct ynode *obj, const struct object_input *in)
{
	int64_t id;
	struct object_row old;
	if (storage_object_id(w->s, in->api_id, &id) < 0 || (id && storage_object_get(w->s, id, &old) < 0)) {
		storage_problem(w, obj);
		return false;
	}
	if (!id)
		return true;
	bool ok = true;
	const struct ynode *at;
	if (old.kind != in->kind) {
		at = yamltree_get(obj, "kind");
		diag_add(w->d, w->file, at->line, at->column, "'%s' is a %s in the workspace: a file cannot make it a %s",
			 in->api_id, object_kind_name(old.kind), object_kind_name(in->kind));
		ok = false;
	}
	if (in->ixd_state == IXD_PURGED && old.state != IXD_PURGED && old.hot_events + old.cold_events > 0) {
		at = yamltree_get(obj, "purged");
		diag_add(w->d, w->file, at->line, at->column,
			 "'%s' still holds %s: it cannot be marked deleted under the previous policy",
			 in->api_id, COUNTED(old.hot_events + old.cold_events, "event", "events"));
		ok = false;
	}
	object_row_free(&old);
	return ok;
}

/* Each api id (or external id) once per file: a second would silently win. */
static void check_unique(struct ws *w, const struct ynode *list, const char *key, const char *what)
{
	struct strmap seen = {0};
	for (int i = 0; list && i < list->count; i++) {
		const struct ynode *item = list->items[i], *v = item->type == YNODE_MAPPING ? yamltree_get(item, key) : NULL;
		if (!v || v->type != YNODE_SCALAR)
			continue;
		int64_t first;
		if (strmap_get(&seen, v->value, strlen(v->value), &first))
			diag_add(w->d, w->file, v->line, v->column, "%s '%s' appears twice in this file (first at line %d,"
				 " column %d)", what, v->value, (int)(first >> 32), (int)(first & 0xffffffff));
		else
			strmap_put(&seen, v->value, strlen(v->value), (int64_t)v->line << 32 | v->column);
	}
	strmap_free(&seen);
}

/* An object the file makes active whose data was purged stays purged: the
 * import says so (a relaunch restores only what expiry moved). */
static void note_purged_relaunch(struct ws *w, const struct object_input *in, int64_t id)
{
	int state;
	if (!status_is_active(in->status) || storage_object_state(w->s, id, &state) < 0 || state != IXD_PURGED)
		return;
	if (w->r->relaunched_purged++ == 0)
		snprintf(w->r->first_relaunched_purged, sizeof w->r->first_relaunched_purged, "%s", in->api_id);
}

static void import_object(struct ws *w, const struct ynode *obj)
{
	if (!check_keys(w, obj, "an object", object_keys))
		return;
	int before = w->d->count;
	char *channels = joined_list(w, obj, "channels");
	struct object_input in = {
		.api_id = string_of(w, obj, "api_id", true),
		.name = string_of(w, obj, "name", true),
		.kind = choice_of(w, obj, "kind", object_kind_parse, "campaign or canvas"),
		.status = choice_of(w, obj, "status", object_status_parse,
				    "draft, active, idle, stopped or archived"),
		.channels = channels,
		.created_at = time_of(w, obj, "created"),
		.first_sent_at = time_of(w, obj, "first_sent"),
		.last_sent_at = time_of(w, obj, "last_sent"),
		.stopped_at = time_of(w, obj, "stopped"),
		.last_restored_at = time_of(w, obj, "last_restored"),
		.ixd_state = bool_of(w, obj, "purged") ? IXD_PURGED : IXD_NONE,
	};
	int64_t id;
	if (w->d->count == before && consistent_with_stored(w, obj, &in)) {
		if (storage_object_upsert(w->s, &in, &id) < 0) {
			storage_problem(w, obj);
		} else {
			w->r->objects++;
			note_purged_relaunch(w, &in, id);
			import_tags(w, obj, id);
			import_variants(w, obj, id);
			import_steps(w, obj, id, in.kind);
			import_aliases(w, obj, id);
		}
	}
	free(channels);
}

static void import_segment(struct ws *w, const struct ynode *seg)
{
	static const char *const keys[] = {"api_id", "name", "in_use", "filters", NULL};
	if (!check_keys(w, seg, "a segment", keys))
		return;
	const char *api = string_of(w, seg, "api_id", true), *name = string_of(w, seg, "name", true);
	bool in_use = bool_of(w, seg, "in_use");
	int64_t id;
	if (!api || !name)
		return;
	if (storage_segment_upsert(w->s, api, name, in_use, &id) < 0)
		storage_problem(w, seg);
	else
		w->r->segments++;
}

/* ---- filters ---- */

/* What a filter kind must name (SPEC §4.1). */
enum target { T_CAMPAIGN, T_CANVAS, T_CAMPAIGN_VARIANT, T_CANVAS_VARIANT, T_STEP,
	      T_CAMPAIGN_ALIAS, T_STEP_ALIAS, T_TAG };

static const enum target filter_targets[F__COUNT] = {
	[F_RECEIVED_CAMPAIGN] = T_CAMPAIGN,
	[F_RECEIVED_CAMPAIGN_VARIANT] = T_CAMPAIGN_VARIANT,
	[F_RECEIVED_CANVAS_STEP] = T_STEP,
	[F_LAST_RECEIVED_CAMPAIGN] = T_CAMPAIGN,
	[F_LAST_RECEIVED_CANVAS_STEP] = T_STEP,
	[F_CLICKED_OPENED_CAMPAIGN] = T_CAMPAIGN,
	[F_CLICKED_OPENED_STEP] = T_STEP,
	[F_CLICKED_ALIAS_CAMPAIGN] = T_CAMPAIGN_ALIAS,
	[F_CLICKED_ALIAS_STEP] = T_STEP_ALIAS,
	[F_CONVERTED_CAMPAIGN] = T_CAMPAIGN,
	[F_CONVERTED_CANVAS] = T_CANVAS,
	[F_IN_CAMPAIGN_CONTROL] = T_CAMPAIGN,
	[F_IN_CANVAS_CONTROL] = T_CANVAS,
	[F_ENTERED_CANVAS_VARIATION] = T_CANVAS_VARIANT,
	[F_RECEIVED_TAG] = T_TAG,
	[F_CLICKED_OPENED_TAG] = T_TAG,
	[F_LAST_RECEIVED_TAG] = T_TAG,
};

static int64_t resolve_object(struct ws *w, const struct ynode *f, const char *key, int kind)
{
	const char *api = string_of(w, f, key, true);
	int64_t id = 0;
	if (!api)
		return 0;
	struct object_row o;
	int found = storage_object_find(w->s, api, &o);
	if (found < 0) {
		storage_problem(w, f);
		return 0;
	}
	const struct ynode *at = yamltree_get(f, key);
	if (!found)
		diag_add(w->d, w->file, at->line, at->column, "unknown %s '%s'", key, api);
	else if (o.kind != kind)
		diag_add(w->d, w->file, at->line, at->column, "'%s' is a %s, not a %s", api,
			 object_kind_name(o.kind), key);
	else
		id = o.id;
	if (found)
		object_row_free(&o);
	return id;
}

/* Resolves a step or variant api id to (its id, its object), checking the object's kind. */
static int64_t resolve_part(struct ws *w, const struct ynode *f, const char *key, int kind,
			    int64_t *object_id)
{
	const char *api = string_of(w, f, key, true);
	int64_t id = 0;
	if (!api)
		return 0;
	int rc = strcmp(key, "step") == 0 ? storage_step_id(w->s, api, &id, object_id)
					  : storage_variant_id(w->s, api, &id, object_id);
	if (rc < 0) {
		storage_problem(w, f);
		return 0;
	}
	const struct ynode *at = yamltree_get(f, key);
	if (!id) {
		diag_add(w->d, w->file, at->line, at->column, "unknown %s '%s'", key, api);
		return 0;
	}
	struct object_row o;
	if (storage_object_get(w->s, *object_id, &o) > 0) {
		if (o.kind != kind) {
			diag_add(w->d, w->file, at->line, at->column, "%s '%s' belongs to a %s, this filter needs a %s",
				 key, api, object_kind_name(o.kind), object_kind_name(kind));
			id = 0;
		}
		object_row_free(&o);
	}
	return id;
}

static int64_t resolve_alias(struct ws *w, const struct ynode *f, int64_t object_id)
{
	const char *name = string_of(w, f, "alias", true);
	int64_t id = 0;
	if (!name || !object_id)
		return 0;
	if (storage_alias_id(w->s, object_id, name, &id) < 0) {
		storage_problem(w, f);
		return 0;
	}
	if (!id) {
		const struct ynode *at = yamltree_get(f, "alias");
		diag_add(w->d, w->file, at->line, at->column, "unknown link alias '%s' for that object", name);
	}
	return id;
}

static bool resolve_target(struct ws *w, const struct ynode *f, struct filter_input *in)
{
	int before = w->d->count;
	switch (filter_targets[in->kind]) {
	case T_CAMPAIGN:
		in->target_object_id = resolve_object(w, f, "campaign", KIND_CAMPAIGN);
		break;
	case T_CANVAS:
		in->target_object_id = resolve_object(w, f, "canvas", KIND_CANVAS);
		break;
	case T_CAMPAIGN_VARIANT:
		in->target_variant_id = resolve_part(w, f, "variant", KIND_CAMPAIGN, &in->target_object_id);
		break;
	case T_CANVAS_VARIANT:
		in->target_variant_id = resolve_part(w, f, "variant", KIND_CANVAS, &in->target_object_id);
		break;
	case T_STEP:
		in->target_step_id = resolve_part(w, f, "step", KIND_CANVAS, &in->target_object_id);
		break;
	case T_CAMPAIGN_ALIAS:
		in->target_object_id = resolve_object(w, f, "campaign", KIND_CAMPAIGN);
		in->target_alias_id = resolve_alias(w, f, in->target_object_id);
		break;
	case T_STEP_ALIAS:
		in->target_step_id = resolve_part(w, f, "step", KIND_CANVAS, &in->target_object_id);
		in->target_alias_id = resolve_alias(w, f, in->target_object_id);
		break;
	case T_TAG: {
		const char *tag = string_of(w, f, "tag", true);
		if (tag && storage_tag_id(w->s, tag, true, &in->target_tag_id) < 0)
			storage_problem(w, f);
		break;
	}
	}
	return w->d->count == before;
}

/*
 * A new specific-object filter may not name data that readers cannot see:
 * expired data must be restored first, purged data is gone for good.
 */
static void refuse_unreadable_target(struct ws *w, const struct ynode *f,
				     const struct filter_input *in, int64_t owner_obj,
				     int64_t owner_seg)
{
	if (!filter_kind_is_specific(in->kind))
		return;
	struct object_row o;
	if (storage_object_get(w->s, in->target_object_id, &o) <= 0)
		return;
	bool exists = false;
	if (o.state == IXD_EXPIRED || o.state == IXD_PURGED) {
		if (storage_filter_exists(w->s, owner_obj, owner_seg, in, &exists) < 0)
			storage_problem(w, f);
		else if (!exists && o.state == IXD_EXPIRED)
			diag_add(w->d, w->file, f->line, f->column,
				 "'%s' has expired interaction data: restore its interaction data first "
				 "(thaw restore %s)", o.api_id, o.api_id);
		else if (!exists)
			diag_add(w->d, w->file, f->line, f->column,
				 "'%s' was deleted under the previous retention policy; it cannot be used "
				 "in retargeting", o.api_id);
	}
	object_row_free(&o);
}

static const char *const filter_keys[] = {
	"kind", "campaign", "canvas", "step", "variant", "alias", "tag", NULL};

static void import_filters(struct ws *w, const struct ynode *owner_node, int64_t owner_obj,
			   int64_t owner_seg)
{
	const struct ynode *list = list_of(w, owner_node, "filters");
	if (!list)
		return;
	struct filter_input *in = calloc(list->count + 1, sizeof *in);
	int n = 0, before = w->d->count;
	for (int i = 0; i < list->count && !too_many_errors(w); i++) {
		const struct ynode *f = list->items[i];
		if (!check_keys(w, f, "a filter", filter_keys))
			continue;
		struct filter_input *cur = &in[n];
		cur->kind = choice_of(w, f, "kind", filter_kind_parse, "a filter kind (see README)");
		if (cur->kind < 0 || !resolve_target(w, f, cur))
			continue;
		refuse_unreadable_target(w, f, cur, owner_obj, owner_seg);
		n++;
	}
	if (w->d->count == before) {
		if (storage_filters_replace(w->s, owner_obj, owner_seg, in, n) < 0)
			storage_problem(w, list);
		w->r->filters += n;
	}
	free(in);
}

/* A user's summary times, named in the file as in struct user_summary. */
#define USER_TIME(field) {#field, offsetof(struct user_summary, field)}
static const struct {
	const char *key;
	size_t offset;
} user_times[] = {
	USER_TIME(last_received_any), USER_TIME(last_received_email), USER_TIME(last_received_push),
	USER_TIME(last_received_sms), USER_TIME(last_received_webhook),
	USER_TIME(last_received_whatsapp), USER_TIME(last_engaged), USER_TIME(last_in_app_impression),
	USER_TIME(last_control_enrolled),
};
#define USER_TIME_COUNT (sizeof user_times / sizeof user_times[0])

static void import_user(struct ws *w, const struct ynode *u)
{
	static const char *const fixed[] = {"external_id", "email", "phone", "hard_bounced",
					     "marked_spam", "invalid_phone"};
	const char *keys[sizeof fixed / sizeof fixed[0] + USER_TIME_COUNT + 1];
	size_t k = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		keys[k++] = fixed[i];
	for (size_t i = 0; i < USER_TIME_COUNT; i++)
		keys[k++] = user_times[i].key;
	keys[k] = NULL;
	if (!check_keys(w, u, "a user", keys))
		return;
	int before = w->d->count;
	const char *id = string_of(w, u, "external_id", true);
	struct user_summary sum = {
		.hard_bounced = bool_of(w, u, "hard_bounced"),
		.marked_spam = bool_of(w, u, "marked_spam"),
		.invalid_phone = bool_of(w, u, "invalid_phone"),
	};
	for (size_t i = 0; i < USER_TIME_COUNT; i++)
		*(int64_t *)((char *)&sum + user_times[i].offset) = time_of(w, u, user_times[i].key);
	int64_t uid;
	if (w->d->count != before || !id)
		return;
	if (storage_user_upsert(w->s, id, string_of(w, u, "email", false), string_of(w, u, "phone", false),
				&sum, &uid) < 0)
		storage_problem(w, u);
	else
		w->r->users++;
}

int import_workspace(struct storage *s, const char *path, const struct import_options *o,
		     struct import_report *r, struct diag *d)
{
	(void)o;
	struct ws w = {.s = s, .file = path, .d = d, .r = r};
	int before = d->count;
	struct ynode *root = yamltree_load(path, NULL, d);
	if (!root)
		return -1;
	static const char *const keys[] = {"objects", "segments", "users", NULL};
	if (!check_keys(&w, root, "a workspace file", keys)) {
		yamltree_free(root);
		return -1;
	}
	const struct ynode *objects = list_of(&w, root, "objects");
	const struct ynode *segments = list_of(&w, root, "segments");
	const struct ynode *users = list_of(&w, root, "users");
	check_unique(&w, objects, "api_id", "object");
	check_unique(&w, segments, "api_id", "segment");
	check_unique(&w, users, "external_id", "user");
	for (int i = 0; objects && i < objects->count && !too_many_errors(&w); i++)
		import_object(&w, objects->items[i]);
	for (int i = 0; segments && i < segments->count && !too_many_errors(&w); i++)
		import_segment(&w, segments->items[i]);
	/* second pass: every target now exists */
	for (int i = 0; objects && i < objects->count && !too_many_errors(&w); i++) {
		const struct ynode *obj = objects->items[i];
		int64_t id;
		const char *api = string_of(&w, obj, "api_id", true);
		if (api && storage_object_id(s, api, &id) == 0 && id)
			import_filters(&w, obj, id, 0);
	}
	for (int i = 0; segments && i < segments->count && !too_many_errors(&w); i++) {
		const struct ynode *seg = segments->items[i];
		int64_t id;
		const char *api = string_of(&w, seg, "api_id", true);
		if (api && storage_segment_id(s, api, &id) == 0 && id)
			import_filters(&w, seg, 0, id);
	}
	for (int i = 0; users && i < users->count && !too_many_errors(&w); i++)
		import_user(&w, users->items[i]);
	yamltree_free(root);
	return d->count == before ? 0 : -1;
}
