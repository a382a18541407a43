#include "config/config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/trust.h"
#include "config/yamltree.h"
#include "storage/storage.h"

/* A scalar key: where it lives in struct config and how it is checked. */
enum value_type { T_INT, T_BOOL, T_STRING, T_PATH, T_EMAIL, T_SMTP_URL, T_HTTP_URL,
		  T_TIME_OF_DAY, T_STARTTLS, T_ROLE };

struct key_spec {
	const char *section; /* NULL = top level */
	const char *key;
	enum value_type type;
	size_t offset;
	int64_t min, max;
};

#define F(field) offsetof(struct config, field)
static const struct key_spec key_specs[] = {
	{NULL, "database", T_PATH, F(database), 0, 0},
	{"policy", "expire_after_months", T_INT, F(policy.expire_after_months), 1, 120},
	{"policy", "expiring_soon_days", T_INT, F(policy.expiring_soon_days), 1, 365},
	{"worker", "batch_rows", T_INT, F(worker.batch_rows), 100, 10000000},
	{"worker", "max_rows_per_second", T_INT, F(worker.max_rows_per_second), 0, 1000000000},
	{"worker", "sweep_at", T_TIME_OF_DAY, F(worker.sweep_minute_of_day), 0, 0},
	{"worker", "sweep", T_BOOL, F(worker.sweep_enabled), 0, 0},
	{"worker", "lease_seconds", T_INT, F(worker.lease_seconds), 1, 3600},
	{"worker", "poll_ms", T_INT, F(worker.poll_ms), 50, 60000},
	{"smtp", "url", T_SMTP_URL, F(smtp.url), 0, 0},
	{"smtp", "starttls", T_STARTTLS, F(smtp.starttls), 0, 0},
	{"smtp", "user", T_STRING, F(smtp.user), 0, 0},
	{"smtp", "password_env", T_STRING, F(smtp.password_env), 0, 0},
	{"smtp", "password_file", T_STRING, F(smtp.password_file), 0, 0},
	{"smtp", "from", T_EMAIL, F(smtp.from), 0, 0},
	{"smtp", "connect_timeout_seconds", T_INT, F(smtp.connect_timeout_seconds), 1, 600},
	{"smtp", "timeout_seconds", T_INT, F(smtp.timeout_seconds), 1, 3600},
	{"smtp", "max_attempts", T_INT, F(smtp.max_attempts), 1, 100},
	{"smtp", "retry_base_seconds", T_INT, F(smtp.retry_base_seconds), 1, 86400},
	{"smtp", "ca_file", T_STRING, F(smtp.ca_file), 0, 0},
	{"smtp", "verify_peer", T_BOOL, F(smtp.verify_peer), 0, 0},
	{"notify", "webhook_url", T_HTTP_URL, F(notify.webhook_url), 0, 0},
	{"notify", "command", T_STRING, F(notify.command), 0, 0},
	{"notify", "timeout_seconds", T_INT, F(notify.timeout_seconds), 1, 600},
	{"notify", "max_attempts", T_INT, F(notify.max_attempts), 1, 100},
	{"notify", "retry_base_seconds", T_INT, F(notify.retry_base_seconds), 1, 86400},
	{"operators", "default_role", T_ROLE, F(operators.default_role), 0, 0},
	{"console", "theme", T_STRING, F(console.theme), 0, 0},
	{"console", "refresh_ms", T_INT, F(console.refresh_ms), 100, 60000},
	{"console", "mouse", T_BOOL, F(console.mouse), 0, 0},
};
#undef F

static const char *const sections[] = {"policy", "worker", "smtp", "notify", "operators", "console"};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->database = strdup("thaw.db");
	c->policy.expire_after_months = 3;
	c->policy.expiring_soon_days = 14;
	c->worker.batch_rows = 50000;
	c->worker.max_rows_per_second = 0;
	c->worker.sweep_minute_of_day = 3 * 60;
	c->worker.sweep_enabled = true;
	c->worker.lease_seconds = 30;
	c->worker.poll_ms = 500;
	c->smtp.url = strdup("");
	c->smtp.starttls = STARTTLS_TRY;
	c->smtp.user = strdup("");
	c->smtp.password_env = strdup("");
	c->smtp.password_file = strdup("");
	c->smtp.from = strdup("");
	c->smtp.connect_timeout_seconds = 10;
	c->smtp.timeout_seconds = 60;
	c->smtp.max_attempts = 8;
	c->smtp.retry_base_seconds = 30;
	c->smtp.ca_file = strdup("");
	c->smtp.verify_peer = true;
	c->notify.webhook_url = strdup("");
	c->notify.command = strdup("");
	c->notify.timeout_seconds = 10;
	c->notify.max_attempts = 8;
	c->notify.retry_base_seconds = 30;
	c->operators.default_role = ROLE_VIEWER;
	c->console.theme = strdup("default");
	c->console.refresh_ms = 1000;
	c->console.mouse = false;
}

