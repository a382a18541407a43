/*
 * cmd_import.c — filling a workspace: import and demo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "import.h"

int cmd_import(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool json = false;
	const struct option opts[] = {{"json", false, &json}, {NULL, false, NULL}};
	char **files;
	int nfiles, rc = cli_parse(self, argc, argv, opts, &files, &nfiles);
	if (rc || nfiles == 0) {
		free(files);
		return rc < 0 ? EXIT_OK : rc ? rc : cli_usage(self, "which files?");
	}
	if ((rc = cli_require_write(c, "import")) != EXIT_OK) {
		free(files);
		return rc;
	}
	struct storage *s;
	if ((rc = cli_open(c, true, &s)) != EXIT_OK) {
		free(files);
		return rc;
	}
	struct import_options o = {.now = cli_now(c), .months = c->config.policy.expire_after_months,
				   .actor = c->actor};
	if (json)
		printf("[");
	for (int i = 0; i < nfiles && rc == EXIT_OK; i++) {
		struct import_report r;
		struct diag d = {0};
		if (import_file(s, files[i], &o, &r, &d) < 0) {
			diag_print(&d, stderr);
			fprintf(stderr, "thaw: %s not imported: nothing was changed by it\n", files[i]);
			rc = EXIT_RUNTIME;
		} else if (json) {
			printf("%s\n {\"file\":\"%s\",\"format\":\"%s\",\"objects\":%lld,\"segments\":%lld,"
			       "\"filters\":%lld,\"users\":%lld,\"events\":%lld,\"events_hot\":%lld,"
			       "\"events_cold\":%lld,\"events_already_present\":%lld}",
			       i ? "," : "", files[i], r.format, (long long)r.objects, (long long)r.segments,
			       (long long)r.filters, (long long)r.users, (long long)r.events_read,
			       (long long)r.events_hot, (long long)r.events_cold, (long long)r.events_duplicate);
		} else if (strcmp(r.format, "events") == 0) {
			printf("%s: %lld events: %lld new hot, %lld new cold, %lld already present\n", files[i],
			       (long long)r.events_read, (long long)r.events_hot, (long long)r.events_cold,
			       (long long)r.events_duplicate);
		} else {
			printf("%s: %lld objects, %lld segments, %lld filters, %lld users\n", files[i],
			       (long long)r.objects, (long long)r.segments, (long long)r.filters,
			       (long long)r.users);
		}
		diag_clear(&d);
	}
	if (json)
		printf("\n]\n");
	storage_close(s);
	free(files);
	return rc;
}

static void demo_progress(void *ctx, int64_t done, int64_t planned)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rdemo: %lld of about %lld events written...", (long long)done, (long long)planned);
}

static int write_demo(struct cli *c, const char *out, int size, uint64_t seed)
{
	/* built beside the target and renamed into place: never half a demo */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.building", out);
	unlink(tmp);
	struct storage *s;
	char err[600];
	if (storage_open(tmp, 0, &s, err, sizeof err) < 0)
		return cli_fail("%s", err);
	struct demo_options o = {.size = size, .seed = seed, .now = cli_now(c),
				 .months = c->config.policy.expire_after_months,
				 .progress = demo_progress};
	struct demo_report r;
	int rc = demo_generate(s, &o, &r);
	if (rc < 0)
		rc = cli_fail("demo: %s", storage_error(s));
	storage_close(s);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, out) < 0)
		return cli_fail("cannot move the demo into place at %s: %s", out, strerror(errno));
	printf("demo workspace %s: %lld objects, %lld users, %lld segments, %lld filters, "
	       "%lld hot and %lld cold events\n", out, (long long)r.objects, (long long)r.users,
	       (long long)r.segments, (long long)r.filters, (long long)r.events_hot,
	       (long long)r.events_cold);
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
	bool exists = access(out, F_OK) == 0;
	if (exists && !force) {
		if (!open)
			printf("%s already exists: using it (--force makes a new one)\n", out);
	} else {
		if ((rc = cli_require_write(c, "demo")) != EXIT_OK)
			return rc;
		if (force && exists) {
			char side[4200];
			unlink(out);
			snprintf(side, sizeof side, "%s-wal", out);
			unlink(side);
			snprintf(side, sizeof side, "%s-shm", out);
			unlink(side);
		}
		if ((rc = write_demo(c, out, size, seed)) != EXIT_OK)
			return rc;
	}
	if (!open)
		return EXIT_OK;
	c->db_path = out;
	return cmd_console(c, self, 0, NULL);
}
