/*
 * cmd_objects.c — reading the workspace: list, show, and the summary that
 * `thaw` prints with no command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "cli/cli.h"
#include "config/access.h"
#include "filter.h"
#include "present.h"
#include "readers/lookup.h"
#include "retention/worker.h"
#include "storage/analytics.h"
#include "storage/check.h"
#include "storage/jobs.h"
#include "storage/metrics.h"
#include "storage/objects.h"
#include "storage/setup.h"

static void print_table(const struct object_list *l, int64_t now)
{
	printf("%-14s %-8s %-8s %-18s %12s %12s  %s\n", "API_ID", "KIND", "STATUS", "IXD", "HOT", "COLD",
	       "NAME [TAGS]");
	for (int i = 0; i < l->count; i++) {
		const struct object_row *o = &l->rows[i];
		char expiry[256], hot[32], cold[32];
		present_expiry(o, now, expiry, sizeof expiry);
		/* "kept: used by <long owner name>" would break the columns */
		if (o->kept_by && o->state == IXD_AVAILABLE)
			snprintf(expiry, sizeof expiry, "kept");
		text_count(o->hot_events, hot, sizeof hot);
		text_count(o->cold_events, cold, sizeof cold);
		present_puts(o->api_id);
		int pad = 14 - (int)strlen(o->api_id);
		printf("%*s %-8s %-8s %-18s %12s %12s  ", pad > 0 ? pad : 0, "",
		       object_kind_name(o->kind), object_status_name(o->status), expiry, hot, cold);
		present_puts(o->name);
		if (o->tags && *o->tags) {
			printf(" [");
			present_puts(o->tags);
			printf("]");
		}
		printf("\n");
	}
}

