/*
 * The retention rules of SPEC §2, one table row per rule and edge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/clock.h"
#include "base/model.h"
#include "retention/policy.h"

static int64_t at(const char *iso)
{
	int64_t t = 0;
	assert_true(clock_parse(iso, &t));
	return t;
}

static void test_add_months(void **state)
{
	(void)state;
	static const struct { const char *from; int months; const char *to; } rows[] = {
		{"2026-11-30T10:00:00Z", 3, "2027-02-28T10:00:00Z"}, /* clamped to February */
		{"2027-11-30T00:00:00Z", 3, "2028-02-29T00:00:00Z"}, /* leap year */
		{"2026-08-31T00:00:00Z", 3, "2026-11-30T00:00:00Z"},
		{"2026-01-31T00:00:00Z", 1, "2026-02-28T00:00:00Z"},
		{"2024-02-29T00:00:00Z", 12, "2025-02-28T00:00:00Z"},
		{"2026-05-31T23:59:59Z", 3, "2026-08-31T23:59:59Z"},
		{"2026-12-15T00:00:00Z", 3, "2027-03-15T00:00:00Z"}, /* year boundary */
		{"2026-03-31T00:00:00Z", -1, "2026-02-28T00:00:00Z"},
		{"1999-12-31T00:00:00Z", 2, "2000-02-29T00:00:00Z"}, /* 2000 is leap */
		{"2099-12-31T00:00:00Z", 2, "2100-02-28T00:00:00Z"}, /* 2100 is not */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char got[32];
		clock_format(clock_add_months(at(rows[i].from), rows[i].months), got, sizeof got);
		assert_string_equal(got, rows[i].to);
	}
}

static void test_parse_times(void **state)
{
	(void)state;
	int64_t t;
	assert_true(clock_parse("2026-11-29", &t));
	assert_int_equal(t, at("2026-11-29T00:00:00Z"));
	assert_true(clock_parse("2026-11-29T10:00:00+02:00", &t));
	assert_int_equal(t, at("2026-11-29T08:00:00Z"));
	assert_true(clock_parse("2026-11-29 10:00:00.123Z", &t));
	assert_false(clock_parse("2026-02-30", &t));
	assert_false(clock_parse("2026-11-29T25:00", &t));
	assert_false(clock_parse("29/11/2026", &t));
	assert_false(clock_parse("2026-11-29Tx", &t));
	assert_false(clock_parse("", &t));
}

#define NOW "2026-11-29T12:00:00Z"

struct row {
	const char *name;
	int status, state;
	const char *stopped, *restored;
	bool has_data, protected_;
	int reason;
	const char *expires; /* NULL = none */
	bool due;
};

