#include "console/keymap.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct action_info {
	const char *name;  /* for console.keys */
	const char *label; /* for people: the footer and the help */
	const char *help;
	int keys[KEYS_PER_ACTION];
};

static const struct action_info actions[ACT__COUNT] = {
	[ACT_QUIT] = {"quit", "quit", "quit thaw (from the list) or go back", {'q'}},
	[ACT_UP] = {"up", "up", "move up", {K_UP, 'k'}},
	[ACT_DOWN] = {"down", "down", "move down", {K_DOWN, 'j'}},
	[ACT_PAGE_UP] = {"page_up", "page up", "page up", {K_PGUP, K_CTRL('u')}},
	[ACT_PAGE_DOWN] = {"page_down", "page down", "page down", {K_PGDN, K_CTRL('d')}},
	[ACT_HOME] = {"home", "first", "first row", {K_HOME, 'g'}},
	[ACT_END] = {"end", "last", "last row", {K_END, 'G'}},
	[ACT_OPEN] = {"open", "open", "open the detail view", {K_ENTER}},
	[ACT_BACK] = {"back", "back", "back / clear the filter / close", {K_ESC}},
	[ACT_FILTER] = {"filter", "filter", "filter: name, tag:x status:x state:x kind:x week:N, !term", {'/'}},
	[ACT_NEXT_TAB] = {"next_tab", "next tab", "All / Campaigns / Canvases", {K_TAB}},
	[ACT_PREV_TAB] = {"prev_tab", "previous tab", "the previous tab", {K_BTAB}},
	[ACT_SORT] = {"sort", "sort", "sort by the next column", {'s'}},
	[ACT_REVERSE] = {"reverse", "reverse", "reverse the sort order", {'r'}},
	[ACT_TOGGLE] = {"toggle", "select", "select / unselect, then move down", {' '}},
	[ACT_RANGE] = {"range", "range", "select the range from the mark to here", {'v'}},
	[ACT_SELECT_ALL] = {"select_all", "select all", "select everything the filter shows", {'a'}},
	[ACT_INVERT] = {"invert", "invert", "invert the selection within the filter", {'i'}},
	[ACT_CLEAR] = {"clear", "clear", "clear the selection", {'u'}},
	[ACT_RESTORE] = {"restore", "restore", "restore the selection (or this row)", {'R'}},
	[ACT_VIEWS] = {"views", "views", "saved views (console.views): pick one to filter the list", {'V'}},
	[ACT_RESTORE_TAG] = {"restore_tag", "restore by tag", "restore every expired object with a tag", {'T'}},
	[ACT_JOBS] = {"jobs", "jobs", "restore jobs (progress, cancel)", {'J'}},
	[ACT_CANCEL_JOB] = {"cancel_job", "cancel job", "cancel the job under the cursor (jobs view)", {'x'}},
	[ACT_USER] = {"user", "user", "look up a user: what they received (available data only)", {'U'}},
	[ACT_AUDIT] = {"audit", "audit", "the audit log", {'A'}},
	[ACT_FORECAST] = {"forecast", "forecast", "what expires week by week (Enter lists a week)", {'F'}},
	[ACT_EXPORT] = {"export", "export", "export the object's recipients as CSV (detail view)", {'E'}},
	[ACT_HELP] = {"help", "help", "this help", {'?', K_F1}},
	[ACT_REDRAW] = {"redraw", "redraw", "redraw the whole screen", {K_CTRL('l')}},
};

const char *action_name(int a) { return a >= 0 && a < ACT__COUNT ? actions[a].name : "?"; }
const char *action_help(int a) { return a >= 0 && a < ACT__COUNT ? actions[a].help : "?"; }
const char *action_label(int a) { return a >= 0 && a < ACT__COUNT ? actions[a].label : "?"; }

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{"up", K_UP}, {"down", K_DOWN}, {"left", K_LEFT}, {"right", K_RIGHT},
	{"pgup", K_PGUP}, {"pgdn", K_PGDN}, {"home", K_HOME}, {"end", K_END},
	{"enter", K_ENTER}, {"esc", K_ESC}, {"backspace", K_BACKSPACE}, {"delete", K_DELETE},
	{"tab", K_TAB}, {"shift-tab", K_BTAB}, {"space", ' '},
};