static void print_csv(const struct object_list *l, int64_t now)
{
	/* the real strings for a file or a pipe; made safe when a person reads
	 * them on a terminal */
	bool tty = isatty(STDOUT_FILENO);
	struct buf b = {0};
	buf_adds(&b, "api_id,name,kind,status,ixd_state,expiry,expires_at,tags,last_sent_at,hot_events,cold_events\r\n");
	for (int i = 0; i < l->count; i++) {
		const struct object_row *o = &l->rows[i];
		char expiry[256], expires[16], last_sent[16];
		present_expiry(o, now, expiry, sizeof expiry);
		present_date(o->expires_at, expires, sizeof expires);
		present_date(o->last_sent_at, last_sent, sizeof last_sent);
		const char *fields[] = {o->api_id, o->name, object_kind_name(o->kind),
					object_status_name(o->status), ixd_state_name(o->state), expiry,
					o->expires_at ? expires : "", o->tags ? o->tags : "",
					o->last_sent_at ? last_sent : ""};
		for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
			struct buf safe = {0};
			if (tty)
				text_sanitize_terminal(&safe, fields[f]);
			text_csv_field(&b, tty ? (safe.data ? safe.data : "") : fields[f]);
			buf_free(&safe);
			buf_addc(&b, ',');
		}
		buf_printf(&b, "%lld,%lld\r\n", (long long)o->hot_events, (long long)o->cold_events);
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

static void print_json(const struct object_list *l, int64_t now)
{
	struct buf b = {0};
	buf_addc(&b, '[');
	for (int i = 0; i < l->count; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_adds(&b, "\n  ");
		present_object_json(&b, &l->rows[i], now, NULL);
	}
	buf_adds(&b, "\n]\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

/* Every tag of the workspace, one a line (for completion); closes s. */
static int print_tag_names(struct storage *s)
{
	char **names;
	int n, rc = EXIT_OK;
	if (storage_tag_names(s, &names, &n) < 0) {
		rc = cli_fail("%s", storage_error(s));
	} else {
		for (int i = 0; i < n; i++) {
			present_puts(names[i]);
			putchar('\n');
			free(names[i]);
		}
		free(names);
	}
	storage_close(s);
	return rc;
}

/* The terms of --filter or of the saved view --view (console.views); a
 * view's mistake is reported where the configuration wrote it. */
static int list_filter(struct cli *c, const struct command *self, const char *text, const char *view,
		       struct filter *f)
{
	if (text && view)
		return cli_usage(self, "choose one of --filter and --view");
	filter_parse_whole(f, "");
	if (text && !filter_parse_whole(f, text))
		return cli_usage(self, "--filter: %s", f->error);
	if (!view)
		return EXIT_OK;
	const struct config_pair *v = config_view(&c->config, view);
	if (!v) {
		struct buf names = {0};
		for (int i = 0; i < c->config.console.views.count; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", c->config.console.views.items[i].name);
		int rc = cli_usage(self, "no saved view '%s' (console.views: %s)", view,
				   names.len ? names.data : "none configured");
		buf_free(&names);
		return rc;
	}
	if (!filter_parse_whole(f, v->value)) {
		fprintf(stderr, "thaw: %s:%d:%d: console.views.%s: %s\n", c->config.source ? c->config.source : "?",
			v->line, v->column, v->name, f->error);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_list(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *kind = NULL, *status = NULL, *state = NULL, *tag = NULL, *search = NULL,
		   *sort = NULL, *limit = NULL, *filter_text = NULL, *view = NULL;
	bool json = false, csv = false, desc = false, ids = false, tags = false;
	const struct option opts[] = {
		{"kind", true, &kind}, {"status", true, &status}, {"state", true, &state},
		{"tag", true, &tag}, {"search", true, &search}, {"filter", true, &filter_text},
		{"view", true, &view}, {"sort", true, &sort}, {"limit", true, &limit},
		{"desc", false, &desc}, {"json", false, &json}, {"csv", false, &csv},
		{"ids", false, &ids}, {"tags", false, &tags}, {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct filter filter;
	if ((rc = list_filter(c, self, filter_text, view, &filter)) != EXIT_OK)
		return rc;
	struct object_query q = {.terms = filter.terms, .term_count = filter.count, .kind = -1, .status = -1,
				 .state = -1, .tag = tag, .search = search, .sort = SORT_NAME, .descending = desc,
				 .now = cli_now(c), .soon_days = c->config.policy.expiring_soon_days};
	if (kind && (q.kind = object_kind_parse(kind)) < 0)
		return cli_usage(self, "--kind must be campaign or canvas, not '%s'", kind);
	if (status && (q.status = object_status_parse(status)) < 0)
		return cli_usage(self, "--status must be draft, active, idle, stopped or archived, not '%s'", status);
	if (state && (q.state = present_state_parse(state)) < 0)
		return cli_usage(self, "--state must be available, expiring, kept, expired, restoring, purged or none, not '%s'", state);
	if (sort && (q.sort = object_sort_parse(sort)) < 0)
		return cli_usage(self, "--sort must be name, kind, status, last_sent, state, expires, hot, cold or tags, not '%s'", sort);
	if (limit) {
		char *end;
		q.limit = strtoll(limit, &end, 10);
		if (*end || q.limit <= 0)
			return cli_usage(self, "--limit must be a positive number, not '%s'", limit);
	}
	if (json + csv + ids + tags > 1)
		return cli_usage(self, "choose one of --json, --csv, --ids and --tags");
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	if (tags)
		return print_tag_names(s);
	struct object_list l;
	if (storage_list_objects(s, &q, &l) < 0) {
		rc = cli_fail("%s", storage_error(s));
		storage_close(s);
		return rc;
	}
	if (json)
		print_json(&l, q.now);
	else if (ids)
		for (int i = 0; i < l.count; i++) /* one api id a line, for `thaw restore -` */
			printf("%s\n", l.rows[i].api_id);
	else if (csv)
		print_csv(&l, q.now);
	else
		print_table(&l, q.now);
	object_list_free(&l);
	storage_close(s);
	return EXIT_OK;
}

static void show_items(const char *title, const struct named_item *items, int n, bool variants)
{
	if (n == 0)
		return;
	printf("%s:\n", title);
	for (int i = 0; i < n; i++) {
		printf("  ");
		present_puts(items[i].name);
		if (items[i].api_id && *items[i].api_id) {
			printf("  (");
			present_puts(items[i].api_id);
			printf(")");
		}
		if (variants && items[i].flag)
			printf("  [control group]");
		printf("\n");
	}
}

static void show_refs(const struct object_detail *d)
{
	if (d->ref_count == 0)
		return;
	printf("Retargeting filters naming it:\n");
	for (int i = 0; i < d->ref_count; i++) {
		const struct named_item *r = &d->refs[i];
		int kind = atoi(r->extra);
		const char *owner_kind = strchr(r->extra, ':') + 1;
		printf("  %-26s by %s ", filter_kind_name(kind), owner_kind);
		present_puts(r->name);
		printf("  %s\n", r->flag ? "(active: protects it)" : "(owner not active: does not protect)");
	}
}

static void show_filters(const struct object_detail *d)
{
	if (d->filter_count == 0)
		return;
	printf("Its retargeting filters:\n");
	for (int i = 0; i < d->filter_count; i++) {
		const struct named_item *f = &d->filters[i];
		const char *stale = present_filter_target(f->flag);
		printf("  %-26s ", filter_kind_name(atoi(f->extra)));
		present_puts(f->flag < 0 ? "tag " : "");
		present_puts(f->api_id);
		printf("%s%s\n", *stale ? "  !! " : "", stale);
	}
}

static void show_restores(struct storage *s, int64_t id)
{
	struct job_row *jobs;
	int n;
	if (storage_object_restores(s, id, &jobs, &n) < 0 || n == 0)
		return;
	printf("Restore history:\n");
	for (int i = 0; i < n; i++) {
		char when[32];
		present_date(jobs[i].finished_at ? jobs[i].finished_at : jobs[i].created_at, when, sizeof when);
		printf("  job %lld  %-9s %s  by ", (long long)jobs[i].id, job_state_name(jobs[i].state), when);
		present_puts(jobs[i].requested_by);
		printf("\n");
	}
	job_rows_free(jobs, n);
}

static void show_text(struct storage *s, const struct cli *c, const struct object_row *o,
		      const struct object_analytics *a)
{
	int64_t now = cli_now(c);
	int months = c->config.policy.expire_after_months;
	char expiry[256], why[512], dates[4][16], hot[32], cold[32];
	present_expiry(o, now, expiry, sizeof expiry);
	if (o->state == IXD_EXPIRED) {
		present_date(o->expired_at, dates[0], sizeof dates[0]);
		printf("!! Interaction data expired on %s — retargeting filters, profiles and exports leave it out.\n"
		       "!! Restore it with: thaw restore %s\n\n", dates[0], o->api_id);
	} else if (o->state == IXD_PURGED) {
		printf("!! Interaction data deleted under the previous retention policy (nothing sent for 25 months\n"
		       "!! and no active retargeting use). It cannot be restored or used in new filters.\n\n");
	}
	present_puts(o->name);
	printf("\n  api id      ");
	present_puts(o->api_id);
	printf("\n  kind        %s\n  status      %s\n  IxD         %s (%s)\n",
	       object_kind_name(o->kind), object_status_name(o->status), ixd_state_name(o->state), expiry);
	present_why(o, now, months, why, sizeof why);
	printf("  why         ");
	present_puts(why);
	present_date(o->created_at, dates[0], sizeof dates[0]);
	present_date(o->first_sent_at, dates[1], sizeof dates[1]);
	present_date(o->last_sent_at, dates[2], sizeof dates[2]);
	present_date(o->stopped_at, dates[3], sizeof dates[3]);
	printf("\n  created     %s\n  first sent  %s\n  last sent   %s\n  stopped     %s\n",
	       dates[0], dates[1], dates[2], dates[3]);
	present_date(o->last_restored_at, dates[0], sizeof dates[0]);
	printf("  restored    %s\n  tags        ", dates[0]);
	present_puts(o->tags && *o->tags ? o->tags : "—");
	printf("\n  channels    ");
	present_puts(o->channels && *o->channels ? o->channels : "—");
	text_count(o->hot_events, hot, sizeof hot);
	text_count(o->cold_events, cold, sizeof cold);
	printf("\n  events      %s hot, %s cold\n", hot, cold);
	struct object_detail d;
	if (storage_object_detail(s, o->id, &d) == 0) {
		show_items("Steps", d.steps, d.step_count, false);
		show_items("Variants", d.variants, d.variant_count, true);
		show_items("Link aliases", d.aliases, d.alias_count, false);
		show_refs(&d);
		show_filters(&d);
		object_detail_free(&d);
	}
	struct buf b = {0};
	present_analytics_text(&b, a);
	fputs(b.data, stdout);
	buf_free(&b);
	show_restores(s, o->id);
}

int cmd_show(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool json = false;
	const struct option opts[] = {{"json", false, &json}, {NULL, false, NULL}};
	const char *key;
	int rc = cli_parse_one(self, argc, argv, opts, &key, "which object?");
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	struct object_row o;
	char why[512];
	int found = lookup_object(s, key, &o, why, sizeof why);
	if (found <= 0) {
		rc = cli_fail("%s", found < 0 ? storage_error(s) : why);
		storage_close(s);
		return rc;
	}
	struct object_analytics a;
	if (storage_object_analytics(s, o.id, &a) < 0) {
		rc = cli_fail("%s", storage_error(s));
	} else if (json) {
		struct buf b = {0};
		present_object_json(&b, &o, cli_now(c), &a);
		buf_addc(&b, '\n');
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		show_text(s, c, &o, &a);
	}
	object_analytics_free(&a);
	object_row_free(&o);
	storage_close(s);
	return rc;
}

int cmd_summary(struct cli *c, const struct command *self, int argc, char **argv)
{
	(void)self, (void)argc, (void)argv;
	struct storage *s;
	int rc = cli_open(c, false, &s);
	if (rc != EXIT_OK)
		return rc;
	struct workspace_summary w;
	if (storage_summary(s, cli_now(c), c->config.policy.expiring_soon_days, &w) < 0) {
		rc = cli_fail("%s", storage_error(s));
		storage_close(s);
		return rc;
	}
	printf("Workspace ");
	present_puts(storage_path(s));
	printf("\n  %s (%s, %s), %s\n"
	       "  interaction data: %s available, %s expired, %s restoring, %s purged, %s none\n"
	       "  %s within %d days, %s by a retargeting filter\n"
	       "  events: %s hot, %s cold; %s running or queued\n",
	       COUNTED(w.objects, "object", "objects"), COUNTED(w.campaigns, "campaign", "campaigns"),
	       COUNTED(w.canvases, "Canvas", "Canvases"), COUNTED(w.users, "user", "users"),
	       COUNT(w.by_state[IXD_AVAILABLE]), COUNT(w.by_state[IXD_EXPIRED]), COUNT(w.by_state[IXD_RESTORING]),
	       COUNT(w.by_state[IXD_PURGED]), COUNT(w.by_state[IXD_NONE]),
	       COUNTED(w.expiring_soon, "expires", "expire"), c->config.policy.expiring_soon_days,
	       COUNTED(w.kept, "kept", "kept"), COUNT(w.hot_events), COUNT(w.cold_events),
	       COUNTED(w.jobs_active, "restore job", "restore jobs"));
	storage_close(s);
	return EXIT_OK;
}

int cmd_check(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool json = false;
	const struct option opts[] = {{"json", false, &json}, {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	struct check_report r;
	if (storage_check(s, &r) < 0) {
		rc = cli_fail("check: %s", storage_error(s));
		storage_close(s);
		return rc;
	}
	/* on SQLite the files' modes are the real lock: viewers must not be
	 * able to write them, whatever thaw's roles say */
	char files[4][4200];
	struct buf access = {0};
	int file_count = storage_files(s, files, 4);
	int access_problems = access_check_writers(&c->config, c->db_path, files, file_count, &access);
	bool ok = r.integrity_ok && !r.count_mismatches && !r.damaged_chunks && !r.duplicates &&
		  !r.state_mismatches && !r.analytics_mismatches && !r.users_mismatches && !access_problems;
	if (json) {
		struct buf b = {0};
		buf_printf(&b, "{\"ok\":%s,\"access_problems\":[", ok ? "true" : "false");
		for (const char *line = access.data; line && *line;) {
			size_t len = strcspn(line, "\n");
			char one[4500];
			snprintf(one, sizeof one, "%.*s", (int)len, line);
			if (line != access.data)
				buf_addc(&b, ',');
			text_json_string(&b, one);
			line += len + (line[len] == '\n');
		}
		buf_adds(&b, "],\"integrity\":");
		text_json_string(&b, r.integrity);
		buf_adds(&b, ",\"connection\":");
		text_json_string(&b, r.connection);
		buf_printf(&b, ",\"objects\":%lld,\"count_mismatches\":%lld,\"damaged_chunks\":%lld,"
			       "\"duplicates\":%lld,\"state_mismatches\":%lld,\"analytics_mismatches\":%lld,"
			       "\"users_mismatches\":%lld,\"first_problem\":",
			   (long long)r.objects_checked, (long long)r.count_mismatches,
			   (long long)r.damaged_chunks, (long long)r.duplicates, (long long)r.state_mismatches,
			   (long long)r.analytics_mismatches, (long long)r.users_mismatches);
		text_json_string(&b, r.first_problem);
		buf_adds(&b, "}\n");
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		printf("connection: ");
		present_puts(r.connection);
		putchar('\n');
		printf("integrity: %s\n%s: %s, %s, %s, %s, %s, %s\n%s%s", r.integrity,
		       COUNTED(r.objects_checked, "object", "objects"),
		       COUNTED(r.count_mismatches, "count mismatch", "count mismatches"),
		       COUNTED(r.damaged_chunks, "damaged cold chunk", "damaged cold chunks"),
		       COUNTED(r.duplicates, "event in both tiers", "events in both tiers"),
		       COUNTED(r.state_mismatches, "state not matching its rows", "states not matching their rows"),
		       COUNTED(r.analytics_mismatches, "analytics not adding up", "analytics not adding up"),
		       COUNTED(r.users_mismatches, "users index not matching the events",
			       "users indexes not matching the events"),
		       r.first_problem, r.first_problem[0] ? "\n" : "");
		if (file_count == 0)
			printf("roles: operators.people decides (a server has no file modes; see README, Beyond one machine)\n");
		else
			printf("file modes: %s\n", access_problems ? "viewers (or anyone) may write the workspace:"
								    : "only admins may write the workspace");
		if (access_problems)
			present_puts(access.data);
		printf("%s\n", ok ? "ok" : "PROBLEMS FOUND");
	}
	buf_free(&access);
	storage_close(s);
	return ok ? EXIT_OK : EXIT_RUNTIME;
}

/* ---- metrics ---- */

static void metric_head(const char *name, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* Prometheus text exposition, for node_exporter's textfile collector. */
int cmd_metrics(struct cli *c, const struct command *self, int argc, char **argv)
{
	struct storage *s;
	int rc = cli_open_plain(c, self, argc, argv, &s);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	struct metrics m;
	struct worker_seen seen;
	char day[32] = "";
	int64_t swept = 0;
	if (storage_metrics(s, &m) < 0 || storage_meta_get(s, "last_sweep_day", day, sizeof day) < 0 ||
	    worker_last_seen(s, false, &seen) < 0) {
		rc = cli_fail("%s", storage_error(s));
		storage_close(s);
		return rc;
	}
	storage_close(s);
	metric_head("thaw_objects", "Campaigns and Canvases by the state of their interaction data.");
	for (int i = 0; i < IXD__COUNT; i++)
		printf("thaw_objects{state=\"%s\"} %lld\n", ixd_state_name(i), (long long)m.objects[i]);
	metric_head("thaw_events", "Interaction events by tier.");
	printf("thaw_events{tier=\"hot\"} %lld\nthaw_events{tier=\"cold\"} %lld\n", (long long)m.hot_events,
	       (long long)m.cold_events);
	metric_head("thaw_jobs", "Restore jobs by state.");
	for (int i = 0; i < JOB__COUNT; i++)
		printf("thaw_jobs{state=\"%s\"} %lld\n", job_state_name(i), (long long)m.jobs[i]);
	metric_head("thaw_oldest_queued_job_timestamp_seconds",
		    "When the oldest job still waiting for a worker was asked for (0: none waits).");
	printf("thaw_oldest_queued_job_timestamp_seconds %lld\n", (long long)m.oldest_queued_at);
	if (day[0]) /* the worker records the UTC day it swept, in days since 1970 */
		swept = strtoll(day, NULL, 10) * 86400;
	metric_head("thaw_last_sweep_timestamp_seconds", "The UTC day of the last daily sweep (0: never).");
	printf("thaw_last_sweep_timestamp_seconds %lld\n", (long long)swept);
	metric_head("thaw_worker_heartbeat_timestamp_seconds", "When a worker was last seen running (0: never).");
	printf("thaw_worker_heartbeat_timestamp_seconds %lld\n", (long long)(seen.last_ms / 1000));
	static const char *const outbox_states[OUTBOX__COUNT] = {"queued", "sending", "sent", "failed"};
	metric_head("thaw_notifications", "Completion mails, webhook posts and commands by channel and state.");
	for (int ch = 0; ch < CHANNEL__COUNT; ch++)
		for (int i = 0; i < OUTBOX__COUNT; i++)
			printf("thaw_notifications{channel=\"%s\",state=\"%s\"} %lld\n", notify_channel_name(ch),
			       outbox_states[i], (long long)m.outbox[ch][i]);
	return EXIT_OK;
}
