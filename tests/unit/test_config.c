/*
 * The configuration loader: defaults, every error kind with its position,
 * all errors reported at once, nothing half-applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

/* Loads text; returns the diagnostics as one string "L:C: msg|L:C: msg". */
static char *load(struct config *c, const char *text)
{
	struct diag d = {0};
	config_defaults(c);
	config_load(c, "t.yaml", text, &d);
	static char out[4096];
	out[0] = '\0';
	for (int i = 0; i < d.count; i++) {
		char one[600];
		snprintf(one, sizeof one, "%s%d:%d: %s", i ? "|" : "", d.entries[i].line,
			 d.entries[i].column, d.entries[i].message);
		strncat(out, one, sizeof out - strlen(out) - 1);
	}
	diag_clear(&d);
	return out;
}

static void expect_error(const char *text, const char *position, const char *words)
{
	struct config c;
	char *errors = load(&c, text);
	if (!strstr(errors, position) || !strstr(errors, words))
		fail_msg("for %s expected '%s' ... '%s', got '%s'", text, position, words, errors);
	/* nothing half-applied: the defaults are intact */
	assert_int_equal(c.policy.expire_after_months, 3);
	assert_int_equal(c.worker.batch_rows, 50000);
	config_free(&c);
}

static void test_defaults_without_file(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_string_equal(c.database, "thaw.db");
	assert_int_equal(c.policy.expire_after_months, 3);
	assert_int_equal(c.worker.sweep_minute_of_day, 180);
	assert_int_equal(c.operators.default_role, ROLE_VIEWER);
	assert_string_equal(c.smtp.url, "");
	config_free(&c);
}

static void test_documented_config_is_the_defaults(void **state)
{
	(void)state;
	struct config c, d;
	struct diag diag = {0};
	config_defaults(&c);
	config_defaults(&d);
	assert_true(config_load(&c, SOURCE_ROOT "/config.yaml", NULL, &diag));
	assert_int_equal(diag.count, 0);
	assert_string_equal(c.database, d.database);
	assert_int_equal(c.policy.expire_after_months, d.policy.expire_after_months);
	assert_int_equal(c.policy.expiring_soon_days, d.policy.expiring_soon_days);
	assert_int_equal(c.worker.batch_rows, d.worker.batch_rows);
	assert_int_equal(c.worker.sweep_minute_of_day, d.worker.sweep_minute_of_day);
	assert_int_equal(c.worker.lease_seconds, d.worker.lease_seconds);
	assert_int_equal(c.smtp.starttls, d.smtp.starttls);
	assert_int_equal(c.smtp.max_attempts, d.smtp.max_attempts);
	assert_int_equal(c.console.refresh_ms, d.console.refresh_ms);
	config_free(&c);
	config_free(&d);
}

static void test_values_apply(void **state)
{
	(void)state;
	struct config c;
	char *errors = load(&c, "database: /var/lib/thaw/ws.db\n"
				"policy:\n  expire_after_months: 6\n"
				"worker:\n  batch_rows: 1000\n  sweep_at: \"04:30\"\n"
				"smtp:\n  url: smtps://mail.example.com:465\n  from: thaw@example.com\n"
				"  recipients: [ops@example.com, dba@example.com]\n  starttls: required\n"
				"operators:\n  default_role: admin\n  people:\n"
				"    alice: { email: alice@example.com, role: viewer }\n"
				"notify:\n  webhook_url: https://hooks.example.com/thaw\n  command: logger -t thaw\n"
				"  timeout_seconds: 5\n"
				"console:\n  keys: { restore: R, filter: / }\n"
				"  views: { xmas-expired: \"tag:xmas state:expired\" }\n");
	assert_string_equal(errors, "");
	assert_string_equal(c.database, "/var/lib/thaw/ws.db");
	assert_int_equal(c.policy.expire_after_months, 6);
	assert_int_equal(c.worker.batch_rows, 1000);
	assert_int_equal(c.worker.sweep_minute_of_day, 4 * 60 + 30);
	assert_int_equal(c.smtp.recipient_count, 2);
	assert_string_equal(c.smtp.recipients[1], "dba@example.com");
	assert_int_equal(c.smtp.starttls, STARTTLS_REQUIRED);
	assert_int_equal(c.operators.default_role, ROLE_ADMIN);
	assert_non_null(config_operator(&c, "alice"));
	assert_int_equal(config_operator(&c, "alice")->role, ROLE_VIEWER);
	assert_int_equal(c.console.keys.count, 2);
	assert_string_equal(c.notify.webhook_url, "https://hooks.example.com/thaw");
	assert_string_equal(c.notify.command, "logger -t thaw");
	assert_int_equal(c.notify.timeout_seconds, 5);
	assert_non_null(config_view(&c, "xmas-expired"));
	assert_string_equal(config_view(&c, "xmas-expired")->value, "tag:xmas state:expired");
	assert_null(config_view(&c, "xmas"));
	config_free(&c);
}

