/*
 * webhook.c — one POST of a job's JSON to notify.webhook_url with libcurl
 * (the contract is in notify/notify.h).
 *
 * Redirects are not followed and only http and https are spoken: the
 * document names people and objects, and goes where the configuration
 * says, nowhere else.  The server's answer is read and dropped.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "notify/channel.h"

static size_t drop_answer(char *ptr, size_t size, size_t nmemb, void *userp)
{
	(void)ptr, (void)userp;
	return size * nmemb;
}

/* 5xx, 408 (timeout) and 429 (too many requests) may pass; other answers
 * will not change by asking again. */
static void judge_status(long status, struct attempt *a)
{
	a->ok = status >= 200 && status < 300;
	if (a->ok)
		return;
	a->permanent = !(status >= 500 || status == 408 || status == 429);
	snprintf(a->error, sizeof a->error, "the webhook answered HTTP %ld%s", status,
		 status >= 300 && status < 400 ? " (a redirect, not followed)" : "");
}

void webhook_send(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a)
{
	const struct config *c = x->config;
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(a->error, sizeof a->error, "could not start libcurl");
		return;
	}
	char delivery[64], curl_error[CURL_ERROR_SIZE] = "";
	snprintf(delivery, sizeof delivery, "X-Thaw-Delivery: %lld", (long long)m->id);
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, delivery);
	headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
	curl_easy_setopt(curl, CURLOPT_URL, c->notify.webhook_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "thaw/" THAW_VERSION);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, m->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(m->body));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)c->notify.timeout_seconds);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, drop_answer);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
	struct transfer_guard guard;
	transfer_guard_install(curl, &guard, c->notify.timeout_seconds, x->stop);
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK) {
		long status = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		judge_status(status, a);
	} else {
		snprintf(a->error, sizeof a->error, "webhook: %s", curl_error[0] ? curl_error : curl_easy_strerror(rc));
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
}
