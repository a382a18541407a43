#include "notify/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "notify/channel.h"
#include "notify/smtp.h"
#include "storage/jobs.h"
#include "storage/outbox.h"

/* ---- composing the report ---- */

static void append_clean(struct buf *out, const char *s)
{
	text_sanitize_terminal(out, s ? s : "");
}

static void count_line(struct buf *subject, int campaigns, int canvases)
{
	if (campaigns)
		buf_adds(subject, COUNTED(campaigns, "campaign", "campaigns"));
	if (campaigns && canvases)
		buf_adds(subject, ", ");
	if (canvases)
		buf_adds(subject, COUNTED(canvases, "Canvas", "Canvases"));
}

static void describe_item(struct buf *body, const struct job_item_row *it)
{
	char count[32], date[16];
	buf_adds(body, "  ");
	append_clean(body, it->name);
	buf_printf(body, "\n    %s ", object_kind_name(it->kind));
	append_clean(body, it->api_id);
	if (it->outcome == ITEM_RESTORED) {
		snprintf(count, sizeof count, "%lld", (long long)it->events_total);
		clock_format_date(it->new_expires_at, date, sizeof date);
		buf_printf(body, ": %s events restored; available until %s unless used again\n", count, date);
	} else if (it->outcome == ITEM_SKIPPED_BUSY) {
		buf_printf(body, ": skipped, already being restored by job %lld\n", (long long)it->other_job);
	} else {
		buf_printf(body, ": %s%s\n", it->outcome == ITEM_CANCELLED || it->outcome == ITEM_FAILED_DAMAGED ? "" : "skipped, ",
			   item_outcome_name(it->outcome));
	}
}

static void compose(const struct job_row *j, const struct job_item_row *items, int n,
		    struct buf *subject, struct buf *body)
{
	int campaigns = 0, canvases = 0, skipped = 0;
	int64_t events = 0;
	for (int i = 0; i < n; i++) {
		if (items[i].outcome == ITEM_RESTORED) {
			campaigns += items[i].kind == KIND_CAMPAIGN;
			canvases += items[i].kind == KIND_CANVAS;
			events += items[i].events_total;
		} else {
			skipped++;
		}
	}
	if (j->state == JOB_CANCELLED)
		buf_printf(subject, "Restore job %lld cancelled", (long long)j->id);
	else if (campaigns + canvases == 0)
		buf_printf(subject, "Restore job %lld: nothing restored", (long long)j->id);
	else
		buf_adds(subject, "Interaction data restored: ");
	count_line(subject, campaigns, canvases);
	if (j->state == JOB_CANCELLED || campaigns + canvases == 0)
		buf_printf(subject, "%s%d skipped", campaigns + canvases ? ", " : " (", skipped);
	if (j->state == JOB_CANCELLED || campaigns + canvases == 0)
		buf_adds(subject, campaigns + canvases ? "" : ")");

	buf_printf(body, "Restore job %lld has %s.\n\n", (long long)j->id,
		   j->state == JOB_CANCELLED ? "been cancelled" : "finished");
	buf_printf(body, "Restored (%d):\n", campaigns + canvases);
	for (int i = 0; i < n; i++)
		if (items[i].outcome == ITEM_RESTORED)
			describe_item(body, &items[i]);
	if (campaigns + canvases == 0)
		buf_adds(body, "  none\n");
	if (skipped) {
		buf_printf(body, "\n%s (%d):\n", j->state == JOB_CANCELLED ? "Not restored" : "Skipped", skipped);
		for (int i = 0; i < n; i++)
			if (items[i].outcome != ITEM_RESTORED)
				describe_item(body, &items[i]);
	}
	char asked[32], ended[32];
	clock_format(j->created_at, asked, sizeof asked);
	clock_format(j->finished_at, ended, sizeof ended);
	double seconds = j->finished_ms > j->started_ms && j->started_ms ? (j->finished_ms - j->started_ms) / 1000.0 : 0;
	buf_adds(body, "\nAsked by:  ");
	append_clean(body, j->requested_by);
	if (j->requested_from) {
		buf_adds(body, " (SSH from ");
		append_clean(body, j->requested_from);
		buf_adds(body, ")");
	}
	buf_adds(body, "\nRequest:   ");
	append_clean(body, j->request);
	buf_printf(body, "\nAsked at:  %s\nEnded at:  %s\nDuration:  %.1f s\nEvents restored: %lld\n",
		   asked, ended, seconds, (long long)events);
	buf_adds(body, "\n-- \nthaw\n");
}

