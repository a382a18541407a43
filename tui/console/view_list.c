/*
 * view_list.c — the list of campaigns and Canvases.
 *
 * Virtual: only the rows on screen are fetched (a page query), plus one
 * count for "N of M", so 100,000 objects cost what 100 do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "base/text.h"
#include "console/view.h"
#include "present.h"
#include "storage/objects.h"
#include "storage/setup.h"

static void build_query(const struct console *c, struct object_query *q)
{
	*q = (struct object_query){.terms = c->filter.terms, .term_count = c->filter.count,
				   .kind = c->tab, .status = -1, .state = -1, .sort = c->sort,
				   .descending = c->descending, .now = console_now(c),
				   .soon_days = c->o->config->policy.expiring_soon_days};
}

static void list_reload(struct console *c)
{
	struct object_query q;
	build_query(c, &q);
	if (storage_count_objects(c->s, &q, &c->matching) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	int height = c->list_height;
	if (c->cursor >= c->matching)
		c->cursor = c->matching > 0 ? c->matching - 1 : 0;
	/* keep the cursor on screen */
	if (c->cursor < c->page_offset)
		c->page_offset = c->cursor;
	if (c->cursor >= c->page_offset + height)
		c->page_offset = c->cursor - height + 1;
	if (c->page_offset < 0)
		c->page_offset = 0;
	q.offset = c->page_offset;
	q.limit = height;
	struct object_list page;
	if (storage_list_objects(c->s, &q, &page) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	object_list_free(&c->page);
	c->page = page;
}

/* Moves the cursor; reloads when it leaves the page on screen. */
static void move_cursor(struct console *c, int64_t to)
{
	if (to >= c->matching)
		to = c->matching - 1;
	if (to < 0)
		to = 0;
	c->cursor = to;
	if (c->cursor < c->page_offset || c->cursor >= c->page_offset + c->page.count ||
	    c->cursor >= c->page_offset + c->list_height)
		console_reload_soon(c);
}

/* ---- drawing ---- */

struct columns {
	int mark, name, kind, status, tags, last_sent, ixd, hot, cold;
	bool wide;
};

static void layout(int width, struct columns *col)
{
	col->wide = width >= 110;
	col->mark = 2, col->kind = 8, col->status = 8, col->ixd = 18, col->hot = 6, col->cold = 6;
	col->tags = col->wide ? 18 : 0;
	col->last_sent = col->wide ? 10 : 0;
	int fixed = col->mark + col->kind + col->status + col->ixd + col->hot + col->cold + 6 +
		    (col->wide ? col->tags + col->last_sent + 2 : 0);
	col->name = width - fixed;
}

static void draw_header(struct console *c, int y, const struct columns *col)
{
	struct screen *sc = &c->screen;
	static const char *const names[SORT__COUNT] = {
		[SORT_NAME] = "Name", [SORT_KIND] = "Kind", [SORT_STATUS] = "Status",
		[SORT_LAST_SENT] = "Last sent", [SORT_STATE] = "Interaction data",
		[SORT_EXPIRES] = "Interaction data", [SORT_HOT] = "Hot", [SORT_COLD] = "Cold",
		[SORT_TAGS] = "Tags"};
	char label[64];
	int x = 0;
	screen_fill(sc, y, 0, sc->cols, ST_HEADER);
	struct { int sort, width; bool right; } cells[] = {
		{-1, col->mark, false}, {SORT_NAME, col->name, false}, {SORT_KIND, col->kind, false},
		{SORT_STATUS, col->status, false}, {SORT_TAGS, col->tags, false},
		{SORT_LAST_SENT, col->last_sent, false}, {SORT_EXPIRES, col->ixd, false},
		{SORT_HOT, col->hot, true}, {SORT_COLD, col->cold, true}};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		if (cells[i].width == 0)
			continue;
		const char *name = cells[i].sort >= 0 ? names[cells[i].sort] : "";
		bool sorted = cells[i].sort == c->sort || (cells[i].sort == SORT_EXPIRES && c->sort == SORT_STATE);
		snprintf(label, sizeof label, "%s%s", name, sorted ? (c->descending ? " v" : " ^") : "");
		int pad = cells[i].right ? cells[i].width - screen_width(label) : 0;
		screen_text(sc, y, x + (pad > 0 ? pad : 0), cells[i].width, ST_HEADER, false, label);
		x += cells[i].width + (i ? 1 : 0);
	}
}

void format_count(int64_t n, char *buf, size_t size)
{
	if (n < 10000)
		snprintf(buf, size, "%lld", (long long)n);
	else if (n < 1000000)
		snprintf(buf, size, "%lldk", (long long)(n / 1000));
	else
		snprintf(buf, size, "%.1fM", (double)n / 1e6);
}

/*
 * The cursor highlights the mark and the name, not the whole row: the
 * state keeps its colour under the cursor, and a cursor move rewrites two
 * short spans instead of two full lines (bytes matter over SSH).
 */
