#include "present.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/clock.h"
#include "base/model.h"
#include "retention/policy.h"
#include "storage/objects.h"

void present_expiry(const struct object_row *o, int64_t now, char *buf, size_t size)
{
	switch (o->state) {
	case IXD_NONE:
		snprintf(buf, size, "—");
		return;
	case IXD_EXPIRED:
		snprintf(buf, size, "EXPIRED");
		return;
	case IXD_PURGED:
		snprintf(buf, size, "deleted (legacy)");
		return;
	case IXD_RESTORING: {
		int pct = o->restore_total > 0 ? (int)(o->restore_done * 100 / o->restore_total) : 0;
		snprintf(buf, size, "restoring %d%%", pct > 100 ? 100 : pct);
		return;
	}
	}
	if (o->kept_by) {
		snprintf(buf, size, "kept: used by %s", o->kept_by);
		return;
	}
	if (!o->expires_at) {
		snprintf(buf, size, status_is_active(o->status) ? "active" : "available");
		return;
	}
	int64_t left = o->expires_at - now;
	if (left <= 0)
		snprintf(buf, size, "due: next sweep");
	else if (left < 86400)
		snprintf(buf, size, "expires in %lld h", (long long)(left + 3599) / 3600);
	else
		snprintf(buf, size, "expires in %lld d", (long long)clock_days_until(now, o->expires_at));
}

void present_why(const struct object_row *o, int64_t now, int months, char *buf, size_t size)
{
	struct policy_facts f = {.status = o->status, .state = o->state, .stopped_at = o->stopped_at,
				 .last_restored_at = o->last_restored_at,
				 .has_data = o->hot_events + o->cold_events > 0,
				 .protected_by_filter = o->kept_by != NULL};
	struct policy_verdict v = policy_evaluate(&f, now, months);
	policy_explain(&v, o->kept_by, months, o->last_restored_at, buf, size);
}

const char *present_filter_target(int target_state)
{
	switch (target_state) {
	case IXD_EXPIRED: return "names expired data: matches nobody until it is restored";
	case IXD_RESTORING: return "names data being restored: matches nobody until the job ends";
	case IXD_PURGED: return "names data deleted under the previous policy: matches nobody";
	case IXD_NONE: return "names an object without data: matches nobody";
	default: return "";
	}
}

void present_date(int64_t t, char *buf, size_t size)
{
	if (t)
		clock_format_date(t, buf, size);
	else
		snprintf(buf, size, "—");
}

void present_object_json(struct buf *out, const struct object_row *o, int64_t now,
			 const struct object_analytics *a)
{
	char expiry[256];
	present_expiry(o, now, expiry, sizeof expiry);
	buf_adds(out, "{\"api_id\":");
	text_json_string(out, o->api_id);
	buf_adds(out, ",\"name\":");
	text_json_string(out, o->name);
	buf_printf(out, ",\"kind\":\"%s\",\"status\":\"%s\",\"ixd_state\":\"%s\"",
		   object_kind_name(o->kind), object_status_name(o->status), ixd_state_name(o->state));
	buf_adds(out, ",\"expiry\":");
	text_json_string(out, expiry);
	text_json_time(out, "expires_at", o->expires_at);
	buf_adds(out, ",\"kept_by\":");
	if (o->kept_by)
		text_json_string(out, o->kept_by);
	else
		buf_adds(out, "null");
	buf_adds(out, ",\"tags\":[");
	const char *t = o->tags;
	for (int first = 1; t && *t; first = 0) {
		const char *comma = strchr(t, ',');
		size_t len = comma ? (size_t)(comma - t) : strlen(t);
		char tag[256];
		snprintf(tag, sizeof tag, "%.*s", (int)len, t);
		if (!first)
			buf_addc(out, ',');
		text_json_string(out, tag);
		t = comma ? comma + 1 : t + len;
	}
	buf_adds(out, "],\"channels\":");
	text_json_string(out, o->channels ? o->channels : "");
	text_json_time(out, "created_at", o->created_at);
	text_json_time(out, "first_sent_at", o->first_sent_at);
	text_json_time(out, "last_sent_at", o->last_sent_at);
	text_json_time(out, "stopped_at", o->stopped_at);
	text_json_time(out, "expired_at", o->expired_at);
	text_json_time(out, "last_restored_at", o->last_restored_at);
	buf_printf(out, ",\"hot_events\":%lld,\"cold_events\":%lld", (long long)o->hot_events,
		   (long long)o->cold_events);
	if (o->restore_job)
		buf_printf(out, ",\"restore_job\":%lld,\"restore_done\":%lld,\"restore_total\":%lld",
			   (long long)o->restore_job, (long long)o->restore_done,
			   (long long)o->restore_total);
	buf_printf(out, ",\"learned\":%s", o->learned ? "true" : "false");
	if (a)
		present_analytics_json(out, a);
	buf_addc(out, '}');
}

