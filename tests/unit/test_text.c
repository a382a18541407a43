/*
 * Text made safe for where it goes: CSV cells a spreadsheet must not run
 * (OWASP's formula prefixes, tab and carriage return included), and
 * terminal text that can carry no control sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

static void test_csv_formula_prefixes(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } rows[] = {
		{"plain", "plain"},
		{"=1+2", "\"'=1+2\""},
		{"+34600000003", "\"'+34600000003\""},
		{"-2", "\"'-2\""},
		{"@SUM(A1)", "\"'@SUM(A1)\""},
		{"\t=cmd", "\"'\t=cmd\""},
		{"\r=cmd", "\"'\r=cmd\""},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct buf b = {0};
		text_csv_field(&b, rows[i].in);
		assert_string_equal(b.data ? b.data : "", rows[i].out);
		buf_free(&b);
	}
}

static void fold_equal(const char *a, const char *b)
{
	char *fa = text_fold_case(a), *fb = text_fold_case(b);
	assert_string_equal(fa, fb);
	free(fa);
	free(fb);
}

/* case-insensitive search: every script's capitals, not a few tables' */
static void test_case_folding(void **state)
{
	(void)state;
	fold_equal("ΠΡΟΣΦΟΡΈ", "προσφορέ"); /* Greek with tonos */
	fold_equal("ΣΟΦΟΣ", "σοφος");       /* final sigma */
	fold_equal("ЛЕТНЯЯ ЁЖ", "летняя ёж");
	fold_equal("ŽLUŤOUČKÝ ĞÜŞ", "žluťoučký ğüş");
	fold_equal("ԱՐԵՎ", "արեվ");         /* Armenian */
	fold_equal("ⒶⓇ", "ⓐⓡ");
	char *f = text_fold_case("新春セール 🎉");
	assert_string_equal(f, "新春セール 🎉"); /* scripts without case are left alone */
	free(f);
}

static void test_terminal_text_has_no_controls(void **state)
{
	(void)state;
	struct buf b = {0};
	text_sanitize_terminal(&b, "a\x1b]2;pwned\x07\x1b[2Jb\xc2\x9b" "c");
	assert_null(strchr(b.data, 0x1b));
	assert_null(strchr(b.data, 0x07));
	assert_non_null(strstr(b.data, "^[]2;pwned^G^[[2Jb"));
	buf_free(&b);
}

/* Counts for people: separated thousands, the singular for one only. */
static void test_counts(void **state)
{
	(void)state;
	assert_string_equal(COUNT(0), "0");
	assert_string_equal(COUNT(999), "999");
	assert_string_equal(COUNT(1000), "1,000");
	assert_string_equal(COUNT(-1234567), "-1,234,567");
	assert_string_equal(COUNTED(1, "object", "objects"), "1 object");
	assert_string_equal(COUNTED(0, "object", "objects"), "0 objects");
	assert_string_equal(COUNTED(8597, "event", "events"), "8,597 events");
	char small[6];
	assert_string_equal(text_count(1234567, small, sizeof small), "1,234"); /* cut, still a string */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_formula_prefixes),
		cmocka_unit_test(test_case_folding),
		cmocka_unit_test(test_terminal_text_has_no_controls),
		cmocka_unit_test(test_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
