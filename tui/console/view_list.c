/*
 * view_list.c — the list of campaigns and Canvases, with its filter line.
 *
 * Virtual: only the rows on screen are fetched (a page query), plus one
 * count for "N of M", so 100,000 objects cost what 100 do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/model.h"
#include "base/text.h"
#include "console/dialog.h"
#include "console/line_edit.h"
#include "filter.h"
#include "console/view.h"
#include "present.h"
#include "storage/objects.h"
#include "storage/setup.h"

#define LIST_FIRST_ROW 4 /* title, banner, tabs, column headers, then rows */
#define CHROME_ROWS 5    /* those four, and the status line */

struct list {
	int tab; /* 0 all, 1 campaigns, 2 Canvases: enum object_kind + 1 */
	int sort;
	bool descending;
	char filter_input[256];
	size_t caret; /* where typing goes in filter_input (console/line_edit.h) */
	struct filter filter;
	struct object_list page;  /* rows on screen, from page_offset */
	int64_t page_offset, cursor, matching, total;
	int64_t range_anchor; /* object id where "range" starts, 0 = none */
};

/* How many rows a page holds: the terminal's, less the chrome. */
static int page_height(const struct console *c)
{
	return c->screen.rows > CHROME_ROWS ? c->screen.rows - CHROME_ROWS : 1;
}

/* The object under the cursor, or NULL. */
static const struct object_row *cursor_row(const struct list *l)
{
	int64_t i = l->cursor - l->page_offset;
	return i >= 0 && i < l->page.count ? &l->page.rows[i] : NULL;
}

static void build_query(const struct console *c, const struct list *l, struct object_query *q)
{
	*q = (struct object_query){.terms = l->filter.terms, .term_count = l->filter.count,
				   .kind = l->tab - 1, .status = -1, .state = -1, .sort = l->sort,
				   .descending = l->descending, .now = console_now(c),
				   .soon_days = c->o->config->policy.expiring_soon_days};
}

