#include "import/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "import/tally.h"
#include "retention/sweep.h"
#include "storage/events.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"
#include "storage/setup.h"
#include "storage/pairmarks.h"
#include "storage/users.h"

#define DAY 86400

struct size_plan {
	int objects;
	int64_t events;
	int users;
};

static const struct size_plan plans[] = {
	[DEMO_SMALL] = {300, 200000, 5000},
	[DEMO_MEDIUM] = {3000, 5000000, 100000},
	[DEMO_LARGE] = {100000, 100000000, 1000000},
};

int demo_size_parse(const char *name)
{
	static const char *const names[] = {"small", "medium", "large"};
	for (int i = 0; i < 3; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* splitmix64: small, fast, and the same everywhere */
struct rng {
	uint64_t state;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int below(struct rng *r, int n) { return (int)(next(r) % (uint64_t)n); }
static bool chance(struct rng *r, int percent) { return below(r, 100) < percent; }
static int64_t between(struct rng *r, int64_t lo, int64_t hi) { return lo + (int64_t)(next(r) % (uint64_t)(hi - lo + 1)); }

#define PICK(r, array) (array)[below((r), (int)(sizeof(array) / sizeof((array)[0])))]

static const char *const themes[] = {
	"Black Friday", "Cyber Monday", "Soldes d'hiver", "Rentrée", "Sommerschlussverkauf",
	"Weihnachtsmarkt", "Navidad", "Día de Muertos", "Ramadan Kareem", "Diwali Dhamaka",
	"新春セール", "双十一", "Летняя распродажа", "Καλοκαιρινές προσφορές", "Welcome series",
	"Onboarding", "Bienvenue", "Willkommen zurück", "Win-back", "Abandoned cart",
	"Relance panier", "Carrito abandonado", "Price drop", "Back in stock", "Loyalty tier up",
	"Birthday treat", "App update", "Feedback survey", "Renewal reminder", "Trial ending",
	"Référencement ami", "Programa de puntos", "Flash sale", "Weekend brunch", "Spring launch",
	"Jarní výprodej", "Ofertas de verano", "Nouvelle collection", "Early access", "Re-engagement",
};

static const char *const angles[] = {
	"Early access", "Last chance", "Reminder", "Day 1", "Day 3", "Day 7", "VIP",
	"Push only", "Email + push", "SMS blast", "In-app nudge", "Test A/B", "Segment EU",
	"Segment LATAM", "Segment APAC", "— FR", "— DE", "— ES", "— JP", "Round 2",
	"dernier rappel", "último aviso", "letzte Chance", "お知らせ", "повтор",
};

static const char *const seasonal_tags[] = {"black-friday", "xmas", "summer", "spring", "ramadan", "back-to-school", "new-year"};
static const char *const lifecycle_tags[] = {"onboarding", "winback", "retention", "upsell", "transactional", "loyalty"};
static const char *const channel_tags[] = {"email", "push", "sms", "in-app", "whatsapp", "content-cards"};
static const char *const team_tags[] = {"growth", "crm-eu", "crm-latam", "product"};
static const char *const alias_names[] = {"cta", "hero", "footer", "unsubscribe", "shop-now", "learn-more", "app-store"};
static const char *const segment_names[] = {
	"VIP buyers", "Lapsed 90 days", "New installs", "High intent", "Cart abandoners",
	"Newsletter readers", "Push enabled", "Clientes frecuentes", "Stammkunden", "Inactifs 6 mois",
	"Beta testers", "Trial users"};

static const int channel_kinds[] = {EV_RECEIVED_EMAIL, EV_RECEIVED_PUSH, EV_RECEIVED_SMS,
				    EV_RECEIVED_IN_APP, EV_RECEIVED_CONTENT_CARD,
				    EV_RECEIVED_WHATSAPP, EV_RECEIVED_WEBHOOK};

/* What the generator decided for one object, kept for the filter pass. */
struct planned {
	int64_t id;
	int kind, status, state;
	int64_t variants[4], steps[5], aliases[3];
	int variant_count, step_count, alias_count;
	int64_t control; /* variant id of the control group, 0 if none */
	int channel;     /* index into channel_kinds */
	int64_t stopped_at;
	bool wants_protection;
};

struct gen {
	struct storage *s;
	const struct demo_options *o;
	struct rng rng;
	struct size_plan plan;
	struct planned *objects;
	struct demo_report *r;
	struct event *ev;
	int ev_cap;
	int64_t since_commit;
	/* (user, object) pairs not yet in user_objects: written sorted by user
	 * in big batches, so the index is walked once per batch instead of
	 * sought once per pair (objects are generated one after the other) */
	struct pair_list pairs;
};

#define PAIRS_PER_FLUSH (1 << 20)

/* ---- objects ---- */

enum fate { FATE_DRAFT, FATE_ACTIVE, FATE_IDLE, FATE_RECENT_STOP, FATE_EXPIRING,
	    FATE_KEPT, FATE_EXPIRED, FATE_RESTORED, FATE_PURGED, FATE_NO_DATA_STOPPED };

static enum fate choose_fate(struct rng *r)
{
	int x = below(r, 100);
	if (x < 4) return FATE_DRAFT;
	if (x < 26) return FATE_ACTIVE;
	if (x < 31) return FATE_IDLE;
	if (x < 41) return FATE_RECENT_STOP;
	if (x < 47) return FATE_EXPIRING;
	if (x < 54) return FATE_KEPT;
	if (x < 84) return FATE_EXPIRED;
	if (x < 89) return FATE_RESTORED;
	if (x < 98) return FATE_PURGED;
	return FATE_NO_DATA_STOPPED;
}

static int set_tags(struct gen *g, int64_t id, int channel)
{
	const char *tags[4];
	int n = 0;
	if (chance(&g->rng, 60))
		tags[n++] = PICK(&g->rng, seasonal_tags);
	if (chance(&g->rng, 70))
		tags[n++] = PICK(&g->rng, lifecycle_tags);
	tags[n++] = channel_tags[channel < 6 ? channel : 0];
	if (chance(&g->rng, 40))
		tags[n++] = PICK(&g->rng, team_tags);
	return storage_object_set_tags(g->s, id, tags, n);
}

static int add_setup(struct gen *g, struct planned *p, const char *api)
{
	char vapi[96], vname[64];
	int variants = 1 + below(&g->rng, 3);
	for (int i = 0; i < variants; i++) {
		snprintf(vapi, sizeof vapi, "%s-v%d", api, i + 1);
		snprintf(vname, sizeof vname, p->kind == KIND_CANVAS ? "Variant %c" : "Message %c", 'A' + i);
		if (storage_variant_upsert(g->s, p->id, vapi, vname, false, &p->variants[p->variant_count++]) < 0)
			return -1;
	}
	if (chance(&g->rng, 35)) {
		snprintf(vapi, sizeof vapi, "%s-control", api);
		if (storage_variant_upsert(g->s, p->id, vapi, "Control", true, &p->control) < 0)
			return -1;
		p->variants[p->variant_count++] = p->control;
	}
	if (p->kind == KIND_CANVAS) {
		static const char *const step_names[] = {"Welcome", "Reminder", "Offer", "Follow-up", "Last call"};
		int steps = 2 + below(&g->rng, 4);
		for (int i = 0; i < steps; i++) {
			snprintf(vapi, sizeof vapi, "%s-s%d", api, i + 1);
			if (storage_step_upsert(g->s, p->id, vapi, step_names[i], i, &p->steps[p->step_count++]) < 0)
				return -1;
		}
	}
	if (channel_kinds[p->channel] == EV_RECEIVED_EMAIL || channel_kinds[p->channel] == EV_RECEIVED_IN_APP) {
		int aliases = 1 + below(&g->rng, 3);
		for (int i = 0; i < aliases; i++)
			if (storage_alias_upsert(g->s, p->id, alias_names[(i + below(&g->rng, 7)) % 7],
						 &p->aliases[p->alias_count++]) < 0)
				return -1;
	}
	return 0;
}

/* Dates that make the fate come true relative to now. */
static void plan_dates(struct gen *g, enum fate f, struct object_input *in)
{
	int64_t now = g->o->now;
	int months = g->o->months;
	int64_t period = clock_add_months(now, -months); /* stopped before this = due */
	in->created_at = now - between(&g->rng, 400, 1100) * DAY;
	switch (f) {
	case FATE_ACTIVE:
	case FATE_IDLE:
		in->first_sent_at = now - between(&g->rng, 30, 700) * DAY;
		in->last_sent_at = f == FATE_ACTIVE ? now - between(&g->rng, 0, 3) * DAY
						    : now - between(&g->rng, 20, 120) * DAY;
		return;
	case FATE_RECENT_STOP:
		in->stopped_at = now - between(&g->rng, 1, 60) * DAY;
		break;
	case FATE_EXPIRING: /* due within the next two weeks */
		in->stopped_at = period + between(&g->rng, 1 * DAY, 13 * DAY);
		break;
	case FATE_KEPT:
	case FATE_EXPIRED:
	case FATE_NO_DATA_STOPPED:
		in->stopped_at = period - between(&g->rng, 5, 600) * DAY;
		break;
	case FATE_RESTORED:
		in->stopped_at = period - between(&g->rng, 100, 500) * DAY;
		in->last_restored_at = now - between(&g->rng, 2, 60) * DAY;
		break;
	case FATE_PURGED: /* sent nothing for 25 months before the policy changed */
		in->created_at = now - between(&g->rng, 1500, 2500) * DAY;
		in->stopped_at = now - between(&g->rng, 1100, 1400) * DAY;
		break;
	case FATE_DRAFT:
		return;
	}
	in->first_sent_at = in->stopped_at - between(&g->rng, 7, 200) * DAY;
	in->last_sent_at = in->stopped_at - between(&g->rng, 0, 3) * DAY;
	if (in->first_sent_at < in->created_at)
		in->created_at = in->first_sent_at - DAY;
}

static int make_object(struct gen *g, int index, struct planned *p, enum fate f)
{
	char api[64], name[256];
	p->kind = chance(&g->rng, 62) ? KIND_CAMPAIGN : KIND_CANVAS;
	snprintf(api, sizeof api, "%s-%06d", p->kind == KIND_CAMPAIGN ? "cmp" : "cnv", index + 1);
	const char *theme = PICK(&g->rng, themes), *angle = PICK(&g->rng, angles);
	int year = 2023 + below(&g->rng, 4);
	snprintf(name, sizeof name, "%s %d · %s", theme, year, angle);
	p->channel = below(&g->rng, 100) < 45 ? 0 : below(&g->rng, 7);
	static const int statuses[] = {
		[FATE_DRAFT] = STATUS_DRAFT, [FATE_ACTIVE] = STATUS_ACTIVE, [FATE_IDLE] = STATUS_IDLE,
		[FATE_RECENT_STOP] = STATUS_STOPPED, [FATE_EXPIRING] = STATUS_STOPPED,
		[FATE_KEPT] = STATUS_STOPPED, [FATE_EXPIRED] = STATUS_STOPPED,
		[FATE_RESTORED] = STATUS_STOPPED, [FATE_PURGED] = STATUS_ARCHIVED,
		[FATE_NO_DATA_STOPPED] = STATUS_STOPPED};
	p->status = statuses[f];
	if ((f == FATE_EXPIRED || f == FATE_RECENT_STOP) && chance(&g->rng, 25))
		p->status = STATUS_ARCHIVED;
	p->state = f == FATE_PURGED ? IXD_PURGED : f == FATE_EXPIRED ? IXD_EXPIRED : IXD_NONE;
	p->wants_protection = f == FATE_KEPT;
	struct object_input in = {.api_id = api, .name = name, .kind = p->kind, .status = p->status,
				  .channels = event_kind_channel(channel_kinds[p->channel]),
				  .ixd_state = p->state == IXD_PURGED ? IXD_PURGED : IXD_NONE};
	plan_dates(g, f, &in);
	p->stopped_at = in.stopped_at;
	if (storage_object_upsert(g->s, &in, &p->id) < 0 || set_tags(g, p->id, p->channel) < 0 ||
	    add_setup(g, p, api) < 0)
		return -1;
	return 0;
}

/* ---- events ---- */

static struct event *room(struct gen *g, size_t n, size_t extra)
{
	g->ev = array_reserve(g->ev, (int)n, &g->ev_cap, sizeof *g->ev, (int)extra);
	return g->ev + n;
}

static int64_t object_events_target(struct gen *g, int with_data)
{
	/* recipients' stories come out a little shorter than planned */
	double mean = 1.15 * (double)g->plan.events / (with_data ? with_data : 1);
	/* skewed: a few big campaigns, many small ones */
	int x = below(&g->rng, 100);
	double factor = x < 50 ? 0.3 : x < 80 ? 1.0 : x < 95 ? 2.2 : 5.0;
	int64_t n = (int64_t)(mean * factor * (0.75 + below(&g->rng, 50) / 100.0));
	return n < 10 ? 10 : n;
}

/* One recipient's story with a campaign or a Canvas. */
static size_t recipient_events(struct gen *g, const struct planned *p, int64_t user, int64_t t0, size_t n)
{
	struct event base = {.object_id = p->id, .user_id = user, .ts = t0};
	int64_t variant = p->variants[below(&g->rng, p->variant_count)];
	if (variant == p->control) {
		struct event *e = room(g, n, 1);
		*e = base;
		e->kind = p->kind == KIND_CANVAS ? EV_ENTERED_CANVAS : EV_ENROLLED_CONTROL;
		e->variant_id = variant;
		if (p->kind == KIND_CANVAS) {
			e[0].kind = EV_ENTERED_CANVAS;
			struct event *c = room(g, n + 1, 1);
			*c = base, c->kind = EV_ENROLLED_CONTROL, c->variant_id = variant;
			return n + 2;
		}
		return n + 1;
	}
	int received = channel_kinds[p->channel];
	static const int opened[] = {EV_OPENED_EMAIL, EV_OPENED_PUSH, EV_REPLIED_SMS, EV_VIEWED_IN_APP,
				     EV_VIEWED_CARD, EV_READ_WHATSAPP, -1};
	static const int clicked[] = {EV_CLICKED_EMAIL, -1, EV_CLICKED_SMS_LINK, EV_CLICKED_IN_APP,
				      EV_CLICKED_CARD, EV_CLICKED_WHATSAPP, -1};
	int touches = p->kind == KIND_CANVAS ? p->step_count : 1;
	if (p->kind == KIND_CANVAS) {
		struct event *e = room(g, n++, 1);
		*e = base, e->kind = EV_ENTERED_CANVAS, e->variant_id = variant;
	}
	for (int k = 0; k < touches; k++) {
		int64_t t = t0 + k * between(&g->rng, 1, 3) * DAY + between(&g->rng, 0, 3600);
		int64_t step = p->kind == KIND_CANVAS ? p->steps[k] : 0;
		struct event *e = room(g, n++, 1);
		*e = base, e->ts = t, e->kind = received, e->step_id = step, e->variant_id = variant;
		if (chance(&g->rng, 35) && opened[p->channel] >= 0) {
			e = room(g, n++, 1);
			*e = base, e->ts = t + between(&g->rng, 60, 7200), e->kind = opened[p->channel];
			e->step_id = step, e->variant_id = variant;
			if (received == EV_RECEIVED_EMAIL && chance(&g->rng, 15))
				e->kind = EV_OPENED_EMAIL_MACHINE;
			if (received == EV_RECEIVED_IN_APP && chance(&g->rng, 20)) {
				e = room(g, n++, 1);
				*e = base, e->ts = t + 30, e->kind = EV_CLICKED_IN_APP_BUTTON, e->step_id = step;
			}
			if (received == EV_RECEIVED_CONTENT_CARD && chance(&g->rng, 20)) {
				e = room(g, n++, 1);
				*e = base, e->ts = t + 40, e->kind = EV_DISMISSED_CARD, e->step_id = step;
			}
		}
		if (chance(&g->rng, 12) && clicked[p->channel] >= 0) {
			e = room(g, n++, 1);
			*e = base, e->ts = t + between(&g->rng, 120, 9000), e->kind = clicked[p->channel];
			e->step_id = step, e->variant_id = variant;
			if (p->alias_count)
				e->alias_id = p->aliases[below(&g->rng, p->alias_count)];
		}
		if (chance(&g->rng, 5)) {
			e = room(g, n++, 1);
			*e = base, e->ts = t + between(&g->rng, 600, 3 * DAY), e->kind = EV_CONVERTED;
			e->step_id = step, e->variant_id = variant, e->label = 1 + below(&g->rng, 4);
		}
	}
	if (p->kind == KIND_CANVAS && chance(&g->rng, 50)) {
		struct event *e = room(g, n++, 1);
		*e = base, e->ts = t0 + 10 * DAY, e->kind = EV_EXITED_CANVAS, e->variant_id = variant;
	}
	return n;
}

static int write_events(struct gen *g, struct planned *p, size_t n)
{
	event_sort(g->ev, n);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) /* a recipient's story may repeat a key */
		if (kept == 0 || event_compare(&g->ev[i], &g->ev[kept - 1]) != 0)
			g->ev[kept++] = g->ev[i];
	/* the object's users, once each with their kinds and marks */
	pair_list_add_events(&g->pairs, g->ev, kept);
	struct tally tally = {0};
	if (p->state == IXD_EXPIRED) {
		int64_t added;
		int64_t due = clock_add_months(p->stopped_at, g->o->months);
		if (storage_object_expire(g->s, p->id, due) < 0 ||
		    storage_event_append_cold(g->s, p->id, g->ev, kept, &added) < 0)
			return -1;
		g->r->events_cold += added;
		for (int64_t i = 0; i < added; i++) /* the stored ones come first */
			tally_add(&tally, &g->ev[i]);
		return tally_write(&tally, g->s);
	}
	int64_t inserted = 0;
	bool *fresh = malloc(kept + 1);
	if (!fresh)
		abort();
	if (storage_events_insert_hot(g->s, g->ev, (int)kept, fresh) < 0) {
		free(fresh);
		tally_free(&tally);
		return -1;
	}
	for (size_t i = 0; i < kept; i++) {
		inserted += fresh[i];
		if (fresh[i])
			tally_add(&tally, &g->ev[i]);
	}
	free(fresh);
	g->r->events_hot += inserted;
	if (tally_write(&tally, g->s) < 0)
		return -1;
	return storage_object_add_counts(g->s, p->id, inserted, 0);
}

static int object_events(struct gen *g, struct planned *p, int64_t target, int64_t sent_from,
			 int64_t sent_to)
{
	int per_recipient = p->kind == KIND_CANVAS ? 2 + p->step_count : 2;
	int64_t recipients = target / per_recipient;
	if (recipients < 3)
		recipients = 3;
	if (recipients > g->plan.users)
		recipients = g->plan.users;
	/* ascending users with random gaps: no sort needed, no repeats */
	int64_t gap = g->plan.users / recipients, user = 1 + below(&g->rng, (int)gap + 1);
	size_t n = 0;
	if (sent_to <= sent_from)
		sent_to = sent_from + DAY;
	for (int64_t i = 0; i < recipients && user <= g->plan.users; i++) {
		n = recipient_events(g, p, user, between(&g->rng, sent_from, sent_to), n);
		user += 1 + (gap > 1 ? below(&g->rng, (int)(2 * gap - 1)) : 0);
	}
	return write_events(g, p, n);
}

/* ---- users, segments, filters ---- */

static int make_users(struct gen *g)
{
	char ext[32], email[64], phone[32];
	int64_t now = g->o->now;
	for (int i = 1; i <= g->plan.users; i++) {
		snprintf(ext, sizeof ext, "user-%07d", i);
		snprintf(email, sizeof email, "user%d@example.%s", i, i % 3 ? "com" : "org");
		snprintf(phone, sizeof phone, "+3461%07d", i);
		struct user_summary sum = {
			.last_received_any = now - between(&g->rng, 0, 400) * DAY,
			.last_engaged = chance(&g->rng, 70) ? now - between(&g->rng, 0, 500) * DAY : 0,
			.last_received_email = now - between(&g->rng, 0, 400) * DAY,
			.last_received_push = chance(&g->rng, 60) ? now - between(&g->rng, 0, 400) * DAY : 0,
			.last_received_sms = chance(&g->rng, 20) ? now - between(&g->rng, 0, 400) * DAY : 0,
			.last_in_app_impression = chance(&g->rng, 40) ? now - between(&g->rng, 0, 300) * DAY : 0,
			.last_control_enrolled = chance(&g->rng, 15) ? now - between(&g->rng, 0, 300) * DAY : 0,
			.hard_bounced = chance(&g->rng, 2),
			.marked_spam = chance(&g->rng, 1),
			.invalid_phone = chance(&g->rng, 3),
		};
		int64_t id;
		if (storage_user_upsert(g->s, ext, email, phone, &sum, &id) < 0)
			return -1;
	}
	g->r->users = g->plan.users;
	return 0;
}

/* A specific-object filter kind that fits the target, with its target ids. */
static void specific_filter(struct gen *g, const struct planned *t, struct filter_input *f)
{
	f->target_object_id = t->id;
	if (t->kind == KIND_CAMPAIGN) {
		static const int kinds[] = {F_RECEIVED_CAMPAIGN, F_LAST_RECEIVED_CAMPAIGN,
					    F_CLICKED_OPENED_CAMPAIGN, F_CONVERTED_CAMPAIGN,
					    F_RECEIVED_CAMPAIGN_VARIANT, F_CLICKED_ALIAS_CAMPAIGN,
					    F_IN_CAMPAIGN_CONTROL};
		f->kind = PICK(&g->rng, kinds);
		if (f->kind == F_RECEIVED_CAMPAIGN_VARIANT)
			f->target_variant_id = t->variants[0];
		if (f->kind == F_CLICKED_ALIAS_CAMPAIGN && t->alias_count)
			f->target_alias_id = t->aliases[0];
		else if (f->kind == F_CLICKED_ALIAS_CAMPAIGN)
			f->kind = F_RECEIVED_CAMPAIGN;
		if (f->kind == F_IN_CAMPAIGN_CONTROL && !t->control)
			f->kind = F_CONVERTED_CAMPAIGN;
	} else {
		static const int kinds[] = {F_RECEIVED_CANVAS_STEP, F_LAST_RECEIVED_CANVAS_STEP,
					    F_CLICKED_OPENED_STEP, F_CONVERTED_CANVAS,
					    F_ENTERED_CANVAS_VARIATION, F_CLICKED_ALIAS_STEP,
					    F_IN_CANVAS_CONTROL};
		f->kind = PICK(&g->rng, kinds);
		if (f->kind == F_RECEIVED_CANVAS_STEP || f->kind == F_LAST_RECEIVED_CANVAS_STEP ||
		    f->kind == F_CLICKED_OPENED_STEP || f->kind == F_CLICKED_ALIAS_STEP)
			f->target_step_id = t->steps[0];
		if (f->kind == F_CLICKED_ALIAS_STEP && t->alias_count)
			f->target_alias_id = t->aliases[0];
		else if (f->kind == F_CLICKED_ALIAS_STEP)
			f->kind = F_CLICKED_OPENED_STEP;
		if (f->kind == F_ENTERED_CANVAS_VARIATION)
			f->target_variant_id = t->variants[0];
		if (f->kind == F_IN_CANVAS_CONTROL && !t->control)
			f->kind = F_CONVERTED_CANVAS;
	}
}

static int tag_filter(struct gen *g, struct filter_input *f)
{
	static const int kinds[] = {F_RECEIVED_TAG, F_CLICKED_OPENED_TAG, F_LAST_RECEIVED_TAG};
	f->kind = PICK(&g->rng, kinds);
	const char *tag = chance(&g->rng, 50) ? PICK(&g->rng, seasonal_tags) : PICK(&g->rng, lifecycle_tags);
	return storage_tag_id(g->s, tag, true, &f->target_tag_id);
}

static int make_segments_and_filters(struct gen *g, int64_t *segment_ids, int segments)
{
	char api[32], name[96];
	for (int i = 0; i < segments; i++) {
		snprintf(api, sizeof api, "seg-%05d", i + 1);
		snprintf(name, sizeof name, "%s%s", segment_names[i % 12],
			 i >= 12 ? (i % 2 ? " (EU)" : " (US)") : "");
		if (storage_segment_upsert(g->s, api, name, i % 4 != 3, &segment_ids[i]) < 0)
			return -1;
		g->r->segments++;
	}
	int n = g->plan.objects;
	/* which objects may be referenced today: not expired, not purged */
	int64_t *active_owner = calloc(n + 1, sizeof *active_owner);
	int active = 0;
	for (int i = 0; i < n; i++)
		if (status_is_active(g->objects[i].status))
			active_owner[active++] = i;
	struct filter_input f[4];
	for (int i = 0; i < n; i++) {
		struct planned *t = &g->objects[i];
		int count = 0;
		/* protect the kept ones: an active owner, or a segment in use */
		if (t->wants_protection) {
			memset(&f[0], 0, sizeof f[0]);
			specific_filter(g, t, &f[0]);
			/* segments with index % 4 == 3 are not in use and do not protect */
			int pick = below(&g->rng, segments);
			int64_t seg = segment_ids[pick % 4 == 3 ? pick - 1 : pick];
			bool by_segment = chance(&g->rng, 40) || active == 0;
			int64_t owner = by_segment ? 0 : g->objects[active_owner[below(&g->rng, active)]].id;
			if (storage_filters_replace(g->s, owner, by_segment ? seg : 0, &f[0], 1) < 0)
				goto fail;
			g->r->filters++;
			continue;
		}
		/* a stopped object that still names an expired one: a stale filter */
		if (t->status == STATUS_STOPPED && t->state == IXD_NONE && chance(&g->rng, 5)) {
			int target = below(&g->rng, n);
			if (g->objects[target].state == IXD_EXPIRED && target != i) {
				memset(&f[count], 0, sizeof f[count]);
				specific_filter(g, &g->objects[target], &f[count++]);
			}
		}
		if (status_is_active(t->status) && chance(&g->rng, 40)) {
			memset(&f[count], 0, sizeof f[count]);
			if (tag_filter(g, &f[count++]) < 0)
				goto fail;
		}
		if (count && storage_filters_replace(g->s, t->id, 0, f, count) < 0)
			goto fail;
		g->r->filters += count;
	}
	free(active_owner);
	return 0;
fail:
	free(active_owner);
	return -1;
}

/* ---- driver ---- */

static int flush_pairs(struct gen *g)
{
	pair_list_compact(&g->pairs);
	int rc = storage_user_objects_add(g->s, &g->pairs);
	pair_list_clear(&g->pairs);
	return rc;
}

static int commit_now_and_then(struct gen *g, bool force)
{
	if (!force && g->since_commit < 500000)
		return 0;
	if ((force || g->pairs.count >= PAIRS_PER_FLUSH) && flush_pairs(g) < 0)
		return -1;
	g->since_commit = 0;
	if (storage_commit(g->s) < 0 || storage_begin(g->s) < 0)
		return -1;
	if (g->o->progress)
		g->o->progress(g->o->progress_ctx, g->r->events_hot + g->r->events_cold, g->plan.events);
	return 0;
}

static int sent_window(struct gen *g, const struct planned *p, int64_t *from, int64_t *to)
{
	struct object_row o;
	if (storage_object_get(g->s, p->id, &o) <= 0)
		return -1;
	*from = o.first_sent_at;
	*to = o.last_sent_at ? o.last_sent_at : g->o->now;
	object_row_free(&o);
	return 0;
}

static int generate(struct gen *g)
{
	int n = g->plan.objects;
	if (make_users(g) < 0)
		return -1;
	enum fate *fates = calloc(n, sizeof *fates);
	int with_data = 0;
	for (int i = 0; i < n; i++) {
		fates[i] = choose_fate(&g->rng);
		with_data += fates[i] != FATE_DRAFT && fates[i] != FATE_PURGED && fates[i] != FATE_NO_DATA_STOPPED;
	}
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct planned *p = &g->objects[i];
		rc = make_object(g, i, p, fates[i]);
		g->r->objects++;
		if (rc < 0 || fates[i] == FATE_DRAFT || fates[i] == FATE_PURGED || fates[i] == FATE_NO_DATA_STOPPED)
			continue;
		int64_t from, to, target = object_events_target(g, with_data);
		rc = sent_window(g, p, &from, &to);
		if (rc == 0)
			rc = object_events(g, p, target, from, to);
		g->since_commit += target;
		if (rc == 0)
			rc = commit_now_and_then(g, false);
	}
	free(fates);
	int segments = n / 25 < 12 ? 12 : n / 25;
	int64_t *segment_ids = calloc(segments, sizeof *segment_ids);
	if (rc == 0)
		rc = make_segments_and_filters(g, segment_ids, segments);
	free(segment_ids);
	return rc;
}

int demo_generate(struct storage *s, const struct demo_options *o, struct demo_report *r)
{
	memset(r, 0, sizeof *r);
	struct gen g = {.s = s, .o = o, .rng = {o->seed * 0x2545F4914F6CDD1DULL + 1},
			.plan = plans[o->size], .r = r};
	g.objects = calloc(g.plan.objects, sizeof *g.objects);
	if (storage_begin(s) < 0) {
		free(g.objects);
		return -1;
	}
	int changed, rc = generate(&g);
	if (rc == 0)
		rc = sweep_refresh(s, o->now, o->months, &changed);
	if (rc == 0)
		rc = commit_now_and_then(&g, true);
	if (rc == 0)
		rc = storage_commit(s);
	if (rc < 0)
		storage_rollback(s);
	free(g.objects);
	free(g.ev);
	pair_list_free(&g.pairs);
	return rc;
}