/* The requester's address (if configured) and the standing recipients, once each. */
static void recipients_for(const struct config *c, const char *requested_by, struct buf *to)
{
	const struct operator_entry *op = config_operator(c, requested_by ? requested_by : "");
	if (op && op->email[0])
		buf_adds(to, op->email);
	for (int i = 0; i < c->smtp.recipient_count; i++) {
		if (op && strcmp(op->email, c->smtp.recipients[i]) == 0)
			continue;
		buf_printf(to, "%s%s", to->len ? "," : "", c->smtp.recipients[i]);
	}
}

int mail_queue(struct storage *s, const struct config *c, int64_t job_id)
{
	if (!smtp_configured(c))
		return 0; /* mail disabled: nothing to queue, shown as such by `thaw jobs` */
	struct job_row j;
	struct job_item_row *items;
	int n;
	if (storage_job_get(s, job_id, &j) <= 0)
		return -1;
	if (storage_job_items(s, job_id, &items, &n) < 0) {
		job_row_free(&j);
		return -1;
	}
	struct buf subject = {0}, body = {0}, to = {0};
	buf_adds(&to, "");
	compose(&j, items, n, &subject, &body);
	recipients_for(c, j.requested_by, &to);
	int64_t now = clock_real_ms() / 1000;
	int rc = to.len
		? storage_outbox_add(s, job_id, CHANNEL_MAIL, "queued", to.data, subject.data, body.data, NULL, now)
		: storage_outbox_add(s, job_id, CHANNEL_MAIL, "failed", "", subject.data, body.data,
				     "no recipient: add the operator to operators.people or set smtp.recipients", now);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&to);
	job_items_free(items, n);
	job_row_free(&j);
	return rc;
}

/* ---- formatting ---- */

/* Header text: control characters (CR and LF among them) are dropped. */
static void header_safe(struct buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x20 && *p != 0x7F)
			buf_addc(out, (char)*p);
}

/* A comma list of addresses, folded so no header line passes 78
 * characters (SMTP servers refuse lines over 998); `column` is where the
 * first one starts. */
static void address_list(struct buf *out, const char *list, size_t column)
{
	struct buf safe = {0};
	header_safe(&safe, list);
	const char *p = safe.data ? safe.data : "";
	while (*p) {
		size_t len = strcspn(p, ",");
		bool more = p[len] == ',';
		if (column > 1 && column + len + 1 > 78) {
			buf_adds(out, "\r\n ");
			column = 1;
		}
		buf_add(out, p, len);
		if (more)
			buf_addc(out, ',');
		column += len + more;
		p += len + more;
	}
	buf_free(&safe);
}

/* RFC 2047: non-ASCII header text as =?UTF-8?B?...?= words, folded so no
 * line that holds one exceeds 76 characters. */