static void test_each_error_kind(void **state)
{
	(void)state;
	expect_error("policy:\n  expire_after_monts: 3\n", "2:3:", "unknown key 'policy.expire_after_monts'");
	expect_error("bogus: 1\n", "1:1:", "unknown key 'bogus'");
	expect_error("policy:\n  expire_after_months: 3\n  expire_after_months: 4\n", "3:3:", "duplicate key");
	expect_error("worker:\n  batch_rows: many\n", "2:15:", "must be an integer");
	expect_error("worker:\n  batch_rows: [1]\n", "2:15:", "must be an integer, not a list");
	expect_error("worker:\n  batch_rows: 5\n", "2:15:", "between 100 and");
	expect_error("policy:\n  expire_after_months: 0\n", "2:24:", "between 1 and 120");
	expect_error("worker:\n  sweep_at: \"25:00\"\n", "2:13:", "HH:MM");
	expect_error("worker:\n  sweep: maybe\n", "2:10:", "true or false");
	expect_error("smtp:\n  url: http://example.com\n  from: a@b.co\n", "2:8:", "smtp:// or smtps://");
	expect_error("notify:\n  webhook_url: ftp://example.com\n", "2:16:", "http:// or https://");
	expect_error("notify:\n  webhook_url: \"https://\"\n", "2:16:", "URL with a host");
	expect_error("notify:\n  timeout_seconds: 0\n", "2:20:", "between 1 and 600");
	expect_error("console:\n  views: { \"my view\": \"tag:x\" }\n", "2:23:", "console.views.my view");
	expect_error("console:\n  views: { empty: \"\" }\n", "2:19:", "a filter");
	expect_error("console:\n  views: [a]\n", "2:10:", "name: filter");
	expect_error("smtp:\n  from: not-an-address\n", "2:9:", "not an e-mail address");
	expect_error("smtp:\n  recipients: [ok@example.com, nope]\n", "2:32:", "'nope' is not an e-mail");
	expect_error("smtp:\n  starttls: sometimes\n", "2:13:", "off, try or required");
	expect_error("smtp:\n  url: smtp://mail\n", "2:3:", "smtp.from is required");
	expect_error("smtp:\n  password_env: A\n  password_file: /x\n", "2:3:", "not both");
	expect_error("operators:\n  people:\n    bob: { role: god }\n", "3:18:", "viewer or admin");
	expect_error("operators:\n  people:\n    bob: { mail: x }\n", "3:12:", "unknown key 'mail'");
	expect_error("a: &x 1\nb: *x\n", "1:4:", "anchors");
	expect_error("policy: &p {}\nworker: *p\n", "2:9:", "aliases");
	expect_error("policy: {}\n---\npolicy: {}\n", "2:1:", "more than one YAML document");
	expect_error("policy: [\n", "", "did not find expected node content");
	expect_error("- 1\n- 2\n", "1:1:", "must be a mapping");
	expect_error("policy: 3\n", "1:9:", "policy must be a mapping");
}

static void test_all_errors_reported(void **state)
{
	(void)state;
	struct config c;
	char *errors = load(&c, "policy:\n  expire_after_months: x\n  bogus: 1\nworker:\n  batch_rows: 1\n");
	assert_non_null(strstr(errors, "2:24:"));
	assert_non_null(strstr(errors, "3:3:"));
	assert_non_null(strstr(errors, "5:15:"));
	config_free(&c);
}

static void test_empty_file_is_defaults(void **state)
{
	(void)state;
	struct config c;
	assert_string_equal(load(&c, ""), "");
	assert_int_equal(c.policy.expire_after_months, 3);
	config_free(&c);
	assert_string_equal(load(&c, "# only a comment\n"), "");
	config_free(&c);
}

static void test_deep_nesting_refused(void **state)
{
	(void)state;
	char text[1024] = "";
	for (int i = 0; i < 80; i++)
		strcat(text, "[");
	struct config c;
	char *errors = load(&c, text);
	assert_non_null(strstr(errors, "nesting deeper"));
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_file),
		cmocka_unit_test(test_documented_config_is_the_defaults),
		cmocka_unit_test(test_values_apply),
		cmocka_unit_test(test_each_error_kind),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_empty_file_is_defaults),
		cmocka_unit_test(test_deep_nesting_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