/* The page on screen: the one query a filter keystroke runs. */
static void reload_page(struct console *c, struct list *l)
{
	struct object_query q;
	build_query(c, l, &q);
	if (storage_count_objects(c->s, &q, &l->matching) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	int height = page_height(c);
	if (l->cursor >= l->matching)
		l->cursor = l->matching > 0 ? l->matching - 1 : 0;
	/* keep the cursor on screen */
	if (l->cursor < l->page_offset)
		l->page_offset = l->cursor;
	if (l->cursor >= l->page_offset + height)
		l->page_offset = l->cursor - height + 1;
	if (l->page_offset < 0)
		l->page_offset = 0;
	q.offset = l->page_offset;
	q.limit = height;
	struct object_list page;
	if (storage_list_objects(c->s, &q, &page) < 0) {
		console_flash(c, ST_ERROR, "%s", storage_error(c->s));
		return;
	}
	object_list_free(&l->page);
	l->page = page;
}

/* Where the object `id` is in the list's order now, or -1. */
static int64_t position_of(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return -1;
}

/*
 * The cursor stays on the object it was on, not on the screen line: rows
 * above it may have left the filter (a restore, a sweep done elsewhere),
 * and Enter or E must never act on another object.  When the object itself
 * has left, the cursor goes to its nearest neighbour that remains (the next
 * one, else the previous one) and the status line says why.
 */
static void follow_cursor_object(struct console *c, struct list *l, const int64_t *before, int count, int at)
{
	const struct object_row *now = cursor_row(l);
	if (at < 0 || (now && now->id == before[at]))
		return;
	struct object_query q;
	build_query(c, l, &q);
	int64_t *ids;
	int n;
	if (storage_list_ids(c->s, &q, &ids, &n) < 0)
		return;
	int64_t to = position_of(ids, n, before[at]);
	for (int step = 1; to < 0 && (at + step < count || at - step >= 0); step++) {
		if (at + step < count)
			to = position_of(ids, n, before[at + step]);
		if (to < 0 && at - step >= 0)
			to = position_of(ids, n, before[at - step]);
		if (to >= 0)
			console_flash(c, ST_INFO, "The object under the cursor left the filter (its state changed);"
				      " the cursor is on its neighbour");
	}
	free(ids);
	if (to >= 0 && to != l->cursor) {
		l->cursor = to;
		reload_page(c, l);
	}
}

static void list_reload(struct console *c, void *state)
{
	struct list *l = state;
	bool refiltered = c->requested_filter[0] != '\0';
	if (refiltered) {
		snprintf(l->filter_input, sizeof l->filter_input, "%s", c->requested_filter);
		l->caret = strlen(l->filter_input);
		c->requested_filter[0] = '\0';
		filter_parse(&l->filter, l->filter_input);
		l->cursor = l->page_offset = 0;
	}
	/* what was on screen, to follow the cursor's object */
	int count = (int)l->page.count, at = -1;
	int64_t *before = malloc(((size_t)count + 1) * sizeof *before);
	if (!before)
		abort();
	for (int i = 0; i < count; i++)
		before[i] = l->page.rows[i].id;
	if (cursor_row(l) && !refiltered) /* a new filter starts at the top */
		at = (int)(l->cursor - l->page_offset);
	struct object_query all = {.kind = l->tab - 1, .status = -1, .state = -1};
	storage_count_objects(c->s, &all, &l->total);
	reload_page(c, l);
	follow_cursor_object(c, l, before, count, at);
	free(before);
}

/* Moves the cursor; reloads when it leaves the page on screen. */
static void move_cursor(struct console *c, struct list *l, int64_t to)
{
	if (to >= l->matching)
		to = l->matching - 1;
	if (to < 0)
		to = 0;
	l->cursor = to;
	if (l->cursor < l->page_offset || l->cursor >= l->page_offset + l->page.count ||
	    l->cursor >= l->page_offset + page_height(c))
		console_reload_soon(c);
}

/* ---- drawing ---- */

struct columns {
	int mark, name, kind, status, tags, last_sent, ixd, hot, cold;
	bool wide;
};

/* Narrowest widths: a header with its sort mark ("Interaction data ^",
 * "Tags ^") always fits, and a name still tells objects apart. */
#define NAME_MIN 18
#define IXD_MIN 18
#define TAGS_MIN 6

/* The widest text the page's rows have for a column. */
static int widest_expiry(const struct console *c, const struct list *l)
{
	int most = 0;
	for (int i = 0; i < l->page.count; i++) {
		char text[256];
		present_expiry(&l->page.rows[i], console_now(c), text, sizeof text);
		int w = screen_width(text);
		most = w > most ? w : most;
	}
	return most;
}

static int widest_text(const struct list *l, bool tags)
{
	int most = 0;
	for (int i = 0; i < l->page.count; i++) {
		const char *text = tags ? l->page.rows[i].tags : l->page.rows[i].name;
		int w = text ? screen_width(text) : 0;
		most = w > most ? w : most;
	}
	return most;
}

static int at_least(int width, int floor) { return width > floor ? width : floor; }

/* Takes back up to `excess` columns from *width, down to `floor`. */
static int shrink(int *width, int floor, int excess)
{
	int take = *width - floor < excess ? *width - floor : excess;
	if (take <= 0)
		return excess;
	*width -= take;
	return excess - take;
}

/*
 * Columns by priority: each gets what the rows on screen need; when that
 * is more than the terminal has, the name gives way first (down to
 * NAME_MIN), then tags, then the interaction data: its state words and
 * reasons ("kept: used by …") matter more than the end of a long name.
 * Width left over goes to the name.
 */
static void layout(const struct console *c, const struct list *l, struct columns *col)
{
	int width = c->screen.cols;
	*col = (struct columns){.mark = 2, .kind = 8, .status = 8, .hot = 6, .cold = 6, .wide = width >= 110};
	int fixed = col->mark + col->kind + col->status + col->hot + col->cold + 6;
	if (col->wide) {
		col->last_sent = 11;
		col->tags = at_least(widest_text(l, true), TAGS_MIN);
		fixed += col->last_sent + 2;
	}
	col->ixd = at_least(widest_expiry(c, l), IXD_MIN);
	col->name = at_least(widest_text(l, false), NAME_MIN);
	int excess = fixed + col->name + col->tags + col->ixd - width;
	excess = shrink(&col->name, NAME_MIN, excess);
	excess = shrink(&col->tags, col->wide ? TAGS_MIN : 0, excess);
	excess = shrink(&col->ixd, IXD_MIN, excess);
	excess = shrink(&col->name, 4, excess);
	if (excess < 0)
		col->name -= excess;
}

/* The columns on screen in order, by what they sort; -1 for the mark. */
static int column_sorts(const struct columns *col, int *sorts, int *widths, bool *right)
{
	const struct { int sort, width; bool right; } all[] = {
		{-1, col->mark, false}, {SORT_NAME, col->name, false}, {SORT_KIND, col->kind, false},
		{SORT_STATUS, col->status, false}, {SORT_TAGS, col->tags, false},
		{SORT_LAST_SENT, col->last_sent, false}, {SORT_EXPIRES, col->ixd, false},
		{SORT_HOT, col->hot, true}, {SORT_COLD, col->cold, true}};
	int n = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (all[i].width == 0)
			continue;
		sorts[n] = all[i].sort, widths[n] = all[i].width, right[n] = all[i].right;
		n++;
	}
	return n;
}

