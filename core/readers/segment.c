#include "readers/segment.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "storage/objects.h"
#include "readers/lookup.h"
#include "storage/readers.h"
#include "storage/setup.h"
#include "storage/users.h"

/* ---- the filters ---- */

enum family { FAM_OBJECT, FAM_TAG, FAM_USER, FAM_ALIAS, FAM_SEGMENT };
enum target { T_NONE, T_CAMPAIGN, T_CANVAS, T_CAMPAIGN_VARIANT, T_CANVAS_VARIANT, T_STEP,
	      T_CAMPAIGN_ALIAS, T_STEP_ALIAS, T_TAG, T_ALIAS_NAME, T_SEGMENT };

#define BIT(k) (1u << (k))
#define RECEIVED (BIT(EV_RECEIVED_EMAIL) | BIT(EV_RECEIVED_PUSH) | BIT(EV_RECEIVED_SMS) | \
		  BIT(EV_RECEIVED_WEBHOOK) | BIT(EV_RECEIVED_WHATSAPP) | BIT(EV_RECEIVED_IN_APP) | \
		  BIT(EV_RECEIVED_CONTENT_CARD))
#define ENGAGED (BIT(EV_OPENED_EMAIL) | BIT(EV_OPENED_EMAIL_MACHINE) | BIT(EV_CLICKED_EMAIL) | \
		 BIT(EV_OPENED_PUSH) | BIT(EV_VIEWED_IN_APP) | BIT(EV_CLICKED_IN_APP) | \
		 BIT(EV_CLICKED_IN_APP_BUTTON) | BIT(EV_VIEWED_CARD) | BIT(EV_CLICKED_CARD) | \
		 BIT(EV_DISMISSED_CARD) | BIT(EV_REPLIED_SMS))
#define CLICKS (BIT(EV_CLICKED_EMAIL) | BIT(EV_CLICKED_IN_APP) | BIT(EV_CLICKED_IN_APP_BUTTON) | \
		BIT(EV_CLICKED_CARD) | BIT(EV_CLICKED_SMS_LINK) | BIT(EV_CLICKED_WHATSAPP))

struct filter_def {
	const char *name;
	int family;
	int target;
	uint32_t kinds;
	bool latest;      /* a time window applies to the latest matching event */
	bool interaction; /* takes interaction= */
	int user_field;
};

static const struct filter_def defs[] = {
	{"received_campaign", FAM_OBJECT, T_CAMPAIGN, RECEIVED, false, false, 0},
	{"received_campaign_variant", FAM_OBJECT, T_CAMPAIGN_VARIANT, RECEIVED, false, false, 0},
	{"received_canvas_step", FAM_OBJECT, T_STEP, RECEIVED, false, false, 0},
	{"last_received_campaign", FAM_OBJECT, T_CAMPAIGN, RECEIVED, true, false, 0},
	{"last_received_canvas_step", FAM_OBJECT, T_STEP, RECEIVED, true, false, 0},
	{"clicked_opened_campaign", FAM_OBJECT, T_CAMPAIGN, ENGAGED | CLICKS, false, true, 0},
	{"clicked_opened_step", FAM_OBJECT, T_STEP, ENGAGED | CLICKS, false, true, 0},
	{"clicked_alias_campaign", FAM_OBJECT, T_CAMPAIGN_ALIAS, CLICKS, false, false, 0},
	{"clicked_alias_step", FAM_OBJECT, T_STEP_ALIAS, CLICKS, false, false, 0},
	{"converted_campaign", FAM_OBJECT, T_CAMPAIGN, BIT(EV_CONVERTED), false, false, 0},
	{"converted_canvas", FAM_OBJECT, T_CANVAS, BIT(EV_CONVERTED), false, false, 0},
	{"in_campaign_control", FAM_OBJECT, T_CAMPAIGN, BIT(EV_ENROLLED_CONTROL), false, false, 0},
	{"in_canvas_control", FAM_OBJECT, T_CANVAS, BIT(EV_ENROLLED_CONTROL), false, false, 0},
	{"entered_canvas_variation", FAM_OBJECT, T_CANVAS_VARIANT, BIT(EV_ENTERED_CANVAS), false, false, 0},
	{"received_tag", FAM_TAG, T_TAG, RECEIVED, false, false, 0},
	{"clicked_opened_tag", FAM_TAG, T_TAG, ENGAGED | CLICKS, false, true, 0},
	{"last_received_tag", FAM_TAG, T_TAG, RECEIVED, true, false, 0},
	{"clicked_alias_any", FAM_ALIAS, T_ALIAS_NAME, 0, false, false, 0},
	{"hard_bounced", FAM_USER, T_NONE, 0, false, false, UF_HARD_BOUNCED},
	{"marked_spam", FAM_USER, T_NONE, 0, false, false, UF_MARKED_SPAM},
	{"invalid_phone", FAM_USER, T_NONE, 0, false, false, UF_INVALID_PHONE},
	{"last_received_any", FAM_USER, T_NONE, 0, true, false, UF_LAST_RECEIVED_ANY},
	{"last_received_email", FAM_USER, T_NONE, 0, true, false, UF_LAST_RECEIVED_EMAIL},
	{"last_received_push", FAM_USER, T_NONE, 0, true, false, UF_LAST_RECEIVED_PUSH},
	{"last_received_sms", FAM_USER, T_NONE, 0, true, false, UF_LAST_RECEIVED_SMS},
	{"last_received_webhook", FAM_USER, T_NONE, 0, true, false, UF_LAST_RECEIVED_WEBHOOK},
	{"last_received_whatsapp", FAM_USER, T_NONE, 0, true, false, UF_LAST_RECEIVED_WHATSAPP},
	{"last_engaged", FAM_USER, T_NONE, 0, true, false, UF_LAST_ENGAGED},
	{"last_in_app_impression", FAM_USER, T_NONE, 0, true, false, UF_LAST_IN_APP_IMPRESSION},
	{"last_enrolled_control", FAM_USER, T_NONE, 0, true, false, UF_LAST_CONTROL_ENROLLED},
	{"segment", FAM_SEGMENT, T_SEGMENT, 0, false, false, 0},
};

