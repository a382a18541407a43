#include "console/screen.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/keymap.h"
#include "base/text.h"

static const short basic_rgb[16][3] = {
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
	{0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
	{255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255}};

/* The nearest of the first `n` basic colours to an RGB value. */
static int nearest_basic(int rgb, int n)
{
	int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255, best = 0;
	long best_d = -1;
	for (int i = 0; i < n; i++) {
		long dr = r - basic_rgb[i][0], dg = g - basic_rgb[i][1], db = b - basic_rgb[i][2];
		long d = dr * dr + dg * dg + db * db;
		if (best_d < 0 || d < best_d)
			best_d = d, best = i;
	}
	return best;
}

/* xterm's 256 colours: 16 basic, a 6x6x6 cube, 24 greys. */
static int nearest_256(int rgb)
{
	int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
	int cube = 16 + 36 * ((r * 5 + 127) / 255) + 6 * ((g * 5 + 127) / 255) + (b * 5 + 127) / 255;
	if (r == g && g == b) {
		int grey = 232 + (r - 8) / 10;
		return r < 8 ? 16 : r > 238 ? 231 : grey;
	}
	return cube;
}

static int index_to_rgb(int index)
{
	if (index < 16)
		return basic_rgb[index][0] << 16 | basic_rgb[index][1] << 8 | basic_rgb[index][2];
	if (index >= 232) {
		int v = 8 + (index - 232) * 10;
		return v << 16 | v << 8 | v;
	}
	int i = index - 16, steps[] = {0, 95, 135, 175, 215, 255};
	return steps[i / 36] << 16 | steps[i / 6 % 6] << 8 | steps[i % 6];
}

/* A colour the terminal can show: what it supports, nearest otherwise. */
static short terminal_colour(const struct color_spec *c)
{
	if (c->kind == COLOR_DEFAULT)
		return -1;
	if (c->kind == COLOR_INDEX && c->value < COLORS)
		return (short)c->value;
	int rgb = c->kind == COLOR_RGB ? c->value : index_to_rgb(c->value);
	if (COLORS >= 256)
		return (short)nearest_256(rgb);
	return (short)nearest_basic(rgb, COLORS >= 16 ? 16 : 8);
}

static attr_t curses_attrs(unsigned a)
{
	return (a & ATTR_BOLD ? A_BOLD : 0) | (a & ATTR_REVERSE ? A_REVERSE : 0) |
	       (a & ATTR_UNDERLINE ? A_UNDERLINE : 0) | (a & ATTR_DIM ? A_DIM : 0);
}

static void setup_styles(struct screen *sc, const struct theme *t)
{
	bool colour = !t->monochrome && has_colors();
	if (colour) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < ST__COUNT; i++) {
		const struct style_spec *s = &t->styles[i];
		sc->attrs[i] = curses_attrs(s->attrs);
		if (!colour || i + 1 >= COLOR_PAIRS)
			continue;
		init_pair((short)(i + 1), terminal_colour(&s->fg), terminal_colour(&s->bg));
		sc->attrs[i] |= COLOR_PAIR(i + 1);
	}
}

bool screen_start(struct screen *s, const struct theme *theme, bool mouse)
{
	memset(s, 0, sizeof *s);
	s->theme = theme;
	const char *codeset = nl_langinfo(CODESET);
	s->utf8 = codeset && strcmp(codeset, "UTF-8") == 0;
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "thaw: cannot start the console on this terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "unset");
		return false;
	}
	raw();          /* ctrl-c and ctrl-z arrive as keys; q quits */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(250);
	}
	setup_styles(s, theme);
	screen_resized(s);
	return true;
}

void screen_stop(struct screen *s)
{
	(void)s;
	endwin();
}

void screen_suspend(struct screen *s)
{
	/* raw mode makes Ctrl-Z a key: stop as the shell expects, and come
	 * back with the screen as it was on `fg` */
	endwin();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	refresh();
	screen_resized(s);
}

void screen_resized(struct screen *s)
{
	getmaxyx(stdscr, s->rows, s->cols);
}

