#include "base/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t clock_now(const struct clock *c)
{
	if (c && c->fixed_now)
		return c->fixed_now;
	return (int64_t)time(NULL);
}

int64_t clock_real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_nap(int ms, volatile sig_atomic_t *stop)
{
	while (ms > 0 && !(stop && *stop)) {
		int step = ms < 50 ? ms : 50;
		struct timespec ts = {0, (long)step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

void clock_pace(int limit, int64_t moved, int64_t batch_ms, volatile sig_atomic_t *stop)
{
	if (limit <= 0 || moved <= 0)
		return;
	int64_t wanted_ms = moved * 1000 / limit;
	if (wanted_ms > batch_ms)
		clock_nap((int)(wanted_ms - batch_ms), stop);
}

/* Howard Hinnant's algorithms: exact for the whole proleptic Gregorian range. */
int64_t clock_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void clock_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t clock_add_months(int64_t t, int months)
{
	int64_t days = floor_div(t, 86400);
	int64_t secs = t - days * 86400;
	int y, m, d;
	clock_civil_from_days(days, &y, &m, &d);
	int64_t index = (int64_t)y * 12 + (m - 1) + months;
	y = (int)floor_div(index, 12);
	m = (int)(index - (int64_t)y * 12) + 1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	return clock_days_from_civil(y, m, d) * 86400 + secs;
}

int64_t clock_days_until(int64_t now, int64_t t)
{
	return floor_div(t - now, 86400);
}

/* Reads exactly `n` digits. */
static bool read_digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (*p >= end || (**p < '0' || **p > '9'))
			return false;
		v = v * 10 + (*(*p)++ - '0');
	}
	*out = v;
	return true;
}

bool clock_parse_n(const char *s, size_t len, int64_t *out)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (!read_digits(&p, end, 4, &y) || p >= end || *p++ != '-' ||
	    !read_digits(&p, end, 2, &mo) || p >= end || *p++ != '-' ||
	    !read_digits(&p, end, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	int64_t offset = 0;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (!read_digits(&p, end, 2, &h) || p >= end || *p++ != ':' ||
		    !read_digits(&p, end, 2, &mi))
			return false;
		if (p < end && *p == ':') {
			p++;
			if (!read_digits(&p, end, 2, &sec))
				return false;
			if (p < end && (*p == '.' || *p == ',')) {
				p++;
				if (p >= end || *p < '0' || *p > '9')
					return false;
				while (p < end && *p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return false;
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (!read_digits(&p, end, 2, &oh))
				return false;
			if (p < end && *p == ':')
				p++;
			if (p < end && !read_digits(&p, end, 2, &om))
				return false;
			if (oh > 23 || om > 59)
				return false;
			offset = sign * (oh * 3600 + om * 60);
		}
	}
	if (p != end)
		return false;
	*out = clock_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
	return true;
}

bool clock_parse(const char *text, int64_t *out)
{
	return clock_parse_n(text, strlen(text), out);
}

/* Two digits of v at p. */
static void two_digits(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

void clock_format(int64_t t, char *buf, size_t size)
{
	int64_t days = floor_div(t, 86400), secs = t - days * 86400;
	int y, m, d;
	clock_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999 || size < 21) { /* exports write millions: printf only off the beaten track */
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
			 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
		return;
	}
	memcpy(buf, "0000-00-00T00:00:00Z", 21);
	two_digits(buf, y / 100);
	two_digits(buf + 2, y % 100);
	two_digits(buf + 5, m);
	two_digits(buf + 8, d);
	two_digits(buf + 11, (int)(secs / 3600));
	two_digits(buf + 14, (int)(secs / 60 % 60));
	two_digits(buf + 17, (int)(secs % 60));
}

void clock_format_date(int64_t t, char *buf, size_t size)
{
	int y, m, d;
	clock_civil_from_days(floor_div(t, 86400), &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}