static void encoded_words(struct buf *out, const char *text)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	bool ascii = true;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ascii &= *p < 0x80;
	if (ascii) {
		buf_adds(out, text);
		return;
	}
	const unsigned char *p = (const unsigned char *)text;
	size_t left = strlen(text);
	bool first = true;
	while (left > 0) {
		/* 39 bytes -> 52 base64 chars, so even the first line, behind
		 * "Subject: ", stays within RFC 2047's 76; never split a UTF-8
		 * sequence */
		size_t take = left < 39 ? left : 39;
		while (take < left && (p[take] & 0xC0) == 0x80)
			take--;
		buf_adds(out, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
		for (size_t i = 0; i < take; i += 3) {
			unsigned v = p[i] << 16 | (i + 1 < take ? p[i + 1] << 8 : 0) | (i + 2 < take ? p[i + 2] : 0);
			buf_addc(out, b64[v >> 18 & 63]);
			buf_addc(out, b64[v >> 12 & 63]);
			buf_addc(out, i + 1 < take ? b64[v >> 6 & 63] : '=');
			buf_addc(out, i + 2 < take ? b64[v & 63] : '=');
		}
		buf_adds(out, "?=");
		p += take, left -= take, first = false;
	}
}

/* Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF. */
static void quoted_printable(struct buf *out, const char *text)
{
	int column = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n') {
			buf_adds(out, "\r\n");
			column = 0;
			continue;
		}
		char enc[4];
		bool at_eol = p[1] == '\n' || p[1] == '\0';
		bool literal = (*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_eol);
		int width = literal ? 1 : 3;
		if (literal)
			enc[0] = (char)*p, enc[1] = '\0';
		else
			snprintf(enc, sizeof enc, "=%02X", *p);
		if (column + width > 75) {
			buf_adds(out, "=\r\n");
			column = 0;
		}
		buf_adds(out, enc);
		column += width;
	}
}

void mail_format(struct buf *out, const struct config *c, const char *to, const char *subject,
		 const char *body, const char *message_id, int64_t date)
{
	char when[64];
	time_t t = (time_t)date;
	struct tm tm;
	gmtime_r(&t, &tm);
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	snprintf(when, sizeof when, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	struct buf safe = {0};
	buf_printf(out, "Date: %s\r\nFrom: ", when);
	header_safe(out, c->smtp.from);
	buf_adds(out, "\r\nTo: ");
	address_list(out, to, 4);
	buf_adds(out, "\r\nSubject: ");
	header_safe(&safe, subject);
	encoded_words(out, safe.data ? safe.data : "");
	buf_adds(out, "\r\nMessage-ID: <");
	header_safe(out, message_id);
	buf_adds(out, ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: quoted-printable\r\nAuto-Submitted: auto-generated\r\n\r\n");
	quoted_printable(out, body);
	buf_free(&safe);
}

/* ---- delivery ---- */

/* Splits the comma list of recipients in place, every one of them, into
 * a malloc'd array. */
static const char **split_recipients(char *list, int *n)
{
	int room = 1;
	for (const char *p = list; *p; p++)
		room += *p == ',';
	const char **out = malloc((size_t)room * sizeof *out);
	if (!out)
		abort();
	*n = 0;
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		out[(*n)++] = tok;
	return out;
}

void mail_send(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a)
{
	const struct config *c = x->config;
	char id[256], domain[128];
	const char *at = strchr(c->smtp.from, '@');
	snprintf(domain, sizeof domain, "%s", at ? at + 1 : "thaw.invalid");
	/* stable across retries: a duplicate after a crash is recognisable */
	snprintf(id, sizeof id, "thaw-job%lld-mail%lld@%s", (long long)m->job_id, (long long)m->id, domain);
	struct buf message = {0};
	mail_format(&message, c, m->recipients, m->subject, m->body, id, x->now);
	char *list = strdup(m->recipients);
	int n;
	const char **rcpts = split_recipients(list, &n);
	struct smtp_result r;
	a->ok = smtp_send(c, rcpts, n, message.data, message.len, x->stop, &r);
	a->permanent = smtp_permanent(&r);
	a->uncertain = r.uncertain;
	if (a->ok && r.refused[0])
		snprintf(a->error, sizeof a->error, "partly delivered: refused for %.470s", r.refused);
	else if (!a->ok)
		snprintf(a->error, sizeof a->error, "%s", r.error);
	free(rcpts);
	free(list);
	buf_free(&message);
}