/* The column showing the list's sort ("state" and "expires" share one). */
static int shown_sort(int sort)
{
	return sort == SORT_STATE ? SORT_EXPIRES : sort;
}

/* The next column on screen to sort by, after the current one. */
static int next_sort(const struct columns *col, int sort)
{
	int sorts[9], widths[9];
	bool right[9];
	int n = column_sorts(col, sorts, widths, right);
	for (int i = 1; i < n; i++)
		if (sorts[i] == shown_sort(sort))
			return i + 1 < n ? sorts[i + 1] : sorts[1];
	return SORT_NAME; /* sorted by a column not on screen: start again */
}

static void draw_header(struct console *c, const struct list *l, int y, const struct columns *col)
{
	struct screen *sc = &c->screen;
	static const char *const names[SORT__COUNT] = {
		[SORT_NAME] = "Name", [SORT_KIND] = "Kind", [SORT_STATUS] = "Status",
		[SORT_LAST_SENT] = "Last sent", [SORT_STATE] = "Interaction data",
		[SORT_EXPIRES] = "Interaction data", [SORT_HOT] = "Hot", [SORT_COLD] = "Cold",
		[SORT_TAGS] = "Tags"};
	const char *arrow = l->descending ? " v" : " ^";
	int sorts[9], widths[9];
	bool right[9], marked = false;
	int n = column_sorts(col, sorts, widths, right);
	for (int i = 0; i < n; i++)
		marked |= sorts[i] == shown_sort(l->sort);
	char label[64];
	int x = 0;
	screen_fill(sc, y, 0, sc->cols, ST_HEADER);
	for (int i = 0; i < n; i++) {
		const char *name = sorts[i] >= 0 ? names[sorts[i]] : "";
		if (sorts[i] == shown_sort(l->sort))
			snprintf(label, sizeof label, "%s%s", name, arrow);
		else if (sorts[i] == SORT_NAME && !marked) /* the sorted column is off screen */
			snprintf(label, sizeof label, "%s (by %s%s)", name, object_sort_name(l->sort), arrow);
		else
			snprintf(label, sizeof label, "%s", name);
		int pad = right[i] ? widths[i] - screen_width(label) : 0;
		screen_text(sc, y, x + (pad > 0 ? pad : 0), widths[i], ST_HEADER, false, label);
		x += widths[i] + (i ? 1 : 0);
	}
}

/* A cell's text; one cut short ends in "…" so it does not read as whole. */
static void cell(struct console *c, int y, int x, int width, int style, const char *text)
{
	if (screen_width(text) <= width) {
		screen_text(&c->screen, y, x, width, style, true, text);
		return;
	}
	struct buf cut = {0};
	present_fit(&cut, text, width - 1);
	buf_adds(&cut, c->screen.utf8 ? "…" : "~");
	screen_text(&c->screen, y, x, width, style, true, cut.data);
	buf_free(&cut);
}