static void draw_row(struct console *c, int y, const struct object_row *o, bool is_cursor,
		     const struct columns *col)
{
	struct screen *sc = &c->screen;
	int64_t now = console_now(c);
	int cursor = is_cursor ? ST_CURSOR : ST_NORMAL;
	bool selected = selection_has(&c->selection, o->id);
	char mark[8], expiry[256], hot[16], cold[16], last[16];
	struct buf name = {0}, tags = {0};
	snprintf(mark, sizeof mark, "%s%s", selected ? (sc->utf8 ? "✓" : "*") : " ",
		 o->state == IXD_EXPIRED ? "!" : o->state == IXD_RESTORING ? "~" : " ");
	present_expiry(o, now, expiry, sizeof expiry);
	text_sanitize_terminal(&name, o->name);
	text_sanitize_terminal(&tags, o->tags ? o->tags : "");
	format_count(o->hot_events, hot, sizeof hot);
	format_count(o->cold_events, cold, sizeof cold);
	present_date(o->last_sent_at, last, sizeof last);
	int x = 0;
	screen_text(sc, y, x, col->mark, is_cursor ? ST_CURSOR : ST_MARK, true, mark);
	x += col->mark;
	screen_text(sc, y, x, col->name, cursor, true, name.data ? name.data : "");
	x += col->name + 1;
	screen_text(sc, y, x, col->kind, ST_NORMAL, true, object_kind_name(o->kind));
	x += col->kind + 1;
	screen_text(sc, y, x, col->status, ST_NORMAL, true, object_status_name(o->status));
	x += col->status + 1;
	if (col->wide) {
		screen_text(sc, y, x, col->tags, ST_NORMAL, true, tags.data ? tags.data : "");
		x += col->tags + 1;
		screen_text(sc, y, x, col->last_sent, ST_NORMAL, true, last);
		x += col->last_sent + 1;
	}
	screen_text(sc, y, x, col->ixd, console_state_style(o, now, c->o->config->policy.expiring_soon_days),
		    true, expiry);
	x += col->ixd + 1;
	screen_text(sc, y, x + col->hot - (int)strlen(hot), (int)strlen(hot), ST_NORMAL, false, hot);
	x += col->hot + 1;
	screen_text(sc, y, x + col->cold - (int)strlen(cold), (int)strlen(cold), ST_NORMAL, false, cold);
	buf_free(&name);
	buf_free(&tags);
}

static void draw_tabs(struct console *c, int y)
{
	struct screen *sc = &c->screen;
	static const char *const tabs[] = {"All", "Campaigns", "Canvases"};
	int x = 0;
	for (int i = 0; i < 3; i++) {
		char label[32];
		snprintf(label, sizeof label, " %s ", tabs[i]);
		x += screen_text(sc, y, x, sc->cols - x, c->tab == i - 1 ? ST_TAB_ACTIVE : ST_TAB, false, label) + 1;
	}
	char info[512];
	struct buf filter = {0};
	text_sanitize_terminal(&filter, c->filter_input);
	bool editing = c->mode == MODE_FILTER;
	if (editing || c->filter_input[0])
		snprintf(info, sizeof info, " /%s%s", filter.data ? filter.data : "", editing ? "_" : "");
	else
		info[0] = '\0';
	buf_free(&filter);
	char counts[128];
	snprintf(counts, sizeof counts, "%lld of %lld  %d selected ", (long long)c->matching,
		 (long long)c->total, c->selection.count);
	int right = screen_width(counts);
	int room = sc->cols - x - right - 1;
	if (c->filter.error[0] && editing) {
		char err[200];
		snprintf(err, sizeof err, " %s", c->filter.error);
		x += screen_text(sc, y, x, room, ST_WARNING, false, info);
		screen_text(sc, y, x, sc->cols - x - right - 1, ST_WARNING, false, err);
	} else {
		screen_text(sc, y, x, room, editing ? ST_FOCUS : ST_LABEL, false, info);
	}
	screen_text(sc, y, sc->cols - right, right, ST_LABEL, false, counts);
}

static void list_draw(struct console *c, int top, int height)
{
	struct columns col;
	layout(c->screen.cols, &col);
	draw_tabs(c, top);
	draw_header(c, top + 1, &col);
	for (int i = 0; i < height - 2 && i < c->page.count; i++)
		draw_row(c, top + 2 + i, &c->page.rows[i], c->page_offset + i == c->cursor, &col);
	if (c->matching == 0)
		screen_text(&c->screen, top + 3, 2, c->screen.cols - 4, ST_DIM, false,
			    c->filter_input[0] ? "Nothing matches the filter (Esc clears it)." : "No objects yet: import a workspace (thaw import FILE).");
}

/* ---- actions ---- */

/* Every id the current filter shows, in list order. */
static int filtered_ids(struct console *c, int64_t **ids, int *n)
{
	struct object_query q;
	build_query(c, &q);
	if (storage_list_ids(c->s, &q, ids, n) == 0)
		return 0;
	console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	return -1;
}

