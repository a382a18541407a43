/*
 * cmd_console.c — `thaw` with no command: the console on a terminal, the
 * workspace summary when output goes to a pipe or a file.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "console/console.h"

int cmd_console(struct cli *c, const struct command *self, int argc, char **argv)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_summary(c, self, argc, argv);
	if (storage_file_missing(c->db_path))
		return cli_no_workspace(c);
	int role = cli_role(c);
	struct console_options o = {
		.db_path = c->db_path,
		.config = &c->config,
		.clock = &c->clock,
		.actor = c->actor,
		.role_name = role == ROLE_ADMIN ? "admin" : "viewer",
		.read_only = c->read_only || role != ROLE_ADMIN,
		.why_read_only = c->read_only ? "the console was started with --read-only"
					      : "you are a viewer here (operators.people in the configuration)",
		.theme = c->theme,
		.stop = c->stop,
	};
	return console_run(&o);
}