static void draw_row(struct console *c, int y, const struct object_row *o, bool is_cursor,
		     const struct columns *col)
{
	struct screen *sc = &c->screen;
	int64_t now = console_now(c);
	bool selected = selection_has(&c->selection, o->id);
	char mark[8], expiry[256], hot[16], cold[16], last[16];
	struct buf name = {0}, tags = {0};
	snprintf(mark, sizeof mark, "%s%s", selected ? (sc->utf8 ? "✓" : "*") : " ",
		 o->state == IXD_EXPIRED ? "!" : o->state == IXD_RESTORING ? "~" : " ");
	present_expiry(o, now, expiry, sizeof expiry);
	text_sanitize_terminal(&name, o->name);
	text_sanitize_terminal(&tags, o->tags ? o->tags : "");
	present_count_short(o->hot_events, hot, sizeof hot);
	present_count_short(o->cold_events, cold, sizeof cold);
	present_date(o->last_sent_at, last, sizeof last);
	/* the cursor's row is highlighted whole, gaps included, so the eye
	 * finds its state and counts on the same line as its name */
	int plain = is_cursor ? ST_CURSOR : ST_NORMAL;
	if (is_cursor)
		screen_fill(sc, y, 0, sc->cols, ST_CURSOR);
	int x = 0;
	screen_text(sc, y, x, col->mark, is_cursor ? ST_CURSOR : ST_MARK, true, mark);
	x += col->mark;
	cell(c, y, x, col->name, plain, name.data ? name.data : "");
	x += col->name + 1;
	cell(c, y, x, col->kind, plain, object_kind_name(o->kind));
	x += col->kind + 1;
	cell(c, y, x, col->status, plain, object_status_name(o->status));
	x += col->status + 1;
	if (col->wide) {
		cell(c, y, x, col->tags, plain, tags.data ? tags.data : "");
		x += col->tags + 1;
		cell(c, y, x, col->last_sent, plain, last);
		x += col->last_sent + 1;
	}
	cell(c, y, x, col->ixd,
	     is_cursor ? ST_CURSOR : console_state_style(o, now, c->o->config->policy.expiring_soon_days), expiry);
	x += col->ixd + 1;
	screen_text(sc, y, x + col->hot - (int)strlen(hot), (int)strlen(hot), plain, false, hot);
	x += col->hot + 1;
	screen_text(sc, y, x + col->cold - (int)strlen(cold), (int)strlen(cold), plain, false, cold);
	buf_free(&name);
	buf_free(&tags);
}

static void draw_tabs(struct console *c, const struct list *l, int y)
{
	struct screen *sc = &c->screen;
	static const char *const tabs[] = {"All", "Campaigns", "Canvases"};
	int x = 0;
	for (int i = 0; i < 3; i++) {
		char label[32];
		snprintf(label, sizeof label, " %s ", tabs[i]);
		x += screen_text(sc, y, x, sc->cols - x, l->tab == i ? ST_TAB_ACTIVE : ST_TAB, false, label) + 1;
	}
	char info[512];
	struct buf filter = {0};
	bool editing = c->mode == MODE_EDIT;
	/* the caret: "_" at the end; inside the text, the character under it
	 * is drawn highlighted below */
	size_t caret = editing && l->caret < strlen(l->filter_input) ? l->caret : strlen(l->filter_input);
	text_sanitize_terminal(&filter, l->filter_input);
	if (editing || l->filter_input[0])
		snprintf(info, sizeof info, " /%s%s", filter.data ? filter.data : "",
			 editing && caret == strlen(l->filter_input) ? "_" : "");
	else
		info[0] = '\0';
	buf_free(&filter);
	int caret_x = -1;
	char under[8] = "";
	if (editing && caret < strlen(l->filter_input)) {
		char before[256];
		snprintf(before, sizeof before, "%.*s", (int)caret, l->filter_input);
		struct buf safe = {0};
		text_sanitize_terminal(&safe, before);
		caret_x = x + 2 + screen_width(safe.data ? safe.data : "");
		buf_free(&safe);
		int n = 1;
		while ((l->filter_input[caret + n] & 0xC0) == 0x80)
			n++;
		snprintf(under, sizeof under, "%.*s", n, l->filter_input + caret);
	}
	char counts[128];
	snprintf(counts, sizeof counts, "%lld of %lld  %d selected ", (long long)l->matching,
		 (long long)l->total, c->selection.count);
	int right = screen_width(counts);
	int room = sc->cols - x - right - 1;
	if (l->filter.error[0] && editing) {
		char err[200];
		snprintf(err, sizeof err, " %s", l->filter.error);
		x += screen_text(sc, y, x, room, ST_WARNING, false, info);
		screen_text(sc, y, x, sc->cols - x - right - 1, ST_WARNING, false, err);
	} else {
		screen_text(sc, y, x, room, editing ? ST_FOCUS : ST_LABEL, false, info);
	}
	if (caret_x >= 0 && caret_x < sc->cols - right - 1 && (unsigned char)under[0] >= ' ')
		screen_text(sc, y, caret_x, 2, ST_CURSOR, false, under);
	screen_text(sc, y, sc->cols - right, right, ST_LABEL, false, counts);
}

