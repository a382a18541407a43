/*
 * dialog.c — the confirmations and prompts (see dialog.h).
 */
#include "console/dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/text.h"
#include "filter.h"
#include "notify/notify.h"
#include "present.h"
#include "readers/job_report.h"
#include "retention/restore.h"
#include "storage/objects.h"
#include "storage/users.h"

enum dialog_kind { DIALOG_RESTORE, DIALOG_CANCEL_JOB, DIALOG_TAG_PROMPT, DIALOG_USER_PROMPT, DIALOG_VIEW_PICKER,
		   DIALOG_QUIT };

struct dialog {
	enum dialog_kind kind;
	int focus; /* confirmations: 0 = Cancel (the default), 1 = confirm; picker: the row */
	struct selection_summary summary; /* restore: what it would touch */
	double rate;   /* restore: the workspace's measured events a second, 0 = no history */
	int64_t *ids;  /* restore: the objects */
	int count;     /* restore: how many ids; quit: how many jobs still run */
	char tag[128]; /* restore: the tag it was asked by, or "" */
	int64_t job;   /* cancel: the job; quit: the first still running */
	char input[128]; /* prompts: what was typed */
};

static struct dialog *open_dialog(struct console *c, enum dialog_kind kind)
{
	dialog_close(c);
	struct dialog *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	d->kind = kind;
	c->dialog = d;
	c->mode = MODE_DIALOG;
	return d;
}

void dialog_close(struct console *c)
{
	if (c->dialog)
		free(c->dialog->ids);
	free(c->dialog);
	c->dialog = NULL;
	if (c->mode == MODE_DIALOG)
		c->mode = MODE_NORMAL;
}

/* A framed box in the middle of the screen, everything it covers cleared;
 * returns its top row and left column (the frame's). */
static void box(struct console *c, int height, int width, int *top, int *left)
{
	struct screen *sc = &c->screen;
	if (width > sc->cols - 2)
		width = sc->cols - 2;
	*top = (sc->rows - height) / 2;
	*left = (sc->cols - width) / 2;
	for (int y = 0; y < height; y++)
		screen_fill(sc, *top + y, *left, width, ST_DIALOG);
	const char *h = sc->utf8 ? "─" : "-", *v = sc->utf8 ? "│" : "|";
	const char *corners[4] = {sc->utf8 ? "┌" : "+", sc->utf8 ? "┐" : "+", sc->utf8 ? "└" : "+",
				  sc->utf8 ? "┘" : "+"};
	for (int x = 1; x < width - 1; x++) {
		screen_text(sc, *top, *left + x, 1, ST_DIALOG, false, h);
		screen_text(sc, *top + height - 1, *left + x, 1, ST_DIALOG, false, h);
	}
	for (int y = 1; y < height - 1; y++) {
		screen_text(sc, *top + y, *left, 1, ST_DIALOG, false, v);
		screen_text(sc, *top + y, *left + width - 1, 1, ST_DIALOG, false, v);
	}
	screen_text(sc, *top, *left, 1, ST_DIALOG, false, corners[0]);
	screen_text(sc, *top, *left + width - 1, 1, ST_DIALOG, false, corners[1]);
	screen_text(sc, *top + height - 1, *left, 1, ST_DIALOG, false, corners[2]);
	screen_text(sc, *top + height - 1, *left + width - 1, 1, ST_DIALOG, false, corners[3]);
}

static void dialog_text(struct console *c, int y, int x, int width, int style, const char *text)
{
	struct buf safe = {0};
	text_sanitize_terminal(&safe, text);
	screen_text(&c->screen, y, x, width, style, false, safe.data ? safe.data : "");
	buf_free(&safe);
}

