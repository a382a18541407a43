/*
 * filter — the filter language: "sale tag:xmas !state:expired", typed at the
 * console's `/`, saved as console.views, given to `thaw list --filter`.
 *
 * Words are ANDed.  A bare word matches a name substring (case-insensitive,
 * UTF-8); tag:, status:, state: and kind: match those fields; "!" negates a
 * term.  state: takes available, expiring, kept, expired, restoring, purged
 * or none; week:N the objects the forecast counts in its Nth week.
 */
#ifndef THAW_FILTER_H
#define THAW_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include "storage/objects.h"

struct filter {
	char text[256];     /* a copy the terms point into */
	struct query_term terms[QUERY_MAX_TERMS];
	int count;
	char error[128];    /* set when a term is not understood */
};

/* Parses `input` as it is being typed: a term without its value yet
 * ("tag:") is left out, not an error.  On error the terms parsed so far
 * are kept. */
bool filter_parse(struct filter *f, const char *input);
/* Parses a finished filter (a saved view, --filter): every term counts. */
bool filter_parse_whole(struct filter *f, const char *input);

/*
 * Tab completion of the tag being typed: the last word when it is
 * "tag:<prefix>" or "!tag:<prefix>" (with bare_tags, the last word itself).
 * filter_tag_prefix() copies what has been typed of it (false when no tag
 * is being typed); filter_complete_tag() puts the nth tag starting with
 * `prefix` (from 0, wrapping, in the order of `tags`) in its place and
 * returns how many tags match: repeated Tab cycles through them all.
 */
bool filter_tag_prefix(const char *input, bool bare_tags, char *prefix, size_t size);
int filter_complete_tag(char *input, size_t size, const char *prefix, char *const *tags, int n, int nth,
			bool bare_tags);

#endif
