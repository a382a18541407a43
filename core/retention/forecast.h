/*
 * forecast — what the sweep will expire in each of the coming weeks, so
 * operators can plan restores and retargeting before data goes cold.
 *
 * Every figure comes from sweep_verdict(), the function the sweep acts on:
 * week 1 holds exactly what `sweep --dry-run --now` a week ahead would
 * expire (objects already due included), week k what becomes due in the
 * k-th week after that.  Objects a retargeting filter keeps are counted
 * apart, by what keeps them: they expire only once that protection goes.
 */
#ifndef THAW_FORECAST_H
#define THAW_FORECAST_H

#include <stdint.h>

#include "storage/storage.h"

#define FORECAST_MAX_WEEKS 104

struct forecast_week {
	int64_t until;   /* the week ends here (a sweep at `until` expires it) */
	int objects;
	int64_t events;  /* hot and cold, as the sweep counts them */
	int64_t *ids;    /* the objects, in object id order */
};

struct forecast_keeper {
	char *kept_by;   /* "campaign Welcome series", "segment VIP buyers" */
	int objects;
	int64_t events;
};

struct forecast {
	int64_t now;
	int weeks;
	struct forecast_week week[FORECAST_MAX_WEEKS];
	struct forecast_keeper *kept; /* most objects first */
	int kept_count;
};

/* The next `weeks` weeks (1..FORECAST_MAX_WEEKS) from `now`. */
int forecast_build(struct storage *s, int64_t now, int months, int weeks, struct forecast *out);
void forecast_free(struct forecast *f);

#endif
