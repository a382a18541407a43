/*
 * The completion mail's message text (mail_format): CRLF lines no longer
 * than RFC 5322 allows, a quoted-printable body that decodes back to what
 * was written, RFC 2047 words for a non-ASCII subject, and no way for a
 * string to add a header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "config/config.h"
#include "notify/mail.h"

static char *format(const char *to, const char *subject, const char *body)
{
	struct config c;
	config_defaults(&c);
	free(c.smtp.from);
	c.smtp.from = strdup("thaw@example.org");
	struct buf out = {0};
	mail_format(&out, &c, to, subject, body, "job-7@thaw", 1764633600 /* 2025-12-02 */);
	config_free(&c);
	return out.data;
}

/* The text between "\r\n\r\n" and the end, quoted-printable decoded. */
static char *decoded_body(const char *message)
{
	const char *p = strstr(message, "\r\n\r\n");
	assert_non_null(p);
	p += 4;
	char *out = malloc(strlen(p) + 1), *o = out;
	while (*p) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3; /* soft line break */
		} else if (p[0] == '=') {
			char hex[3] = {p[1], p[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			*o++ = '\n';
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static void test_lines_are_crlf_and_short(void **state)
{
	(void)state;
	char body[2000] = "";
	for (int i = 0; i < 30; i++)
		strcat(body, "Très long texte — with = signs and trailing space \n");
	strcat(body, "one line without spaces: ");
	for (int i = 0; i < 200; i++)
		strcat(body, "x");
	char *m = format("ops@example.org", "Restore job 7 done", body);
	for (const char *line = m; *line;) {
		const char *end = strstr(line, "\r\n"); /* NULL: the body's last line */
		size_t len = end ? (size_t)(end - line) : strlen(line);
		assert_true(len <= 76);
		assert_null(memchr(line, '\n', len)); /* no bare LF */
		assert_null(memchr(line, '\r', len)); /* no bare CR */
		line += len + (end ? 2 : 0);
	}
	char *back = decoded_body(m);
	assert_string_equal(back, body);
	free(back);
	free(m);
}

static void test_long_recipient_list_is_folded(void **state)
{
	(void)state;
	char to[4000] = "";
	for (int i = 0; i < 70; i++)
		snprintf(to + strlen(to), sizeof to - strlen(to), "%sr%d@example.org", i ? "," : "", i);
	char *m = format(to, "done", "body\n");
	const char *h = strstr(m, "\r\nTo: ") + 2, *end = strstr(h, "\r\nSubject: ");
	char unfolded[4000] = "";
	for (const char *line = h; line < end;) {
		const char *eol = strstr(line, "\r\n");
		assert_true(eol - line <= 78);
		const char *from = line == h ? line + 4 : line + 1; /* "To: " or the folding space */
		strncat(unfolded, from, (size_t)(eol - from));
		line = eol + 2;
	}
	assert_string_equal(unfolded, to);
	free(m);
}

static void test_trailing_space_is_encoded(void **state)
{
	(void)state;
	char *m = format("ops@example.org", "s", "ends in a space \nand a tab\t\n");
	assert_non_null(strstr(m, "ends in a space=20\r\n"));
	assert_non_null(strstr(m, "and a tab=09\r\n"));
	free(m);
}

static void test_subject_non_ascii_is_encoded_words(void **state)
{
	(void)state;
	char *m = format("ops@example.org", "Restauración terminada: 東京キャンペーン — ok", "body\n");
	const char *s = strstr(m, "\r\nSubject: ");
	assert_non_null(s);
	s += 2;
	const char *end = strstr(s, "\r\nMessage-ID:");
	assert_non_null(end);
	/* folded into encoded words, each line ASCII and short */
	assert_non_null(strstr(s, "=?UTF-8?B?"));
	for (const char *p = s; p < end; p++)
		assert_true((unsigned char)*p < 0x80);
	for (const char *line = s; line < end;) {
		const char *eol = strstr(line, "\r\n");
		assert_true(eol - line <= 76);
		line = eol + 2;
	}
	free(m);
}

static void test_no_header_injection(void **state)
{
	(void)state;
	char *m = format("ops@example.org\r\nBcc: evil@example.org", "done\r\nBcc: evil@example.org",
			 "body\n");
	assert_null(strstr(m, "\r\nBcc:"));
	assert_non_null(strstr(m, "\r\nTo: ops@example.orgBcc: evil@example.org\r\n"));
	assert_non_null(strstr(m, "\r\nMessage-ID: <job-7@thaw>\r\n"));
	assert_non_null(strstr(m, "Date: Tue, 02 Dec 2025 00:00:00 +0000\r\n"));
	assert_non_null(strstr(m, "Content-Transfer-Encoding: quoted-printable\r\n"));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_are_crlf_and_short),
		cmocka_unit_test(test_trailing_space_is_encoded),
		cmocka_unit_test(test_long_recipient_list_is_folded),
		cmocka_unit_test(test_subject_non_ascii_is_encoded_words),
		cmocka_unit_test(test_no_header_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
