#include "present.h"

#include <stdio.h>
#include <string.h>

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

void present_count(int64_t n, char *buf, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	size_t at = 0;
	if (n < 0 && at + 1 < size)
		buf[at++] = '-';
	for (int i = 0; i < len && at + 1 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0 && at + 1 < size)
			buf[at++] = ',';
		buf[at++] = digits[i];
	}
	buf[at] = '\0';
}

void present_date(int64_t t, char *buf, size_t size)
{
	if (t)
		clock_format_date(t, buf, size);
	else
		snprintf(buf, size, "—");
}

void present_object_json(struct buf *out, const struct object_row *o, int64_t now)
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
	buf_printf(out, ",\"learned\":%s}", o->learned ? "true" : "false");
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
