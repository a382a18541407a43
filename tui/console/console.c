/*
 * console.c — the loop: keys in, reloads when due, one frame out (see
 * console.h); the embedded worker thread.
 */
#include "console/console.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/model.h"
#include "base/text.h"
#include "console/dialog.h"
#include "console/lines.h"
#include "console/view.h"
#include "present.h"
#include "retention/worker.h"
#include "storage/jobs.h"
#include "storage/objects.h"
#include "storage/setup.h"

#define MIN_ROWS 24
#define MIN_COLS 80
#define PROGRESS_MS 100 /* repaint progress at most ten times a second */

static const struct view_ops *const views[VIEW__COUNT] = {&list_view, &detail_view, &jobs_view,
							  &user_view, &audit_view, &forecast_view};

/* ---- the embedded worker ---- */

static void *worker_main(void *arg)
{
	struct console *c = arg;
	struct storage *s;
	char err[256];
	if (storage_open(c->o->db_path, STORAGE_MUST_EXIST, &s, err, sizeof err) < 0) {
		pthread_mutex_lock(&c->worker_lock);
		snprintf(c->worker_error, sizeof c->worker_error, "worker: %s", err);
		pthread_mutex_unlock(&c->worker_lock);
		return NULL;
	}
	struct worker_options w = {.storage = s, .config = c->o->config, .clock = c->o->clock,
				   .actor = c->o->actor, .stop = &c->worker_stop, .in_console = true};
	if (worker_run(&w) < 0) {
		pthread_mutex_lock(&c->worker_lock);
		snprintf(c->worker_error, sizeof c->worker_error, "worker stopped: %s", storage_error(s));
		pthread_mutex_unlock(&c->worker_lock);
	}
	storage_close(s);
	return NULL;
}

static void start_worker(struct console *c)
{
	pthread_mutex_init(&c->worker_lock, NULL);
	if (c->o->read_only)
		return;
	c->worker_started = pthread_create(&c->worker, NULL, worker_main, c) == 0;
}

static void stop_worker(struct console *c)
{
	if (c->worker_started) {
		c->worker_stop = 1;
		pthread_join(c->worker, NULL);
	}
	pthread_mutex_destroy(&c->worker_lock);
}

static void check_worker(struct console *c)
{
	pthread_mutex_lock(&c->worker_lock);
	if (c->worker_error[0]) {
		console_flash(c, ST_ERROR, "%s", c->worker_error);
		c->worker_error[0] = '\0';
	}
	pthread_mutex_unlock(&c->worker_lock);
}

/* ---- data ---- */

/* Says so when a job that was running at the last refresh has ended. */
static void notice_finished_jobs(struct console *c)
{
	struct job_row *jobs;
	int n;
	if (storage_jobs_list(c->s, 20, &jobs, &n) < 0)
		return;
	int64_t *active = malloc((n + 1) * sizeof *active);
	int count = 0;
	for (int i = 0; i < n; i++) {
		const struct job_row *j = &jobs[i];
		if (j->state == JOB_QUEUED || j->state == JOB_RUNNING) {
			active[count++] = j->id;
			continue;
		}
		for (int k = 0; k < c->active_job_count; k++)
			if (c->active_jobs[k] == j->id) {
				char done[32];
				present_count_short(j->events_done, done, sizeof done);
				if (j->state == JOB_DONE)
					console_flash(c, ST_INFO, "Restore job %lld finished: %s events back; the data is"
						      " available again", (long long)j->id, done);
				else
					console_flash(c, ST_WARNING, "Job %lld %s; its unfinished objects stay expired",
						      (long long)j->id, job_state_name(j->state));
			}
	}
	free(c->active_jobs);
	c->active_jobs = active;
	c->active_job_count = count;
	c->jobs_active = count > 0;
	job_rows_free(jobs, n);
}

/* SQLite goes on with a removed file's open descriptor: say so, since
 * nobody else will see what happens here any more. */
