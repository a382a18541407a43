#include "retention/policy.h"

#include <stdio.h>

#include "base/clock.h"
#include "base/model.h"

struct policy_verdict policy_evaluate(const struct policy_facts *f, int64_t now, int months)
{
	struct policy_verdict v = {0};
	/* The tier the data is in decides first: a purge is final, and expired
	 * or restoring data is already out of the readers' sight. */
	if (f->state == IXD_PURGED) {
		v.reason = REASON_PURGED;
		return v;
	}
	if (f->state == IXD_EXPIRED) {
		v.reason = REASON_EXPIRED;
		return v;
	}
	if (f->state == IXD_RESTORING) {
		v.reason = REASON_RESTORING;
		return v;
	}
	if (f->status == STATUS_DRAFT || !f->has_data) {
		v.reason = REASON_NO_DATA;
		return v;
	}
	if (status_is_active(f->status)) {
		v.reason = REASON_ACTIVE;
		return v;
	}
	v.clock_start = f->stopped_at > f->last_restored_at ? f->stopped_at : f->last_restored_at;
	if (v.clock_start == 0) {
		v.reason = REASON_NO_CLOCK;
		return v;
	}
	v.expires_at = clock_add_months(v.clock_start, months);
	if (f->protected_by_filter) {
		/* the date is not advanced: when the protection goes, the next
		 * sweep expires the object if this date has passed */
		v.reason = REASON_KEPT;
		return v;
	}
	v.reason = REASON_CLOCK;
	v.due = now >= v.expires_at;
	return v;
}

void policy_explain(const struct policy_verdict *v, const char *kept_by, int months,
		    int64_t last_restored_at, char *buf, size_t size)
{
	char start[16], end[16];
	clock_format_date(v->clock_start, start, sizeof start);
	clock_format_date(v->expires_at, end, sizeof end);
	const char *from = v->clock_start == last_restored_at ? "its last restore finished"
							       : "it stopped";
	switch (v->reason) {
	case REASON_NO_DATA:
		snprintf(buf, size, "no interaction data");
		break;
	case REASON_ACTIVE:
		snprintf(buf, size, "active: always available");
		break;
	case REASON_KEPT:
		snprintf(buf, size, "kept: used by %s (would expire %s, %d months after %s on %s)",
			 kept_by ? kept_by : "an active owner", end, months, from, start);
		break;
	case REASON_CLOCK:
		snprintf(buf, size, "%s %s (%d months after %s on %s)", v->due ? "due since" : "expires",
			 end, months, from, start);
		break;
	case REASON_NO_CLOCK:
		snprintf(buf, size, "stopped at an unknown time: not expired automatically");
		break;
	case REASON_EXPIRED:
		snprintf(buf, size, "expired: in long-term storage until restored");
		break;
	case REASON_RESTORING:
		snprintf(buf, size, "being restored");
		break;
	case REASON_PURGED:
		snprintf(buf, size, "deleted under the previous retention policy; cannot be restored");
		break;
	}
}
