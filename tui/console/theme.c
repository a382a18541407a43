#include "console/theme.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/trust.h"
#include "config/yamltree.h"

static const char *const style_names[ST__COUNT] = {
	"normal", "title", "banner", "alert", "header", "cursor", "mark",
	"expired", "expiring", "kept", "available", "restoring", "purged", "none",
	"dim", "status", "key", "info", "warning", "error", "dialog", "focus",
	"progress", "label", "tab", "tab_active"};


static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright_black", "bright_red", "bright_green", "bright_yellow", "bright_blue",
	"bright_magenta", "bright_cyan", "bright_white"};

static struct style_spec spec(int fg, int bg, unsigned attrs)
{
	struct style_spec s = {{fg < 0 ? COLOR_DEFAULT : COLOR_INDEX, fg < 0 ? 0 : fg},
			       {bg < 0 ? COLOR_DEFAULT : COLOR_INDEX, bg < 0 ? 0 : bg}, attrs};
	return s;
}

void theme_default(struct theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "default");
	/* 16 colours on the terminal's own background (-1 = default) */
	t->styles[ST_NORMAL] = spec(-1, -1, 0);
	t->styles[ST_TITLE] = spec(0, 6, ATTR_BOLD);
	t->styles[ST_BANNER] = spec(0, 3, 0);
	t->styles[ST_ALERT] = spec(15, 1, ATTR_BOLD);
	t->styles[ST_HEADER] = spec(-1, -1, ATTR_BOLD | ATTR_UNDERLINE);
	t->styles[ST_CURSOR] = spec(-1, -1, ATTR_REVERSE);
	t->styles[ST_MARK] = spec(3, -1, ATTR_BOLD);
	t->styles[ST_EXPIRED] = spec(1, -1, ATTR_BOLD);
	t->styles[ST_EXPIRING] = spec(3, -1, 0);
	t->styles[ST_KEPT] = spec(4, -1, 0);
	t->styles[ST_AVAILABLE] = spec(2, -1, 0);
	t->styles[ST_RESTORING] = spec(6, -1, ATTR_BOLD);
	t->styles[ST_PURGED] = spec(8, -1, 0);
	t->styles[ST_NONE] = spec(8, -1, 0);
	t->styles[ST_DIM] = spec(8, -1, 0);
	t->styles[ST_STATUS] = spec(-1, -1, ATTR_REVERSE);
	t->styles[ST_KEY] = spec(-1, -1, ATTR_BOLD | ATTR_REVERSE);
	t->styles[ST_INFO] = spec(0, 2, 0);
	t->styles[ST_WARNING] = spec(0, 3, 0);
	t->styles[ST_ERROR] = spec(15, 1, ATTR_BOLD);
	t->styles[ST_DIALOG] = spec(-1, -1, ATTR_REVERSE);
	t->styles[ST_FOCUS] = spec(-1, -1, ATTR_BOLD | ATTR_UNDERLINE);
	t->styles[ST_PROGRESS] = spec(6, -1, ATTR_BOLD);
	t->styles[ST_LABEL] = spec(-1, -1, ATTR_BOLD);
	t->styles[ST_TAB] = spec(-1, -1, 0);
	t->styles[ST_TAB_ACTIVE] = spec(-1, -1, ATTR_BOLD | ATTR_REVERSE);
}

void theme_strip_colours(struct theme *t)
{
	t->monochrome = true;
	for (int i = 0; i < ST__COUNT; i++) {
		t->styles[i].fg.kind = COLOR_DEFAULT;
		t->styles[i].bg.kind = COLOR_DEFAULT;
	}
	/* what colour said, attributes must say */
	t->styles[ST_TITLE].attrs |= ATTR_REVERSE;
	t->styles[ST_BANNER].attrs |= ATTR_REVERSE;
	t->styles[ST_ALERT].attrs |= ATTR_REVERSE | ATTR_BOLD;
	t->styles[ST_ERROR].attrs |= ATTR_REVERSE | ATTR_BOLD;
	t->styles[ST_WARNING].attrs |= ATTR_REVERSE;
	t->styles[ST_INFO].attrs |= ATTR_REVERSE;
	t->styles[ST_EXPIRED].attrs |= ATTR_BOLD;
}