int key_parse(const char *name)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(name, named_keys[i].name) == 0)
			return named_keys[i].key;
	if (strncasecmp(name, "ctrl-", 5) == 0 && strlen(name) == 6) {
		char c = name[5] | 0x20;
		return c >= 'a' && c <= 'z' ? K_CTRL(c) : -1;
	}
	if ((name[0] == 'f' || name[0] == 'F') && name[1] >= '1' && name[1] <= '9') {
		int n = 0;
		if (sscanf(name + 1, "%d", &n) == 1 && n >= 1 && n <= 12)
			return K_F1 + n - 1;
	}
	/* a single printable character, UTF-8 allowed */
	wchar_t wc;
	mbstate_t st = {0};
	size_t len = strlen(name), used = mbrtowc(&wc, name, len, &st);
	if (used == len && len > 0 && wc > ' ' && wc != 0x7f)
		return (int)wc;
	return -1;
}

void keyname_of(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (named_keys[i].key == key) {
			snprintf(buf, size, "%s", named_keys[i].name);
			return;
		}
	if (key >= K_F1 && key < K_F1 + 12)
		snprintf(buf, size, "F%d", key - K_F1 + 1);
	else if (key > 0 && key < 32)
		snprintf(buf, size, "ctrl-%c", key + 'a' - 1);
	else {
		char mb[8] = "";
		mbstate_t st = {0};
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		snprintf(buf, size, "%.*s", n == (size_t)-1 ? 1 : (int)n, n == (size_t)-1 ? "?" : mb);
	}
}

static int find_action(const char *name)
{
	for (int a = 0; a < ACT__COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return a;
	return -1;
}

/* Replaces an action's keys with a "k, up" list from the configuration;
 * returns the action, or -1 (the reason in d). */
static int apply_binding(struct keymap *k, const struct config_pair *b, const char *file, struct diag *d)
{
	int a = find_action(b->name);
	if (a < 0) {
		diag_add(d, file, b->line, b->column, "console.keys: unknown action '%s' (thaw --man lists them)",
			 b->name);
		return -1;
	}
	int parsed[KEYS_PER_ACTION] = {0}, n = 0;
	char list[128];
	snprintf(list, sizeof list, "%s", b->value);
	for (char *save, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int key = key_parse(tok);
		if (key < 0) {
			diag_add(d, file, b->line, b->column, "console.keys.%s: '%s' is not a key", b->name, tok);
			return -1;
		}
		if (n < KEYS_PER_ACTION)
			parsed[n++] = key;
	}
	memcpy(k->keys[a], parsed, sizeof parsed);
	return a;
}

/* One key, two actions: a configured binding wins over a default one,
 * which loses the key with a notice; two configured bindings of one key
 * are an error. */
static void resolve_conflicts(struct keymap *k, const struct config_pair *configured[ACT__COUNT],
			      const char *file, struct diag *errors, struct diag *notices)
{
	for (int a = 0; a < ACT__COUNT; a++)
		for (int i = 0; i < KEYS_PER_ACTION && k->keys[a][i]; i++)
			for (int b = 0; b < ACT__COUNT; b++)
				for (int j = 0; j < KEYS_PER_ACTION; j++) {
					/* the defaults never collide: a conflict has a configured side, a */
					if (b == a || k->keys[b][j] != k->keys[a][i] || !configured[a])
						continue;
					char name[32];
					keyname_of(k->keys[a][i], name, sizeof name);
					if (configured[b] && b > a) {
						diag_add(errors, file, configured[b]->line, configured[b]->column,
							 "console.keys: '%s' is bound to both %s and %s", name,
							 actions[a].name, actions[b].name);
					} else if (!configured[b]) {
						diag_add(notices, NULL, 0, 0, "'%s' is %s now; %s keeps its other keys",
							 name, actions[a].name, actions[b].name);
						k->keys[b][j] = 0;
					}
				}
}

bool keymap_load(struct keymap *k, const struct config *c, struct diag *errors, struct diag *notices)
{
	int before = errors->count;
	const struct config_pair *configured[ACT__COUNT] = {0};
	for (int a = 0; a < ACT__COUNT; a++)
		memcpy(k->keys[a], actions[a].keys, sizeof k->keys[a]);
	for (int i = 0; i < c->console.keys.count; i++) {
		const struct config_pair *b = &c->console.keys.items[i];
		int a = apply_binding(k, b, c->source, errors);
		if (a >= 0)
			configured[a] = b;
	}
	resolve_conflicts(k, configured, c->source, errors, notices);
	return errors->count == before;
}

int keymap_action(const struct keymap *k, int key)
{
	for (int a = 0; a < ACT__COUNT; a++)
		for (int i = 0; i < KEYS_PER_ACTION; i++)
			if (k->keys[a][i] && k->keys[a][i] == key)
				return a;
	return -1;
}

void keymap_keys_text(const struct keymap *k, int action, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < KEYS_PER_ACTION && k->keys[action][i]; i++) {
		char name[32];
		keyname_of(k->keys[action][i], name, sizeof name);
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", i ? ", " : "", name);
	}
}
