/* A pair's marks (what a user received of an object): a damaged value is
 * refused, never read past; what decodes encodes back to the same marks
 * once folded, merges with itself into the same bytes, and replays as
 * events in key order. */
#include <string.h>

#include "storage/pairmarks.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pair_mark *marks = NULL, *back = NULL;
	int cap = 0, back_cap = 0;
	int n = pairmarks_decode(data, size, &marks, 0, &cap);
	if (n >= 0) {
		n = pairmarks_fold(marks, n);
		struct buf canonical = {0}, merged = {0};
		pairmarks_encode(marks, n, &canonical);
		if (pairmarks_decode(canonical.data, canonical.len, &back, 0, &back_cap) != n ||
		    (n > 0 && memcmp(back, marks, (size_t)n * sizeof *marks) != 0))
			abort();
		if (pairmarks_merge(canonical.data, canonical.len, canonical.data, canonical.len, &merged) != 0)
			abort();
		struct event *ev = NULL;
		int ev_cap = 0;
		int k = pairmarks_events(marks, n, 1, 1, &ev, &ev_cap);
		for (int i = 1; i < k; i++)
			if (event_compare(&ev[i - 1], &ev[i]) > 0)
				abort();
		free(ev);
		buf_free(&canonical);
		buf_free(&merged);
	}
	free(marks);
	free(back);
	return 0;
}
