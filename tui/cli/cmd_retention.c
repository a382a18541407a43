/*
 * cmd_retention.c — changing tiers: sweep, restore, cancel, jobs, worker,
 * and reading the audit log.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "cli/cli.h"
#include "notify/mail.h"
#include "notify/notify.h"
#include "notify/smtp.h"
#include "present.h"
#include "readers/job_report.h"
#include "retention/restore.h"
#include "retention/sweep.h"
#include "retention/worker.h"
#include "storage/audit.h"
#include "storage/jobs.h"
#include "storage/objects.h"

/* ---- sweep ---- */

/* How sweeps move, from the configuration: `thaw sweep` and a cancel's
 * settling alike. */
static struct sweep_options sweep_options_of(struct cli *c, bool dry_run)
{
	return (struct sweep_options){.now = cli_now(c), .months = c->config.policy.expire_after_months,
				      .max_rows_per_second = c->config.worker.max_rows_per_second,
				      .batch_rows = c->config.worker.batch_rows, .dry_run = dry_run,
				      .actor = c->actor, .stop = c->stop};
}

int cmd_sweep(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool dry_run = false, json = false;
	const struct option opts[] = {{"dry-run", false, &dry_run}, {"json", false, &json},
				      {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!dry_run && (rc = cli_require_admin(c, "sweep")) != EXIT_OK)
		return rc;
	struct storage *s;
	if ((rc = cli_open(c, !dry_run, &s)) != EXIT_OK)
		return rc;
	struct sweep_options o = sweep_options_of(c, dry_run);
	/* a dry run must not write, not even the refreshed dates */
	struct sweep_report r;
	if (dry_run && !c->read_only) {
		storage_close(s);
		if ((rc = cli_open(c, true, &s)) != EXIT_OK)
			return rc;
	}
	if (sweep_run(s, &o, &r) < 0) {
		rc = cli_fail("sweep: %s", storage_error(s));
		storage_close(s);
		return rc;
	}
	struct buf b = {0};
	int64_t would_move = 0; /* a dry run moves nothing: what a sweep would */
	if (json)
		buf_printf(&b, "{\"dry_run\":%s,\"objects\":[", dry_run ? "true" : "false");
	for (int i = 0; i < r.due_count; i++) {
		/* the dates and counts the sweep saw: a restore may have come since */
		const struct sweep_due *d = &r.due[i];
		struct object_row obj;
		if (storage_object_get(s, d->object_id, &obj) <= 0)
			continue;
		would_move += d->hot_events;
		char due[16];
		present_date(d->due_at, due, sizeof due);
		if (json) {
			buf_adds(&b, i ? ",{" : "{");
			text_json_field(&b, "api_id", obj.api_id);
			buf_addc(&b, ',');
			text_json_field(&b, "name", obj.name);
			buf_printf(&b, ",\"due\":\"%s\",\"events\":%lld}", due, (long long)d->events);
		} else {
			printf("%s ", dry_run ? "would expire" : "expired");
			present_puts(obj.api_id);
			printf(" (due %s, %s)  ", due, COUNTED(d->events, "event", "events"));
			present_puts(obj.name);
			printf("\n");
		}
		object_row_free(&obj);
	}
	if (json) {
		buf_printf(&b, "],\"expired\":%d,\"events_moved\":%" PRId64 ",\"interrupted\":%s,"
			   "\"relaunch_job\":%" PRId64 "}\n",
			   r.due_count, r.events_moved, r.stopped ? "true" : "false", r.relaunch_job);
		fwrite(b.data, 1, b.len, stdout);
	} else {
		printf("%s: %s %s, %s %s to cold%s\n", dry_run ? "dry run" : "sweep",
		       COUNTED(r.due_count, "object", "objects"), dry_run ? "due" : "expired",
		       COUNTED(dry_run ? would_move : r.events_moved, "event", "events"), dry_run ? "would move" : "moved",
		       r.stopped ? " (interrupted: run it again to finish)" : "");
		if (r.relaunched)
			printf("%d relaunched object%s with expired data: restore job %" PRId64 " queued by thaw\n",
			       r.relaunched, r.relaunched == 1 ? "" : "s", r.relaunch_job);
	}
	buf_free(&b);
	bool stopped = r.stopped;
	sweep_report_free(&r);
	storage_close(s);
	return stopped ? EXIT_RUNTIME : EXIT_OK;
}

/* ---- jobs ---- */

static void print_bar(int64_t done, int64_t total)
{
	int width = 20, filled = total > 0 ? (int)(done * width / total) : width;
	printf("[");
	for (int i = 0; i < width; i++)
		printf("%s", i < filled ? "#" : ".");
	printf("] %3d%%", total > 0 ? (int)(done * 100 / total) : 100);
}

static void job_text(struct storage *s, const struct job_row *j, bool with_items, bool mail_enabled)
{
	double rate;
	int64_t eta;
	job_rate(j, &rate, &eta);
	char done[32], total[32], when[32];
	text_count(j->events_done, done, sizeof done);
	text_count(j->events_total, total, sizeof total);
	clock_format(j->created_at, when, sizeof when);
	printf("job %-5lld %-9s ", (long long)j->id, job_state_label(j, clock_real_ms()));
	print_bar(j->events_done, j->events_total);
	printf(" %s/%s events", done, total);
	if (rate > 0)
		printf(", %.0f/s", rate);
	if (j->state == JOB_RUNNING && eta > 0 && !job_waiting_for_worker(j, clock_real_ms()))
		printf(", ETA %llds", (long long)eta);
	printf("\n          %s by ", when);
	present_puts(j->requested_by);
	if (j->requested_from) {
		printf(" from ");
		present_puts(j->requested_from);
	}
	printf(": ");
	present_puts(j->request);
	if (job_waiting_for_worker(j, clock_real_ms()))
		printf("\n          waiting for a worker: its worker stopped answering (run `thaw worker`)");
	if (!j->mail_state && j->state > JOB_RUNNING && !mail_enabled)
		printf("\n          mail: disabled (smtp.url is not set)");
	if (j->mail_state) {
		printf("\n          mail: %s", j->mail_state);
		if (j->mail_error) {
			printf(" (");
			present_puts(j->mail_error);
			printf(")");
		}
	}
	printf("\n");
	if (!with_items)
		return;
	struct job_item_row *items;
	int n;
	if (storage_job_items(s, j->id, &items, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		const struct job_item_row *it = &items[i];
		char count[32], exp[16];
		text_count(it->outcome == ITEM_PENDING ? it->events_done : it->events_total, count, sizeof count);
		printf("          - ");
		present_puts(it->api_id);
		printf(" %-8s ", object_kind_name(it->kind));
		if (it->outcome == ITEM_RESTORED) {
			present_date(it->new_expires_at, exp, sizeof exp);
			printf("restored %s events, expires %s", count, exp);
		} else if (it->outcome == ITEM_PENDING) {
			printf("restoring (%s events so far)", count);
		} else if (it->outcome == ITEM_SKIPPED_BUSY) {
			printf("skipped: already being restored (job %lld)", (long long)it->other_job);
		} else if (it->outcome == ITEM_CANCELLED) {
			printf("cancelled: still expired");
		} else {
			printf("skipped: %s", item_outcome_name(it->outcome));
		}
		printf("  ");
		present_puts(it->name);
		printf("\n");
	}
	job_items_free(items, n);
}

static int print_jobs(struct cli *c, struct storage *s, int64_t only, bool json)
{
	struct job_row *jobs;
	int n;
	if (only) {
		jobs = calloc(1, sizeof *jobs);
		int found = storage_job_get(s, only, jobs);
		if (found <= 0) {
			free(jobs);
			return found < 0 ? cli_fail("%s", storage_error(s)) : cli_fail("no job %lld", (long long)only);
		}
		n = 1;
	} else if (storage_jobs_list(s, 50, &jobs, &n) < 0) {
		return cli_fail("%s", storage_error(s));
	}
	struct buf b = {0};
	if (json)
		buf_addc(&b, '[');
	for (int i = 0; i < n; i++) {
		if (json) {
			if (i)
				buf_addc(&b, ',');
			buf_adds(&b, "\n  ");
			job_report_json(&b, s, &jobs[i]);
		} else {
			job_text(s, &jobs[i], only || jobs[i].state <= JOB_RUNNING || i < 5,
				 smtp_configured(&c->config));
		}
	}
	if (json) {
		buf_adds(&b, "\n]\n");
		fwrite(b.data, 1, b.len, stdout);
	} else if (n == 0) {
		printf("no restore jobs\n");
	}
	buf_free(&b);
	job_rows_free(jobs, n);
	fflush(stdout);
	return EXIT_OK;
}

static int parse_job_id(const struct command *self, const char *text, int64_t *id)
{
	char *end;
	*id = strtoll(text, &end, 10);
	if (*end || *id <= 0)
		return cli_usage(self, "'%s' is not a job number", text);
	return EXIT_OK;
}

/* One job on one line, for --watch: state, progress, rate, ETA, who asked. */
static void watch_line(struct buf *out, const struct job_row *j, int64_t now_ms, int cols)
{
	double rate;
	int64_t eta;
	job_rate(j, &rate, &eta);
	char done[32], total[32], speed[32] = "", left[32] = "";
	text_count(j->events_done, done, sizeof done);
	text_count(j->events_total, total, sizeof total);
	if (rate > 0)
		snprintf(speed, sizeof speed, ", %.0f/s", rate);
	if (j->state == JOB_RUNNING && eta > 0 && !job_waiting_for_worker(j, now_ms))
		snprintf(left, sizeof left, ", ETA %llds", (long long)eta);
	int pct = j->events_total ? (int)(j->events_done * 100 / j->events_total) : 100;
	struct buf line = {0}, safe = {0};
	buf_printf(&line, "job %-5lld %-9s %3d%% %s/%s events%s%s  %s: %s", (long long)j->id,
		   job_state_label(j, now_ms), pct, done, total, speed, left, j->requested_by, j->request);
	text_sanitize_terminal(&safe, line.data);
	present_fit(out, safe.data, cols);
	buf_addc(out, '\n');
	buf_free(&line);
	buf_free(&safe);
}

static bool seen_before(const int64_t *seen, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (seen[i] == id)
			return true;
	return false;
}

/*
 * --watch: the running and queued jobs (and those that ended while
 * watching), one line each, redrawn every second and fitted to the
 * terminal, so the running job never scrolls away.  With a job number it
 * watches that job and returns when it ends: 0 done, 1 failed or cancelled.
 */
static int watch_jobs(struct cli *c, struct storage *s, int64_t only)
{
	int64_t *seen = NULL;
	int nseen = 0, rc = EXIT_OK;
	bool tty = isatty(STDOUT_FILENO);
	while (!*c->stop) {
		struct winsize ws = {0};
		int rows = tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row ? ws.ws_row : 24;
		int cols = tty && ws.ws_col ? ws.ws_col : 80;
		struct job_row *jobs;
		int n;
		if (storage_jobs_list(s, 500, &jobs, &n) < 0) {
			rc = cli_fail("%s", storage_error(s));
			break;
		}
		int64_t now = clock_real_ms();
		struct buf screen = {0};
		int shown = 0, hidden = 0, running = 0, queued = 0;
		bool ended = false;
		for (int i = n - 1; i >= 0; i--) { /* oldest first, as they run */
			const struct job_row *j = &jobs[i];
			bool active = j->state == JOB_QUEUED || j->state == JOB_RUNNING;
			running += j->state == JOB_RUNNING, queued += j->state == JOB_QUEUED;
			if (only && j->id != only)
				continue;
			if (only && !active) {
				ended = true;
				rc = j->state == JOB_DONE ? EXIT_OK : EXIT_RUNTIME;
			}
			if (active && !seen_before(seen, nseen, j->id)) {
				seen = realloc(seen, ((size_t)nseen + 1) * sizeof *seen);
				if (!seen)
					abort();
				seen[nseen++] = j->id;
			}
			if (!active && !seen_before(seen, nseen, j->id) && !only)
				continue;
			if (shown + 2 < rows - 1)
				watch_line(&screen, j, now, cols), shown++;
			else
				hidden++;
		}
		job_rows_free(jobs, n);
		if (hidden)
			buf_printf(&screen, "… %d more\n", hidden);
		char when[32];
		clock_format(now / 1000, when, sizeof when);
		if (tty)
			printf("\033[H\033[2J");
		printf("%d running, %d queued  (%s; Ctrl-C stops)\n%s", running, queued, when,
		       screen.len ? screen.data : only ? "" : "no job is running or queued\n");
		fflush(stdout);
		buf_free(&screen);
		if (only && (ended || shown == 0)) {
			if (!ended)
				rc = cli_fail("no job %lld", (long long)only);
			break;
		}
		/* a second, in steps that see Ctrl-C; at once when a server says a
		 * job moved */
		int changed = 0;
		for (int i = 0; i < 10 && !*c->stop && changed == 0; i++)
			changed = storage_wait_change(s, 100);
		if (changed < 0) {
			rc = cli_fail("%s", storage_error(s));
			break;
		}
	}
	free(seen);
	return rc;
}

int cmd_jobs(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool watch = false, json = false;
	const struct option opts[] = {{"watch", false, &watch}, {"json", false, &json}, {NULL, false, NULL}};
	char **pos;
	int npos, rc = cli_parse(self, argc, argv, opts, &pos, &npos);
	int64_t only = 0;
	if (rc == 0 && npos > 1)
		rc = cli_usage(self, "give at most one job number");
	if (rc == 0 && npos == 1)
		rc = parse_job_id(self, pos[0], &only);
	free(pos);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	if (watch && json)
		rc = cli_usage(self, "choose one of --watch and --json");
	else
		rc = watch ? watch_jobs(c, s, only) : print_jobs(c, s, only, json);
	storage_close(s);
	return rc;
}

/* ---- restore, cancel, worker ---- */

/*
 * A worker's line on stderr, one per event.  Under systemd (JOURNAL_STREAM
 * set) it starts with the syslog priority journald reads ("<4>", "<6>",
 * "<7>"); elsewhere with the level's word, for grep.  *ctx is the most
 * verbose level to print.
 */
static void log_line(void *ctx, enum worker_level level, const char *line)
{
	static const char *const words[] = {"warning", "info", "progress"};
	static const int priorities[] = {4, 6, 7};
	if ((int)level > *(const int *)ctx)
		return;
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>%s\n", priorities[level], line);
	else
		fprintf(stderr, "thaw worker: %s: %s\n", words[level], line);
}

/* `verbosity`: -1 prints nothing, else the most verbose level printed. */
static int run_worker(struct cli *c, struct storage *s, bool once, int64_t only_job, int verbosity)
{
	struct worker_options w = {.storage = s, .config = &c->config, .clock = &c->clock,
				   .actor = c->actor, .once = once, .only_job = only_job,
				   .stop = c->stop, .log = verbosity >= 0 ? log_line : NULL,
				   .log_ctx = &verbosity};
	if (worker_run(&w) < 0)
		return cli_fail("worker: %s", storage_error(s));
	return EXIT_OK;
}

/* A job nobody will run is worth a word (SPEC §5: jobs run in a worker). */
static void say_if_no_worker(struct storage *s)
{
	struct worker_seen w, console;
	int64_t now = clock_real_ms();
	if (worker_last_seen(s, false, &w) == 0 && worker_last_seen(s, true, &console) == 0 &&
	    !worker_alive(&w, now) && !worker_alive(&console, now))
		printf("no worker is running: run `thaw worker`, open the console, or use --wait\n");
}

/* A tag none of whose objects is expired: no job, and why, object by kind
 * of outcome. */
static void print_nothing_to_restore(const char *tag, const struct restore_result *res, bool json)
{
	if (json) {
		printf("[]\n");
		return;
	}
	int total = 0;
	for (int i = 0; i < ITEM__COUNT; i++)
		total += res->outcomes[i];
	printf("nothing to restore: none of the %s tagged '", COUNTED(total, "object", "objects"));
	present_puts(tag);
	printf("' is expired (");
	const char *sep = "";
	for (int i = 0; i < ITEM__COUNT; i++)
		if (res->outcomes[i]) {
			printf("%s%d %s", sep, res->outcomes[i], item_outcome_name(i));
			sep = ", ";
		}
	printf(")\n");
}

static void free_ids(char **ids, int n)
{
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* "-" alone: the api ids on standard input, one a line (`list --ids`). */
static char **ids_from_stdin(int *n)
{
	char **ids = NULL, line[1024];
	int cap = 0;
	*n = 0;
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, " \t")])
			continue;
		ids = array_grow(ids, *n, &cap, sizeof *ids);
		ids[(*n)++] = strdup(line);
	}
	return ids;
}