void dialog_open_restore(struct console *c, int64_t *ids, int n, const char *tag)
{
	struct selection_summary summary;
	if (storage_selection_summary(c->s, ids, n, &summary) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		free(ids);
		return;
	}
	if (summary.restorable == 0) {
		console_flash(c, ST_WARNING, "Nothing to restore: %lld not expired, %lld already restoring,"
			      " %lld deleted (legacy), %lld without data", (long long)summary.not_expired,
			      (long long)summary.busy, (long long)summary.purged, (long long)summary.no_data);
		free(ids);
		return;
	}
	struct dialog *d = open_dialog(c, DIALOG_RESTORE);
	d->summary = summary;
	job_history_rate(c->s, &d->rate);
	d->ids = ids;
	d->count = n;
	snprintf(d->tag, sizeof d->tag, "%s", tag ? tag : "");
}

void dialog_open_cancel_job(struct console *c, int64_t job_id)
{
	open_dialog(c, DIALOG_CANCEL_JOB)->job = job_id;
}

void dialog_open_tag_prompt(struct console *c)
{
	open_dialog(c, DIALOG_TAG_PROMPT);
}

void dialog_open_user_prompt(struct console *c)
{
	open_dialog(c, DIALOG_USER_PROMPT);
}

void dialog_open_view_picker(struct console *c)
{
	open_dialog(c, DIALOG_VIEW_PICKER);
}

void dialog_open_quit(struct console *c)
{
	/* which jobs, read once: the dialog draws from them every frame */
	int64_t ids[64];
	int n = console_own_jobs_active(c, ids, 64);
	struct dialog *d = open_dialog(c, DIALOG_QUIT);
	d->job = n ? ids[0] : 0;
	d->count = n;
}

static void draw_buttons(struct console *c, int y, int left, int width, const char *yes)
{
	int focus = c->dialog->focus;
	char no_label[32], yes_label[64];
	snprintf(no_label, sizeof no_label, focus == 0 ? "[> Cancel <]" : "[  Cancel  ]");
	snprintf(yes_label, sizeof yes_label, focus == 1 ? "[> %s <]" : "[  %s  ]", yes);
	int x = left + width - screen_width(no_label) - screen_width(yes_label) - 4;
	x += screen_text(&c->screen, y, x, 20, focus == 0 ? ST_FOCUS : ST_DIALOG, false, no_label) + 2;
	screen_text(&c->screen, y, x, 30, focus == 1 ? ST_FOCUS : ST_DIALOG, false, yes_label);
}

static void draw_restore_confirm(struct console *c)
{
	const struct dialog *d = c->dialog;
	const struct selection_summary *s = &d->summary;
	int width = 72, top, left;
	box(c, 14, width, &top, &left);
	char line[256];
	int y = top + 1, x = left + 2, w = width - 4;
	if (d->tag[0])
		snprintf(line, sizeof line, " Restore interaction data tagged '%s'", d->tag);
	else
		snprintf(line, sizeof line, " Restore interaction data");
	dialog_text(c, y++, x, w, ST_LABEL, line);
	snprintf(line, sizeof line, "%s: %s, %s — %s", COUNTED(s->restorable, "object", "objects"),
		 COUNTED(s->campaigns, "campaign", "campaigns"), COUNTED(s->canvases, "Canvas", "Canvases"),
		 COUNTED(s->events, "event", "events"));
	dialog_text(c, ++y, x, w, ST_DIALOG, line);
	y++;
	/* four names, a line for the rest, the skips, the estimate: 14 rows */
	int names = s->names < 4 ? s->names : 4;
	for (int i = 0; i < names; i++)
		dialog_text(c, y++, x + 2, w - 2, ST_DIALOG, s->first_names[i]);
	if (s->restorable > names) {
		snprintf(line, sizeof line, "... and %lld more", (long long)(s->restorable - names));
		dialog_text(c, y++, x + 2, w - 2, ST_DIALOG, line);
	}
	struct { int64_t n; const char *what; } skips[] = {
		{s->not_expired, "not expired"}, {s->busy, "already restoring"},
		{s->purged, "deleted (legacy)"}, {s->no_data, "without data"}};
	char skipped[200] = "Skipped:";
	size_t used = strlen(skipped);
	for (size_t i = 0; i < 4; i++)
		if (skips[i].n)
			used += (size_t)snprintf(skipped + used, sizeof skipped - used, "%s %lld %s",
						 used > 8 ? "," : "", (long long)skips[i].n, skips[i].what);
	if (used > 8)
		dialog_text(c, top + 9, x, w, ST_DIALOG, skipped);
	/* how long, from this workspace's own measured rate, and until when */
	char expires[16], rate[16];
	present_date(clock_add_months(console_now(c), c->o->config->policy.expire_after_months), expires, sizeof expires);
	if (d->rate > 0) {
		present_count_short((int64_t)d->rate, rate, sizeof rate);
		snprintf(line, sizeof line, "About %.0f s at %s events/s (measured here); available until %s",
			 (double)s->events / d->rate + 0.5, rate, expires);
	} else {
		snprintf(line, sizeof line, "Time: no history yet; available until %s unless used", expires);
	}
	dialog_text(c, top + 10, x, w, ST_DIALOG, line);
	draw_buttons(c, top + 12, left, width, "Restore");
}

