#include "import/sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/text.h"
#include "storage/events.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"
#include "storage/setup.h"
#include "storage/users.h"

void sink_init(struct event_sink *k, struct storage *s, struct import_report *r)
{
	memset(k, 0, sizeof *k);
	k->s = s;
	k->r = r;
}

void sink_free(struct event_sink *k)
{
	for (int i = 0; i < k->object_count; i++)
		free(k->objects[i].cold);
	free(k->objects);
	free(k->users);
	for (int i = 0; i < k->pending_count; i++)
		free(k->pending[i].external_id);
	free(k->pending);
	pair_list_free(&k->pairs);
	free(k->hot);
	strmap_free(&k->object_index);
	strmap_free(&k->object_by_id);
	strmap_free(&k->user_index);
	strmap_free(&k->part_ids);
	tally_free(&k->tally);
}

static void *storage_failed(struct event_sink *k)
{
	snprintf(k->error, sizeof k->error, "%s", storage_error(k->s));
	return NULL;
}

static int learn_object(struct event_sink *k, const char *api_id, const struct learned_object *learn,
			int64_t *id)
{
	/* status unknown: it sent messages, so active until a workspace file says more */
	struct object_input in = {.api_id = api_id, .name = learn->name && *learn->name ? learn->name : api_id,
				  .kind = learn->kind, .status = STATUS_ACTIVE, .learned = true};
	if (storage_object_upsert(k->s, &in, id) < 0)
		return -1;
	k->r->objects_learned++;
	return 0;
}

/* Says why an id from a file is not one (damage, a stray byte); false. */
static bool check_id(struct event_sink *k, const char *what, const char *id)
{
	if (text_valid_id(id))
		return true;
	struct buf shown = {0};
	text_sanitize_terminal(&shown, id);
	snprintf(k->error, sizeof k->error, "%s '%.200s' is not a valid id (1 to 255 bytes of UTF-8 text)", what,
		 shown.data ? shown.data : "");
	buf_free(&shown);
	return false;
}

struct seen_object *sink_object(struct event_sink *k, const char *api_id, const struct learned_object *learn)
{
	size_t len = strlen(api_id);
	int64_t index;
	if (strmap_get(&k->object_index, api_id, len, &index))
		return &k->objects[index];
	if (!check_id(k, "the object id", api_id))
		return NULL;
	if (learn && learn->name && !text_valid_utf8(learn->name)) {
		snprintf(k->error, sizeof k->error, "the name of '%s' is not UTF-8 text", api_id);
		return NULL;
	}
	struct object_row o;
	int found = storage_object_find(k->s, api_id, &o);
	if (found < 0)
		return storage_failed(k);
	if (!found) {
		int64_t id;
		if (!learn) {
			snprintf(k->error, sizeof k->error,
				 "unknown object '%s' (import the workspace file that defines it first)", api_id);
			return NULL;
		}
		if (learn_object(k, api_id, learn, &id) < 0 || storage_object_get(k->s, id, &o) <= 0)
			return storage_failed(k);
	} else if (learn && o.kind != learn->kind) {
		/* a record naming a Canvas as a campaign (or the reverse) */
		snprintf(k->error, sizeof k->error, "'%s' is a %s, not a %s", api_id, object_kind_name(o.kind),
			 object_kind_name(learn->kind));
		object_row_free(&o);
		return NULL;
	}
	k->objects = array_grow(k->objects, k->object_count, &k->object_cap, sizeof *k->objects);
	struct seen_object *so = &k->objects[k->object_count];
	*so = (struct seen_object){.id = o.id, .state = o.state, .kind = o.kind};
	object_row_free(&o);
	strmap_put(&k->object_by_id, (const char *)&so->id, sizeof so->id, k->object_count);
	strmap_put(&k->object_index, api_id, len, k->object_count++);
	return so;
}

struct seen_user *sink_user(struct event_sink *k, const char *external_id)
{
	size_t len = strlen(external_id);
	int64_t index;
	if (strmap_get(&k->user_index, external_id, len, &index))
		return &k->users[index];
	if (!check_id(k, "the user id", external_id))
		return NULL;
	/* its id comes with the others' in one batch (resolve_users) */
	k->pending = array_grow(k->pending, k->pending_count, &k->pending_cap, sizeof *k->pending);
	k->pending[k->pending_count++] = (struct pending_user){strdup(external_id), k->user_count};
	k->users = array_grow(k->users, k->user_count, &k->user_cap, sizeof *k->users);
	k->users[k->user_count] = (struct seen_user){.id = -(int64_t)k->user_count - 1};
	strmap_put(&k->user_index, external_id, len, k->user_count);
	return &k->users[k->user_count++];
}

/* A provisional user id (negative) as the storage's. */
static void resolve_id(const struct event_sink *k, int64_t *user_id)
{
	if (*user_id < 0)
		*user_id = k->users[-*user_id - 1].id;
}