static void list_draw(struct console *c, void *state, int top, int height)
{
	const struct list *l = state;
	struct columns col;
	layout(c, l, &col);
	draw_tabs(c, l, top);
	draw_header(c, l, top + 1, &col);
	for (int i = 0; i < height - 2 && i < l->page.count; i++)
		draw_row(c, top + 2 + i, &l->page.rows[i], l->page_offset + i == l->cursor, &col);
	if (l->matching == 0)
		screen_text(&c->screen, top + 3, 2, c->screen.cols - 4, ST_DIM, false,
			    l->filter_input[0] ? "Nothing matches the filter (Esc clears it)." : "No objects yet: import a workspace (thaw import FILE).");
}

/* ---- actions ---- */

/* Every id the current filter shows, in list order. */
static int filtered_ids(struct console *c, const struct list *l, int64_t **ids, int *n)
{
	struct object_query q;
	build_query(c, l, &q);
	if (storage_list_ids(c->s, &q, ids, n) == 0)
		return 0;
	console_flash(c, ST_ERROR, "%s", storage_error(c->s));
	return -1;
}

static void select_range(struct console *c, struct list *l)
{
	const struct object_row *row = cursor_row(l);
	if (!row)
		return;
	if (!l->range_anchor) {
		l->range_anchor = row->id;
		selection_add(&c->selection, row->id);
		console_flash(c, ST_INFO, "range starts here: move and press the range key again");
		return;
	}
	/* select every filtered row between the anchor and the cursor */
	int64_t *ids;
	int n;
	if (filtered_ids(c, l, &ids, &n) < 0)
		return;
	int from = -1, to = -1;
	for (int i = 0; i < n; i++) {
		if (ids[i] == l->range_anchor)
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
		console_flash(c, ST_INFO, "%s selected", COUNTED(to - from + 1, "row", "rows"));
	}
	l->range_anchor = 0;
	free(ids);
}