static void check_file(struct console *c)
{
	bool gone = storage_file_missing(c->o->db_path);
	if (gone && !c->file_gone)
		console_flash(c, ST_ERROR, "%s was removed or moved: nobody else sees this workspace any more;"
			      " quit and open it where it is now", c->o->db_path);
	c->file_gone = gone;
	if (gone)
		c->flash_until = clock_mono_ms() + 60000; /* keep saying it */
}

static void reload(struct console *c)
{
	int64_t now = clock_mono_ms();
	c->last_reload = now;
	check_file(c);
	if (storage_summary(c->s, console_now(c), c->o->config->policy.expiring_soon_days, &c->summary) < 0)
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	notice_finished_jobs(c);
	int64_t still[1];
	if (c->quit_when_done && console_own_jobs_active(c, still, 1) == 0)
		c->running = false;
	struct worker_seen standing;
	c->standing_worker[0] = '\0';
	if (worker_last_seen(c->s, false, &standing) == 0 && worker_alive(&standing, clock_real_ms()))
		snprintf(c->standing_worker, sizeof c->standing_worker, "%s", standing.host);
	const struct view_ops *v = views[c->view];
	if (c->entering && v->enter)
		v->enter(c, c->view_state[c->view]);
	c->entering = false;
	v->reload(c, c->view_state[c->view]);
	check_worker(c);
	int interval = c->jobs_active ? PROGRESS_MS * 5 : c->o->config->console.refresh_ms;
	if (c->reload_in_ms > 0 && c->reload_in_ms < interval)
		interval = c->reload_in_ms; /* a view waits for something (console_reload_in) */
	c->reload_in_ms = 0;
	c->next_refresh = now + interval;
	c->dirty = true;
}

/* ---- frame ---- */

static void draw_title(struct console *c)
{
	struct screen *sc = &c->screen;
	char when[32], line[512];
	clock_format(console_now(c), when, sizeof when);
	when[16] = '\0'; /* "2026-11-29T12:00" */
	when[10] = ' ';
	struct buf path = {0};
	text_sanitize_terminal(&path, c->o->db_path);
	/* whether jobs carry on after this console quits */
	struct buf worker = {0};
	text_sanitize_terminal(&worker, c->standing_worker);
	snprintf(line, sizeof line, " thaw%s  %s UTC   %s (%s)   worker: %s   %s", c->o->read_only ? " [READ-ONLY]" : "",
		 when, c->o->actor.name, c->o->role_name, worker.len ? worker.data : "here only",
		 path.data ? path.data : "");
	buf_free(&path);
	buf_free(&worker);
	screen_text(sc, 0, 0, sc->cols, ST_TITLE, true, line);
}

static void draw_banner(struct console *c)
{
	const struct workspace_summary *w = &c->summary;
	char line[256];
	int64_t expired = w->by_state[IXD_EXPIRED];
	snprintf(line, sizeof line, " %s %s expired · %s within %d days · %s restoring · %s running",
		 expired ? "!" : " ", COUNT(expired), COUNTED(w->expiring_soon, "expires", "expire"),
		 c->o->config->policy.expiring_soon_days, COUNT(w->by_state[IXD_RESTORING]),
		 COUNTED(w->jobs_active, "job", "jobs"));
	screen_text(&c->screen, 1, 0, c->screen.cols, expired ? ST_ALERT : ST_BANNER, true, line);
}

/* A footer hint: the action's first key, then its label. */
static void hint_text(const struct console *c, int action, char *keys, size_t ksize, char *label, size_t lsize)
{
	keymap_keys_text(&c->keys, action, keys, ksize);
	char *comma = strchr(keys, ',');
	if (comma)
		*comma = '\0';
	snprintf(label, lsize, " %s  ", action_label(action));
}

static int hint_width(const struct console *c, int action)
{
	char keys[32], label[64];
	hint_text(c, action, keys, sizeof keys, label, sizeof label);
	return screen_width(keys) + screen_width(label);
}

static int draw_hint(struct console *c, int y, int x, int action)
{
	struct screen *sc = &c->screen;
	char keys[32], label[64];
	hint_text(c, action, keys, sizeof keys, label, sizeof label);
	int used = screen_text(sc, y, x, sc->cols - x, ST_KEY, false, keys);
	return used + screen_text(sc, y, x + used, sc->cols - x - used, ST_STATUS, false, label);
}

