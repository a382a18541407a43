/*
 * cmd_import.c — filling a workspace: import and demo.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"
#include "cli/cli.h"
#include "import/demo.h"
#include "import/import.h"
#include "present.h"
#include "storage/audit.h"
#include "storage/copy.h"
#include "storage/storage.h"

/* The files to import: a directory stands for every .avro file below it. */
struct file_list {
	char **paths;
	int count, capacity;
};

static void add_path(struct file_list *l, const char *path)
{
	l->paths = array_grow(l->paths, l->count, &l->capacity, sizeof *l->paths);
	l->paths[l->count++] = strdup(path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_avro_below(struct file_list *l, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	int first = l->count;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t len = strlen(e->d_name);
		if (e->d_type == DT_DIR)
			add_avro_below(l, path);
		else if (len > 5 && strcmp(e->d_name + len - 5, ".avro") == 0)
			add_path(l, path);
	}
	closedir(d);
	if (l->count - first > 1)
		qsort(l->paths + first, l->count - first, sizeof *l->paths, by_name);
}

/* Directories become the Avro files below them; one holding none says so
 * (a cron job's empty drop folder is not an error). */
static void expand(struct file_list *l, char **args, int n)
{
	for (int i = 0; i < n; i++) {
		DIR *d = opendir(args[i]);
		if (d) {
			closedir(d);
			int before = l->count;
			add_avro_below(l, args[i]);
			if (l->count == before) {
				present_puts(args[i]);
				printf(": no Avro files below it, nothing to import\n");
			}
		} else {
			add_path(l, args[i]);
		}
	}
}

/* Records per event type over a run of Avro files. */
struct type_total {
	char type[128];
	int64_t records, events, skipped, facts;
};

static void add_type(struct type_total *t, int *n, const struct import_report *r)
{
	int i = 0;
	while (i < *n && strcmp(t[i].type, r->event_type) != 0)
		i++;
	if (i == *n && *n < 128)
		snprintf(t[(*n)++].type, sizeof t[0].type, "%s", r->event_type);
	if (i < 128) {
		t[i].records += r->records;
		t[i].events += r->events_read;
		t[i].skipped += r->records_skipped;
		t[i].facts += r->user_facts;
	}
}

/* What becomes of objects the file made active again (SPEC §2.1). */
static void print_relaunches(const struct import_report *r)
{
	if (r->relaunched)
		printf("  %d relaunched object%s with expired data: restore job %lld queued by thaw\n",
		       r->relaunched, r->relaunched == 1 ? "" : "s", (long long)r->relaunch_job);
	if (r->relaunched_purged) {
		printf("  %d relaunched object%s (", r->relaunched_purged, r->relaunched_purged == 1 ? "" : "s");
		present_puts(r->first_relaunched_purged);
		printf("%s) had %s data deleted under the previous retention policy: it stays deleted\n",
		       r->relaunched_purged > 1 ? ", ..." : "", r->relaunched_purged == 1 ? "its" : "their");
	}
}

static void print_report(const char *file, const struct import_report *r)
{
	if (strcmp(r->format, "avro") == 0)
		printf("%s: %s, %s: %s (%s new hot, %s new cold, %s already present), %s, %s skipped%s%s%s;"
		       " %s learned\n", file, r->event_type, COUNTED(r->records, "record", "records"),
		       COUNTED(r->events_read, "event", "events"), COUNT(r->events_hot), COUNT(r->events_cold),
		       COUNT(r->events_duplicate), COUNTED(r->user_facts, "user fact", "user facts"),
		       COUNT(r->records_skipped), r->skip_reason ? " (" : "", r->skip_reason ? r->skip_reason : "",
		       r->skip_reason ? ")" : "", COUNTED(r->objects_learned, "object", "objects"));
	else if (strcmp(r->format, "events") == 0)
		printf("%s: %s: %s new hot, %s new cold, %s already present\n", file,
		       COUNTED(r->events_read, "event", "events"), COUNT(r->events_hot), COUNT(r->events_cold),
		       COUNT(r->events_duplicate));
	else
		printf("%s: %s, %s, %s, %s\n", file, COUNTED(r->objects, "object", "objects"),
		       COUNTED(r->segments, "segment", "segments"), COUNTED(r->filters, "filter", "filters"),
		       COUNTED(r->users, "user", "users"));
	print_relaunches(r);
}

int cmd_import(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool json = false;
	const struct option opts[] = {{"json", false, &json}, {NULL, false, NULL}};
	char **args;
	int nargs, rc = cli_parse(self, argc, argv, opts, &args, &nargs);
	if (rc || nargs == 0) {
		free(args);
		return rc < 0 ? EXIT_OK : rc ? rc : cli_usage(self, "which files?");
	}
	struct file_list files = {0};
	expand(&files, args, nargs);
	free(args);
	struct storage *s = NULL;
	if ((rc = cli_require_admin(c, "import")) == EXIT_OK)
		rc = cli_open(c, true, &s);
	struct import_options o = {.now = cli_now(c), .months = c->config.policy.expire_after_months,
				   .actor = c->actor};
	struct type_total types[128];
	int type_count = 0;
	bool progress = files.count > 1 && isatty(STDERR_FILENO) && !json;
	if (json && rc == EXIT_OK)
		printf("[");
	int failed_at = files.count; /* the file that failed, if one did */
	for (int i = 0; i < files.count && rc == EXIT_OK; i++) {
		struct import_report r;
		struct diag d = {0};
		if (progress)
			fprintf(stderr, "\r\033[Kimporting %d of %d: %s", i + 1, files.count, files.paths[i]);
		if (import_file(s, files.paths[i], &o, &r, &d) < 0) {
			if (progress)
				fprintf(stderr, "\n");
			diag_print(&d, stderr);
			fputs("thaw: ", stderr);
			present_fputs(files.paths[i], stderr);
			fputs(" not imported: nothing was changed by it\n", stderr);
			rc = EXIT_RUNTIME;
			failed_at = i;
		} else if (json) {
			printf("%s\n {\"file\":", i ? "," : "");
			struct buf b = {0};
			text_json_string(&b, files.paths[i]);
			fputs(b.data, stdout);
			buf_free(&b);
			printf(",\"format\":\"%s\",\"objects\":%lld,\"segments\":%lld,\"filters\":%lld,"
			       "\"users\":%lld,\"events\":%lld,\"events_hot\":%lld,\"events_cold\":%lld,"
			       "\"events_already_present\":%lld,\"records\":%lld,\"records_skipped\":%lld,"
			       "\"user_facts\":%lld,\"objects_learned\":%lld,\"relaunch_job\":%lld,"
			       "\"relaunched\":%d,\"relaunched_purged\":%d}", r.format, (long long)r.objects,
			       (long long)r.segments, (long long)r.filters, (long long)r.users, (long long)r.events_read,
			       (long long)r.events_hot, (long long)r.events_cold, (long long)r.events_duplicate,
			       (long long)r.records, (long long)r.records_skipped, (long long)r.user_facts,
			       (long long)r.objects_learned, (long long)r.relaunch_job, r.relaunched,
			       r.relaunched_purged);
		} else if (!progress) {
			print_report(files.paths[i], &r);
		}
		if (rc == EXIT_OK && strcmp(r.format, "avro") == 0)
			add_type(types, &type_count, &r);
		diag_clear(&d);
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	/* an import stops at the first file that fails: name the ones left */
	for (int i = failed_at + 1; i < files.count; i++) {
		fputs("thaw: ", stderr);
		present_fputs(files.paths[i], stderr);
		fputs(" not imported: it came after a file that failed\n", stderr);
	}
	if (json && rc == EXIT_OK)
		printf("\n]\n");
	if (!json && type_count > 1) {
		printf("%-60s %10s %10s %8s %8s\n", "event type", "records", "events", "facts", "skipped");
		for (int i = 0; i < type_count; i++)
			printf("%-60s %10lld %10lld %8lld %8lld\n", types[i].type, (long long)types[i].records,
			       (long long)types[i].events, (long long)types[i].facts, (long long)types[i].skipped);
	}
	storage_close(s);
	for (int i = 0; i < files.count; i++)
		free(files.paths[i]);
	free(files.paths);
	return rc;
}

static void demo_progress(void *ctx, int64_t done, int64_t planned)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rdemo: %s of about %s written...", COUNT(done), COUNTED(planned, "event", "events"));
}

/* Removes a workspace file's SQLite companions (-wal, -shm). */
static void unlink_companions(const char *path)
{
	char side[4300]; /* room for the longest path given here, and "-wal" */
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* Records in the new workspace who made it, and what it replaced. */
static int audit_demo(struct cli *c, struct storage *s, const char *out, bool replacing)
{
	char details[4300];
	snprintf(details, sizeof details, "demo workspace created at %s%s", out,
		 replacing ? ", replacing the workspace that was there (--force)" : "");
	struct audit_input a = {.at = cli_now(c), .operator_name = c->operator_name,
				.ssh_client = c->actor.ssh_client, .action = "demo", .details = details};
	if (storage_begin(s) < 0 || storage_audit(s, &a) < 0 || storage_commit(s) < 0) {
		storage_rollback(s);
		return -1;
	}
	return 0;
}

static void print_demo_report(const char *out, const struct demo_report *r)
{
	printf("demo workspace %s: %s, %s, %s, %s, %s hot and %s cold events\n", out,
	       COUNTED(r->objects, "object", "objects"), COUNTED(r->users, "user", "users"),
	       COUNTED(r->segments, "segment", "segments"), COUNTED(r->filters, "filter", "filters"),
	       COUNT(r->events_hot), COUNT(r->events_cold));
}

/* Fills a workspace opened at `location`: the demo, then who made it. */
static int fill_demo(struct cli *c, struct storage *s, const char *out, int size, uint64_t seed, bool replacing,
		     struct demo_report *r)
{
	struct demo_options o = {.size = size, .seed = seed, .now = cli_now(c),
				 .months = c->config.policy.expire_after_months,
				 .progress = demo_progress};
	int rc = demo_generate(s, &o, r);
	if (rc == 0)
		rc = audit_demo(c, s, out, replacing);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	return rc;
}

/* Whether a server's database already holds a workspace with objects. */
static bool server_has_workspace(const char *location)
{
	struct storage *s;
	char err[600];
	struct workspace_summary sum = {0};
	bool has = storage_open(location, STORAGE_READ_ONLY, &s, err, sizeof err) == 0 &&
		   storage_summary(s, 0, 0, &sum) == 0 && sum.objects > 0;
	storage_close(s);
	return has;
}

/* On a server the demo is written in place, into a database without a
 * workspace: a database is not a file to build beside and rename. */
static int write_demo_to_server(struct cli *c, const char *out, int size, uint64_t seed)
{
	struct storage *s;
	char err[600];
	if (storage_open(out, 0, &s, err, sizeof err) < 0)
		return cli_fail("%s", err);
	struct demo_report r;
	int rc = fill_demo(c, s, out, size, seed, false, &r);
	if (rc < 0)
		rc = cli_fail("demo: %s (drop and create the database before trying again)", storage_error(s));
	storage_close(s);
	if (rc == 0)
		print_demo_report(out, &r);
	return rc;
}

/*
 * A new workspace file is built beside its place under a name nobody can
 * guess (created exclusively, 0600) and put in place only when complete:
 * never half a workspace, and a failed build leaves what is there alone.
 */
static int open_beside(const char *out, char *tmp, size_t size, struct storage **s)
{
	snprintf(tmp, size, "%s.XXXXXX", out);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return cli_fail("cannot create a workspace beside %s: %s", out, strerror(errno));
	close(fd);
	char err[600];
	if (storage_open(tmp, 0, s, err, sizeof err) < 0) {
		unlink(tmp);
		return cli_fail("%s", err);
	}
	return EXIT_OK;
}

static void discard_built(const char *tmp)
{
	unlink(tmp);
	unlink_companions(tmp);
}

/* Puts a closed, complete build in place: over what is there when
 * `replace`, else only where nothing is (link fails on a name taken since). */
static int put_in_place(const char *tmp, const char *out, bool replace)
{
	/* the old file's log must not meet the new file; the new one's (kept
	 * empty after its clean close) goes with the name it was built under */
	if (replace)
		unlink_companions(out);
	int rc = replace ? rename(tmp, out) : link(tmp, out);
	if (rc < 0) {
		int error = errno;
		discard_built(tmp);
		return cli_fail("cannot put the workspace in place at %s: %s", out, strerror(error));
	}
	if (!replace)
		unlink(tmp);
	unlink_companions(tmp);
	return EXIT_OK;
}

static int write_demo(struct cli *c, const char *out, int size, uint64_t seed, bool replacing)
{
	if (storage_is_server(out))
		return write_demo_to_server(c, out, size, seed);
	char tmp[4200];
	struct storage *s;
	int rc = open_beside(out, tmp, sizeof tmp, &s);
	if (rc != EXIT_OK)
		return rc;
	struct demo_report r;
	rc = fill_demo(c, s, out, size, seed, replacing, &r);
	if (rc < 0)
		rc = cli_fail("demo: %s (%s was not changed)", storage_error(s), out);
	storage_close(s);
	if (rc != 0) {
		discard_built(tmp);
		return rc;
	}
	if ((rc = put_in_place(tmp, out, true)) != EXIT_OK)
		return rc;
	print_demo_report(out, &r);
	return EXIT_OK;
}

int cmd_demo(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *size_name = "small", *seed_text = "1", *out = NULL;
	bool force = false, open = false;
	const struct option opts[] = {
		{"size", true, &size_name}, {"seed", true, &seed_text}, {"out", true, &out},
		{"force", false, &force}, {"open", false, &open}, {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	int size = demo_size_parse(size_name);
	if (size < 0)
		return cli_usage(self, "--size must be small, medium or large, not '%s'", size_name);
	char *end;
	unsigned long long seed = strtoull(seed_text, &end, 10);
	if (*end || !*seed_text)
		return cli_usage(self, "--seed must be a number, not '%s'", seed_text);
	if (!out)
		out = strcmp(c->db_path, c->config.database) != 0 ? c->db_path : "thaw-demo.db";
	bool server = storage_is_server(out);
	bool exists = server ? server_has_workspace(out) : access(out, F_OK) == 0;
	if (exists && force && server)
		return cli_fail("%s already holds a workspace: thaw does not replace a database on a server;"
				" drop and create it (or name another) for a new demo", out);
	if (exists && !force) {
		if (!open)
			printf("%s already exists: using it (--force makes a new one)\n", out);
	} else {
		/* replacing a workspace is the admins' call on that workspace */
		c->db_path = out;
		rc = exists ? cli_require_admin(c, "replacing a workspace with a demo (--force)")
			    : cli_require_write(c, "demo");
		if (rc != EXIT_OK || (rc = write_demo(c, out, size, seed, exists)) != EXIT_OK)
			return rc;
	}
	if (!open)
		return EXIT_OK;
	c->db_path = out;
	return cmd_console(c, self, 0, NULL);
}

/* ---- migrate ---- */

static void migrate_progress(void *ctx, int64_t done, int64_t total)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rmigrate: %s of %s copied (%d%%)...", COUNT(done), COUNTED(total, "row", "rows"),
			total ? (int)(done * 100 / total) : 100);
}

/* Copies the workspace, verified, into a new database; on any failure
 * nothing is left there (a new file is removed). */
static int copy_workspace(struct cli *c, struct storage *from, const char *to)
{
	bool new_file = !storage_is_server(to);
	if (new_file && access(to, F_OK) == 0)
		return cli_fail("%s already exists: migrate writes a new workspace", to);
	struct storage *dest;
	char tmp[4200], err[600];
	int rc = new_file ? open_beside(to, tmp, sizeof tmp, &dest)
			  : storage_open(to, 0, &dest, err, sizeof err) < 0 ? cli_fail("%s", err) : EXIT_OK;
	if (rc != EXIT_OK)
		return rc;
	struct copy_report r;
	rc = storage_copy(from, dest, migrate_progress, NULL, &r);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	char details[4300];
	snprintf(details, sizeof details, "migrated from %s: %lld rows, verified", c->db_path, (long long)r.rows);
	struct audit_input a = {.at = cli_now(c), .operator_name = c->operator_name,
				.ssh_client = c->actor.ssh_client, .action = "migrate", .details = details};
	if (rc == 0 && (storage_begin(dest) < 0 || storage_audit(dest, &a) < 0 || storage_commit(dest) < 0))
		rc = -1;
	if (rc < 0)
		rc = cli_fail("migrate: %s (nothing was left in %s)",
			      r.first_difference[0] ? r.first_difference : storage_error(dest), to);
	storage_close(dest);
	if (new_file && rc != 0)
		discard_built(tmp);
	else if (new_file)
		rc = put_in_place(tmp, to, false);
	if (rc != 0)
		return rc;
	printf("migrated to %s: %s of %lld tables, %s, %s hot and %s cold events; every count verified\n", to,
	       COUNTED(r.rows, "row", "rows"), (long long)r.tables, COUNTED(r.objects, "object", "objects"),
	       COUNT(r.hot_events), COUNT(r.cold_events));
	return EXIT_OK;
}

int cmd_migrate(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *to = NULL;
	const struct option opts[] = {{"to", true, &to}, {NULL, false, NULL}};
	int rc = cli_parse_options(self, argc, argv, opts);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!to)
		return cli_usage(self, "give --to a new database: postgresql://… (or a new SQLite file)");
	if (strcmp(to, c->db_path) == 0)
		return cli_usage(self, "--to names the workspace itself");
	/* everything, to somewhere else: the admins' call */
	if ((rc = cli_require_admin(c, "migrate")) != EXIT_OK)
		return rc;
	struct storage *from;
	if ((rc = cli_open(c, false, &from)) != EXIT_OK)
		return rc;
	rc = copy_workspace(c, from, to);
	storage_close(from);
	return rc;
}
