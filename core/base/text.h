/*
 * text — growable byte buffers and making untrusted strings safe.
 *
 * Every string that comes from the database or an import file is untrusted:
 * before it reaches a terminal, a JSON document, a CSV cell or a mail header
 * it goes through one of the functions here.
 */
#ifndef THAW_TEXT_H
#define THAW_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>

struct buf {
	char *data; /* always NUL-terminated when len > 0 or after buf_reset */
	size_t len;
	size_t cap;
};

/*
 * Makes room for `extra` more elements in a malloc'd array holding `count`
 * elements of `size` bytes in *capacity slots (doubling, so appends cost
 * amortised constant time); returns the (moved) array.
 */
void *array_reserve(void *array, int count, int *capacity, size_t size, int extra);
/* Room for one more. */
void *array_grow(void *array, int count, int *capacity, size_t size);

void buf_reserve(struct buf *b, size_t extra);
void buf_add_grow(struct buf *b, const void *data, size_t len);
/* Inline: exports append millions of short pieces, most of them literals
 * whose length the compiler knows. */
static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		buf_add_grow(b, data, len);
		return;
	}
	if (len) /* data may be NULL then: an empty buffer's */
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}
static inline void buf_adds(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static inline void buf_addc(struct buf *b, char c) { buf_add(b, &c, 1); }
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/*
 * Terminal-safe copy: C0/C1 control characters, DEL and invalid UTF-8 become
 * visible replacements ("^[" style for C0, U+FFFD otherwise), so no escape
 * sequence from the data can reach the terminal.
 */
void text_sanitize_terminal(struct buf *out, const char *s);

/* Appends a JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD. */
void text_json_string(struct buf *out, const char *s);

/* Appends "key":"value" (JSON-escaped), or "key":null for NULL. */
void text_json_field(struct buf *out, const char *key, const char *value);

/* Appends ,"key":"2026-11-29T10:00:00Z" (or ,"key":null for 0). */
void text_json_time(struct buf *out, const char *key, int64_t t);

/*
 * Appends one RFC 4180 CSV field.  A field beginning with '-', '=', '+' or
 * '@' gets a leading "'" so spreadsheets do not run it as a formula.
 */
void text_csv_field(struct buf *out, const char *s);

/* Folds case for case-insensitive search: every script's capitals, by
 * Unicode's case mapping (not the process's locale), final sigma as sigma. */
char *text_fold_case(const char *s);

/* Decodes one UTF-8 code point; returns its length, or 0 if invalid. */
int text_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);
/* An id as files may give one: 1 to 255 bytes of UTF-8, no control
 * characters, not only blanks. */
bool text_valid_id(const char *s);
/* Whether every byte of s belongs to a valid UTF-8 sequence. */
bool text_valid_utf8(const char *s);
void text_utf8_encode(struct buf *out, uint32_t cp);

/* Counts for people, the same everywhere: 1234567 -> "1,234,567"; with a
 * noun, "1 object", "8,597 events".  Both return buf.  COUNTED() writes
 * into a buffer that lives as long as the enclosing block, for use inside
 * a printf's arguments. */
char *text_count(int64_t n, char *buf, size_t size);
char *text_counted(int64_t n, const char *one, const char *many, char *buf, size_t size);
#define COUNTED(n, one, many) text_counted((n), (one), (many), (char[96]){0}, 96)
#define COUNT(n) text_count((n), (char[32]){0}, 32)

#endif