void screen_begin_frame(struct screen *s, bool full_repaint)
{
	if (full_repaint)
		clearok(curscr, TRUE);
	/* erase() only clears the virtual screen; the terminal gets the diff */
	bkgdset(' ' | (chtype)s->attrs[ST_NORMAL]);
	erase();
}

void screen_end_frame(struct screen *s)
{
	(void)s;
	wnoutrefresh(stdscr);
	doupdate();
}

int screen_width(const char *utf8)
{
	int width = 0;
	const unsigned char *p = (const unsigned char *)utf8;
	size_t left = strlen(utf8);
	while (left > 0) {
		uint32_t cp;
		int n = text_utf8_decode(p, left, &cp);
		if (n == 0)
			n = 1, cp = '?';
		int w = wcwidth((wchar_t)cp);
		width += w < 0 ? 1 : w;
		p += n, left -= (size_t)n;
	}
	return width;
}

int screen_text(struct screen *s, int y, int x, int width, int style, bool pad, const char *utf8)
{
	if (y < 0 || y >= s->rows || x >= s->cols || width <= 0)
		return 0;
	if (x + width > s->cols)
		width = s->cols - x;
	attrset((attr_t)s->attrs[style]);
	move(y, x);
	const unsigned char *p = (const unsigned char *)utf8;
	size_t left = strlen(utf8);
	int used = 0;
	while (left > 0) {
		uint32_t cp;
		int n = text_utf8_decode(p, left, &cp);
		if (n == 0)
			n = 1, cp = 0xFFFD;
		/* never a control character on the terminal, whatever the caller did */
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			cp = '?';
		int w = wcwidth((wchar_t)cp);
		if (!s->utf8 && cp > 0x7E)
			cp = '?', w = 1;
		if (w < 0)
			cp = '?', w = 1;
		if (used + w > width)
			break;
		wchar_t wc[2] = {(wchar_t)cp, 0};
		addnwstr(wc, 1);
		used += w;
		p += n, left -= (size_t)n;
	}
	if (pad)
		for (; used < width; used++)
			addch(' ');
	attrset(A_NORMAL);
	return used;
}

void screen_fill(struct screen *s, int y, int x, int width, int style)
{
	screen_text(s, y, x, width, style, true, "");
}


/* Translates curses' key codes into thaw's (keymap.h), so only this file
 * knows curses. */
static int translate(int code, bool function)
{
	if (!function) {
		switch (code) {
		case '\r': case '\n': return K_ENTER;
		case 27: return K_ESC;
		case 127: case 8: return K_BACKSPACE;
		case '\t': return K_TAB;
		default: return code;
		}
	}
	switch (code) {
	case KEY_UP: return K_UP;
	case KEY_DOWN: return K_DOWN;
	case KEY_LEFT: return K_LEFT;
	case KEY_RIGHT: return K_RIGHT;
	case KEY_PPAGE: return K_PGUP;
	case KEY_NPAGE: return K_PGDN;
	case KEY_HOME: return K_HOME;
	case KEY_END: return K_END;
	case KEY_ENTER: return K_ENTER;
	case KEY_BACKSPACE: return K_BACKSPACE;
	case KEY_DC: return K_DELETE;
	case KEY_BTAB: return K_BTAB;
	case KEY_RESIZE: return K_RESIZE;
	case KEY_MOUSE: return K_MOUSE;
	default:
		if (code >= KEY_F(1) && code <= KEY_F(12))
			return K_F1 + code - KEY_F(1);
		return -1;
	}
}

int screen_mouse(struct screen *s, int *y, int *x)
{
	(void)s;
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return MOUSE_NONE;
	*y = ev.y;
	*x = ev.x;
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		return MOUSE_DOUBLE_CLICK;
	if (ev.bstate & BUTTON1_CLICKED)
		return MOUSE_CLICK;
	if (ev.bstate & BUTTON4_PRESSED)
		return MOUSE_WHEEL_UP;
	if (ev.bstate & BUTTON5_PRESSED)
		return MOUSE_WHEEL_DOWN;
	return MOUSE_NONE;
}

bool screen_read_key(struct screen *s, int *key)
{
	(void)s;
	wint_t wc;
	int rc = get_wch(&wc);
	if (rc == ERR)
		return false;
	*key = translate((int)wc, rc == KEY_CODE_YES);
	return true;
}