int present_state_parse(const char *word)
{
	if (strcmp(word, "expiring") == 0)
		return STATE_FILTER_EXPIRING;
	if (strcmp(word, "kept") == 0)
		return STATE_FILTER_KEPT;
	return ixd_state_parse(word);
}

void present_fputs(const char *s, FILE *f)
{
	struct buf b = {0};
	text_sanitize_terminal(&b, s ? s : "");
	fputs(b.data ? b.data : "", f);
	buf_free(&b);
}

void present_puts(const char *s)
{
	present_fputs(s, stdout);
}

void present_count_short(int64_t n, char *buf, size_t size)
{
	if (n < 10000)
		snprintf(buf, size, "%lld", (long long)n);
	else if (n < 1000000)
		snprintf(buf, size, "%lldk", (long long)(n / 1000));
	else
		snprintf(buf, size, "%.1fM", (double)n / 1e6);
}

/* ---- analytics ---- */

static const char *const label_names[] = {"", "A", "B", "C", "D"};

/* The figures an operator looks at, summed over some analytics rows. */
struct figures {
	int64_t sends[EV_RECEIVED_CONTENT_CARD + 1]; /* by channel */
	int64_t opens, machine_opens, clicks, conversions[5], control, entered, exited;
	int64_t first_send, last_send;
};

static bool is_open(int kind)
{
	return kind == EV_OPENED_EMAIL || kind == EV_OPENED_PUSH || kind == EV_VIEWED_IN_APP ||
	       kind == EV_VIEWED_CARD || kind == EV_READ_WHATSAPP;
}

static bool is_click(int kind)
{
	return kind == EV_CLICKED_EMAIL || kind == EV_CLICKED_IN_APP || kind == EV_CLICKED_IN_APP_BUTTON ||
	       kind == EV_CLICKED_CARD || kind == EV_CLICKED_SMS_LINK || kind == EV_CLICKED_WHATSAPP;
}

static void add_figures(struct figures *f, const struct event_stat *s)
{
	if (event_kind_channel(s->kind)) {
		f->sends[s->kind] += s->events;
		if (!f->first_send || s->first_ts < f->first_send)
			f->first_send = s->first_ts;
		if (s->last_ts > f->last_send)
			f->last_send = s->last_ts;
	}
	f->opens += is_open(s->kind) ? s->events : 0;
	f->machine_opens += s->kind == EV_OPENED_EMAIL_MACHINE ? s->events : 0;
	f->clicks += is_click(s->kind) ? s->events : 0;
	if (s->kind == EV_CONVERTED && s->label >= 0 && s->label <= 4)
		f->conversions[s->label] += s->events;
	f->control += s->kind == EV_ENROLLED_CONTROL ? s->events : 0;
	f->entered += s->kind == EV_ENTERED_CANVAS ? s->events : 0;
	f->exited += s->kind == EV_EXITED_CANVAS ? s->events : 0;
}