/* What a restore would do, and how long it would take at the rate this
 * workspace's finished jobs measured. */
static void print_dry_run(struct cli *c, struct storage *s, const struct restore_result *res)
{
	char expires[16];
	int pending = res->outcomes[ITEM_PENDING];
	printf("would restore %s, %s\n", COUNTED(pending, "object", "objects"), COUNTED(res->events, "event", "events"));
	for (int i = 0; i < ITEM__COUNT; i++)
		if (i != ITEM_PENDING && res->outcomes[i])
			printf("  would skip %d: %s\n", res->outcomes[i], item_outcome_name(i));
	double rate;
	if (job_history_rate(s, &rate) == 0 && rate > 0)
		printf("estimated time: %s s (finished jobs here moved %s events/s)\n",
		       COUNT((int64_t)((double)res->events / rate)), COUNT((int64_t)rate));
	else
		printf("estimated time: no history yet (no finished restore in this workspace)\n");
	present_date(clock_add_months(cli_now(c), c->config.policy.expire_after_months), expires, sizeof expires);
	if (pending)
		printf("the data would expire again on %s, unless kept or active\n", expires);
}

int cmd_restore(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *tag = NULL;
	bool wait = false, json = false, dry_run = false;
	const struct option opts[] = {{"tag", true, &tag}, {"wait", false, &wait}, {"json", false, &json},
				      {"dry-run", false, &dry_run}, {NULL, false, NULL}};
	char **pos, **stdin_ids = NULL;
	int npos, nstdin = 0, rc = cli_parse(self, argc, argv, opts, &pos, &npos);
	if (rc == 0 && !tag && npos == 0)
		rc = cli_usage(self, "which objects? (api ids or names, - for standard input, or --tag T)");
	if (rc == 0 && tag && npos)
		rc = cli_usage(self, "give objects or --tag, not both");
	if (rc == 0 && npos == 1 && strcmp(pos[0], "-") == 0) {
		stdin_ids = ids_from_stdin(&nstdin);
		if (nstdin == 0)
			rc = cli_usage(self, "no api ids on standard input");
	}
	if (rc == 0 && !dry_run)
		rc = cli_require_admin(c, "restore");
	struct storage *s = NULL;
	if (rc == 0)
		rc = cli_open(c, !dry_run, &s);
	if (rc) {
		free(pos);
		free_ids(stdin_ids, nstdin);
		return rc < 0 ? EXIT_OK : rc;
	}
	struct restore_request r = {.objects = (const char *const *)(stdin_ids ? stdin_ids : pos),
				    .object_count = stdin_ids ? nstdin : npos, .dry_run = dry_run,
				    .tag = tag, .actor = c->actor, .now = cli_now(c),
				    .on_end = notify_job_end_hook(&c->config)};
	struct diag d = {0};
	struct restore_result res;
	int64_t job_id = 0;
	if (restore_request(s, &r, &res, &d) < 0) {
		/* one line, as every runtime error: the first reason, and that
		 * nothing happened (the others, if any, follow it) */
		char first[600];
		diag_first(&d, first, sizeof first);
		fprintf(stderr, "thaw: restore not requested, nothing was changed: %s", d.count ? first : storage_error(s));
		if (d.count > 1)
			fprintf(stderr, " (and %d more)", d.count - 1);
		fputc('\n', stderr);
		rc = EXIT_RUNTIME;
	} else if (dry_run) {
		print_dry_run(c, s, &res);
	} else if (!(job_id = res.job_id)) {
		print_nothing_to_restore(tag, &res, json);
	} else {
		if (!json)
			printf("restore job %lld queued\n", (long long)job_id);
		if (!json && !wait)
			say_if_no_worker(s);
		if (wait)
			rc = run_worker(c, s, false, job_id, json ? -1 : WORKER_INFO);
		if (rc == EXIT_OK)
			rc = print_jobs(c, s, job_id, json);
	}
	diag_clear(&d);
	free(pos);
	free_ids(stdin_ids, nstdin);
	storage_close(s);
	return rc;
}

