#include "base/text.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "base/clock.h"

void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *grown = realloc(b->data, cap);
	if (!grown)
		abort(); /* no sensible recovery from a failed small allocation */
	b->data = grown;
	b->cap = cap;
	b->data[b->len] = '\0'; /* a reserved buffer is already a valid string */
}

void *array_reserve(void *array, int count, int *capacity, size_t size, int extra)
{
	if (count + extra <= *capacity)
		return array;
	int cap = *capacity ? *capacity : 16;
	while (cap < count + extra)
		cap *= 2;
	void *grown = realloc(array, (size_t)cap * size);
	if (!grown)
		abort(); /* as in buf_reserve */
	*capacity = cap;
	return grown;
}

void *array_grow(void *array, int count, int *capacity, size_t size)
{
	return array_reserve(array, count, capacity, size, 1);
}

void buf_add_grow(struct buf *b, const void *data, size_t len)
{
	buf_reserve(b, len);
	if (len) /* data may be NULL then: an empty buffer's */
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}


void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	/* formatted once where it fits the room there is (the common case:
	 * exports format millions of small pieces), twice where it grows */
	buf_reserve(b, 0);
	size_t room = b->cap - b->len;
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(b->data + b->len, room, fmt, copy);
	va_end(copy);
	if (n <= 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

int text_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	if (avail == 0)
		return 0;
	unsigned char c = s[0];
	int len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)len > avail)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

bool text_valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	uint32_t cp;
	for (int n; len > 0; p += n, len -= (size_t)n)
		if ((n = text_utf8_decode(p, len, &cp)) == 0)
			return false;
	return true;
}

bool text_valid_id(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > 255 || s[strspn(s, " \t")] == '\0')
		return false;
	const unsigned char *p = (const unsigned char *)s;
	while (len > 0) {
		uint32_t cp;
		int n = text_utf8_decode(p, len, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			return false;
		p += n, len -= (size_t)n;
	}
	return true;
}

void text_utf8_encode(struct buf *out, uint32_t cp)
{
	char tmp[4];
	int n;
	if (cp < 0x80) {
		tmp[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xC0 | cp >> 6), tmp[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xE0 | cp >> 12), tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		tmp[0] = (char)(0xF0 | cp >> 18), tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), tmp[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(out, tmp, n);
}

#define REPLACEMENT 0xFFFD

void text_sanitize_terminal(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	buf_reserve(out, left);
	while (left > 0) {
		uint32_t cp;
		int n = text_utf8_decode(p, left, &cp);
		if (n == 0) {
			text_utf8_encode(out, REPLACEMENT);
			p++, left--;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F) {
			/* caret notation keeps the text readable: ESC shows as ^[ */
			buf_addc(out, '^');
			buf_addc(out, cp == 0x7F ? '?' : (char)(cp + 0x40));
		} else if (cp >= 0x80 && cp < 0xA0) {
			text_utf8_encode(out, REPLACEMENT); /* C1 controls, CSI among them */
		} else if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
			   (cp >= 0x2066 && cp <= 0x2069)) {
			text_utf8_encode(out, REPLACEMENT); /* line breaks and bidi overrides */
		} else {
			buf_add(out, p, n);
		}
		p += n, left -= n;
	}
}

void text_json_string(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	size_t left = strlen(s);
	buf_reserve(out, left + 2);
	buf_addc(out, '"');
	/* runs of characters that need no escape are copied whole: exports
	 * write millions of names */
	while (left > 0) {
		if (*p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\') {
			p++, left--;
			continue;
		}
		uint32_t cp;
		int n = text_utf8_decode(p, left, &cp);
		if (n > 0 && cp >= 0x80 && cp != 0x2028 && cp != 0x2029) {
			p += n, left -= (size_t)n;
			continue;
		}
		buf_add(out, run, (size_t)(p - run));
		if (n == 0) {
			buf_adds(out, "\\ufffd");
			n = 1;
		} else if (cp == '"') {
			buf_adds(out, "\\\"");
		} else if (cp == '\\') {
			buf_adds(out, "\\\\");
		} else if (cp == '\n') {
			buf_adds(out, "\\n");
		} else if (cp == '\r') {
			buf_adds(out, "\\r");
		} else if (cp == '\t') {
			buf_adds(out, "\\t");
		} else {
			buf_printf(out, "\\u%04x", (unsigned)cp); /* other controls, DEL, U+2028/9 */
		}
		p += n, left -= (size_t)n;
		run = p;
	}
	buf_add(out, run, (size_t)(p - run));
	buf_addc(out, '"');
}

void text_json_field(struct buf *out, const char *key, const char *value)
{
	buf_printf(out, "\"%s\":", key);
	if (value)
		text_json_string(out, value);
	else
		buf_adds(out, "null");
}

void text_json_time(struct buf *out, const char *key, int64_t t)
{
	buf_adds(out, ",\"");
	buf_adds(out, key);
	if (!t) {
		buf_adds(out, "\":null");
		return;
	}
	char when[32];
	clock_format(t, when, sizeof when);
	buf_adds(out, "\":\"");
	buf_adds(out, when);
	buf_addc(out, '"');
}

void text_csv_field(struct buf *out, const char *s)
{
	/* OWASP's list: a cell a spreadsheet would read as a formula, tab and
	 * carriage return included (a spreadsheet skips them first) */
	bool formula = s[0] && strchr("-=+@\t\r", s[0]) != NULL;
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote) {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '"');
	if (formula)
		buf_addc(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_addc(out, '"');
		buf_addc(out, *p);
	}
	buf_addc(out, '"');
}

/* Unicode's case mapping, whatever the process's locale: glibc's C.UTF-8
 * tables, loaded once. */
static locale_t unicode_locale;
static void load_unicode_locale(void)
{
	unicode_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static uint32_t fold_code_point(uint32_t c)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_unicode_locale);
	if (c == 0x3C2)
		return 0x3C3; /* final sigma folds as sigma: ΣΟΦΟΣ finds σοφος */
	if (c < 0x80 || !unicode_locale)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	return (uint32_t)towlower_l((wint_t)c, unicode_locale);
}

char *text_fold_case(const char *s)
{
	struct buf out = {0};
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	buf_reserve(&out, left);
	while (left > 0) {
		uint32_t cp;
		int n = text_utf8_decode(p, left, &cp);
		if (n == 0) {
			buf_addc(&out, (char)*p);
			p++, left--;
			continue;
		}
		text_utf8_encode(&out, fold_code_point(cp));
		p += n, left -= n;
	}
	if (!out.data)
		return strdup("");
	return out.data;
}

char *text_count(int64_t n, char *buf, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	size_t at = 0;
	if (n < 0 && at + 1 < size)
		buf[at++] = '-';
	for (int i = 0; i < len && at + 1 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0 && at + 1 < size)
			buf[at++] = ',';
		buf[at++] = digits[i];
	}
	buf[at] = '\0';
	return buf;
}

char *text_counted(int64_t n, const char *one, const char *many, char *buf, size_t size)
{
	char digits[32];
	snprintf(buf, size, "%s %s", text_count(n, digits, sizeof digits), n == 1 ? one : many);
	return buf;
}