/* The lists a key holds; a key given twice (reported as such) replaces
 * the first list, which must not leak. */
static void free_recipients(struct config *c)
{
	for (int i = 0; i < c->smtp.recipient_count; i++)
		free(c->smtp.recipients[i]);
	free(c->smtp.recipients);
	c->smtp.recipients = NULL;
	c->smtp.recipient_count = 0;
}

static void free_pairs(struct config_pairs *p)
{
	for (int i = 0; i < p->count; i++) {
		free(p->items[i].name);
		free(p->items[i].value);
	}
	free(p->items);
	p->items = NULL;
	p->count = 0;
}

void config_free(struct config *c)
{
	free(c->source);
	for (size_t i = 0; i < sizeof key_specs / sizeof key_specs[0]; i++) {
		const struct key_spec *k = &key_specs[i];
		if (k->type == T_STRING || k->type == T_PATH || k->type == T_EMAIL || k->type == T_SMTP_URL ||
		    k->type == T_HTTP_URL)
			free(*(char **)((char *)c + k->offset));
	}
	free_recipients(c);
	for (int i = 0; i < c->operators.count; i++) {
		free(c->operators.people[i].name);
		free(c->operators.people[i].email);
	}
	free(c->operators.people);
	free_pairs(&c->console.keys);
	free_pairs(&c->console.views);
	memset(c, 0, sizeof *c);
}

bool config_valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || at[1] == '\0' || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7F || *p == '<' || *p == '>' || *p == ',' || *p == '"')
			return false;
	return true;
}

static bool is_scheme(const char *s, size_t len, const char *scheme)
{
	return len == strlen(scheme) && strncmp(s, scheme, len) == 0;
}

/* scheme://host... with one of the two schemes, no blanks or controls. */
static bool valid_url(const char *s, const char *scheme, const char *secure_scheme)
{
	const char *sep = strstr(s, "://");
	if (!sep || !(is_scheme(s, (size_t)(sep - s), scheme) || is_scheme(s, (size_t)(sep - s), secure_scheme)))
		return false;
	const char *host = sep + 3;
	if (*host == '\0' || *host == '/' || *host == ':')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7F)
			return false;
	return true;
}

static bool parse_time_of_day(const char *s, int *minutes)
{
	int h, m;
	char extra;
	if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &extra) != 2 || s[2] != ':' ||
	    h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	*minutes = h * 60 + m;
	return true;
}