/* A message is read whole: a long one wraps onto up to three rows above
 * the status line, over the bottom of the view, until it lapses. */
static void draw_message(struct console *c)
{
	struct screen *sc = &c->screen;
	int rows;
	char **text = lines_wrap(c->flash, sc->cols, 2, &rows);
	int shown = rows < 3 ? rows : 3;
	for (int i = 0; i < shown; i++)
		screen_text(sc, sc->rows - shown + i, 0, sc->cols, c->flash_style, true, text[i]);
	lines_wrap_free(text, rows);
}

static void draw_status(struct console *c)
{
	struct screen *sc = &c->screen;
	int y = sc->rows - 1;
	if (c->flash[0] && clock_mono_ms() < c->flash_until) {
		draw_message(c);
		return;
	}
	c->flash[0] = '\0';
	screen_fill(sc, y, 0, sc->cols, ST_STATUS);
	/* the view's hints as they fit, then always help and quit at the end */
	static const int tail[] = {ACT_HELP, ACT_QUIT};
	int tail_width = 0;
	for (int i = 0; i < 2; i++)
		tail_width += hint_width(c, tail[i]);
	int x = 0;
	const int *hints = c->mode == MODE_HELP ? (const int[]){ACT_BACK, -1} : views[c->view]->hints;
	for (int i = 0; hints[i] >= 0; i++) {
		if (hints[i] == ACT_HELP || hints[i] == ACT_QUIT)
			continue;
		if (x + hint_width(c, hints[i]) > sc->cols - tail_width)
			break;
		x += draw_hint(c, y, x, hints[i]);
	}
	for (int i = 0; i < 2; i++)
		x += draw_hint(c, y, x, tail[i]);
}

static void draw_too_small(struct console *c)
{
	struct screen *sc = &c->screen;
	char line[128];
	snprintf(line, sizeof line, "Terminal too small: %dx%d. thaw needs at least %dx%d.", sc->cols,
		 sc->rows, MIN_COLS, MIN_ROWS);
	screen_text(sc, sc->rows / 2, 0, sc->cols, ST_ALERT, true, line);
	screen_text(sc, sc->rows / 2 + 1, 0, sc->cols, ST_NORMAL, true, "Enlarge the window, or press q to quit.");
}

static void draw(struct console *c)
{
	struct screen *sc = &c->screen;
	screen_begin_frame(sc, c->full_repaint);
	c->full_repaint = false;
	if (sc->rows < MIN_ROWS || sc->cols < MIN_COLS) {
		draw_too_small(c);
	} else {
		draw_title(c);
		draw_banner(c);
		views[c->view]->draw(c, c->view_state[c->view], 2, sc->rows - 3);
		if (c->mode == MODE_HELP)
			help_draw(c, 2, sc->rows - 3);
		if (c->mode == MODE_DIALOG)
			dialog_draw(c);
		draw_status(c);
	}
	screen_end_frame(sc);
	c->dirty = false;
	if (!c->first_frame_done) {
		c->first_frame_done = true;
		if (c->trace)
			fprintf(c->trace, "first_frame_ms %lld\n", (long long)(clock_mono_ms() - c->started_ms));
	}
}

/* ---- keys ---- */

/* Quits, unless a job asked for here would be left with no worker: then
 * the quit dialog asks what to do with it. */
static void request_quit(struct console *c)
{
	int64_t active[1];
	/* a standing worker carries them on: nothing to ask */
	if (c->standing_worker[0] || console_own_jobs_active(c, active, 1) == 0) {
		c->running = false;
		return;
	}
	dialog_open_quit(c);
}