int cmd_cancel(struct cli *c, const struct command *self, int argc, char **argv)
{
	char **pos;
	int npos, rc = cli_parse(self, argc, argv, NULL, &pos, &npos);
	int64_t id = 0;
	if (rc == 0 && npos != 1)
		rc = cli_usage(self, "give one job number");
	if (rc == 0)
		rc = parse_job_id(self, pos[0], &id);
	free(pos);
	if (rc == 0)
		rc = cli_require_admin(c, "cancel");
	struct storage *s;
	if (rc || (rc = cli_open(c, true, &s)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	int result = restore_cancel(s, id, &c->actor, cli_now(c),
				    notify_job_end_hook(&c->config));
	if (result < 0)
		rc = cli_fail("cancel: %s", storage_error(s));
	else if (result == 2)
		rc = cli_fail("no job %lld", (long long)id);
	else if (result == 1)
		rc = cli_fail("job %lld has already ended", (long long)id);
	else
		printf("job %lld cancelled: its unfinished objects stay expired\n", (long long)id);
	/* rows that had come back before the cancel return to cold now; other
	 * jobs are a worker's to run, not a cancel's */
	struct sweep_options o = sweep_options_of(c, false);
	struct sweep_report settled = {0};
	if (rc == EXIT_OK && sweep_settle_expired(s, &o, &settled) < 0)
		rc = cli_fail("cancel: %s", storage_error(s));
	storage_close(s);
	return rc;
}

int cmd_worker(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool once = false, quiet = false, verbose = false;
	const struct option opts[] = {{"once", false, &once}, {"quiet", false, &quiet}, {"verbose", false, &verbose},
				      {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc == 0 && quiet && verbose)
		rc = cli_usage(self, "--quiet or --verbose, not both");
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = cli_require_admin(c, "worker")) != EXIT_OK)
		return rc;
	struct storage *s;
	if ((rc = cli_open(c, true, &s)) != EXIT_OK)
		return rc;
	rc = run_worker(c, s, once, 0, quiet ? WORKER_WARNING : verbose ? WORKER_PROGRESS : WORKER_INFO);
	storage_close(s);
	return rc;
}

/* ---- audit ---- */

int cmd_audit(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *since_text = NULL, *limit_text = NULL;
	bool json = false;
	const struct option opts[] = {{"since", true, &since_text}, {"limit", true, &limit_text},
				      {"json", false, &json}, {NULL, false, NULL}};
	char **pos;
	int npos, rc = cli_parse(self, argc, argv, opts, &pos, &npos);
	free(pos);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	int64_t since = 0, limit = 100;
	if (since_text && !clock_parse(since_text, &since))
		return cli_usage(self, "--since must be an ISO-8601 date or time, not '%s'", since_text);
	if (limit_text && (limit = strtoll(limit_text, NULL, 10)) <= 0)
		return cli_usage(self, "--limit must be a positive number, not '%s'", limit_text);
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	struct audit_row *rows;
	int n;
	if (storage_audit_list(s, since, limit, &rows, &n) < 0) {
		rc = cli_fail("%s", storage_error(s));
		storage_close(s);
		return rc;
	}
	struct buf b = {0};
	if (json)
		buf_addc(&b, '[');
	for (int i = 0; i < n; i++) {
		const struct audit_row *a = &rows[i];
		char when[32];
		clock_format(a->at, when, sizeof when);
		if (json) {
			buf_printf(&b, "%s\n  {\"id\":%lld,\"at\":\"%s\",", i ? "," : "", (long long)a->id, when);
			text_json_field(&b, "operator", a->operator_name);
			buf_addc(&b, ',');
			text_json_field(&b, "ssh_client", a->ssh_client);
			buf_addc(&b, ',');
			text_json_field(&b, "action", a->action);
			buf_addc(&b, ',');
			text_json_field(&b, "object", a->object_api_id);
			buf_printf(&b, ",\"job\":%lld,", (long long)a->job_id);
			text_json_field(&b, "details", a->details);
			buf_addc(&b, '}');
		} else {
			printf("%s  ", when);
			present_puts(a->operator_name);
			if (a->ssh_client) {
				printf("@");
				present_puts(a->ssh_client);
			}
			printf("  %-16s ", a->action);
			if (a->object_api_id) {
				present_puts(a->object_api_id);
				printf(" ");
			}
			if (a->job_id)
				printf("job %lld ", (long long)a->job_id);
			present_puts(a->details);
			printf("\n");
		}
	}
	if (json) {
		buf_adds(&b, "\n]\n");
		fwrite(b.data, 1, b.len, stdout);
	}
	buf_free(&b);
	audit_rows_free(rows, n);
	storage_close(s);
	return EXIT_OK;
}

/* ---- mail ---- */

int cmd_mail(struct cli *c, const struct command *self, int argc, char **argv)
{
	char **pos;
	int npos, rc = cli_parse(self, argc, argv, NULL, &pos, &npos);
	const char *verb = npos >= 1 ? pos[0] : NULL, *address = npos == 2 ? pos[1] : NULL;
	free(pos);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!verb || strcmp(verb, "test") != 0 || !address)
		return cli_usage(self, "say: thaw mail test ADDRESS");
	if (!config_valid_email(address))
		return cli_usage(self, "'%s' is not an e-mail address", address);
	if (!smtp_configured(&c->config))
		return cli_fail("mail test: mail is off: smtp.url is not set in the configuration");
	struct buf message = {0};
	char id[128];
	snprintf(id, sizeof id, "thaw-test-%lld@thaw.invalid", (long long)clock_real_ms());
	mail_format(&message, &c->config, address, "thaw mail test",
		    "This is a test message from thaw.\nIf you can read it, completion mails will reach you.\n",
		    id, clock_real_ms() / 1000);
	struct smtp_result r;
	const char *to[] = {address};
	bool ok = smtp_send(&c->config, to, 1, message.data, message.len, c->stop, &r);
	buf_free(&message);
	if (!ok)
		return cli_fail("mail test to %s failed: %s", address, r.error);
	printf("sent to %s; the server said: %s\n", address, r.reply[0] ? r.reply : "(nothing)");
	return EXIT_OK;
}