/*
 * The users met since the last batch get their ids from the storage all at
 * once (a server answers many in one round trip), and the events waiting
 * with provisional ids take them.
 */
static int resolve_users(struct event_sink *k)
{
	if (k->pending_count == 0)
		return 0;
	int64_t *ids = malloc((size_t)k->pending_count * sizeof *ids);
	const char **names = malloc((size_t)k->pending_count * sizeof *names);
	if (!ids || !names)
		abort();
	for (int i = 0; i < k->pending_count; i++)
		names[i] = k->pending[i].external_id;
	int rc = storage_users_ensure(k->s, names, k->pending_count, ids);
	for (int i = 0; i < k->pending_count; i++) {
		if (rc == 0)
			k->users[k->pending[i].user].id = ids[i];
		free(k->pending[i].external_id);
	}
	free(ids);
	free(names);
	k->pending_count = 0;
	if (rc < 0)
		return storage_failed(k), -1;
	for (int i = 0; i < k->hot_count; i++)
		resolve_id(k, &k->hot[i].user_id);
	for (int i = 0; i < k->object_count; i++)
		for (int j = 0; j < k->objects[i].cold_n; j++)
			resolve_id(k, &k->objects[i].cold[j].user_id);
	return 0;
}

int64_t sink_part(struct event_sink *k, struct seen_object *o, bool step, const char *api_id,
		  const char *name, bool learn)
{
	if (!api_id || !*api_id)
		return 0;
	if (!check_id(k, step ? "the step id" : "the variant id", api_id))
		return -1;
	char key[600];
	int len = snprintf(key, sizeof key, "%c%s", step ? 's' : 'v', api_id);
	int64_t id, owner;
	if (len < (int)sizeof key && strmap_get(&k->part_ids, key, (size_t)len, &id))
		return id;
	int rc = step ? storage_step_id(k->s, api_id, &id, &owner) : storage_variant_id(k->s, api_id, &id, &owner);
	if (rc == 0 && !id && learn) {
		const char *label = name && *name ? name : api_id;
		rc = step ? storage_step_upsert(k->s, o->id, api_id, label, 0, &id)
			  : storage_variant_upsert(k->s, o->id, api_id, label, false, &id);
		owner = o->id;
	}
	if (rc < 0) {
		storage_failed(k);
		return -1;
	}
	if (!id || owner != o->id) {
		snprintf(k->error, sizeof k->error, id ? "'%s' belongs to another object" : "unknown step or variant '%s'",
			 api_id);
		return -1;
	}
	if (len < (int)sizeof key)
		strmap_put(&k->part_ids, key, (size_t)len, id);
	return id;
}

