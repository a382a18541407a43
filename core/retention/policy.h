/*
 * policy — the retention rules of SPEC §2 as pure functions.
 *
 * Given what is known about one object and the current time, decide its
 * expiry date, why, and whether a sweep should expire it now.  No I/O, no
 * clock: everything comes in through the arguments, so every rule is a row
 * in a table-driven unit test.
 */
#ifndef THAW_POLICY_H
#define THAW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct policy_facts {
	int status;              /* enum object_status */
	int state;               /* enum ixd_state */
	int64_t stopped_at;      /* 0 = unknown */
	int64_t last_restored_at; /* when the last restore finished, 0 = never */
	bool has_data;           /* any hot or cold events */
	bool protected_by_filter; /* a specific-object filter of an active owner names it */
};

enum policy_reason {
	REASON_NO_DATA,   /* draft, or never received an event */
	REASON_ACTIVE,    /* active or idle: always available */
	REASON_KEPT,      /* stopped, but a protecting reference keeps it */
	REASON_CLOCK,     /* stopped: expires at clock start + period */
	REASON_NO_CLOCK,  /* stopped without a known stop time: never due */
	REASON_EXPIRED,
	REASON_RESTORING,
	REASON_PURGED,
};

struct policy_verdict {
	int reason;           /* enum policy_reason */
	int64_t clock_start;  /* later of stop and last restore (REASON_CLOCK/KEPT) */
	int64_t expires_at;   /* clock_start + period; 0 when not applicable */
	bool due;             /* a sweep at `now` moves it to cold */
};

struct policy_verdict policy_evaluate(const struct policy_facts *f, int64_t now, int months);

/* One line for people: "expires 2027-02-28 (3 months after it stopped on 2026-11-30)". */
void policy_explain(const struct policy_verdict *v, const char *kept_by, int months,
		    int64_t last_restored_at, char *buf, size_t size);

#endif
