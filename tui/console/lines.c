#include "console/lines.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "console/view.h"
#include "present.h"

void lines_clear(struct lines *l)
{
	for (int i = 0; i < l->count; i++)
		free(l->items[i].text);
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

static void add_line(struct lines *l, int style, int indent, const char *raw)
{
	struct buf safe = {0};
	text_sanitize_terminal(&safe, raw);
	l->items = array_grow(l->items, l->count, &l->cap, sizeof *l->items);
	l->items[l->count++] = (struct line){.text = safe.data ? safe.data : strdup(""), .style = style,
					     .indent = indent};
}

void lines_add(struct lines *l, int style, int indent, const char *fmt, ...)
{
	struct buf raw = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	add_line(l, style, indent, raw.data ? raw.data : "");
	buf_free(&raw);
}

void lines_add_text(struct lines *l, const char *text, int heading, int body)
{
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		int lead = (int)strspn(line, " ");
		add_line(l, lead ? body : heading, lead + 2, line);
		free(line);
		p += len + (p[len] == '\n');
	}
}

bool lines_scroll(struct lines *l, int action)
{
	int page = l->page > 2 ? l->page - 1 : 1;
	switch (action) {
	case ACT_UP: l->scroll--; break;
	case ACT_DOWN: l->scroll++; break;
	case ACT_PAGE_UP: l->scroll -= page; break;
	case ACT_PAGE_DOWN: l->scroll += page; break;
	case ACT_HOME: l->scroll = 0; break;
	case ACT_END: l->scroll = 1 << 30; break; /* drawing clamps it */
	default: return false;
	}
	if (l->scroll < 0)
		l->scroll = 0;
	return true;
}

char **lines_wrap(const char *text, int cols, int indent, int *rows)
{
	struct buf wrapped = {0};
	present_wrap(&wrapped, text, cols, indent);
	char **out = NULL;
	int cap = 0;
	*rows = 0;
	const char *p = wrapped.data ? wrapped.data : "";
	do {
		size_t len = strcspn(p, "\n");
		out = array_grow(out, *rows, &cap, sizeof *out);
		out[(*rows)++] = strndup(p, len);
		p += len;
	} while (*p++ == '\n');
	buf_free(&wrapped);
	return out;
}

void lines_wrap_free(char **rows, int count)
{
	for (int i = 0; i < count; i++)
		free(rows[i]);
	free(rows);
}

/* Every line wrapped to `cols`: display rows, with their styles. */
static char **wrap_all(const struct lines *l, int cols, int **styles, int *rows)
{
	char **out = NULL;
	int cap = 0, scap = 0;
	*rows = 0, *styles = NULL;
	for (int i = 0; i < l->count; i++) {
		int n;
		char **wrapped = lines_wrap(l->items[i].text, cols, l->items[i].indent, &n);
		for (int k = 0; k < n; k++) {
			*styles = array_grow(*styles, *rows, &scap, sizeof **styles);
			out = array_grow(out, *rows, &cap, sizeof *out);
			(*styles)[*rows] = l->items[i].style;
			out[(*rows)++] = wrapped[k];
		}
		free(wrapped);
	}
	return out;
}

void lines_draw(struct console *c, struct lines *l, int top, int height)
{
	int *styles, rows;
	char **text = wrap_all(l, c->screen.cols, &styles, &rows);
	l->page = height;
	if (l->scroll > rows - height)
		l->scroll = rows > height ? rows - height : 0;
	int shown = l->scroll + height < rows ? height - 1 : height;
	for (int i = 0; i < shown && l->scroll + i < rows; i++)
		screen_text(&c->screen, top + i, 0, c->screen.cols, styles[l->scroll + i], true, text[l->scroll + i]);
	if (shown < height)
		console_more_below(c, top + shown, rows - l->scroll - shown);
	lines_wrap_free(text, rows);
	free(styles);
}