static void global_action(struct console *c, int action)
{
	switch (action) {
	case ACT_QUIT:
		if (c->view != VIEW_LIST)
			console_show(c, VIEW_LIST);
		else if (c->quit_when_done)
			c->running = false; /* asked twice: now */
		else
			request_quit(c);
		break;
	case ACT_HELP:
		c->mode = MODE_HELP;
		break;
	case ACT_REDRAW:
		c->full_repaint = true;
		console_reload_soon(c);
		break;
	case ACT_JOBS:
		console_show(c, VIEW_JOBS);
		break;
	case ACT_AUDIT:
		console_show(c, VIEW_AUDIT);
		break;
	case ACT_FORECAST:
		console_show(c, VIEW_FORECAST);
		break;
	case ACT_USER:
		dialog_open_user_prompt(c);
		break;
	case ACT_BACK:
		if (c->view != VIEW_LIST)
			console_show(c, VIEW_LIST);
		break;
	default:
		break;
	}
}

/* Mouse (console.mouse): the wheel moves, a click goes to the view. */
static void handle_mouse(struct console *c)
{
	int y, x;
	int what = screen_mouse(&c->screen, &y, &x);
	const struct view_ops *v = views[c->view];
	void *state = c->view_state[c->view];
	if (c->mode != MODE_NORMAL)
		return;
	if (what == MOUSE_WHEEL_UP || what == MOUSE_WHEEL_DOWN) {
		for (int i = 0; i < 3; i++)
			v->handle(c, state, what == MOUSE_WHEEL_UP ? ACT_UP : ACT_DOWN);
	} else if ((what == MOUSE_CLICK || what == MOUSE_DOUBLE_CLICK) && v->click) {
		v->click(c, state, y, what == MOUSE_DOUBLE_CLICK);
	}
}

static void handle_key(struct console *c, int key)
{
	if (key == K_RESIZE) {
		screen_resized(&c->screen);
		console_reload_soon(c);
		return;
	}
	c->dirty = true;
	const struct view_ops *v = views[c->view];
	void *state = c->view_state[c->view];
	if (key == K_MOUSE) {
		handle_mouse(c);
		return;
	}
	/* Ctrl-C and Ctrl-Z do what they do in every terminal program, from
	 * wherever the operator is */
	if (key == K_CTRL('c')) {
		dialog_close(c);
		c->mode = MODE_NORMAL;
		if (c->quit_when_done)
			c->running = false;
		else
			request_quit(c);
		return;
	}
	if (key == K_CTRL('z')) {
		screen_suspend(&c->screen);
		c->full_repaint = true;
		console_reload_soon(c);
		return;
	}
	if (key != K_TAB)
		c->tab_nth = -1; /* any other key ends a Tab cycle */
	if (c->mode == MODE_EDIT && v->edit_key) {
		v->edit_key(c, state, key);
		return;
	}
	if (c->mode == MODE_DIALOG) {
		dialog_key(c, key);
		return;
	}
	int action = keymap_action(&c->keys, key);
	if (c->mode == MODE_HELP) {
		if (action == ACT_BACK || action == ACT_HELP || action == ACT_QUIT)
			c->mode = MODE_NORMAL;
		return;
	}
	if (c->screen.rows < MIN_ROWS || c->screen.cols < MIN_COLS) {
		if (action == ACT_QUIT)
			c->running = false;
		return;
	}
	if (action >= 0 && !v->handle(c, state, action))
		global_action(c, action);
}

/* ---- the loop ---- */

/* Something was committed elsewhere: look again soon, but not more than
 * a few times a second however busy the workers are. */
#define HEARD_GAP_MS 250

static void heard_change(struct console *c)
{
	int64_t soon = c->last_reload + HEARD_GAP_MS;
	if (soon < c->next_refresh)
		c->next_refresh = soon;
}

static int wait_ms(const struct console *c)
{
	int64_t now = clock_mono_ms(), wait = c->next_refresh - now;
	if (c->flash[0] && c->flash_until > now && c->flash_until - now < wait)
		wait = c->flash_until - now;
	return wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait;
}