static void select_filtered(struct console *c, const struct list *l, bool invert)
{
	int64_t *ids;
	int n;
	if (filtered_ids(c, l, &ids, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (invert)
			selection_toggle(&c->selection, ids[i]);
		else
			selection_add(&c->selection, ids[i]);
	}
	free(ids);
}

static void restore_selection(struct console *c, const struct list *l)
{
	if (console_refuse_change(c, "restore"))
		return;
	int n;
	int64_t *ids;
	if (c->selection.count) {
		ids = selection_ids(&c->selection, &n);
	} else {
		const struct object_row *row = cursor_row(l);
		if (!row)
			return;
		ids = malloc(sizeof *ids);
		ids[0] = row->id;
		n = 1;
	}
	dialog_open_restore(c, ids, n, NULL);
}

static void clear_filter(struct console *c, struct list *l)
{
	l->filter_input[0] = '\0';
	l->caret = 0;
	filter_parse(&l->filter, "");
	l->cursor = l->page_offset = 0;
	console_reload_soon(c);
}

static bool list_handle(struct console *c, void *state, int action)
{
	struct list *l = state;
	int height = page_height(c), page = height > 1 ? height - 1 : 1;
	const struct object_row *row = cursor_row(l);
	switch (action) {
	case ACT_UP: move_cursor(c, l, l->cursor - 1); return true;
	case ACT_DOWN: move_cursor(c, l, l->cursor + 1); return true;
	case ACT_PAGE_UP: move_cursor(c, l, l->cursor - page); return true;
	case ACT_PAGE_DOWN: move_cursor(c, l, l->cursor + page); return true;
	case ACT_HOME: move_cursor(c, l, 0); return true;
	case ACT_END: move_cursor(c, l, l->matching - 1); return true;
	case ACT_FILTER:
		c->mode = MODE_EDIT;
		l->caret = strlen(l->filter_input);
		return true;
	case ACT_BACK:
		if (l->filter_input[0])
			clear_filter(c, l);
		return true;
	case ACT_NEXT_TAB:
	case ACT_PREV_TAB:
		l->tab = (l->tab + (action == ACT_NEXT_TAB ? 1 : KIND__COUNT)) % (KIND__COUNT + 1);
		l->cursor = l->page_offset = 0;
		console_reload_soon(c);
		return true;
	case ACT_SORT: {
		struct columns col;
		layout(c, l, &col);
		l->sort = next_sort(&col, l->sort);
		if (l->sort == SORT_EXPIRES)
			console_flash(c, ST_INFO, "sorted by expiry: %s", EXPIRY_ORDER_TEXT);
		else
			console_flash(c, ST_INFO, "sorted by %s", object_sort_name(l->sort));
		console_reload_soon(c);
		return true;
	}
	case ACT_REVERSE:
		l->descending = !l->descending;
		console_reload_soon(c);
		return true;
	case ACT_TOGGLE:
		if (row)
			selection_toggle(&c->selection, row->id);
		move_cursor(c, l, l->cursor + 1);
		return true;
	case ACT_RANGE: select_range(c, l); return true;
	case ACT_SELECT_ALL: select_filtered(c, l, false); return true;
	case ACT_INVERT: select_filtered(c, l, true); return true;
	case ACT_CLEAR:
		selection_clear(&c->selection);
		l->range_anchor = 0;
		return true;
	case ACT_OPEN:
		if (row)
			console_show_object(c, row->id);
		return true;
	case ACT_RESTORE: restore_selection(c, l); return true;
	case ACT_RESTORE_TAG:
		if (!console_refuse_change(c, "restore"))
			dialog_open_tag_prompt(c);
		return true;
	case ACT_VIEWS:
		if (c->o->config->console.views.count == 0)
			console_flash(c, ST_WARNING, "No saved views: add console.views to the configuration");
		else
			dialog_open_view_picker(c);
		return true;
	default: return false;
	}
}

/* The filter line edits text; other keys behave as usual once it closes. */
static void list_edit_key(struct console *c, void *state, int key)
{
	struct list *l = state;
	if (key == K_ENTER) {
		/* a term thaw does not understand is not dropped silently: the
		 * line stays open with the reason until it is fixed or removed,
		 * so `a` cannot select far more than the operator meant */
		struct filter whole;
		if (!filter_parse_whole(&whole, l->filter_input)) {
			snprintf(l->filter.error, sizeof l->filter.error, "%s", whole.error);
			console_flash(c, ST_WARNING, "Fix or remove the term (Esc clears the filter): %s", whole.error);
			return;
		}
		c->mode = MODE_NORMAL;
	} else if (key == K_ESC) {
		l->filter_input[0] = '\0';
		l->caret = 0;
		c->mode = MODE_NORMAL;
	} else if (key == K_TAB) {
		console_complete_tag(c, l->filter_input, sizeof l->filter_input, false);
		l->caret = strlen(l->filter_input);
	} else if (!line_edit_key(l->filter_input, sizeof l->filter_input, &l->caret, key)) {
		return;
	}
	filter_parse(&l->filter, l->filter_input);
	l->cursor = l->page_offset = 0;
	/* the one query run per keystroke: only the page, at once; the
	 * summary and jobs follow at the next timed refresh */
	reload_page(c, l);
}

/* A click puts the cursor on a row, a double click opens it. */
static void list_click(struct console *c, void *state, int y, bool twice)
{
	struct list *l = state;
	int64_t row = l->page_offset + (y - LIST_FIRST_ROW);
	if (y < LIST_FIRST_ROW || row >= l->page_offset + l->page.count)
		return;
	l->cursor = row;
	if (twice)
		console_show_object(c, l->page.rows[row - l->page_offset].id);
}

static void list_done(void *state)
{
	struct list *l = state;
	object_list_free(&l->page);
}

static const int list_hints[] = {ACT_HELP, ACT_FILTER, ACT_TOGGLE, ACT_RESTORE, ACT_RESTORE_TAG, ACT_OPEN, ACT_JOBS, ACT_FORECAST, ACT_USER, ACT_QUIT, -1};

const struct view_ops list_view = {
	.title = "objects",
	.state_size = sizeof(struct list),
	.done = list_done,
	.reload = list_reload,
	.draw = list_draw,
	.handle = list_handle,
	.edit_key = list_edit_key,
	.click = list_click,
	.hints = list_hints,
};
