/*
 * help.c — the help overlay, generated from the live key bindings, so it
 * always shows the keys the operator actually has.
 */
#include <stdio.h>

#include "console/lines.h"
#include "console/view.h"

void help_draw(struct console *c, int top, int height)
{
	struct screen *sc = &c->screen;
	int width = sc->cols - 4, left = 2;
	for (int y = 0; y < height; y++)
		screen_fill(sc, top + y, left, width, ST_DIALOG);
	screen_text(sc, top, left + 1, width - 2, ST_LABEL, false,
		    "Keys (live bindings; change them in config.yaml console.keys). Esc closes.");
	/* the filter language at the bottom, wrapped to the width */
	int note_rows;
	char **note = lines_wrap("Filter: words match names; tag:x status:x state:x kind:x week:N; !negates;"
				 " Tab completes tags.", width - 2, 0, &note_rows);
	for (int i = 0; i < note_rows; i++)
		screen_text(sc, top + height - note_rows + i, left + 1, width - 2, ST_DIM, false, note[i]);
	lines_wrap_free(note, note_rows);
	/* one column when it fits, else two */
	int rows = height - 2 - note_rows, columns = ACT__COUNT <= rows ? 1 : 2;
	int per_column = (ACT__COUNT + columns - 1) / columns, col_width = (width - 2) / columns;
	for (int a = 0; a < ACT__COUNT; a++) {
		int col = a / per_column, row = a % per_column;
		if (row >= rows)
			continue;
		char keys[64], line[256];
		keymap_keys_text(&c->keys, a, keys, sizeof keys);
		snprintf(line, sizeof line, "%-11s %s", keys, columns == 1 ? action_help(a) : action_label(a));
		screen_text(sc, top + 2 + row, left + 1 + col * col_width, col_width - 1, ST_DIALOG, false, line);
	}
}