/* Sums the rows of one step or variant (`part` its api id; NULL: all). */
static struct figures sum_figures(const struct object_analytics *a, bool step, const char *part)
{
	struct figures f = {0};
	for (int i = 0; i < a->count; i++) {
		const char *id = step ? a->rows[i].step : a->rows[i].variant;
		if (!part || (id && strcmp(id, part) == 0))
			add_figures(&f, &a->rows[i].stat);
	}
	return f;
}

static int64_t total_sends(const struct figures *f)
{
	int64_t n = 0;
	for (size_t i = 0; i < sizeof f->sends / sizeof f->sends[0]; i++)
		n += f->sends[i];
	return n;
}

/* "sends 1,200 (email 1,000, push 200), opens 812, clicks 120, ..." */
static void figures_text(struct buf *out, const struct figures *f)
{
	char n[32];
	text_count(total_sends(f), n, sizeof n);
	buf_printf(out, "sends %s", n);
	const char *sep = " (";
	for (size_t i = 0; i < sizeof f->sends / sizeof f->sends[0]; i++)
		if (f->sends[i]) {
			text_count(f->sends[i], n, sizeof n);
			buf_printf(out, "%s%s %s", sep, event_kind_channel((int)i), n);
			sep = ", ";
		}
	buf_adds(out, *sep == ',' ? ")" : "");
	struct { int64_t v; const char *what; } more[] = {
		{f->opens, "opens"}, {f->clicks, "clicks"}, {f->machine_opens, "machine opens"},
		{f->control, "in control"}, {f->entered, "entered"}, {f->exited, "exited"}};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		if (more[i].v || i < 2) {
			text_count(more[i].v, n, sizeof n);
			buf_printf(out, ", %s %s", more[i].what, n);
		}
	for (int l = 0; l <= 4; l++)
		if (f->conversions[l]) {
			text_count(f->conversions[l], n, sizeof n);
			buf_printf(out, ", conversions%s%s %s", l ? " " : "", label_names[l], n);
		}
}

/* Row i's step (or variant) api id when row i is the first to name it,
 * else NULL: a loop over the rows so visits each part once. */
static const char *new_part(const struct object_analytics *a, int i, bool step)
{
	const char *id = step ? a->rows[i].step : a->rows[i].variant;
	for (int k = 0; k < i && id; k++) {
		const char *other = step ? a->rows[k].step : a->rows[k].variant;
		if (other && strcmp(other, id) == 0)
			return NULL;
	}
	return id;
}

/* The steps or variants the rows name, each once, in row order. */
static void parts_text(struct buf *out, const struct object_analytics *a, bool step)
{
	for (int i = 0; i < a->count; i++) {
		const char *id = new_part(a, i, step);
		if (!id)
			continue;
		struct figures f = sum_figures(a, step, id);
		buf_printf(out, "    %s ", step ? "step" : "variant");
		text_sanitize_terminal(out, id);
		buf_adds(out, ": ");
		figures_text(out, &f);
		buf_addc(out, '\n');
	}
}

void present_analytics_text(struct buf *out, const struct object_analytics *a)
{
	struct figures all = sum_figures(a, false, NULL);
	char users[32], first[16], last[16];
	text_count(a->users, users, sizeof users);
	present_date(all.first_send, first, sizeof first);
	present_date(all.last_send, last, sizeof last);
	buf_adds(out, "Analytics (kept at import: the same whether the data is available or not)\n");
	buf_printf(out, "  users %s, first send %s, last send %s\n  ", users, first, last);
	figures_text(out, &all);
	buf_addc(out, '\n');
	parts_text(out, a, false);
	parts_text(out, a, true);
}

