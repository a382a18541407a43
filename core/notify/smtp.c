#include "notify/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/trust.h"
#include "notify/channel.h"

bool smtp_configured(const struct config *c)
{
	return c->smtp.url && c->smtp.url[0];
}

/* The password from smtp.password_env or an owner-only smtp.password_file. */
static bool smtp_password(const struct config *c, char *out, size_t size, char *err, size_t errsize)
{
	out[0] = '\0';
	if (c->smtp.password_env[0]) {
		const char *v = getenv(c->smtp.password_env);
		if (!v) {
			snprintf(err, errsize, "smtp.password_env names %s, which is not set", c->smtp.password_env);
			return false;
		}
		snprintf(out, size, "%s", v);
		return true;
	}
	if (!c->smtp.password_file[0])
		return true;
	struct buf secret = {0};
	bool ok = trust_read(c->smtp.password_file, TRUST_SECRET, &secret, err, errsize);
	if (ok)
		snprintf(out, size, "%s", secret.data);
	if (secret.data)
		explicit_bzero(secret.data, secret.len);
	buf_free(&secret);
	if (!ok)
		return false;
	out[strcspn(out, "\r\n")] = '\0'; /* the file's final newline is not part of it */
	return true;
}

struct upload {
	const char *data;
	size_t left;
};

static size_t read_payload(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct upload *u = userp;
	size_t room = size * nmemb, n = u->left < room ? u->left : room;
	memcpy(ptr, u->data, n);
	u->data += n;
	u->left -= n;
	return n;
}

/* Where the exchange is, as the debug callback sees commands go out and
 * replies come in (libcurl gives only the last reply's code). */
struct exchange {
	struct smtp_result *r;
	char rcpt[256];  /* the RCPT TO whose reply is awaited, or "" */
	bool data_sent;  /* DATA went out: the next replies are 354, then the verdict */
	bool body_sent;  /* the message itself went out */
	bool settled;    /* r->reply holds the reply that matters (the first
			  * failure, or the message's acceptance): keep it */
};

/* One line as the server wrote it, made safe for people. */
static void copy_line(char *out, size_t size, const char *data, size_t n)
{
	while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, data, n);
	out[n] = '\0';
	for (char *p = out; *p; p++) /* the reply may be hostile too */
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
}

static void on_command(struct exchange *x, const char *data, size_t size)
{
	x->rcpt[0] = '\0';
	if (size > 9 && strncasecmp(data, "RCPT TO:<", 9) == 0) {
		size_t len = strcspn(data + 9, ">\r\n");
		copy_line(x->rcpt, sizeof x->rcpt, data + 9, len);
	} else if (size >= 4 && strncasecmp(data, "DATA", 4) == 0) {
		x->data_sent = true;
	}
}

static void on_reply(struct exchange *x, const char *data, size_t size)
{
	struct smtp_result *r = x->r;
	char line[256];
	copy_line(line, sizeof line, data, size);
	long code = strtol(line, NULL, 10);
	if (x->rcpt[0] && code >= 400) {
		size_t used = strlen(r->refused);
		snprintf(r->refused + used, sizeof r->refused - used, "%s%s (%.80s)", used ? ", " : "", x->rcpt, line);
	}
	x->rcpt[0] = '\0';
	bool accepts = x->body_sent && code == 250;
	if (x->body_sent && code > 0)
		x->body_sent = false; /* answered, one way or the other */
	r->accepted |= accepts;
	if (!x->settled) {
		snprintf(r->reply, sizeof r->reply, "%s", line);
		r->code = code;
		x->settled = code >= 400 || accepts;
	}
}

static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
	(void)curl;
	struct exchange *x = userp;
	if (type == CURLINFO_HEADER_OUT)
		on_command(x, data, size);
	else if (type == CURLINFO_HEADER_IN)
		on_reply(x, data, size);
	else if (type == CURLINFO_DATA_OUT && x->data_sent)
		x->body_sent = true;
	return 0;
}

static void configure(CURL *curl, const struct config *c, const char *password,
		      struct curl_slist *rcpts, struct upload *u, struct exchange *x)
{
	static const long tls[] = {CURLUSESSL_NONE, CURLUSESSL_TRY, CURLUSESSL_ALL};
	curl_easy_setopt(curl, CURLOPT_URL, c->smtp.url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, c->smtp.from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L); /* 7.88's spelling */
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(curl, CURLOPT_READDATA, u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, tls[c->smtp.starttls]);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, c->smtp.verify_peer ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, c->smtp.verify_peer ? 2L : 0L);
	if (c->smtp.ca_file[0])
		curl_easy_setopt(curl, CURLOPT_CAINFO, c->smtp.ca_file);
	if (c->smtp.user[0]) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, c->smtp.user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
	}
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)c->smtp.connect_timeout_seconds);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)c->smtp.timeout_seconds);
	/* every reply the server owes is bounded too: libcurl otherwise waits
	 * 120 s for the answer to QUIT, as the connection closes, after the
	 * mail was accepted and whatever the timeout above says */
	curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)c->smtp.timeout_seconds);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* feeds on_debug; nothing is printed */
}

bool smtp_send(const struct config *c, const char *const *recipients, int count,
	       const char *message, size_t length, volatile sig_atomic_t *stop, struct smtp_result *r)
{
	memset(r, 0, sizeof *r);
	char password[512];
	if (!smtp_password(c, password, sizeof password, r->error, sizeof r->error))
		return false;
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(r->error, sizeof r->error, "cannot start libcurl");
		return false;
	}
	struct curl_slist *rcpts = NULL;
	for (int i = 0; i < count; i++)
		rcpts = curl_slist_append(rcpts, recipients[i]);
	struct upload u = {message, length};
	char curl_error[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
	struct exchange x = {.r = r};
	configure(curl, c, password, rcpts, &u, &x);
	/* neither a worker shutting down nor the timeout waits for a slow server */
	struct transfer_guard guard;
	transfer_guard_install(curl, &guard, c->smtp.timeout_seconds, stop);
	CURLcode rc = curl_easy_perform(curl);
	/* a message sent and never answered may have been received */
	r->uncertain = !r->accepted && x.body_sent;
	if (rc != CURLE_OK && !r->accepted)
		snprintf(r->error, sizeof r->error, "%s%s%s", curl_error[0] ? curl_error : curl_easy_strerror(rc),
			 r->reply[0] ? "; server said: " : "", r->reply);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	explicit_bzero(password, sizeof password);
	return rc == CURLE_OK || r->accepted;
}

bool smtp_permanent(const struct smtp_result *r)
{
	return r->code >= 500 && r->code < 600;
}