/* ---- status ---- */

/* "worker: alive on host (pid 7), running since 2026-12-01T10:00:00Z,
 * last seen 2 s ago" */
static void print_worker_seen(const char *what, const struct worker_seen *w, int64_t now_ms)
{
	char since[32];
	clock_format(w->since_ms / 1000, since, sizeof since);
	int64_t ago = (now_ms - w->last_ms) / 1000;
	printf("%s: %s on ", what, worker_alive(w, now_ms) ? "alive" : "NOT RUNNING; last seen");
	present_puts(w->host);
	printf(" (pid %d), running since %s, last seen %lld s ago\n", w->pid, since, (long long)ago);
}

int cmd_status(struct cli *c, const struct command *self, int argc, char **argv)
{
	struct storage *s;
	int rc = cli_open_plain(c, self, argc, argv, &s);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	struct worker_seen w, console;
	struct workspace_summary sum;
	if (worker_last_seen(s, false, &w) < 0 || worker_last_seen(s, true, &console) < 0 ||
	    storage_summary(s, cli_now(c), c->config.policy.expiring_soon_days, &sum) < 0) {
		rc = cli_fail("%s", storage_error(s));
		storage_close(s);
		return rc;
	}
	storage_close(s);
	int64_t now = clock_real_ms();
	if (w.last_ms)
		print_worker_seen("worker", &w, now);
	else
		printf("worker: never seen here: run `thaw worker` (or the service), or open the console\n");
	/* a console runs jobs too, but only while it stays open */
	if (worker_alive(&console, now))
		print_worker_seen("console worker (stops when that console quits)", &console, now);
	printf("jobs: %lld queued or running\n", (long long)sum.jobs_active);
	return EXIT_OK;
}