static bool parse_colour(const struct ynode *n, const char *file, struct color_spec *out, struct diag *d)
{
	const char *v;
	if (!yamltree_string(n, file, "a colour", &v, d))
		return false;
	if (strcmp(v, "default") == 0) {
		*out = (struct color_spec){COLOR_DEFAULT, 0};
		return true;
	}
	for (int i = 0; i < 16; i++)
		if (strcmp(v, colour_names[i]) == 0) {
			*out = (struct color_spec){COLOR_INDEX, i};
			return true;
		}
	char *end;
	/* six hex digits exactly: strtol would take "-12345" too */
	if (v[0] == '#' && strlen(v) == 7 && strspn(v + 1, "0123456789abcdefABCDEF") == 6) {
		long rgb = strtol(v + 1, &end, 16);
		if (*end == '\0') {
			*out = (struct color_spec){COLOR_RGB, (int)rgb};
			return true;
		}
	}
	long index = strtol(v, &end, 10);
	if (v[0] && strspn(v, "0123456789") == strlen(v) && index <= 255) {
		*out = (struct color_spec){COLOR_INDEX, (int)index};
		return true;
	}
	diag_add(d, file, n->line, n->column,
		 "'%s' is not a colour: use a name (red, bright_blue, default...), 0..255 or #rrggbb", v);
	return false;
}

static bool parse_attrs(const struct ynode *n, const char *file, unsigned *out, struct diag *d)
{
	static const char *const names[] = {"bold", "reverse", "underline", "dim"};
	if (n->type != YNODE_SEQUENCE) {
		diag_add(d, file, n->line, n->column, "attrs must be a list, e.g. [bold, underline]");
		return false;
	}
	*out = 0;
	bool ok = true;
	for (int i = 0; i < n->count; i++) {
		const char *v;
		int k = 0;
		if (!yamltree_string(n->items[i], file, "an attribute", &v, d)) {
			ok = false;
			continue;
		}
		while (k < 4 && strcmp(v, names[k]) != 0)
			k++;
		if (k == 4) {
			diag_add(d, file, n->items[i]->line, n->items[i]->column,
				 "'%s' is not an attribute (bold, reverse, underline, dim)", v);
			ok = false;
		} else {
			*out |= 1u << k;
		}
	}
	return ok;
}

static bool parse_style(const struct ynode *n, const char *file, struct style_spec *out, struct diag *d)
{
	if (n->type != YNODE_MAPPING) {
		diag_add(d, file, n->line, n->column, "a style must be a mapping like { fg: red, attrs: [bold] }");
		return false;
	}
	bool ok = yamltree_check_keys(n, file, d);
	struct style_spec s = {{COLOR_DEFAULT, 0}, {COLOR_DEFAULT, 0}, 0};
	for (int i = 0; i + 1 < n->count; i += 2) {
		const struct ynode *k = n->items[i], *v = n->items[i + 1];
		if (k->type != YNODE_SCALAR)
			continue;
		if (strcmp(k->value, "fg") == 0)
			ok &= parse_colour(v, file, &s.fg, d);
		else if (strcmp(k->value, "bg") == 0)
			ok &= parse_colour(v, file, &s.bg, d);
		else if (strcmp(k->value, "attrs") == 0)
			ok &= parse_attrs(v, file, &s.attrs, d);
		else {
			diag_add(d, file, k->line, k->column, "unknown key '%s' in a style (fg, bg, attrs)", k->value);
			ok = false;
		}
	}
	*out = s;
	return ok;
}

