/*
 * clock — wall time for the rules, real time for leases and rates.
 *
 * The retention rules run on "policy time", which tests and demos fix with
 * --now / THAW_NOW.  Nothing in the core reads the system clock except
 * through this module.  Leases and throughput figures use real time even when
 * policy time is fixed, otherwise a frozen clock would make leases eternal.
 *
 * All times are Unix seconds, UTC.
 */
#ifndef THAW_CLOCK_H
#define THAW_CLOCK_H

#define CLOCK_DAY 86400
#define CLOCK_WEEK (7 * CLOCK_DAY)

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clock {
	int64_t fixed_now; /* policy time; 0 = follow the system clock */
};

int64_t clock_now(const struct clock *c);

/* Real wall time in milliseconds (leases, job timestamps for rates). */
int64_t clock_real_ms(void);

/* Monotonic milliseconds, for measuring durations. */
int64_t clock_mono_ms(void);

/* Sleeps `ms` in small steps, waking early once *stop is set (may be NULL). */
void clock_nap(int ms, volatile sig_atomic_t *stop);

/* Keeps a mover to `limit` rows a second (0 = no limit): after a batch that
 * moved `moved` rows in `batch_ms`, sleeps for what the limit asks. */
void clock_pace(int limit, int64_t moved, int64_t batch_ms, volatile sig_atomic_t *stop);

/*
 * Parses an ISO-8601 date or time: "2026-11-29", "2026-11-29T10:00",
 * "2026-11-29T10:00:00Z", "2026-11-29 10:00:00+01:00", fractional seconds
 * ignored.  A time without offset is UTC.  Returns false if malformed.
 */
bool clock_parse(const char *text, int64_t *out);

/* Same, for a text that is not NUL-terminated. */
bool clock_parse_n(const char *text, size_t len, int64_t *out);

/* "2026-11-29T10:00:00Z" */
void clock_format(int64_t t, char *buf, size_t size);
/* "2026-11-29" */
void clock_format_date(int64_t t, char *buf, size_t size);

/*
 * Adds calendar months in UTC; the day is clamped to the end of the target
 * month (30 Nov + 3 months = 28 or 29 Feb), the time of day is kept.
 */
int64_t clock_add_months(int64_t t, int months);

/* Days from civil date (proleptic Gregorian), and back. */
int64_t clock_days_from_civil(int y, int m, int d);
void clock_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Whole days from `now` until `t` (negative when past), rounding toward -inf. */
int64_t clock_days_until(int64_t now, int64_t t);

#endif