static int parse_choice(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *const starttls_names[] = {"off", "try", "required"};
static const char *const role_names[] = {"viewer", "admin"};

static void set_string(struct config *c, size_t offset, const char *v)
{
	char **slot = (char **)((char *)c + offset);
	free(*slot);
	*slot = strdup(v);
}

/* Applies one scalar key; adds a diagnostic and returns false if invalid. */
static bool apply_key(struct config *c, const struct key_spec *k, const struct ynode *v,
		      const char *file, struct diag *d)
{
	char what[96];
	snprintf(what, sizeof what, "%s%s%s", k->section ? k->section : "",
		 k->section ? "." : "", k->key);
	void *slot = (char *)c + k->offset;
	const char *s;
	int64_t i;
	bool b;
	int choice;
	switch (k->type) {
	case T_INT:
		if (!yamltree_int(v, file, what, k->min, k->max, &i, d))
			return false;
		*(int *)slot = (int)i;
		return true;
	case T_BOOL:
		if (!yamltree_bool(v, file, what, &b, d))
			return false;
		*(bool *)slot = b;
		return true;
	case T_STRING:
		if (!yamltree_string(v, file, what, &s, d))
			return false;
		set_string(c, k->offset, s);
		return true;
	case T_PATH:
		/* null or blank would name a file "null", or none at all */
		if (!yamltree_is_null(v) && !yamltree_string(v, file, what, &s, d))
			return false; /* not a string: said */
		if (yamltree_is_null(v) || !s[strspn(s, " \t")]) {
			diag_add(d, file, v->line, v->column, "%s must be a file path", what);
			return false;
		}
		set_string(c, k->offset, s);
		return true;
	case T_EMAIL:
		if (!yamltree_string(v, file, what, &s, d))
			return false;
		if (*s && !config_valid_email(s)) {
			diag_add(d, file, v->line, v->column, "%s: '%s' is not an e-mail address", what, s);
			return false;
		}
		set_string(c, k->offset, s);
		return true;
	case T_SMTP_URL:
	case T_HTTP_URL: {
		bool smtp = k->type == T_SMTP_URL;
		if (!yamltree_string(v, file, what, &s, d))
			return false;
		if (*s && !valid_url(s, smtp ? "smtp" : "http", smtp ? "smtps" : "https")) {
			diag_add(d, file, v->line, v->column, "%s: '%s' is not an %s URL with a host", what, s,
				 smtp ? "smtp:// or smtps://" : "http:// or https://");
			return false;
		}
		set_string(c, k->offset, s);
		return true;
	}
	case T_TIME_OF_DAY:
		if (!yamltree_string(v, file, what, &s, d))
			return false;
		if (!parse_time_of_day(s, (int *)slot)) {
			diag_add(d, file, v->line, v->column, "%s must be a UTC time HH:MM, not '%s'", what, s);
			return false;
		}
		return true;
	case T_STARTTLS:
	case T_ROLE: {
		const char *const *names = k->type == T_ROLE ? role_names : starttls_names;
		int n = k->type == T_ROLE ? 2 : 3;
		if (!yamltree_string(v, file, what, &s, d))
			return false;
		if ((choice = parse_choice(s, names, n)) < 0) {
			diag_add(d, file, v->line, v->column, "%s must be %s, not '%s'", what,
				 k->type == T_ROLE ? "viewer or admin" : "off, try or required", s);
			return false;
		}
		*(int *)slot = choice;
		return true;
	}
	}
	return false;
}

static bool load_recipients(struct config *c, const struct ynode *v, const char *file,
			    struct diag *d)
{
	if (v->type != YNODE_SEQUENCE) {
		diag_add(d, file, v->line, v->column, "smtp.recipients must be a list of e-mail addresses");
		return false;
	}
	bool ok = true;
	free_recipients(c);
	c->smtp.recipients = calloc(v->count + 1, sizeof(char *));
	for (int i = 0; i < v->count; i++) {
		const char *s;
		if (!yamltree_string(v->items[i], file, "smtp.recipients entry", &s, d)) {
			ok = false;
		} else if (!config_valid_email(s)) {
			diag_add(d, file, v->items[i]->line, v->items[i]->column,
				 "smtp.recipients: '%s' is not an e-mail address", s);
			ok = false;
		} else {
			c->smtp.recipients[c->smtp.recipient_count++] = strdup(s);
		}
	}
	return ok;
}

static bool load_person(struct config *c, const struct ynode *name, const struct ynode *v,
			const char *file, struct diag *d)
{
	if (v->type != YNODE_MAPPING) {
		diag_add(d, file, v->line, v->column,
			 "operators.people.%s must be a mapping with email and role", name->value);
		return false;
	}
	bool ok = yamltree_check_keys(v, file, d);
	struct operator_entry e = {.name = name->value, .email = "", .role = c->operators.default_role};
	const struct ynode *role_node = NULL;
	for (int i = 0; i + 1 < v->count; i += 2) {
		const struct ynode *k = v->items[i], *val = v->items[i + 1];
		const char *s;
		if (k->type != YNODE_SCALAR)
			continue;
		if (strcmp(k->value, "email") == 0) {
			if (!yamltree_string(val, file, "email", &s, d)) {
				ok = false;
			} else if (!config_valid_email(s)) {
				diag_add(d, file, val->line, val->column, "'%s' is not an e-mail address", s);
				ok = false;
			} else {
				e.email = (char *)s;
			}
		} else if (strcmp(k->value, "role") == 0) {
			role_node = val;
		} else {
			diag_add(d, file, k->line, k->column,
				 "unknown key '%s' for an operator (expected email, role)", k->value);
			ok = false;
		}
	}
	if (role_node) {
		const char *s;
		int r;
		if (!yamltree_string(role_node, file, "role", &s, d) ||
		    (r = parse_choice(s, role_names, 2)) < 0) {
			if (role_node->type == YNODE_SCALAR)
				diag_add(d, file, role_node->line, role_node->column,
					 "role must be viewer or admin, not '%s'", role_node->value);
			ok = false;
		} else {
			e.role = r;
		}
	}
	if (!ok)
		return false;
	struct operator_entry *grown = realloc(c->operators.people,
					       (c->operators.count + 1) * sizeof *grown);
	if (!grown)
		abort();
	c->operators.people = grown;
	grown[c->operators.count++] = (struct operator_entry){
		.name = strdup(e.name), .email = strdup(e.email), .role = e.role};
	return true;
}

static bool load_people(struct config *c, const struct ynode *v, const char *file, struct diag *d)
{
	if (v->type != YNODE_MAPPING) {
		diag_add(d, file, v->line, v->column, "operators.people must be a mapping of user names");
		return false;
	}
	bool ok = yamltree_check_keys(v, file, d);
	for (int i = 0; i + 1 < v->count; i += 2)
		if (v->items[i]->type == YNODE_SCALAR)
			ok &= load_person(c, v->items[i], v->items[i + 1], file, d);
	return ok;
}

/* A mapping of names to strings (console.keys, console.views). */
static bool load_pairs(struct config_pairs *out, const char *what, const char *shape,
		       const struct ynode *v, const char *file, struct diag *d)
{
	if (v->type != YNODE_MAPPING) {
		diag_add(d, file, v->line, v->column, "%s must be a mapping of %s", what, shape);
		return false;
	}
	bool ok = yamltree_check_keys(v, file, d);
	free_pairs(out);
	out->items = calloc(v->count / 2 + 1, sizeof *out->items);
	for (int i = 0; i + 1 < v->count; i += 2) {
		const struct ynode *k = v->items[i], *val = v->items[i + 1];
		const char *s;
		if (k->type != YNODE_SCALAR || !yamltree_string(val, file, k->value, &s, d)) {
			ok = false;
			continue;
		}
		out->items[out->count++] = (struct config_pair){
			.name = strdup(k->value), .value = strdup(s), .line = val->line, .column = val->column};
	}
	return ok;
}

/* A view's name is typed after `list --view` and shown in a picker. */
#define VIEW_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

static bool check_view_names(const struct config_pairs *views, const char *file, struct diag *d)
{
	bool ok = true;
	for (int i = 0; i < views->count; i++) {
		const struct config_pair *v = &views->items[i];
		size_t len = strlen(v->name);
		if (len == 0 || len > 64 || strspn(v->name, VIEW_NAME_CHARS) != len || !v->value[strspn(v->value, " ")]) {
			diag_add(d, file, v->line, v->column,
				 "console.views.%s: a view needs a name of letters, digits, '-', '_' or '.' and a filter",
				 v->name);
			ok = false;
		}
	}
	return ok;
}

/* Keys that are not scalars: lists and mappings with their own loaders. */
static bool load_compound(struct config *c, const char *section, const struct ynode *k,
			  const struct ynode *v, const char *file, struct diag *d, bool *handled)
{
	*handled = true;
	if (strcmp(section, "smtp") == 0 && strcmp(k->value, "recipients") == 0)
		return load_recipients(c, v, file, d);
	if (strcmp(section, "operators") == 0 && strcmp(k->value, "people") == 0)
		return load_people(c, v, file, d);
	if (strcmp(section, "console") == 0 && strcmp(k->value, "keys") == 0)
		return load_pairs(&c->console.keys, "console.keys", "action: key", v, file, d);
	if (strcmp(section, "console") == 0 && strcmp(k->value, "views") == 0)
		return load_pairs(&c->console.views, "console.views", "name: filter", v, file, d) &&
		       check_view_names(&c->console.views, file, d);
	*handled = false;
	return true;
}

static const struct key_spec *find_spec(const char *section, const char *key)
{
	for (size_t i = 0; i < sizeof key_specs / sizeof key_specs[0]; i++) {
		const struct key_spec *k = &key_specs[i];
		if (((!section && !k->section) || (section && k->section && !strcmp(section, k->section))) &&
		    strcmp(k->key, key) == 0)
			return k;
	}
	return NULL;
}

static bool load_mapping(struct config *c, const char *section, const struct ynode *map,
			 const char *file, struct diag *d)
{
	if (map->type != YNODE_MAPPING) {
		diag_add(d, file, map->line, map->column, "%s must be a mapping of keys",
			 section ? section : "the configuration");
		return false;
	}
	bool ok = yamltree_check_keys(map, file, d);
	for (int i = 0; i + 1 < map->count; i += 2) {
		const struct ynode *k = map->items[i], *v = map->items[i + 1];
		if (k->type != YNODE_SCALAR)
			continue;
		if (!section && parse_choice(k->value, sections, (int)(sizeof sections / sizeof sections[0])) >= 0) {
			ok &= load_mapping(c, k->value, v, file, d);
			continue;
		}
		bool handled = false;
		if (section)
			ok &= load_compound(c, section, k, v, file, d, &handled);
		if (handled)
			continue;
		const struct key_spec *spec = find_spec(section, k->value);
		if (!spec) {
			diag_add(d, file, k->line, k->column, "unknown key '%s%s%s'", section ? section : "",
				 section ? "." : "", k->value);
			ok = false;
			continue;
		}
		ok &= apply_key(c, spec, v, file, d);
	}
	return ok;
}

static void check_cross_fields(struct config *c, const struct ynode *root, const char *file,
			       struct diag *d)
{
	const struct ynode *smtp = yamltree_get(root, "smtp");
	if (c->smtp.url[0] && !c->smtp.from[0]) {
		diag_add(d, file, smtp ? smtp->line : 0, smtp ? smtp->column : 0,
			 "smtp.from is required when smtp.url is set");
	}
	if (c->smtp.password_env[0] && c->smtp.password_file[0]) {
		diag_add(d, file, smtp ? smtp->line : 0, smtp ? smtp->column : 0,
			 "set smtp.password_env or smtp.password_file, not both");
	}
}

bool config_load(struct config *c, const char *file, const char *text, struct diag *d)
{
	int before = d->count;
	/* a configuration another user owns or can change could send restore
	 * mails, and their content, anywhere (base/trust.h) */
	struct buf trusted = {0};
	char why[600];
	if (!text && !trust_read(file, TRUST_SETTINGS, &trusted, why, sizeof why)) {
		diag_add(d, NULL, 0, 0, "%s", why);
		buf_free(&trusted);
		return false;
	}
	struct ynode *root = yamltree_load(file, text ? text : trusted.data, d);
	buf_free(&trusted);
	if (!root)
		return false;
	struct config loaded;
	config_defaults(&loaded);
	load_mapping(&loaded, NULL, root, file, d);
	if (d->count == before)
		check_cross_fields(&loaded, root, file, d);
	yamltree_free(root);
	if (d->count != before) {
		config_free(&loaded);
		return false;
	}
	loaded.source = strdup(file);
	config_free(c);
	*c = loaded;
	return true;
}

char *config_find(const char *explicit_path)
{
	if (explicit_path)
		return strdup(explicit_path);
	const char *env = getenv("THAW_CONFIG");
	if (env && *env)
		return strdup(env);
	if (access("config.yaml", F_OK) == 0)
		return strdup("config.yaml");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL;
	if (xdg && *xdg) {
		if (asprintf(&path, "%s/thaw/config.yaml", xdg) < 0)
			return NULL;
	} else if (home && *home) {
		if (asprintf(&path, "%s/.config/thaw/config.yaml", home) < 0)
			return NULL;
	}
	if (path && access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}

const struct config_pair *config_view(const struct config *c, const char *name)
{
	for (int i = 0; i < c->console.views.count; i++)
		if (strcmp(c->console.views.items[i].name, name) == 0)
			return &c->console.views.items[i];
	return NULL;
}

const struct operator_entry *config_operator(const struct config *c, const char *name)
{
	for (int i = 0; i < c->operators.count; i++)
		if (strcmp(c->operators.people[i].name, name) == 0)
			return &c->operators.people[i];
	return NULL;
}

int config_role(const struct config *c, const char *name, const char *workspace)
{
	return config_role_of(c, name, geteuid(), workspace);
}

int config_role_of(const struct config *c, const char *name, uid_t me, const char *workspace)
{
	const struct operator_entry *op = config_operator(c, name);
	struct stat ws, cf;
	/* a server's workspace has no owner here: only a shared configuration
	 * (operators.people) gives a role; never stat() a URI, which a viewer
	 * could shape into a path of their own */
	bool has_ws = !storage_is_server(workspace) && stat(workspace, &ws) == 0;
	if (me == 0 || (has_ws && ws.st_uid == me))
		return op ? op->role : ROLE_ADMIN;
	bool shared = c->source && stat(c->source, &cf) == 0 &&
		      (cf.st_uid == 0 || (has_ws && cf.st_uid == ws.st_uid));
	if (!shared)
		return ROLE_VIEWER;
	return op ? op->role : c->operators.default_role;
}
