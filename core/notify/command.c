/*
 * command.c — one run of notify.command with a job's JSON on its standard
 * input (the contract is in notify/notify.h).
 *
 * The command runs with /bin/sh -c in its own process group, with
 * THAW_JOB_ID, THAW_JOB_STATE and THAW_DELIVERY added to the environment;
 * its standard output is discarded and the last line of its standard error
 * becomes the reason shown when it fails.  A run that outlasts
 * notify.timeout_seconds is killed, group and all.  posix_spawn, not fork:
 * the console runs a worker in a thread, and a forked child of a threaded
 * process may only call what is async-signal-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "notify/channel.h"

extern char **environ;

/* environ plus the three THAW_ variables; free the result with free_env. */
static char **command_env(const struct outbox_row *m, const char *state)
{
	int n = 0;
	while (environ[n])
		n++;
	char **env = calloc((size_t)n + 4, sizeof *env);
	if (!env)
		abort();
	int k = 0;
	for (int i = 0; i < n; i++)
		if (strncmp(environ[i], "THAW_JOB_ID=", 12) && strncmp(environ[i], "THAW_JOB_STATE=", 15) &&
		    strncmp(environ[i], "THAW_DELIVERY=", 14))
			env[k++] = strdup(environ[i]);
	char var[96];
	snprintf(var, sizeof var, "THAW_JOB_ID=%lld", (long long)m->job_id);
	env[k++] = strdup(var);
	snprintf(var, sizeof var, "THAW_JOB_STATE=%s", state);
	env[k++] = strdup(var);
	snprintf(var, sizeof var, "THAW_DELIVERY=%lld", (long long)m->id);
	env[k++] = strdup(var);
	return env;
}

static void free_env(char **env)
{
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
}

/* The job's state as the JSON says it ("state":"done"), for the variable. */
static void job_state_of(const char *json, char *out, size_t size)
{
	const char *p = strstr(json, "\"job\":{\"id\":");
	p = p ? strstr(p, "\"state\":\"") : NULL;
	snprintf(out, size, "%.*s", p ? (int)strcspn(p + 9, "\"") : 0, p ? p + 9 : "");
}

struct run {
	int in, err;         /* our ends of the child's stdin and stderr */
	const char *data;    /* what is left to write */
	size_t left;
	char tail[512];      /* the end of its stderr */
	size_t tail_len;
};

static void keep_tail(struct run *r, const char *data, size_t n)
{
	if (n >= sizeof r->tail) {
		data += n - (sizeof r->tail - 1), n = sizeof r->tail - 1;
		r->tail_len = 0;
	}
	if (r->tail_len + n >= sizeof r->tail) {
		size_t drop = r->tail_len + n - (sizeof r->tail - 1);
		memmove(r->tail, r->tail + drop, r->tail_len - drop);
		r->tail_len -= drop;
	}
	memcpy(r->tail + r->tail_len, data, n);
	r->tail_len += n;
	r->tail[r->tail_len] = '\0';
}

/* Feeds stdin and drains stderr until both are closed, the deadline, or
 * *stop; returns false when cut short. */
static bool pump(struct run *r, int64_t deadline_ms, volatile sig_atomic_t *stop)
{
	while (r->in >= 0 || r->err >= 0) {
		int64_t wait = deadline_ms - clock_mono_ms();
		if (wait <= 0 || (stop && *stop))
			return false;
		if (wait > 100)
			wait = 100; /* look at *stop ten times a second */
		struct pollfd fds[2] = {{.fd = r->in, .events = POLLOUT}, {.fd = r->err, .events = POLLIN}};
		if (poll(fds, 2, (int)wait) < 0 && errno != EINTR)
			return false;
		if (r->in >= 0 && fds[0].revents) {
			ssize_t n = r->left ? write(r->in, r->data, r->left) : 0;
			if (n > 0)
				r->data += n, r->left -= (size_t)n;
			/* done, or the command stopped reading: it has what it wanted */
			if (r->left == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(r->in);
				r->in = -1;
			}
		}
		if (r->err >= 0 && fds[1].revents) {
			char chunk[4096];
			ssize_t n = read(r->err, chunk, sizeof chunk);
			if (n > 0) {
				keep_tail(r, chunk, (size_t)n);
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(r->err);
				r->err = -1;
			}
		}
	}
	return true;
}

/* The last non-empty line of what the command said on stderr. */
static const char *last_line(char *text)
{
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	char *nl = strrchr(text, '\n');
	return nl ? nl + 1 : text;
}

static pid_t spawn(const char *command, char **env, int in[2], int err[2])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, err[0]);
	posix_spawnattr_init(&attr);
	/* its own group, so a time-out kills whatever it started too; and
	 * SIGPIPE back to default for it whatever we do with ours */
	sigset_t defaults;
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
	char *argv[] = {"sh", "-c", (char *)command, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc == 0 ? pid : -1;
}

void command_send(const struct attempt_context *x, const struct outbox_row *m, struct attempt *a)
{
	const struct config *c = x->config;
	char state[32];
	job_state_of(m->body, state, sizeof state);
	int in[2], err[2];
	if (pipe2(in, O_CLOEXEC) < 0) {
		snprintf(a->error, sizeof a->error, "notify.command: %s", strerror(errno));
		return;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		snprintf(a->error, sizeof a->error, "notify.command: %s", strerror(errno));
		close(in[0]), close(in[1]);
		return;
	}
	char **env = command_env(m, state);
	pid_t pid = spawn(c->notify.command, env, in, err);
	free_env(env);
	close(in[0]);
	close(err[1]);
	if (pid < 0) {
		snprintf(a->error, sizeof a->error, "notify.command: could not start /bin/sh");
		close(in[1]), close(err[0]);
		return;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	/* a command that stops reading early must not kill us with SIGPIPE */
	sigset_t pipe_signal, old;
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
	struct run r = {.in = in[1], .err = err[0], .data = m->body, .left = strlen(m->body)};
	bool in_time = pump(&r, clock_mono_ms() + c->notify.timeout_seconds * 1000LL, x->stop);
	struct timespec none = {0};
	while (sigtimedwait(&pipe_signal, NULL, &none) > 0)
		; /* the SIGPIPE our writes raised, if any, is consumed here */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r.in >= 0)
		close(r.in);
	if (r.err >= 0)
		close(r.err);
	if (!in_time)
		kill(-pid, SIGKILL);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!in_time && x->stop && *x->stop) {
		snprintf(a->error, sizeof a->error, "notify.command was stopped with the worker: killed");
	} else if (!in_time) {
		snprintf(a->error, sizeof a->error, "notify.command did not finish within %d s: killed",
			 c->notify.timeout_seconds);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		a->ok = true;
	} else {
		const char *said = last_line(r.tail);
		char how[48];
		if (WIFEXITED(status))
			snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
		else
			snprintf(how, sizeof how, "signal %d", WTERMSIG(status));
		snprintf(a->error, sizeof a->error, "notify.command failed (%s)%s%.400s", how, said[0] ? ": " : "", said);
	}
}
