#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/model.h"
#include "present.h"
#include "retention/forecast.h"
#include "storage/objects.h"

/* A week of the forecast: 1 (the coming week) to FORECAST_MAX_WEEKS. */
static int week_parse(const char *text)
{
	char *end;
	long week = strtol(text, &end, 10);
	return *end || end == text || week < 1 || week > FORECAST_MAX_WEEKS ? -1 : (int)week;
}

static bool parse_term(struct filter *f, char *word, bool whole)
{
	struct query_term *t = &f->terms[f->count];
	memset(t, 0, sizeof *t);
	if (word[0] == '!' && word[1]) {
		t->negate = true;
		word++;
	}
	char *colon = strchr(word, ':');
	if (!colon) {
		t->field = TERM_NAME;
		t->text = word;
		f->count++;
		return true;
	}
	*colon = '\0';
	const char *value = colon + 1;
	static const struct {
		const char *name;
		int field;
		int (*parse)(const char *);
		const char *expected;
	} fields[] = {
		{"tag", TERM_TAG, NULL, NULL},
		{"status", TERM_STATUS, object_status_parse, "draft, active, idle, stopped, archived"},
		{"state", TERM_STATE, present_state_parse, "available, expiring, kept, expired, restoring, purged, none"},
		{"kind", TERM_KIND, object_kind_parse, "campaign, canvas"},
		{"week", TERM_WEEK, week_parse, "1 to 104: expiring in that week from now, as the forecast counts"},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcmp(word, fields[i].name) != 0)
			continue;
		t->field = fields[i].field;
		t->text = value;
		if (!*value) {
			/* at the console it is still being typed: not an error yet */
			if (whole)
				snprintf(f->error, sizeof f->error, "'%s:' needs a value", word);
			return false;
		}
		if (fields[i].parse && (t->value = fields[i].parse(value)) < 0) {
			snprintf(f->error, sizeof f->error, "%s: '%s'? (%s)", word, value, fields[i].expected);
			return false;
		}
		f->count++;
		return true;
	}
	snprintf(f->error, sizeof f->error, "'%s:' is not a field (tag, status, state, kind, week)", word);
	return false;
}

static bool parse(struct filter *f, const char *input, bool whole)
{
	memset(f, 0, sizeof *f);
	snprintf(f->text, sizeof f->text, "%s", input);
	char *save = NULL;
	for (char *w = strtok_r(f->text, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (f->count == QUERY_MAX_TERMS) {
			snprintf(f->error, sizeof f->error, "at most %d terms", QUERY_MAX_TERMS);
			return false;
		}
		parse_term(f, w, whole);
	}
	return f->error[0] == '\0';
}

bool filter_parse(struct filter *f, const char *input)
{
	return parse(f, input, false);
}

bool filter_parse_whole(struct filter *f, const char *input)
{
	return parse(f, input, true);
}

/* Where the tag being completed starts in input, or NULL. */
static char *tag_being_typed(char *input, bool bare_tags)
{
	char *word = strrchr(input, ' ');
	word = word ? word + 1 : input;
	if (strncmp(word, "tag:", 4) == 0 || strncmp(word, "!tag:", 5) == 0)
		return strchr(word, ':') + 1;
	return bare_tags ? word : NULL;
}

bool filter_tag_prefix(const char *input, bool bare_tags, char *prefix, size_t size)
{
	char copy[512];
	snprintf(copy, sizeof copy, "%s", input);
	const char *at = tag_being_typed(copy, bare_tags);
	if (at)
		snprintf(prefix, size, "%s", at);
	return at != NULL;
}

int filter_complete_tag(char *input, size_t size, const char *prefix, char *const *tags, int n, int nth,
			bool bare_tags)
{
	char *at = tag_being_typed(input, bare_tags);
	size_t plen = strlen(prefix);
	int matches = 0;
	for (int i = 0; i < n; i++)
		matches += strncmp(tags[i], prefix, plen) == 0;
	if (!at || matches == 0)
		return 0;
	int want = nth % matches;
	for (int i = 0; i < n; i++) {
		if (strncmp(tags[i], prefix, plen) != 0 || want-- > 0)
			continue;
		size_t offset = (size_t)(at - input);
		if (offset + strlen(tags[i]) + 1 <= size)
			snprintf(at, size - offset, "%s", tags[i]);
		break;
	}
	return matches;
}