int64_t sink_alias(struct event_sink *k, struct seen_object *o, const char *name)
{
	if (!name || !*name)
		return 0;
	char key[600];
	int len = snprintf(key, sizeof key, "a%lld:%s", (long long)o->id, name);
	int64_t id;
	if (len < (int)sizeof key && strmap_get(&k->part_ids, key, (size_t)len, &id))
		return id;
	/* link aliases are free text; the first event that names one defines it */
	if (storage_alias_upsert(k->s, o->id, name, &id) < 0) {
		storage_failed(k);
		return -1;
	}
	if (len < (int)sizeof key)
		strmap_put(&k->part_ids, key, (size_t)len, id);
	return id;
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

void sink_user_fact(struct event_sink *k, struct seen_user *u, int user_field, int64_t ts)
{
	struct user_summary *s = &u->summary;
	(void)k;
	u->touched = true;
	switch (user_field) {
	case UF_HARD_BOUNCED: s->hard_bounced = true; break;
	case UF_MARKED_SPAM: s->marked_spam = true; break;
	case UF_INVALID_PHONE: s->invalid_phone = true; break;
	case UF_LAST_RECEIVED_EMAIL: raise_to(&s->last_received_email, ts), raise_to(&s->last_received_any, ts); break;
	case UF_LAST_RECEIVED_SMS: raise_to(&s->last_received_sms, ts), raise_to(&s->last_received_any, ts); break;
	case UF_LAST_RECEIVED_WHATSAPP: raise_to(&s->last_received_whatsapp, ts), raise_to(&s->last_received_any, ts); break;
	default: break;
	}
}

/* Events are written in key order, a batch at a time: inserting into the
 * object-first key sequentially costs a fraction of random inserts. */
#define HOT_BATCH 200000
/* (user, object) pairs are compacted when this many pile up unsorted. */
#define PAIR_BATCH (1 << 21)

/* Records the pairs of events in key order, their kinds and marks
 * (storage/pairmarks.h), merging repeats now and then so memory follows
 * distinct pairs. */
static void record_pairs(struct event_sink *k, const struct event *ev, int n)
{
	pair_list_add_events(&k->pairs, ev, (size_t)n);
	if (k->pairs.count - k->pairs_compacted >= PAIR_BATCH) {
		pair_list_compact(&k->pairs);
		k->pairs_compacted = k->pairs.count;
	}
}

static int flush_hot(struct event_sink *k)
{
	if (resolve_users(k) < 0)
		return -1;
	if (k->hot_count > 1)
		event_sort(k->hot, k->hot_count);
	record_pairs(k, k->hot, k->hot_count);
	bool *inserted = malloc((size_t)k->hot_count + 1);
	if (!inserted)
		abort();
	if (storage_events_insert_hot(k->s, k->hot, k->hot_count, inserted) < 0) {
		free(inserted);
		return storage_failed(k), -1;
	}
	struct seen_object *o = NULL;
	for (int i = 0; i < k->hot_count; i++) {
		const struct event *e = &k->hot[i];
		int64_t index;
		if (!o || o->id != e->object_id) {
			if (!strmap_get(&k->object_by_id, (const char *)&e->object_id, sizeof e->object_id, &index))
				abort(); /* every event came through sink_object */
			o = &k->objects[index];
		}
		o->hot_added += inserted[i];
		if (inserted[i])
			tally_add(&k->tally, e);
		k->r->events_hot += inserted[i];
		k->r->events_duplicate += !inserted[i];
	}
	free(inserted);
	k->hot_count = 0;
	return 0;
}

int sink_add(struct event_sink *k, struct seen_object *o, struct seen_user *u, struct event *e)
{
	if (o->state == IXD_PURGED) {
		snprintf(k->error, sizeof k->error, "its data was deleted under the previous retention policy;"
			 " its events cannot be imported");
		return -1;
	}
	/* a time outside these years is damage, or milliseconds for seconds */
	if (e->ts < SINK_FIRST_TIME || e->ts >= SINK_END_TIME) {
		snprintf(k->error, sizeof k->error, "time %lld is not a plausible Unix time in seconds"
			 " (2000-01-01 to 2099-12-31)", (long long)e->ts);
		return -1;
	}
	e->object_id = o->id;
	e->user_id = u->id;
	k->r->events_read++;
	note_summary(u, e->kind, e->ts);
	if (o->state == IXD_EXPIRED || o->state == IXD_RESTORING) {
		o->cold = array_grow(o->cold, o->cold_n, &o->cold_cap, sizeof *o->cold);
		o->cold[o->cold_n++] = *e;
		return 0;
	}
	k->hot = array_grow(k->hot, k->hot_count, &k->hot_cap, sizeof *k->hot);
	k->hot[k->hot_count++] = *e;
	return k->hot_count >= HOT_BATCH ? flush_hot(k) : 0;
}

/* The summaries of the users this file touched, all at once. */
static int merge_summaries(struct event_sink *k)
{
	int64_t *ids = malloc(((size_t)k->user_count + 1) * sizeof *ids);
	struct user_summary *sums = malloc(((size_t)k->user_count + 1) * sizeof *sums);
	if (!ids || !sums)
		abort();
	int n = 0;
	for (int i = 0; i < k->user_count; i++)
		if (k->users[i].touched) {
			ids[n] = k->users[i].id;
			sums[n++] = k->users[i].summary;
		}
	int rc = storage_users_merge_summaries(k->s, ids, sums, n);
	free(ids);
	free(sums);
	return rc;
}

int sink_flush(struct event_sink *k)
{
	if (flush_hot(k) < 0)
		return -1;
	for (int i = 0; i < k->object_count; i++) {
		struct seen_object *so = &k->objects[i];
		if (so->cold_n > 1)
			event_sort(so->cold, (size_t)so->cold_n);
		record_pairs(k, so->cold, so->cold_n);
	}
	/* in key order, the index grows at its end instead of page by page */
	pair_list_compact(&k->pairs);
	if (storage_user_objects_add(k->s, &k->pairs) < 0)
		return storage_failed(k), -1;
	for (int i = 0; i < k->object_count; i++) {
		struct seen_object *so = &k->objects[i];
		int64_t added = 0;
		if (storage_object_add_counts(k->s, so->id, so->hot_added, 0) < 0 ||
		    storage_event_append_cold(k->s, so->id, so->cold, (size_t)so->cold_n, &added) < 0)
			return storage_failed(k), -1;
		k->r->events_cold += added;
		k->r->events_duplicate += so->cold_n - added;
		for (int64_t e = 0; e < added; e++) /* the stored ones come first */
			tally_add(&k->tally, &so->cold[e]);
	}
	if (tally_write(&k->tally, k->s) < 0)
		return storage_failed(k), -1;
	if (merge_summaries(k) < 0)
		return storage_failed(k), -1;
	k->r->objects = k->object_count;
	k->r->users = k->user_count;
	return 0;
}