static void draw_cancel_confirm(struct console *c)
{
	int width = 60, top, left;
	box(c, 7, width, &top, &left);
	char line[128];
	snprintf(line, sizeof line, " Cancel restore job %lld?", (long long)c->dialog->job);
	dialog_text(c, top + 1, left + 2, width - 4, ST_LABEL, line);
	dialog_text(c, top + 3, left + 2, width - 4, ST_DIALOG, "Objects not yet restored stay expired.");
	draw_buttons(c, top + 5, left, width, "Cancel the job");
}

static void draw_prompt(struct console *c)
{
	const struct dialog *d = c->dialog;
	bool user = d->kind == DIALOG_USER_PROMPT;
	int width = 60, top, left;
	box(c, 6, width, &top, &left);
	dialog_text(c, top + 1, left + 2, width - 4, ST_LABEL,
		    user ? " Look up a user by external id:" : " Restore every expired object with the tag:");
	char line[160];
	snprintf(line, sizeof line, "> %s_", d->input);
	dialog_text(c, top + 3, left + 2, width - 4, ST_FOCUS, line);
	dialog_text(c, top + 4, left + 2, width - 4, ST_DIALOG,
		    user ? "Enter looks it up, Esc cancels" : "Tab completes, Enter continues, Esc cancels");
}

static void draw_view_picker(struct console *c)
{
	const struct config_pairs *views = &c->o->config->console.views;
	int rows = views->count, room = c->screen.rows - 7;
	if (rows > room)
		rows = room > 1 ? room : 1;
	int width = 72, top, left;
	box(c, rows + 6, width, &top, &left);
	dialog_text(c, top + 1, left + 2, width - 4, ST_LABEL, " Saved views (console.views)");
	/* the picked row stays on screen however many there are */
	int first = c->dialog->focus >= rows ? c->dialog->focus - rows + 1 : 0;
	for (int i = 0; i < rows && first + i < views->count; i++) {
		const struct config_pair *v = &views->items[first + i];
		char line[400];
		snprintf(line, sizeof line, " %-20s %s", v->name, v->value);
		bool picked = first + i == c->dialog->focus;
		if (picked)
			screen_fill(&c->screen, top + 3 + i, left + 2, width - 4, ST_FOCUS);
		dialog_text(c, top + 3 + i, left + 2, width - 4, picked ? ST_FOCUS : ST_DIALOG, line);
	}
	dialog_text(c, top + rows + 4, left + 2, width - 4, ST_DIALOG, "Enter shows it, Esc closes");
}

static const char *const quit_choices[] = {"Stay until it ends", "Quit, leave it queued", "Cancel it, quit"};

