/*
 * What an operator types into the console: the filter line (as typed, with
 * Tab completion, and as a saved view or --filter takes it whole) and key
 * names with their bindings (console.keys).  Input: the filter text, a
 * newline, then "action=key, key" bindings separated by ';'.
 */
#include "console/keymap.h"
#include "filter.h"
#include "fuzz.h"

static char *const tags[] = {"crm-eu", "crm-latam", "xmas", "xmas-2024", "ñandú", "新春"};

static void filter_line(const char *text)
{
	struct filter f;
	filter_parse(&f, text);
	filter_parse_whole(&f, text);
	char input[256], prefix[128];
	snprintf(input, sizeof input, "%s", text);
	for (int i = 0; i < 3; i++) /* Tab, Tab, Tab */
		if (filter_tag_prefix(input, i == 2, prefix, sizeof prefix))
			filter_complete_tag(input, sizeof input, prefix, tags, 6, i, i == 2);
	filter_parse(&f, input);
}

static void bindings(char *text)
{
	struct config c;
	config_defaults(&c);
	struct config_pair pairs[16];
	int n = 0;
	for (char *save, *b = strtok_r(text, ";", &save); b && n < 16; b = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(b, '=');
		if (!eq)
			continue;
		*eq = '\0';
		pairs[n++] = (struct config_pair){.name = b, .value = eq + 1, .line = 1, .column = 1};
	}
	c.console.keys = (struct config_pairs){.items = pairs, .count = n};
	struct keymap k;
	struct diag d = {0};
	keymap_load(&k, &c, &d, &d);
	for (int a = 0; a < ACT__COUNT; a++) {
		char keys[64];
		keymap_keys_text(&k, a, keys, sizeof keys);
	}
	diag_clear(&d);
	c.console.keys = (struct config_pairs){0}; /* ours, not the config's to free */
	config_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	char *newline = strchr(text, '\n');
	if (newline)
		*newline = '\0';
	filter_line(text);
	if (newline)
		bindings(newline + 1);
	free(text);
	return 0;
}
