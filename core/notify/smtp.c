#include "notify/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/trust.h"

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

/* Keeps the server's last reply line: libcurl gives only its code. */
static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
	(void)curl;
	struct smtp_result *r = userp;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	size_t n = size;
	while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n'))
		n--;
	if (n >= sizeof r->reply)
		n = sizeof r->reply - 1;
	memcpy(r->reply, data, n);
	r->reply[n] = '\0';
	for (char *p = r->reply; *p; p++) /* the reply may be hostile too */
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	return 0;
}

static void configure(CURL *curl, const struct config *c, const char *password,
		      struct curl_slist *rcpts, struct upload *u, struct smtp_result *r)
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
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, r);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* feeds on_debug; nothing is printed */
}

bool smtp_send(const struct config *c, const char *const *recipients, int count,
	       const char *message, size_t length, struct smtp_result *r)
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
	configure(curl, c, password, rcpts, &u, r);
	CURLcode rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->code);
	if (rc != CURLE_OK)
		snprintf(r->error, sizeof r->error, "%s%s%s", curl_error[0] ? curl_error : curl_easy_strerror(rc),
			 r->reply[0] ? "; server said: " : "", r->reply);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	explicit_bzero(password, sizeof password);
	return rc == CURLE_OK;
}

bool smtp_permanent(const struct smtp_result *r)
{
	return r->code >= 500 && r->code < 600;
}
