/*
 * console — the interactive console: `thaw` with no command.
 *
 * One loop owns the terminal: it reads keys, turns them into actions
 * (keymap), lets the current view handle them, reloads data when it is due,
 * and draws one frame when something changed.  Views are a table of
 * functions (view.h), like tig's.  Restore jobs run in a worker thread with
 * its own database connection, so the loop never waits on a job, a sweep or
 * mail; the loop itself only runs short, paged queries.
 */
#ifndef THAW_CONSOLE_H
#define THAW_CONSOLE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/model.h"
#include "config/config.h"
#include "console/filter.h"
#include "console/keymap.h"
#include "console/screen.h"
#include "console/selection.h"
#include "console/theme.h"
#include "storage/jobs.h"
#include "storage/objects.h"
#include "storage/setup.h"

struct console_options {
	const char *db_path;
	const struct config *config;
	const struct clock *clock;
	struct actor actor;
	const char *role_name; /* shown in the title */
	bool read_only;
	const char *why_read_only; /* e.g. "--read-only" */
	const char *theme;         /* overrides console.theme */
	volatile sig_atomic_t *stop; /* SIGTERM, SIGHUP: leave cleanly */
};

/* Runs the console until the operator quits; returns an exit code. */
int console_run(const struct console_options *o);

/* ---- shared by the views ---- */

enum view_id { VIEW_LIST, VIEW_DETAIL, VIEW_JOBS, VIEW_USER, VIEW_AUDIT, VIEW__COUNT };
enum mode { MODE_NORMAL, MODE_FILTER, MODE_TAG_PROMPT, MODE_USER_PROMPT, MODE_CONFIRM, MODE_HELP };
enum confirm_kind { CONFIRM_RESTORE, CONFIRM_CANCEL_JOB };

struct console {
	const struct console_options *o;
	struct storage *s;
	struct screen screen;
	struct theme theme;
	struct keymap keys;
	int view;
	int mode;
	bool running, dirty, full_repaint;

	/* the list */
	int tab;          /* -1 all, else enum object_kind */
	int sort;
	bool descending;
	char filter_input[256];
	struct filter filter;
	struct object_list page;  /* rows on screen, from page_offset */
	int64_t page_offset, cursor, matching, total;
	int list_height;
	int64_t range_anchor; /* object id where "range" starts, 0 = none */
	struct selection selection;
	struct workspace_summary summary;
	char **tags;
	int tag_count;

	/* detail */
	struct object_row detail;
	struct object_detail detail_parts;
	struct job_row *detail_restores;
	int detail_restore_count;
	int detail_scroll;

	/* jobs */
	struct job_row *jobs;
	int job_count, job_cursor;
	struct job_item_row *job_items;
	int job_item_count;
	int64_t *active_jobs; /* running or queued at the last refresh, to notice endings */
	int active_job_count;

	/* text views (a user's profile, the audit log): lines and a scroll */
	char **text_lines;
	int text_count, text_scroll;
	int64_t user_id;

	/* dialogs */
	int confirm_kind;
	int confirm_focus; /* 0 = Cancel (the default), 1 = confirm */
	struct selection_summary confirm;
	int64_t *confirm_ids;
	int confirm_count;
	char confirm_tag[128];
	int64_t confirm_job;
	char prompt_input[128];

	/* status line */
	char flash[256];
	int flash_style;
	int64_t flash_until;

	/* timing */
	int64_t next_refresh;
	bool jobs_active;
	bool file_gone; /* the workspace file was removed or replaced */
	FILE *trace;
	int64_t started_ms;
	bool first_frame_done;

	/* the embedded worker */
	pthread_t worker;
	bool worker_started;
	volatile sig_atomic_t worker_stop;
	pthread_mutex_t worker_lock;
	char worker_error[600];
};

void console_flash(struct console *c, int style, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Marks data stale: it is reloaded before the next frame. */
void console_reload_soon(struct console *c);
/* The object under the cursor in the list, or NULL. */
const struct object_row *console_cursor_row(const struct console *c);
int64_t console_now(const struct console *c);
/* Opens the restore confirmation for these ids (or the tag). */
void console_confirm_restore(struct console *c, int64_t *ids, int n, const char *tag);
/* A state's word and style for the IxD column. */
int console_state_style(const struct object_row *o, int64_t now, int soon_days);

#endif