static void figures_json(struct buf *out, const struct figures *f)
{
	buf_printf(out, "\"sends\":%lld,\"sends_by_channel\":{", (long long)total_sends(f));
	const char *sep = "";
	for (size_t i = 0; i < sizeof f->sends / sizeof f->sends[0]; i++)
		if (f->sends[i]) {
			buf_printf(out, "%s\"%s\":%lld", sep, event_kind_channel((int)i), (long long)f->sends[i]);
			sep = ",";
		}
	buf_printf(out, "},\"opens\":%lld,\"machine_opens\":%lld,\"clicks\":%lld,\"control\":%lld,"
		   "\"entered\":%lld,\"exited\":%lld,\"conversions\":{", (long long)f->opens,
		   (long long)f->machine_opens, (long long)f->clicks, (long long)f->control, (long long)f->entered,
		   (long long)f->exited);
	sep = "";
	for (int l = 0; l <= 4; l++)
		if (f->conversions[l]) {
			buf_printf(out, "%s\"%s\":%lld", sep, l ? label_names[l] : "none", (long long)f->conversions[l]);
			sep = ",";
		}
	buf_adds(out, "}");
	text_json_time(out, "first_send", f->first_send);
	text_json_time(out, "last_send", f->last_send);
}

static void parts_json(struct buf *out, const struct object_analytics *a, bool step)
{
	buf_printf(out, ",\"%s\":[", step ? "steps" : "variants");
	int written = 0;
	for (int i = 0; i < a->count; i++) {
		const char *id = new_part(a, i, step);
		if (!id)
			continue;
		struct figures f = sum_figures(a, step, id);
		buf_adds(out, written++ ? ",{\"api_id\":" : "{\"api_id\":");
		text_json_string(out, id);
		buf_addc(out, ',');
		figures_json(out, &f);
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
}

void present_analytics_json(struct buf *out, const struct object_analytics *a)
{
	struct figures all = sum_figures(a, false, NULL);
	buf_printf(out, ",\"analytics\":{\"users\":%lld,", (long long)a->users);
	figures_json(out, &all);
	parts_json(out, a, false);
	parts_json(out, a, true);
	buf_addc(out, '}');
}

/* The next character of `p`: its length in bytes (0 at the end or on a
 * byte that is not UTF-8) and its display width in *cols. */
static size_t next_char(const char *p, mbstate_t *st, int *cols)
{
	wchar_t wc;
	size_t n = mbrtowc(&wc, p, MB_CUR_MAX, st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
		return 0;
	int w = wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return n;
}

void present_fit(struct buf *out, const char *text, int cols)
{
	mbstate_t st = {0};
	int used = 0, w;
	for (size_t n; (n = next_char(text, &st, &w)) > 0 && used + w <= cols; text += n) {
		buf_add(out, text, n);
		used += w;
	}
}

/* Display columns of text[0, len). */
static int width_of(const char *text, size_t len)
{
	mbstate_t st = {0};
	int cols = 0, w;
	for (size_t n, at = 0; at < len && (n = next_char(text + at, &st, &w)) > 0; at += n)
		cols += w;
	return cols;
}

void present_wrap(struct buf *out, const char *text, int cols, int indent)
{
	if (indent > cols / 2)
		indent = cols / 2; /* a narrow terminal still gets words on each row */
	int room = cols;
	for (;;) {
		/* the longest run of whole words that fits `room` columns; a word
		 * longer than a whole row is cut where the row ends */
		size_t fits = 0, at = 0;
		mbstate_t st = {0};
		int used = 0, w;
		bool all = true;
		for (size_t n; text[at]; at += n) {
			if (!(n = next_char(text + at, &st, &w)))
				break;
			if (used + w > room) {
				all = false;
				break;
			}
			used += w;
			if (text[at] == ' ')
				fits = at;
		}
		if (all || !text[at]) {
			buf_adds(out, text);
			return;
		}
		if (fits == 0 || width_of(text, fits) < room / 3)
			fits = at; /* no break worth making: cut the word */
		buf_add(out, text, fits);
		buf_printf(out, "\n%*s", indent, "");
		text += fits;
		while (*text == ' ')
			text++;
		room = cols - indent;
	}
}
