/*
 * console — the interactive console: `thaw` with no command.
 *
 * One loop owns the terminal: it reads keys, turns them into actions
 * (keymap), lets the current view handle them, reloads data when it is due,
 * and draws one frame when something changed.  Views are a table of
 * functions with private state (view.h), like tig's.  Restore jobs run in a
 * worker thread with its own database connection, so the loop never waits
 * on a job, a sweep or mail; the loop itself only runs short, paged queries.
 */
#ifndef THAW_CONSOLE_H
#define THAW_CONSOLE_H

#include <signal.h>
#include <stdbool.h>

#include "base/clock.h"
#include "base/model.h"
#include "config/config.h"

struct console_options {
	/* who is at the keyboard, and what they may do */
	struct actor actor;
	const char *role_name;     /* shown in the title */
	bool read_only;
	const char *why_read_only; /* e.g. "--read-only" */
	/* what to show, and how */
	const char *db_path;
	const char *theme; /* overrides console.theme */
	const struct config *config;
	const struct clock *clock;
	volatile sig_atomic_t *stop; /* SIGTERM, SIGHUP: leave cleanly */
};

/* Runs the console until the operator quits; returns an exit code. */
int console_run(const struct console_options *o);

#endif