static void draw_quit(struct console *c)
{
	int width = 72, top, left;
	box(c, 8, width, &top, &left);
	char line[200];
	snprintf(line, sizeof line, " Restore job %lld%s is still running", (long long)c->dialog->job,
		 c->dialog->count > 1 ? " (and others)" : "");
	dialog_text(c, top + 1, left + 2, width - 4, ST_LABEL, line);
	dialog_text(c, top + 3, left + 2, width - 4, ST_DIALOG,
		    "No worker runs besides this console: after you quit it waits for one.");
	int x = left + 2;
	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof line, c->dialog->focus == i ? "[> %s <]" : "[  %s  ]", quit_choices[i]);
		x += screen_text(&c->screen, top + 5, x, left + width - x - 1, c->dialog->focus == i ? ST_FOCUS : ST_DIALOG,
				 false, line) + 1;
	}
}

static void quit_key(struct console *c, int key)
{
	int *focus = &c->dialog->focus;
	if (key == K_TAB || key == K_RIGHT) {
		*focus = (*focus + 1) % 3;
	} else if (key == K_BTAB || key == K_LEFT) {
		*focus = (*focus + 2) % 3;
	} else if (key == K_ESC) {
		dialog_close(c);
	} else if (key == K_ENTER) {
		int choice = *focus;
		dialog_close(c);
		if (choice == 0) {
			c->quit_when_done = true;
			console_flash(c, ST_INFO, "thaw quits when your jobs end (q again quits now)");
			return;
		}
		int64_t ids[64];
		int n = choice == 2 ? console_own_jobs_active(c, ids, 64) : 0;
		for (int i = 0; i < n; i++)
			restore_cancel(c->s, ids[i], &c->o->actor, console_now(c), notify_job_end_hook(c->o->config));
		c->running = false;
	}
}

void dialog_draw(struct console *c)
{
	switch (c->dialog->kind) {
	case DIALOG_RESTORE: draw_restore_confirm(c); break;
	case DIALOG_CANCEL_JOB: draw_cancel_confirm(c); break;
	case DIALOG_TAG_PROMPT:
	case DIALOG_USER_PROMPT: draw_prompt(c); break;
	case DIALOG_VIEW_PICKER: draw_view_picker(c); break;
	case DIALOG_QUIT: draw_quit(c); break;
	}
}

static void do_restore(struct console *c)
{
	const struct dialog *d = c->dialog;
	/* a restore by tag asks for the tag, so the job, the audit log and the
	 * mail say what was asked, as the command line's --tag does */
	struct restore_request r = {.actor = c->o->actor, .now = console_now(c),
				    .on_end = notify_job_end_hook(c->o->config)};
	if (d->tag[0])
		r.tag = d->tag;
	else
		r.object_ids = d->ids, r.object_id_count = d->count;
	struct diag problems = {0};
	struct restore_result res;
	if (restore_request(c->s, &r, &res, &problems) < 0) {
		char first[300];
		diag_first(&problems, first, sizeof first);
		console_flash(c, ST_ERROR, "restore not requested: %s",
			      problems.count ? first : storage_error(c->s));
	} else if (!res.job_id) {
		console_flash(c, ST_WARNING, "Nothing to restore: no object tagged '%s' is expired any more", d->tag);
	} else {
		console_flash(c, ST_INFO, "Restore job %lld queued: %s (J shows progress)", (long long)res.job_id,
			      COUNTED(res.outcomes[ITEM_PENDING], "object", "objects"));
		console_own_job(c, res.job_id);
		selection_clear(&c->selection);
	}
	diag_clear(&problems);
}

static void do_cancel(struct console *c)
{
	int64_t job = c->dialog->job;
	int rc = restore_cancel(c->s, job, &c->o->actor, console_now(c),
				notify_job_end_hook(c->o->config));
	if (rc < 0)
		console_flash(c, ST_ERROR, "cancel: %s", storage_error(c->s));
	else if (rc > 0)
		console_flash(c, ST_WARNING, "job %lld had already ended", (long long)job);
	else
		console_flash(c, ST_INFO, "Job %lld cancelled; its unfinished objects stay expired", (long long)job);
}