static const struct row rows[] = {
	{"active is always available", STATUS_ACTIVE, IXD_AVAILABLE, NULL, NULL, true, false, REASON_ACTIVE, NULL, false},
	{"idle counts as active", STATUS_IDLE, IXD_AVAILABLE, "2026-01-01", NULL, true, false, REASON_ACTIVE, NULL, false},
	{"stopped expires three months after stop", STATUS_STOPPED, IXD_AVAILABLE, "2026-05-31T00:00:00Z", NULL, true, false, REASON_CLOCK, "2026-08-31T00:00:00Z", true},
	{"archived counts as stopped", STATUS_ARCHIVED, IXD_AVAILABLE, "2026-05-31T00:00:00Z", NULL, true, false, REASON_CLOCK, "2026-08-31T00:00:00Z", true},
	{"not yet due", STATUS_STOPPED, IXD_AVAILABLE, "2026-08-31T00:00:00Z", NULL, true, false, REASON_CLOCK, "2026-11-30T00:00:00Z", false},
	{"due exactly at the expiry instant", STATUS_STOPPED, IXD_AVAILABLE, "2026-08-29T12:00:00Z", NULL, true, false, REASON_CLOCK, "2026-11-29T12:00:00Z", true},
	{"one second before expiry", STATUS_STOPPED, IXD_AVAILABLE, "2026-08-29T12:00:01Z", NULL, true, false, REASON_CLOCK, "2026-11-29T12:00:01Z", false},
	{"month end clamps to February", STATUS_STOPPED, IXD_AVAILABLE, "2026-11-30T00:00:00Z", NULL, true, false, REASON_CLOCK, "2027-02-28T00:00:00Z", false},
	{"restore restarts the clock", STATUS_STOPPED, IXD_AVAILABLE, "2026-01-10T00:00:00Z", "2026-10-01T00:00:00Z", true, false, REASON_CLOCK, "2027-01-01T00:00:00Z", false},
	{"old restore does not move a later stop", STATUS_STOPPED, IXD_AVAILABLE, "2026-10-01T00:00:00Z", "2026-01-10T00:00:00Z", true, false, REASON_CLOCK, "2027-01-01T00:00:00Z", false},
	{"re-expiry three months after a restore", STATUS_STOPPED, IXD_AVAILABLE, "2025-01-10T00:00:00Z", "2026-08-20T00:00:00Z", true, false, REASON_CLOCK, "2026-11-20T00:00:00Z", true},
	{"protected: kept, date not advanced", STATUS_STOPPED, IXD_AVAILABLE, "2026-01-15T00:00:00Z", NULL, true, true, REASON_KEPT, "2026-04-15T00:00:00Z", false},
	{"protection removed: due at next sweep", STATUS_STOPPED, IXD_AVAILABLE, "2026-01-15T00:00:00Z", NULL, true, false, REASON_CLOCK, "2026-04-15T00:00:00Z", true},
	{"draft has no data", STATUS_DRAFT, IXD_NONE, NULL, NULL, false, false, REASON_NO_DATA, NULL, false},
	{"stopped without events has no data", STATUS_STOPPED, IXD_NONE, "2025-01-01", NULL, false, false, REASON_NO_DATA, NULL, false},
	{"purged is final", STATUS_ARCHIVED, IXD_PURGED, "2022-01-01", NULL, false, false, REASON_PURGED, NULL, false},
	{"purged even if protected", STATUS_STOPPED, IXD_PURGED, "2022-01-01", NULL, true, true, REASON_PURGED, NULL, false},
	{"expired stays expired", STATUS_STOPPED, IXD_EXPIRED, "2025-01-01", NULL, true, false, REASON_EXPIRED, NULL, false},
	{"restoring is not swept", STATUS_STOPPED, IXD_RESTORING, "2025-01-01", NULL, true, false, REASON_RESTORING, NULL, false},
	{"unknown stop time is never due", STATUS_STOPPED, IXD_AVAILABLE, NULL, NULL, true, false, REASON_NO_CLOCK, NULL, false},
	{"reactivated object is active again", STATUS_ACTIVE, IXD_AVAILABLE, "2025-01-01", NULL, true, false, REASON_ACTIVE, NULL, false},
};

static void test_policy_table(void **state)
{
	(void)state;
	int64_t now = at(NOW);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct policy_facts f = {.status = r->status, .state = r->state,
					 .stopped_at = r->stopped ? at(r->stopped) : 0,
					 .last_restored_at = r->restored ? at(r->restored) : 0,
					 .has_data = r->has_data, .protected_by_filter = r->protected_};
		struct policy_verdict v = policy_evaluate(&f, now, 3);
		if (v.reason != r->reason || v.due != r->due ||
		    v.expires_at != (r->expires ? at(r->expires) : 0))
			fail_msg("row '%s': reason %d due %d expires %lld", r->name, v.reason, v.due,
				 (long long)v.expires_at);
	}
}

static void test_configurable_period(void **state)
{
	(void)state;
	struct policy_facts f = {.status = STATUS_STOPPED, .state = IXD_AVAILABLE,
				 .stopped_at = at("2026-05-31T00:00:00Z"), .has_data = true};
	struct policy_verdict v = policy_evaluate(&f, at(NOW), 12);
	assert_int_equal(v.expires_at, at("2027-05-31T00:00:00Z"));
	assert_false(v.due);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_parse_times),
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_configurable_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
