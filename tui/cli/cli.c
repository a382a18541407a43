#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "storage/audit.h"

void cli_print_help(const struct command *cmd)
{
	printf("usage: thaw [GLOBAL OPTIONS] %s %s\n\n%s\n", cmd->name, cmd->args, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
	printf("\nGlobal options: --config FILE, --db LOCATION, --now TIME, --read-only (see thaw --help)\n");
}

int cli_usage(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "thaw %s: ", cmd ? cmd->name : "");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	if (cmd)
		fprintf(stderr, "usage: thaw %s %s (thaw %s --help for more)\n", cmd->name, cmd->args, cmd->name);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "thaw: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	return EXIT_RUNTIME;
}

static const struct option *find_option(const struct option *opts, const char *name, size_t len)
{
	for (const struct option *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

int cli_parse(const struct command *cmd, int argc, char **argv, const struct option *opts,
	      char ***positional, int *npos)
{
	*positional = calloc(argc + 1, sizeof **positional);
	*npos = 0;
	bool options_done = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (options_done || a[0] != '-' || a[1] == '\0') {
			(*positional)[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_print_help(cmd);
			return -1;
		}
		if (a[1] != '-')
			return cli_usage(cmd, "unknown option '%s'", a);
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct option *o = find_option(opts, name, len);
		if (!o)
			return cli_usage(cmd, "unknown option '--%.*s'", (int)len, name);
		if (!o->takes_value) {
			if (eq)
				return cli_usage(cmd, "--%s takes no value", o->name);
			*(bool *)o->target = true;
			continue;
		}
		const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!value)
			return cli_usage(cmd, "--%s needs a value", o->name);
		*(const char **)o->target = value;
	}
	return 0;
}

int cli_parse_options(const struct command *cmd, int argc, char **argv, const struct option *opts)
{
	char **pos;
	int npos, rc = cli_parse(cmd, argc, argv, opts, &pos, &npos);
	const char *extra = npos ? pos[0] : NULL;
	free(pos);
	if (rc == 0 && extra)
		return cli_usage(cmd, "unexpected argument '%s'", extra);
	return rc;
}

int cli_parse_one(const struct command *cmd, int argc, char **argv, const struct option *opts,
		  const char **arg, const char *missing)
{
	char **pos;
	int npos, rc = cli_parse(cmd, argc, argv, opts, &pos, &npos);
	*arg = npos == 1 ? pos[0] : NULL;
	free(pos);
	if (rc == 0 && !*arg)
		return cli_usage(cmd, "%s", npos ? "give exactly one" : missing);
	return rc;
}

/* "no such workspace": and if the demo's file is here, say how to open it */
static int no_workspace(const struct cli *c)
{
	if (strcmp(c->db_path, "thaw-demo.db") != 0 && access("thaw-demo.db", F_OK) == 0)
		return cli_fail("%s: no such workspace; the demo's is here: thaw --db thaw-demo.db …", c->db_path);
	return cli_fail("%s: no such workspace (create one with `thaw demo` or `thaw import`)", c->db_path);
}

int cli_open(struct cli *c, bool writes, struct storage **s)
{
	char err[600];
	if ((c->read_only || !writes) && storage_file_missing(c->db_path))
		return no_workspace(c);
	int flags = c->read_only || !writes ? STORAGE_READ_ONLY : 0;
	int rc = storage_open(c->db_path, flags, s, err, sizeof err);
	/* a read of a workspace that needs migrating: allowed to write, so migrate */
	if (rc == STORAGE_NEEDS_MIGRATION && !c->read_only)
		rc = storage_open(c->db_path, 0, s, err, sizeof err);
	return rc < 0 ? cli_fail("%s", err) : EXIT_OK;
}

int cli_no_workspace(const struct cli *c)
{
	return no_workspace(c);
}

int cli_require_write(const struct cli *c, const char *what)
{
	if (!c->read_only)
		return EXIT_OK;
	return cli_fail("%s is not available in read-only mode (--read-only)", what);
}

int cli_role(const struct cli *c)
{
	return config_role(&c->config, c->operator_name, c->db_path);
}

int cli_require_admin(struct cli *c, const char *what)
{
	int rc = cli_require_write(c, what);
	if (rc != EXIT_OK || cli_role(c) == ROLE_ADMIN)
		return rc;
	/* on record in the workspace's audit log; when the operator may not
	 * write it, in the system log (auth facility) instead, and said so */
	struct storage *s = NULL;
	char err[256], details[200];
	snprintf(details, sizeof details, "refused: %s needs the admin role", what);
	struct audit_input a = {.at = cli_now(c), .operator_name = c->operator_name,
				.ssh_client = c->actor.ssh_client, .action = "refused", .details = details};
	bool audited = storage_open(c->db_path, STORAGE_MUST_EXIST, &s, err, sizeof err) == 0 &&
		       storage_begin(s) == 0 && storage_audit(s, &a) == 0 && storage_commit(s) == 0;
	if (s && !audited)
		storage_rollback(s);
	storage_close(s);
	if (!audited)
		syslog(LOG_AUTHPRIV | LOG_WARNING, "thaw: %s (from %s) on %s: %s", c->operator_name,
		       c->actor.ssh_client ? c->actor.ssh_client : "a local session", c->db_path, details);
	return cli_fail("%s is a viewer here: %s needs the admin role (operators.people in the configuration)%s",
			c->operator_name, what,
			audited ? "" : "; recorded in the system log, the workspace being read-only for you");
}

int64_t cli_now(const struct cli *c)
{
	return clock_now(&c->clock);
}

int cli_open_plain(struct cli *c, const struct command *self, int argc, char **argv, struct storage **s)
{
	*s = NULL;
	int rc = cli_parse_options(self, argc, argv, (const struct option[]){{NULL, false, NULL}});
	if (rc)
		return rc;
	return cli_open(c, false, s);
}
