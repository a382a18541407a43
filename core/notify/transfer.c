/*
 * transfer.c — what bounds a libcurl exchange as a whole (notify/channel.h,
 * struct transfer_guard): mail and webhook posts end once a worker is
 * stopped or their time is up, without waiting for anything on the way out.
 */
#include <sys/socket.h>

#include "base/clock.h"
#include "notify/channel.h"

static int remember_socket(void *guard, curl_socket_t fd, curlsocktype purpose)
{
	(void)purpose;
	((struct transfer_guard *)guard)->fd = fd;
	return CURL_SOCKOPT_OK;
}

/* Called by libcurl about once a second, waiting or not.  Shutting the
 * socket down before aborting matters: libcurl would otherwise say QUIT on
 * the way out and wait for the answer a silent server never gives. */
static int guard_check(void *guard, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	struct transfer_guard *g = guard;
	bool stop = (g->stop && *g->stop) || clock_mono_ms() > g->deadline_ms;
	if (stop && g->fd != CURL_SOCKET_BAD)
		shutdown(g->fd, SHUT_RDWR);
	return stop;
}

void transfer_guard_install(CURL *curl, struct transfer_guard *g, int timeout_seconds,
			    volatile sig_atomic_t *stop)
{
	*g = (struct transfer_guard){.stop = stop, .deadline_ms = clock_mono_ms() + timeout_seconds * 1000LL,
				     .fd = CURL_SOCKET_BAD};
	curl_easy_setopt(curl, CURLOPT_SOCKOPTFUNCTION, remember_socket);
	curl_easy_setopt(curl, CURLOPT_SOCKOPTDATA, g);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, guard_check);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, g);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
}
