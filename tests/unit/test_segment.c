/*
 * The segment expression parser: what it accepts, and for what it refuses,
 * the reason and the column the operator has to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "readers/segment.h"

#define NOW 1764633600 /* 2025-12-02 */

static void test_accepted(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"received_campaign(spring-sale)",
		"received_campaign(spring-sale) and not hard_bounced",
		"clicked_opened_tag(seasonal, interaction=clicked_email)",
		"last_received_campaign(spring-sale, more_than_days=30) or segment(\"VIP buyers\")",
		"(received_tag(xmas) or received_tag(sale)) and not (marked_spam or invalid_phone)",
		"NOT received_campaign('quoted name, with comma') AND received_tag(x)",
		"received_campaign(a, after=2025-01-01, before=2025-06-01T10:00:00Z)",
		"clicked_alias_campaign(spring-sale, hero-link)",
		"last_received_email(less_than_days=7)",
		"received_campaign(Promoción_de_Año)",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char err[256] = "";
		struct segment_expr *e = segment_parse(ok[i], NOW, err, sizeof err);
		if (!e)
			fail_msg("'%s' refused: %s", ok[i], err);
		segment_free(e);
	}
}

static void test_refused_with_column(void **state)
{
	(void)state;
	static const struct { const char *text, *error; } rows[] = {
		{"", "column 1: expected a filter at the end"},
		{"received_campaign", "column 18: received_campaign needs a name in parentheses"},
		{"received_campaign()", "needs a name"},
		{"recieved_campaign(x)", "column 1: unknown filter 'recieved_campaign'"},
		{"received_campaign(x) and", "column 25: expected a filter at the end"},
		{"received_campaign(x) or (hard_bounced", "column 38: expected ')'"},
		{"received_campaign(x, y)", "column 22: received_campaign takes fewer names"},
		{"received_campaign(x, before=yesterday)", "'yesterday' is not a date"},
		{"received_campaign(x, more_than_days=-3)", "'-3' is not a number of days"},
		{"received_campaign(x, interaction=clicked_email)", "interaction= does not apply here"},
		{"received_campaign('unterminated)", "column 19: unterminated quoted name"},
		{"received_campaign(x) ; drop", "column 22: unexpected ';'"},
		{"clicked_alias_campaign(x)", "needs two names"},
		{"hard_bounced(more_than_days=3)", "hard_bounced takes no time"},
		{"last_received_email(more_than_days=200000000000000)", "is more than a thousand years"},
		{"last_received_email(less_than_days=99999999999999999999)", "more than a thousand years"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char err[256] = "";
		struct segment_expr *e = segment_parse(rows[i].text, NOW, err, sizeof err);
		if (e)
			fail_msg("'%s' accepted", rows[i].text);
		if (!strstr(err, rows[i].error))
			fail_msg("'%s': got \"%s\", want \"%s\"", rows[i].text, err, rows[i].error);
	}
}

static void test_nesting_is_bounded(void **state)
{
	(void)state;
	char text[1024] = "";
	for (int i = 0; i < 100; i++)
		strcat(text, "(");
	strcat(text, "hard_bounced");
	for (int i = 0; i < 100; i++)
		strcat(text, ")");
	char err[256] = "";
	assert_null(segment_parse(text, NOW, err, sizeof err));
	assert_non_null(strstr(err, "nesting deeper than 64"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused_with_column),
		cmocka_unit_test(test_nesting_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
