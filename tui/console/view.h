/*
 * view — what the console's views, dialogs and loop share.
 *
 * struct console holds only what is everybody's: the terminal, the
 * workspace connection, the operator's selection, the tag names, which
 * view is showing and what it shows, the status line.  Each view keeps its
 * own state private (view_ops.state_size, allocated zeroed at start and
 * released by view_ops.done), as tig's views do.  Views ask the console for
 * things through the console_* calls below, which never call back into a
 * view: the loop (console.c) does the reloading and drawing.
 */
#ifndef THAW_VIEW_H
#define THAW_VIEW_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "console/console.h"
#include "console/keymap.h"
#include "console/screen.h"
#include "console/selection.h"
#include "console/theme.h"
#include "storage/objects.h"

enum view_id { VIEW_LIST, VIEW_DETAIL, VIEW_JOBS, VIEW_USER, VIEW_AUDIT, VIEW_FORECAST, VIEW__COUNT };

/* Who gets the keys: the view, its line editor (the list's filter), an
 * open dialog, or the help overlay. */
enum console_mode { MODE_NORMAL, MODE_EDIT, MODE_DIALOG, MODE_HELP };

struct dialog;

struct console {
	const struct console_options *o;
	struct storage *s;
	struct screen screen;
	struct theme theme;
	struct keymap keys;
	enum view_id view;
	bool entering; /* the view was just switched to: its enter() runs at the next reload */
	enum console_mode mode;
	bool running, dirty, full_repaint;
	void *view_state[VIEW__COUNT];

	/* what the detail and user views show */
	int64_t shown_object, shown_user;
	/* a filter the list takes at its next reload (a saved view), or "" */
	char requested_filter[256];

	/* the operator's selection, kept across filters and views */
	struct selection selection;
	char **tags; /* tag names, for completion */
	int tag_count;
	/* repeated Tab cycles through the tags that start with what was typed */
	char tab_prefix[128];
	int tab_nth; /* -1 = the next Tab starts a new completion */

	struct workspace_summary summary; /* the banner */
	int64_t *active_jobs; /* running or queued at the last refresh, to notice endings */
	int active_job_count;
	bool jobs_active;
	char standing_worker[128]; /* host of a live `thaw worker`, or "" */

	struct dialog *dialog; /* open in MODE_DIALOG */

	/* the restore jobs asked for from this console, and whether it quits
	 * once they have ended */
	int64_t *own_jobs;
	int own_job_count;
	bool quit_when_done;

	/* status line */
	char flash[256];
	int flash_style;
	int64_t flash_until;

	/* timing */
	int64_t next_refresh, last_reload;
	int reload_in_ms; /* a view asked to be reloaded this soon, or 0 */
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

struct view_ops {
	const char *title;
	size_t state_size;          /* the view's private state */
	void (*done)(void *state);  /* frees what the state holds, or NULL */
	/* the view is being shown (again): e.g. scroll to the top; or NULL */
	void (*enter)(struct console *c, void *state);
	/* reloads what the view shows (called when data is stale) */
	void (*reload)(struct console *c, void *state);
	/* draws rows [top, top + height) of the screen */
	void (*draw)(struct console *c, void *state, int top, int height);
	/* handles an action; false = not this view's, let the console try */
	bool (*handle)(struct console *c, void *state, int action);
	/* a key while the view's line editor is open (MODE_EDIT), or NULL */
	void (*edit_key)(struct console *c, void *state, int key);
	/* a mouse click on screen row y, or NULL */
	void (*click)(struct console *c, void *state, int y, bool twice);
	/* key hints for the status line */
	const int *hints;
};

extern const struct view_ops list_view, detail_view, jobs_view, user_view, audit_view, forecast_view;

/* ---- what views and dialogs may ask of the console (context.c) ---- */

void console_flash(struct console *c, int style, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Marks data stale: it is reloaded before the next frame. */
void console_reload_soon(struct console *c);
/* From a view's reload: reload again in `ms` rather than at the usual
 * interval (a view waiting for work done off the loop). */
void console_reload_in(struct console *c, int ms);
int64_t console_now(const struct console *c);
/* Switches views; the new one is reloaded before the next frame. */
void console_show(struct console *c, enum view_id view);
void console_show_object(struct console *c, int64_t object_id);
void console_show_user(struct console *c, int64_t user_id);
/* Shows the list with this filter, as if typed at `/` (a saved view). */
void console_show_filtered(struct console *c, const char *filter);
/* Remembers a job asked for from this console. */
void console_own_job(struct console *c, int64_t job_id);
/* This console's jobs still queued or running, into ids (up to max). */
int console_own_jobs_active(struct console *c, int64_t *ids, int max);
/* Refuses a change in a read-only console, saying why; true = refused. */
bool console_refuse_change(struct console *c, const char *what);
/* Tab in a line with a tag being typed: the next matching tag, and how
 * many there are on the status line.  Any other key ends the cycle. */
void console_complete_tag(struct console *c, char *input, size_t size, bool bare_tags);
/* Says on row y that `hidden` lines follow below (views longer than the
 * screen show that there is more). */
void console_more_below(struct console *c, int y, int hidden);
/* A state's style for the IxD column. */
int console_state_style(const struct object_row *o, int64_t now, int soon_days);

/* Draws the help overlay, generated from the live key bindings (help.c). */
void help_draw(struct console *c, int top, int height);

#endif
