#include "readers/lookup.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/text.h"

/* Names the candidates: "'Spring' names 3 objects: a, b, c (give an api id)". */
static void say_ambiguous(const char *key, char **ids, int n, char *why, size_t size)
{
	struct buf b = {0};
	buf_printf(&b, "'%s' names %s: ", key, COUNTED(n, "object", "objects"));
	for (int i = 0; i < n && i < 10; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", ids[i]);
	buf_printf(&b, "%s (give an api id)", n > 10 ? ", ..." : "");
	snprintf(why, size, "%s", b.data);
	buf_free(&b);
}

int lookup_object(struct storage *s, const char *key, struct object_row *out, char *why, size_t size)
{
	int found = storage_object_find(s, key, out);
	if (found != 0)
		return found;
	char **ids;
	int n;
	if (storage_objects_named(s, key, &ids, &n) < 0)
		return -1;
	if (n > 1)
		say_ambiguous(key, ids, n, why, size);
	else
		snprintf(why, size, "unknown object '%s' (give an api id or an exact, unique name)", key);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return 0;
}
