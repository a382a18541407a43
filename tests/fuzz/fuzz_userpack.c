/* An object's packed users: a damaged value is refused, never read past;
 * what decodes is ascending, encodes back to the same users, and merged
 * with itself changes nothing. */
#include <string.h>

#include "storage/userpack.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct user_object *users = NULL, *merged = NULL;
	int cap = 0, merged_cap = 0;
	int n = userpack_decode(data, size, 1, &users, &cap);
	if (n >= 0) {
		/* a varint may take more bytes than it needs: the users, not the
		 * bytes, come back the same */
		struct buf again = {0};
		struct user_object *back = NULL;
		int back_cap = 0;
		userpack_encode(users, (size_t)n, &again);
		if (userpack_decode(again.data, again.len, 1, &back, &back_cap) != n ||
		    (n > 0 && memcmp(back, users, (size_t)n * sizeof *users) != 0))
			abort();
		free(back);
		buf_free(&again);
		bool changed;
		int m = userpack_merge(users, n, users, n, &merged, &merged_cap, &changed);
		if (m != n || changed)
			abort();
		for (int i = 1; i < n; i++)
			if (users[i].user_id <= users[i - 1].user_id)
				abort();
	}
	free(users);
	free(merged);
	return 0;
}
