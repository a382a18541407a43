/*
 * cli — what every command shares: the loaded configuration, the clock, the
 * operator, opening the workspace, option parsing and error reporting.
 *
 * Exit codes: 0 success, 1 runtime error (one line on stderr saying why),
 * 2 usage or configuration error.
 */
#ifndef THAW_CLI_H
#define THAW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/model.h"
#include "config/config.h"
#include "storage/storage.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct cli {
	struct config config;
	struct clock clock;
	const char *db_path;
	const char *theme; /* --theme, else console.theme */
	bool read_only;
	struct actor actor;
	char operator_name[64];
	char ssh_client[64];
	volatile sig_atomic_t *stop; /* set by SIGINT / SIGTERM */
};

struct command {
	const char *name;
	int (*run)(struct cli *c, const struct command *self, int argc, char **argv);
	const char *args;    /* "OBJ [--json]" */
	const char *summary; /* one line */
	const char *help;    /* the options, one per line */
};

/* An option of a command: a flag (bool *) or one with a value (const char **). */
struct option {
	const char *name; /* without the leading "--" */
	bool takes_value;
	void *target;
};

/*
 * Parses argv (after the command name) against the options; positional
 * arguments land in *positional (malloc'd, caller frees).  Returns 0, or
 * EXIT_USAGE after printing why, or -1 when --help was printed.
 */
int cli_parse(const struct command *cmd, int argc, char **argv, const struct option *opts,
	      char ***positional, int *npos);

/* For commands without positional arguments: EXIT_OK, EXIT_USAGE, or -1
 * when --help was printed. */
int cli_parse_options(const struct command *cmd, int argc, char **argv, const struct option *opts);

/* For commands taking exactly one argument (an object, a user): *arg is
 * set, or a usage error says `missing`.  Same returns as cli_parse_options. */
int cli_parse_one(const struct command *cmd, int argc, char **argv, const struct option *opts,
		  const char **arg, const char *missing);

void cli_print_help(const struct command *cmd);

/* Prints "thaw CMD: message" to stderr and returns EXIT_USAGE. */
int cli_usage(const struct command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "thaw: message" to stderr and returns EXIT_RUNTIME. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the workspace (read-only when asked or when the command only reads). */
int cli_open(struct cli *c, bool writes, struct storage **s);
/* Says the workspace does not exist, naming the demo's if it is here. */
int cli_no_workspace(const struct cli *c);

/* Refuses a write in read-only mode; returns EXIT_OK when allowed. */
int cli_require_write(const struct cli *c, const char *what);

/*
 * The operator's role: as listed in operators.people; otherwise admin for
 * root and for the owner of the workspace file (who created it), and
 * operators.default_role for everybody else.
 */
int cli_role(const struct cli *c);

/* Changes (restore, cancel, sweep, import, worker) need the admin role and
 * no --read-only; a refusal is said, and written to the audit log. */
int cli_require_admin(struct cli *c, const char *what);

int64_t cli_now(const struct cli *c);

/* The commands. */
int cmd_list(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_show(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_console(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_summary(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_import(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_demo(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_migrate(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_sweep(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_forecast(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_restore(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_cancel(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_jobs(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_worker(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_check(struct cli *c, const struct command *self, int argc, char **argv);
/* For a command that takes no option: parses its arguments (so --help
 * works) and opens the workspace to read.  -1 when help was printed. */
int cli_open_plain(struct cli *c, const struct command *self, int argc, char **argv, struct storage **s);

int cmd_metrics(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_status(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_mail(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_segment(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_user(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_export(struct cli *c, const struct command *self, int argc, char **argv);
int cmd_audit(struct cli *c, const struct command *self, int argc, char **argv);

#endif