static void run_loop(struct console *c)
{
	while (c->running && !(c->o->stop && *c->o->stop)) {
		if (clock_mono_ms() >= c->next_refresh)
			reload(c);
		if (c->flash[0] && clock_mono_ms() >= c->flash_until)
			c->dirty = true;
		if (c->dirty)
			draw(c);
		/* keys, and (on a server) word of a commit elsewhere */
		struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
				      {.fd = storage_change_fd(c->s), .events = POLLIN}};
		int rc = poll(p, p[1].fd >= 0 ? 2 : 1, wait_ms(c));
		if (rc < 0 && errno != EINTR)
			break;
		if (p[0].revents & (POLLHUP | POLLERR))
			break; /* the terminal went away: the worker's jobs go on elsewhere */
		if (p[1].fd >= 0 && (p[1].revents & POLLIN) && storage_wait_change(c->s, 0) > 0)
			heard_change(c);
		int key, handled = 0;
		int64_t start = clock_mono_ms();
		while (c->running && screen_read_key(&c->screen, &key)) {
			if (key >= 0)
				handle_key(c, key);
			handled++;
		}
		if (handled && c->dirty)
			draw(c);
		if (handled && c->trace)
			fprintf(c->trace, "keys %d frame_ms %lld\n", handled, (long long)(clock_mono_ms() - start));
	}
}

static bool load_theme(struct console *c)
{
	const char *name = c->o->theme ? c->o->theme : c->o->config->console.theme;
	char dir[1024];
	theme_directory(dir, sizeof dir);
	struct diag d = {0};
	if (!theme_load(&c->theme, dir, name, &d)) {
		char first[600];
		diag_first(&d, first, sizeof first);
		console_flash(c, ST_ERROR, "theme: %s (using the default)", first);
		diag_print(&d, stderr);
	}
	diag_clear(&d);
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		theme_strip_colours(&c->theme);
	return true;
}

static void views_start(struct console *c)
{
	for (int v = 0; v < VIEW__COUNT; v++)
		if (!(c->view_state[v] = calloc(1, views[v]->state_size)))
			abort();
}

static void views_stop(struct console *c)
{
	for (int v = 0; v < VIEW__COUNT; v++) {
		if (views[v]->done)
			views[v]->done(c->view_state[v]);
		free(c->view_state[v]);
	}
}

int console_run(const struct console_options *o)
{
	struct console *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->o = o;
	c->started_ms = clock_mono_ms();
	const char *trace = getenv("THAW_CONSOLE_TRACE");
	if (trace && *trace && (c->trace = fopen(trace, "a")))
		setvbuf(c->trace, NULL, _IOLBF, 0);
	char err[600];
	int flags = o->read_only ? STORAGE_READ_ONLY : STORAGE_MUST_EXIST;
	if (storage_open(o->db_path, flags, &c->s, err, sizeof err) < 0) {
		fprintf(stderr, "thaw: %s\n", err);
		free(c);
		return 1;
	}
	/* console.keys is configuration: a mistake stops thaw like any other */
	struct diag key_errors = {0}, key_notices = {0};
	if (!keymap_load(&c->keys, o->config, &key_errors, &key_notices)) {
		diag_print(&key_errors, stderr);
		fprintf(stderr, "thaw: configuration rejected (console.keys)\n");
		diag_clear(&key_errors);
		diag_clear(&key_notices);
		storage_close(c->s);
		free(c);
		return 2;
	}
	load_theme(c);
	if (key_notices.count) {
		char first[600];
		diag_first(&key_notices, first, sizeof first);
		console_flash(c, ST_INFO, "keys: %s", first);
	}
	diag_clear(&key_notices);
	storage_tag_names(c->s, &c->tags, &c->tag_count);
	if (!screen_start(&c->screen, &c->theme, o->config->console.mouse)) {
		storage_close(c->s);
		free(c);
		return 1;
	}
	views_start(c);
	start_worker(c);
	c->running = true;
	c->tab_nth = -1;
	reload(c);
	run_loop(c);
	stop_worker(c);
	screen_stop(&c->screen);
	dialog_close(c);
	views_stop(c);
	storage_close(c->s);
	selection_free(&c->selection);
	for (int i = 0; i < c->tag_count; i++)
		free(c->tags[i]);
	free(c->tags);
	free(c->active_jobs);
	free(c->own_jobs);
	if (c->trace)
		fclose(c->trace);
	free(c);
	return 0;
}