#define DEF_COUNT ((int)(sizeof defs / sizeof defs[0]))

static const struct filter_def *def_named(const char *name)
{
	for (int i = 0; i < DEF_COUNT; i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

/* How many names a target takes. */
static int target_arity(int target)
{
	return target == T_NONE ? 0 : target == T_CAMPAIGN_ALIAS || target == T_STEP_ALIAS ? 2 : 1;
}

/* ---- the tree ---- */

enum node_type { N_AND, N_OR, N_NOT, N_FILTER };

struct segment_expr {
	int type;
	struct segment_expr *left, *right;
	const struct filter_def *def;
	char *args[2];
	int64_t after, before; /* the window, [after, before) */
	uint32_t interaction;  /* 0 = any */
	bool has_window;
	int column;
};

void segment_free(struct segment_expr *e)
{
	if (!e)
		return;
	segment_free(e->left);
	segment_free(e->right);
	free(e->args[0]);
	free(e->args[1]);
	free(e);
}

/* ---- parsing ---- */

enum tok { TK_END, TK_WORD, TK_STRING, TK_LPAREN, TK_RPAREN, TK_COMMA, TK_EQUALS, TK_BAD };

struct parser {
	const char *text, *p;
	int tok;
	char word[256];
	int column; /* of the current token, 1-based */
	char *err;
	size_t errsize;
	bool failed;
	int64_t now;
	int depth;
};

static void error_at(struct parser *ps, const char *fmt, const char *arg)
{
	if (ps->failed)
		return;
	char msg[512];
	snprintf(msg, sizeof msg, fmt, arg);
	snprintf(ps->err, ps->errsize, "column %d: %.400s", ps->column, msg);
	ps->failed = true;
}

static bool word_char(char c)
{
	return c && (isalnum((unsigned char)c) || (unsigned char)c >= 0x80 || strchr("_-.:@+/#", c));
}

static void next(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n')
		ps->p++;
	ps->column = (int)(ps->p - ps->text) + 1;
	char c = *ps->p;
	size_t n = 0;
	ps->word[0] = '\0';
	if (!c) {
		ps->tok = TK_END;
	} else if (strchr("(),=", c)) { /* c is not NUL here */
		ps->tok = c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN : c == ',' ? TK_COMMA : TK_EQUALS;
		ps->p++;
	} else if (c == '"' || c == '\'') {
		char quote = *ps->p++;
		while (*ps->p && *ps->p != quote && n + 1 < sizeof ps->word) {
			if (*ps->p == '\\' && ps->p[1])
				ps->p++;
			ps->word[n++] = *ps->p++;
		}
		ps->word[n] = '\0';
		if (*ps->p != quote) {
			ps->tok = TK_BAD;
			error_at(ps, "%sunterminated quoted name", "");
			return;
		}
		ps->p++;
		ps->tok = TK_STRING;
	} else if (word_char(c)) {
		while (word_char(*ps->p) && n + 1 < sizeof ps->word)
			ps->word[n++] = *ps->p++;
		ps->word[n] = '\0';
		ps->tok = TK_WORD;
	} else {
		ps->tok = TK_BAD;
		char what[2] = {c, 0};
		error_at(ps, "unexpected '%s'", what);
	}
}

static bool keyword(const struct parser *ps, const char *kw)
{
	return ps->tok == TK_WORD && strcasecmp(ps->word, kw) == 0;
}

static struct segment_expr *node(int type, int column)
{
	struct segment_expr *e = calloc(1, sizeof *e);
	if (!e)
		abort();
	e->type = type;
	e->column = column;
	e->before = INT64_MAX;
	e->after = INT64_MIN;
	return e;
}

static struct segment_expr *parse_or(struct parser *ps);

static void parse_keyword_arg(struct parser *ps, struct segment_expr *e, const char *key)
{
	next(ps); /* '=' */
	next(ps);
	if (ps->tok != TK_WORD && ps->tok != TK_STRING) {
		error_at(ps, "expected a value after %s=", key);
		return;
	}
	int64_t t, days;
	char *end;
	if (strcmp(key, "before") == 0 || strcmp(key, "after") == 0) {
		if (!clock_parse(ps->word, &t))
			return error_at(ps, "'%s' is not a date (2026-06-01 or 2026-06-01T10:00:00Z)", ps->word);
		if (key[0] == 'b')
			e->before = t;
		else
			e->after = t + 1; /* after: strictly later */
		e->has_window = true;
	} else if (strcmp(key, "more_than_days") == 0 || strcmp(key, "less_than_days") == 0) {
		days = strtoll(ps->word, &end, 10);
		if (*end || days < 0)
			return error_at(ps, "'%s' is not a number of days", ps->word);
		/* beyond a thousand years the arithmetic below would overflow */
		if (days > 365000)
			return error_at(ps, "'%s' days is more than a thousand years", ps->word);
		if (key[0] == 'm')
			e->before = ps->now - days * 86400; /* more than N days ago */
		else
			e->after = ps->now - days * 86400 + 1;
		e->has_window = true;
	} else if (strcmp(key, "interaction") == 0 && e->def->interaction) {
		int k = event_kind_parse(ps->word);
		if (strcmp(ps->word, "any") == 0)
			e->interaction = 0;
		else if (k >= 0 && (BIT(k) & (ENGAGED | CLICKS)))
			e->interaction = BIT(k);
		else
			return error_at(ps, "'%s' is not an interaction (opened_email, clicked_email, opened_push,"
					    " viewed_in_app, clicked_card, ..., any)", ps->word);
	} else {
		return error_at(ps, "%s= does not apply here (before=, after=, more_than_days=, less_than_days=,"
				    " interaction= for clicked_opened)", key);
	}
	if (e->has_window && !e->def->latest && (e->def->family == FAM_USER || e->def->family == FAM_ALIAS))
		error_at(ps, "%s takes no time", e->def->name);
	next(ps);
}

static void parse_args(struct parser *ps, struct segment_expr *e)
{
	int positional = 0, want = target_arity(e->def->target);
	next(ps); /* '(' */
	while (!ps->failed && ps->tok != TK_RPAREN) {
		if (ps->tok != TK_WORD && ps->tok != TK_STRING)
			return error_at(ps, "expected a name or key=value%s", "");
		char word[256];
		snprintf(word, sizeof word, "%s", ps->word);
		const char *save = ps->p;
		int save_column = ps->column;
		next(ps);
		if (ps->tok == TK_EQUALS) {
			ps->p = save, ps->column = save_column; /* let parse_keyword_arg consume '=' */
			ps->tok = TK_EQUALS;
			parse_keyword_arg(ps, e, word);
		} else if (positional < want) {
			e->args[positional++] = strdup(word);
		} else {
			ps->column = save_column;
			return error_at(ps, "%s takes fewer names", e->def->name);
		}
		if (ps->tok == TK_COMMA)
			next(ps);
		else if (ps->tok != TK_RPAREN)
			return error_at(ps, "expected ',' or ')'%s", "");
	}
	if (!ps->failed && positional < want)
		error_at(ps, want == 2 ? "%s needs two names (object or step, then link alias)" : "%s needs a name",
			 e->def->name);
	next(ps);
}

static struct segment_expr *parse_filter(struct parser *ps)
{
	if (ps->tok != TK_WORD) {
		error_at(ps, ps->tok == TK_END ? "expected a filter at the end%s" : "expected a filter%s", "");
		return NULL;
	}
	const struct filter_def *def = def_named(ps->word);
	if (!def) {
		error_at(ps, "unknown filter '%s' (see README: Segment expressions)", ps->word);
		return NULL;
	}
	struct segment_expr *e = node(N_FILTER, ps->column);
	e->def = def;
	next(ps);
	if (ps->tok == TK_LPAREN)
		parse_args(ps, e);
	else if (target_arity(def->target) > 0)
		error_at(ps, "%s needs a name in parentheses", def->name);
	return e;
}

static struct segment_expr *parse_unary(struct parser *ps)
{
	if (++ps->depth > 64) {
		error_at(ps, "nesting deeper than 64%s", "");
		return NULL;
	}
	struct segment_expr *e;
	if (keyword(ps, "not")) {
		e = node(N_NOT, ps->column);
		next(ps);
		e->left = parse_unary(ps);
	} else if (ps->tok == TK_LPAREN) {
		next(ps);
		e = parse_or(ps);
		if (ps->tok != TK_RPAREN)
			error_at(ps, "expected ')'%s", "");
		next(ps);
	} else {
		e = parse_filter(ps);
	}
	ps->depth--;
	return e;
}

static struct segment_expr *parse_binary(struct parser *ps, const char *op, int type,
					 struct segment_expr *(*operand)(struct parser *))
{
	struct segment_expr *left = operand(ps);
	while (!ps->failed && keyword(ps, op)) {
		struct segment_expr *e = node(type, ps->column);
		next(ps);
		e->left = left;
		e->right = operand(ps);
		left = e;
	}
	return left;
}

static struct segment_expr *parse_and(struct parser *ps)
{
	return parse_binary(ps, "and", N_AND, parse_unary);
}

static struct segment_expr *parse_or(struct parser *ps)
{
	return parse_binary(ps, "or", N_OR, parse_and);
}

struct segment_expr *segment_parse(const char *text, int64_t now, char *err, size_t errsize)
{
	struct parser ps = {.text = text, .p = text, .err = err, .errsize = errsize, .now = now};
	next(&ps);
	struct segment_expr *e = parse_or(&ps);
	if (!ps.failed && ps.tok != TK_END)
		error_at(&ps, "unexpected '%s' (join filters with and / or)", ps.word[0] ? ps.word : "(");
	if (ps.failed) {
		segment_free(e);
		return NULL;
	}
	return e;
}

/* ---- sets of users ---- */

struct set {
	int64_t *ids;
	int n;
};

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void set_normalise(struct set *s)
{
	if (s->n > 1)
		qsort(s->ids, s->n, sizeof *s->ids, cmp_id);
	int k = 0;
	for (int i = 0; i < s->n; i++)
		if (k == 0 || s->ids[i] != s->ids[k - 1])
			s->ids[k++] = s->ids[i];
	s->n = k;
}

/* mode: 0 and, 1 or, 2 minus */
static struct set set_combine(const struct set *a, const struct set *b, int mode)
{
	struct set r = {malloc((size_t)(a->n + b->n + 1) * sizeof(int64_t)), 0};
	int i = 0, j = 0;
	while (i < a->n || j < b->n) {
		bool take_a = j >= b->n || (i < a->n && a->ids[i] < b->ids[j]);
		bool take_b = i >= a->n || (j < b->n && b->ids[j] < a->ids[i]);
		if (take_a) {
			if (mode != 0)
				r.ids[r.n++] = a->ids[i];
			i++;
		} else if (take_b) {
			if (mode == 1)
				r.ids[r.n++] = b->ids[j];
			j++;
		} else {
			if (mode != 2)
				r.ids[r.n++] = a->ids[i];
			i++, j++;
		}
	}
	return r;
}

/* ---- evaluation ---- */

struct evaluation {
	struct storage *s;
	int64_t now;
	char *err;
	size_t errsize;
	int depth;
};

static int eval_error(struct evaluation *ev, const char *fmt, const char *arg)
{
	snprintf(ev->err, ev->errsize, fmt, arg);
	return -1;
}

static int resolve_object(struct evaluation *ev, const char *key, int kind, int64_t *id)
{
	struct object_row o;
	char why[512];
	int found = lookup_object(ev->s, key, &o, why, sizeof why);
	if (found <= 0)
		return eval_error(ev, "%s", found < 0 ? storage_error(ev->s) : why);
	bool right = o.kind == kind;
	*id = o.id;
	object_row_free(&o);
	return right ? 0 : eval_error(ev, kind == KIND_CAMPAIGN ? "'%s' is a Canvas, not a campaign"
								: "'%s' is a campaign, not a Canvas", key);
}

static int resolve_part(struct evaluation *ev, const char *key, bool step, struct event_match *m)
{
	int64_t id, object;
	int rc = step ? storage_step_id(ev->s, key, &id, &object) : storage_variant_id(ev->s, key, &id, &object);
	if (rc < 0)
		return eval_error(ev, "%s", storage_error(ev->s));
	if (!id)
		return eval_error(ev, step ? "unknown Canvas step '%s'" : "unknown variant '%s'", key);
	m->object_id = object;
	if (step)
		m->step_id = id;
	else
		m->variant_id = id;
	return 0;
}

static int resolve_alias(struct evaluation *ev, const char *name, struct event_match *m)
{
	if (storage_alias_id(ev->s, m->object_id, name, &m->alias_id) < 0)
		return eval_error(ev, "%s", storage_error(ev->s));
	return m->alias_id ? 0 : eval_error(ev, "unknown link alias '%s' for that object", name);
}

static int resolve_target(struct evaluation *ev, const struct segment_expr *e, struct event_match *m)
{
	switch (e->def->target) {
	case T_CAMPAIGN: return resolve_object(ev, e->args[0], KIND_CAMPAIGN, &m->object_id);
	case T_CANVAS: return resolve_object(ev, e->args[0], KIND_CANVAS, &m->object_id);
	case T_CAMPAIGN_VARIANT:
	case T_CANVAS_VARIANT: return resolve_part(ev, e->args[0], false, m);
	case T_STEP: return resolve_part(ev, e->args[0], true, m);
	case T_CAMPAIGN_ALIAS:
		if (resolve_object(ev, e->args[0], KIND_CAMPAIGN, &m->object_id) < 0)
			return -1;
		return resolve_alias(ev, e->args[1], m);
	case T_STEP_ALIAS:
		if (resolve_part(ev, e->args[0], true, m) < 0)
			return -1;
		return resolve_alias(ev, e->args[1], m);
	default: return 0;
	}
}

static int users_of_match(struct evaluation *ev, const struct event_match *m, int64_t after, int64_t before,
			  bool latest, struct set *out)
{
	struct user_time *ut;
	int n;
	if (storage_event_users(ev->s, m, after, before, latest, &ut, &n) < 0)
		return eval_error(ev, "%s", storage_error(ev->s));
	out->ids = malloc((size_t)(n + 1) * sizeof *out->ids);
	for (int i = 0; i < n; i++)
		out->ids[i] = ut[i].user_id;
	out->n = n;
	free(ut);
	return 0;
}

/* Users gathered by id: the latest time seen (or 1), 0 for none. */
struct users_seen {
	int64_t *last, max_user;
};

static void mark_user(void *ctx, int64_t user_id)
{
	struct users_seen *u = ctx;
	if (user_id >= 0 && user_id <= u->max_user)
		u->last[user_id] = 1;
}

/* From the events of each of the tag's available objects. */
static int tag_users_by_events(struct evaluation *ev, const struct segment_expr *e, uint32_t kinds,
			       struct users_seen *seen)
{
	int64_t *objects;
	int count;
	if (storage_available_with_tag(ev->s, e->args[0], &objects, &count) < 0)
		return -1;
	bool latest = e->def->latest;
	int rc = 0;
	for (int i = 0; i < count && rc == 0; i++) {
		struct event_match m = {.object_id = objects[i], .kinds = kinds};
		struct user_time *ut;
		int k;
		rc = storage_event_users(ev->s, &m, latest ? INT64_MIN : e->after, latest ? INT64_MAX : e->before,
					 latest, &ut, &k);
		for (int j = 0; rc == 0 && j < k; j++) {
			int64_t u = ut[j].user_id, ts = latest ? ut[j].ts : 1;
			if (u >= 0 && u <= seen->max_user && ts > seen->last[u])
				seen->last[u] = ts;
		}
		if (rc == 0)
			free(ut);
	}
	free(objects);
	return rc;
}

/*
 * Tag filters: the union over the tag's available objects; for "last
 * received" the latest event across all of them must be in the window.
 * Thousands of objects' users are gathered by user id into an array as
 * long as the users table, not sorted: the set comes out ascending by
 * reading it once.  At any time (no window), each object's users and
 * their kinds of event are read packed (storage/userpack.h), not its
 * events.
 */
static int eval_tag(struct evaluation *ev, const struct segment_expr *e, uint32_t kinds, struct set *out)
{
	struct users_seen seen;
	if (storage_user_id_max(ev->s, &seen.max_user) < 0)
		return eval_error(ev, "%s", storage_error(ev->s));
	seen.last = calloc((size_t)seen.max_user + 1, sizeof *seen.last);
	if (!seen.last)
		abort();
	bool latest = e->def->latest;
	bool any_time = !latest && e->after == INT64_MIN && e->before == INT64_MAX;
	int rc = any_time ? storage_tag_users(ev->s, e->args[0], kinds, mark_user, &seen)
			  : tag_users_by_events(ev, e, kinds, &seen);
	if (rc < 0) {
		free(seen.last);
		return eval_error(ev, "%s", storage_error(ev->s));
	}
	int cap = 0;
	out->ids = NULL;
	out->n = 0;
	for (int64_t u = 0; u <= seen.max_user; u++) {
		int64_t t = seen.last[u];
		if (t && (!latest || (t >= e->after && t < e->before))) {
			out->ids = array_grow(out->ids, out->n, &cap, sizeof *out->ids);
			out->ids[out->n++] = u;
		}
	}
	if (!out->ids)
		out->ids = malloc(sizeof *out->ids);
	free(seen.last);
	return 0;
}

static int eval_stored(struct evaluation *ev, const char *key, struct set *out);

static int eval_filter(struct evaluation *ev, const struct segment_expr *e, struct set *out)
{
	const struct filter_def *d = e->def;
	uint32_t kinds = e->interaction ? e->interaction : d->kinds;
	switch (d->family) {
	case FAM_USER:
		if (storage_users_by_field(ev->s, d->user_field, e->after, e->before, &out->ids, &out->n) < 0)
			return eval_error(ev, "%s", storage_error(ev->s));
		return 0;
	case FAM_ALIAS:
		if (storage_users_with_alias(ev->s, e->args[0], &out->ids, &out->n) < 0)
			return eval_error(ev, "%s", storage_error(ev->s));
		return 0;
	case FAM_TAG:
		return eval_tag(ev, e, kinds, out);
	case FAM_SEGMENT:
		return eval_stored(ev, e->args[0], out);
	default: {
		struct event_match m = {.kinds = kinds};
		if (resolve_target(ev, e, &m) < 0)
			return -1;
		return users_of_match(ev, &m, e->after, e->before, d->latest, out);
	}
	}
}

static int eval_node(struct evaluation *ev, const struct segment_expr *e, struct set *out)
{
	struct set a = {0}, b = {0};
	int rc = 0;
	switch (e->type) {
	case N_FILTER:
		return eval_filter(ev, e, out);
	case N_NOT:
		if (eval_node(ev, e->left, &b) < 0)
			return -1;
		rc = storage_all_user_ids(ev->s, &a.ids, &a.n);
		if (rc == 0)
			*out = set_combine(&a, &b, 2);
		break;
	default:
		if (eval_node(ev, e->left, &a) < 0)
			return -1;
		rc = eval_node(ev, e->right, &b);
		if (rc == 0)
			*out = set_combine(&a, &b, e->type == N_AND ? 0 : 1);
	}
	free(a.ids);
	free(b.ids);
	return rc < 0 ? eval_error(ev, "%s", storage_error(ev->s)) : 0;
}

/* A stored filter is evaluated like the expression it stands for. */
static int eval_stored_filter(struct evaluation *ev, const struct stored_filter *f, struct set *out)
{
	const struct filter_def *d = def_named(filter_kind_name(f->kind));
	if (!d)
		return eval_error(ev, "a stored filter of unknown kind %s", filter_kind_name(f->kind));
	if (d->family == FAM_TAG) {
		struct segment_expr e = {.type = N_FILTER, .def = d, .args = {f->tag, NULL},
					 .after = INT64_MIN, .before = INT64_MAX};
		return eval_tag(ev, &e, d->kinds, out);
	}
	struct event_match m = {f->object_id, d->kinds, f->step_id, f->variant_id, f->alias_id};
	return users_of_match(ev, &m, INT64_MIN, INT64_MAX, false, out);
}

static int eval_stored(struct evaluation *ev, const char *key, struct set *out)
{
	if (++ev->depth > 8)
		return eval_error(ev, "segment '%s' nests too deep", key);
	struct stored_filter *f;
	int n;
	int found = storage_segment_filters(ev->s, key, &f, &n);
	if (found <= 0)
		return found < 0 ? eval_error(ev, "%s", storage_error(ev->s))
				 : eval_error(ev, "unknown segment '%s'", key);
	/* a segment without filters is everybody */
	int rc = storage_all_user_ids(ev->s, &out->ids, &out->n);
	for (int i = 0; i < n && rc == 0; i++) {
		struct set one = {0};
		rc = eval_stored_filter(ev, &f[i], &one);
		if (rc == 0) {
			struct set both = set_combine(out, &one, 0);
			free(out->ids);
			*out = both;
		}
		free(one.ids);
	}
	stored_filters_free(f, n);
	ev->depth--;
	return rc;
}

/* Hands a result set to the caller, sorted and without repeats. */
static int deliver(int rc, struct set *out, int64_t **ids, int *n)
{
	if (rc < 0) {
		free(out->ids);
		return -1;
	}
	set_normalise(out);
	*ids = out->ids;
	*n = out->n;
	return 0;
}

int segment_eval(struct storage *s, const struct segment_expr *e, int64_t now, int64_t **ids, int *n,
		 char *err, size_t errsize)
{
	struct evaluation ev = {.s = s, .now = now, .err = err, .errsize = errsize};
	struct set out = {0};
	return deliver(eval_node(&ev, e, &out), &out, ids, n);
}

int segment_eval_stored(struct storage *s, const char *key, int64_t now, int64_t **ids, int *n,
			char *err, size_t errsize)
{
	struct evaluation ev = {.s = s, .now = now, .err = err, .errsize = errsize};
	struct set out = {0};
	return deliver(eval_stored(&ev, key, &out), &out, ids, n);
}

/* One filter naming an object: refused when purged, a note when its data
 * is not available. */
static int check_filter(struct evaluation *ev, const struct segment_expr *e, struct buf *notes)
{
	struct event_match m = {0};
	if (resolve_target(ev, e, &m) < 0)
		return -1;
	struct object_row o;
	if (storage_object_get(ev->s, m.object_id, &o) <= 0)
		return eval_error(ev, "%s", storage_error(ev->s));
	int state = o.state, rc = 0;
	if (state == IXD_PURGED) {
		snprintf(ev->err, ev->errsize,
			 "column %d: '%.200s' was deleted under the previous retention policy: it cannot be used"
			 " in retargeting filters", e->column, o.api_id);
		rc = 1;
	} else if (state == IXD_EXPIRED || state == IXD_RESTORING) {
		buf_printf(notes, "column %d: %s(%s) matches nobody until '%s' is %s\n", e->column,
			   e->def->name, e->args[0], o.api_id,
			   state == IXD_EXPIRED ? "restored (its interaction data has expired)"
						: "restored (a restore job is bringing it back)");
	}
	object_row_free(&o);
	return rc;
}

static int check_node(struct evaluation *ev, const struct segment_expr *e, struct buf *notes)
{
	if (!e)
		return 0;
	if (e->type != N_FILTER) {
		int rc = check_node(ev, e->left, notes);
		return rc ? rc : check_node(ev, e->right, notes);
	}
	return e->def->family == FAM_OBJECT ? check_filter(ev, e, notes) : 0;
}

int segment_check(struct storage *s, const struct segment_expr *e, char *err, size_t errsize,
		  struct buf *notes)
{
	struct evaluation ev = {.s = s, .err = err, .errsize = errsize};
	return check_node(&ev, e, notes);
}