static void select_range(struct console *c)
{
	const struct object_row *row = console_cursor_row(c);
	if (!row)
		return;
	if (!c->range_anchor) {
		c->range_anchor = row->id;
		selection_add(&c->selection, row->id);
		console_flash(c, ST_INFO, "range starts here: move and press the range key again");
		return;
	}
	/* select every filtered row between the anchor and the cursor */
	int64_t *ids;
	int n;
	if (filtered_ids(c, &ids, &n) < 0)
		return;
	int from = -1, to = -1;
	for (int i = 0; i < n; i++) {
		if (ids[i] == c->range_anchor)
			from = i;
		if (ids[i] == row->id)
			to = i;
	}
	if (from >= 0 && to >= 0) {
		if (from > to) {
			int t = from;
			from = to, to = t;
		}
		for (int i = from; i <= to; i++)
			selection_add(&c->selection, ids[i]);
		console_flash(c, ST_INFO, "%d rows selected", to - from + 1);
	}
	c->range_anchor = 0;
	free(ids);
}

static void select_filtered(struct console *c, bool invert)
{
	int64_t *ids;
	int n;
	if (filtered_ids(c, &ids, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (invert)
			selection_toggle(&c->selection, ids[i]);
		else
			selection_add(&c->selection, ids[i]);
	}
	free(ids);
}

static void restore_selection(struct console *c)
{
	if (c->o->read_only) {
		console_flash(c, ST_WARNING, "restore is not available: %s", c->o->why_read_only);
		return;
	}
	int n;
	int64_t *ids;
	if (c->selection.count) {
		ids = selection_ids(&c->selection, &n);
	} else {
		const struct object_row *row = console_cursor_row(c);
		if (!row)
			return;
		ids = malloc(sizeof *ids);
		ids[0] = row->id;
		n = 1;
	}
	console_confirm_restore(c, ids, n, NULL);
}

static void restore_tag(struct console *c)
{
	if (c->o->read_only) {
		console_flash(c, ST_WARNING, "restore is not available: %s", c->o->why_read_only);
		return;
	}
	c->prompt_input[0] = '\0';
	c->mode = MODE_TAG_PROMPT;
}

static bool list_handle(struct console *c, int action)
{
	int page = c->list_height > 1 ? c->list_height - 1 : 1;
	const struct object_row *row = console_cursor_row(c);
	switch (action) {
	case ACT_UP: move_cursor(c, c->cursor - 1); return true;
	case ACT_DOWN: move_cursor(c, c->cursor + 1); return true;
	case ACT_PAGE_UP: move_cursor(c, c->cursor - page); return true;
	case ACT_PAGE_DOWN: move_cursor(c, c->cursor + page); return true;
	case ACT_HOME: move_cursor(c, 0); return true;
	case ACT_END: move_cursor(c, c->matching - 1); return true;
	case ACT_FILTER:
		c->mode = MODE_FILTER;
		return true;
	case ACT_BACK:
		if (c->filter_input[0]) {
			c->filter_input[0] = '\0';
			filter_parse(&c->filter, "");
			c->cursor = c->page_offset = 0;
			console_reload_soon(c);
		}
		return true;
	case ACT_NEXT_TAB:
		c->tab = c->tab == KIND_CANVAS ? -1 : c->tab + 1;
		c->cursor = c->page_offset = 0;
		console_reload_soon(c);
		return true;
	case ACT_SORT:
		c->sort = (c->sort + 1) % SORT__COUNT;
		if (c->sort == SORT_STATE)
			c->sort = SORT_EXPIRES; /* one column shows both */
		console_flash(c, ST_INFO, "sorted by %s", object_sort_name(c->sort));
		console_reload_soon(c);
		return true;
	case ACT_REVERSE:
		c->descending = !c->descending;
		console_reload_soon(c);
		return true;
	case ACT_TOGGLE:
		if (row)
			selection_toggle(&c->selection, row->id);
		move_cursor(c, c->cursor + 1);
		return true;
	case ACT_RANGE: select_range(c); return true;
	case ACT_SELECT_ALL: select_filtered(c, false); return true;
	case ACT_INVERT: select_filtered(c, true); return true;
	case ACT_CLEAR:
		selection_clear(&c->selection);
		c->range_anchor = 0;
		return true;
	case ACT_OPEN:
		if (row) {
			object_row_free(&c->detail);
			c->detail.id = row->id;
			c->detail_scroll = 0;
			c->view = VIEW_DETAIL;
			console_reload_soon(c);
		}
		return true;
	case ACT_RESTORE: restore_selection(c); return true;
	case ACT_RESTORE_TAG: restore_tag(c); return true;
	default: return false;
	}
}

static const int list_hints[] = {ACT_HELP, ACT_FILTER, ACT_TOGGLE, ACT_RESTORE, ACT_RESTORE_TAG, ACT_OPEN, ACT_JOBS, ACT_USER, ACT_QUIT, -1};

const struct view_ops list_view = {
	.title = "objects",
	.reload = list_reload,
	.draw = list_draw,
	.handle = list_handle,
	.hints = list_hints,
};
