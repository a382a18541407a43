#include "console/line_edit.h"

#include <string.h>
#include <wchar.h>

#include "console/keymap.h"

static size_t char_before(const char *text, size_t at)
{
	while (at > 0 && (text[--at] & 0xC0) == 0x80)
		;
	return at;
}

static size_t char_after(const char *text, size_t at)
{
	if (text[at])
		at++;
	while (text[at] && (text[at] & 0xC0) == 0x80)
		at++;
	return at;
}

/* Removes text[from, to). */
static void cut(char *text, size_t from, size_t to)
{
	memmove(text + from, text + to, strlen(text + to) + 1);
}

static bool insert(char *text, size_t size, size_t *caret, int key)
{
	char mb[8];
	mbstate_t st = {0};
	size_t n = wcrtomb(mb, (wchar_t)key, &st), len = strlen(text);
	if (n == (size_t)-1 || len + n >= size)
		return true; /* an editing key all the same: nothing to add */
	memmove(text + *caret + n, text + *caret, len - *caret + 1);
	memcpy(text + *caret, mb, n);
	*caret += n;
	return true;
}

bool line_edit_key(char *text, size_t size, size_t *caret, int key)
{
	size_t len = strlen(text);
	if (*caret > len)
		*caret = len;
	switch (key) {
	case K_LEFT: *caret = char_before(text, *caret); return true;
	case K_RIGHT: *caret = char_after(text, *caret); return true;
	case K_HOME: case K_CTRL('a'): *caret = 0; return true;
	case K_END: case K_CTRL('e'): *caret = len; return true;
	case K_BACKSPACE: {
		size_t from = char_before(text, *caret);
		cut(text, from, *caret);
		*caret = from;
		return true;
	}
	case K_DELETE: cut(text, *caret, char_after(text, *caret)); return true;
	case K_CTRL('u'):
		cut(text, 0, *caret);
		*caret = 0;
		return true;
	case K_CTRL('w'): {
		size_t from = *caret;
		while (from > 0 && text[from - 1] == ' ')
			from--;
		while (from > 0 && text[from - 1] != ' ')
			from--;
		cut(text, from, *caret);
		*caret = from;
		return true;
	}
	default:
		if (key >= ' ' && key < 0x110000 && key != 0x7F)
			return insert(text, size, caret, key);
		return false;
	}
}