static bool parse_styles(struct theme *t, const struct ynode *styles, const char *file, struct diag *d)
{
	if (styles->type != YNODE_MAPPING) {
		diag_add(d, file, styles->line, styles->column, "styles must be a mapping of style names");
		return false;
	}
	bool ok = yamltree_check_keys(styles, file, d);
	for (int i = 0; i + 1 < styles->count; i += 2) {
		const struct ynode *k = styles->items[i];
		if (k->type != YNODE_SCALAR)
			continue;
		int which = 0;
		while (which < ST__COUNT && strcmp(style_names[which], k->value) != 0)
			which++;
		if (which == ST__COUNT) {
			diag_add(d, file, k->line, k->column, "unknown style '%s'", k->value);
			ok = false;
			continue;
		}
		ok &= parse_style(styles->items[i + 1], file, &t->styles[which], d);
	}
	return ok;
}

bool theme_load(struct theme *t, const char *dir, const char *name, struct diag *d)
{
	theme_default(t);
	if (strchr(name, '/') || name[0] == '.' || !name[0]) {
		diag_add(d, NULL, 0, 0, "theme '%s': give a theme name, not a path", name);
		return false;
	}
	char path[1024], why[600];
	snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
	/* a theme another user can change could paint any text over the
	 * screen: the same trust as a configuration (base/trust.h) */
	struct buf text = {0};
	bool ok = trust_read(path, TRUST_SETTINGS, &text, why, sizeof why);
	if (!ok)
		diag_add(d, NULL, 0, 0, "%s", why);
	ok = ok && theme_parse(t, path, text.data, name, d);
	buf_free(&text);
	return ok;
}

bool theme_parse(struct theme *t, const char *path, const char *text, const char *name, struct diag *d)
{
	theme_default(t);
	int before = d->count;
	struct ynode *root = yamltree_load(path, text, d);
	if (!root)
		return false;
	struct theme loaded;
	theme_default(&loaded);
	snprintf(loaded.name, sizeof loaded.name, "%s", name);
	bool ok = root->type == YNODE_MAPPING;
	if (!ok)
		diag_add(d, path, root->line, root->column, "a theme is a mapping (description, monochrome, styles)");
	ok = ok && yamltree_check_keys(root, path, d);
	for (int i = 0; ok && i + 1 < root->count; i += 2) {
		const struct ynode *k = root->items[i], *v = root->items[i + 1];
		if (k->type != YNODE_SCALAR)
			continue; /* reported by yamltree_check_keys */
		bool mono;
		if (strcmp(k->value, "styles") == 0)
			ok &= parse_styles(&loaded, v, path, d);
		else if (strcmp(k->value, "monochrome") == 0 && yamltree_bool(v, path, "monochrome", &mono, d))
			loaded.monochrome = mono;
		else if (strcmp(k->value, "description") != 0 && strcmp(k->value, "monochrome") != 0) {
			diag_add(d, path, k->line, k->column, "unknown key '%s' (description, monochrome, styles)", k->value);
			ok = false;
		}
	}
	yamltree_free(root);
	if (!ok || d->count != before)
		return false;
	if (loaded.monochrome)
		theme_strip_colours(&loaded);
	*t = loaded;
	return true;
}

bool theme_exists(const char *dir, const char *name, char *names, size_t size)
{
	names[0] = '\0';
	DIR *d = opendir(dir);
	bool found = false;
	size_t used = 0;
	for (struct dirent *e = d ? readdir(d) : NULL; e; e = readdir(d)) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		found |= strlen(name) == len - 5 && strncmp(e->d_name, name, len - 5) == 0;
		if (used < size)
			used += (size_t)snprintf(names + used, size - used, "%s%.*s", used ? ", " : "", (int)(len - 5),
						 e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

void theme_directory(char *buf, size_t size)
{
	const char *env = getenv("THAW_THEMES");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return;
	}
	char exe[900];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* a build tree: build/tui/thaw -> themes/ at the top */
			snprintf(buf, size, "%s/../../themes", exe);
			if (access(buf, F_OK) == 0)
				return;
		}
	}
	snprintf(buf, size, "%s", THAW_THEMES_DIR);
}