static void show_user(struct console *c, const char *external_id)
{
	struct user_row u;
	int found = storage_user_find(c->s, external_id, &u);
	if (found <= 0) {
		console_flash(c, ST_WARNING, "No user '%s'", external_id);
		return;
	}
	console_show_user(c, u.id);
	user_row_free(&u);
}

static void restore_tagged(struct console *c, const char *tag)
{
	struct object_query q = {.kind = -1, .status = -1, .state = IXD_EXPIRED, .tag = tag};
	int64_t *ids;
	int n;
	if (storage_list_ids(c->s, &q, &ids, &n) < 0)
		return;
	if (n == 0) {
		free(ids);
		console_flash(c, ST_WARNING, "No expired object carries the tag '%s'", tag);
		return;
	}
	dialog_open_restore(c, ids, n, tag);
}

/* The one-line prompts: Enter acts on what was typed, Esc closes. */
static void prompt_key(struct console *c, int key)
{
	struct dialog *d = c->dialog;
	bool user = d->kind == DIALOG_USER_PROMPT;
	size_t len = strlen(d->input);
	char input[sizeof d->input];
	if (key == K_ESC) {
		dialog_close(c);
	} else if (key == K_ENTER && len) {
		memcpy(input, d->input, sizeof input);
		dialog_close(c);
		if (user)
			show_user(c, input);
		else
			restore_tagged(c, input);
	} else if (key == K_TAB && !user) {
		console_complete_tag(c, d->input, sizeof d->input, true);
	} else if (key == K_BACKSPACE && len) {
		d->input[len - 1] = '\0';
	} else if (key > ' ' && key < 0x7F && len + 1 < sizeof d->input) {
		d->input[len] = (char)key;
		d->input[len + 1] = '\0';
	}
}

/* The confirmations: Cancel has the focus until the operator moves it. */
static void confirm_key(struct console *c, int key)
{
	struct dialog *d = c->dialog;
	switch (key) {
	case K_TAB: case K_LEFT: case K_RIGHT: case K_BTAB:
		d->focus = !d->focus;
		return;
	case K_ESC: case 'n': case 'N':
		dialog_close(c);
		return;
	case 'y': case 'Y':
		d->focus = 1;
		/* fall through */
	case K_ENTER:
		if (d->focus == 1) {
			if (d->kind == DIALOG_RESTORE)
				do_restore(c);
			else
				do_cancel(c);
			console_reload_soon(c);
		}
		dialog_close(c);
		return;
	default:
		return;
	}
}

static void view_picker_key(struct console *c, int key)
{
	const struct config_pairs *views = &c->o->config->console.views;
	int *at = &c->dialog->focus;
	if (key == K_UP || key == 'k') {
		*at = *at > 0 ? *at - 1 : 0;
	} else if (key == K_DOWN || key == 'j') {
		*at = *at + 1 < views->count ? *at + 1 : *at;
	} else if (key == K_HOME || key == 'g') {
		*at = 0;
	} else if (key == K_END || key == 'G') {
		*at = views->count - 1;
	} else if (key == K_ENTER) {
		const struct config_pair *v = &views->items[*at];
		dialog_close(c);
		console_show_filtered(c, v->value);
		console_flash(c, ST_INFO, "view %s: %s", v->name, v->value);
	} else if (key == K_ESC || key == 'q') {
		dialog_close(c);
	}
}

void dialog_key(struct console *c, int key)
{
	if (c->dialog->kind == DIALOG_VIEW_PICKER)
		view_picker_key(c, key);
	else if (c->dialog->kind == DIALOG_QUIT)
		quit_key(c, key);
	else if (c->dialog->kind == DIALOG_TAG_PROMPT || c->dialog->kind == DIALOG_USER_PROMPT)
		prompt_key(c, key);
	else
		confirm_key(c, key);
}
