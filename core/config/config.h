/*
 * config — thaw's configuration (SPEC §8), loaded from YAML with libyaml.
 *
 * config_defaults() fills every key with its documented default, so thaw runs
 * without any file.  config_load() overlays one file and reports every
 * problem (unknown or duplicate key, wrong type, value out of range,
 * malformed date / e-mail / URL, aliases, several documents) with
 * file:line:column.  On error the config is left at its defaults.
 */
#ifndef THAW_CONFIG_H
#define THAW_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/diag.h"

enum role { ROLE_VIEWER, ROLE_ADMIN };
enum starttls_mode { STARTTLS_OFF, STARTTLS_TRY, STARTTLS_REQUIRED };

struct operator_entry {
	char *name;  /* operating-system user name */
	char *email;
	int role;    /* enum role */
};

/* One entry of a name: value mapping, with where its value was written. */
struct config_pair {
	char *name;
	char *value;
	int line, column;
};

struct config_pairs {
	struct config_pair *items;
	int count;
};

struct config {
	char *source; /* file the values came from, NULL = defaults only */
	char *database;
	struct {
		int expire_after_months;
		int expiring_soon_days;
	} policy;
	struct {
		int batch_rows;
		int max_rows_per_second; /* 0 = no limit */
		int sweep_minute_of_day; /* UTC, from "HH:MM" */
		bool sweep_enabled;
		int lease_seconds;
		int poll_ms;
	} worker;
	struct {
		char *url; /* "" = mail disabled */
		int starttls;
		char *user;
		char *password_env;
		char *password_file;
		char *from;
		char **recipients;
		int recipient_count;
		int connect_timeout_seconds;
		int timeout_seconds;
		int max_attempts;
		int retry_base_seconds;
		char *ca_file;
		bool verify_peer;
	} smtp;
	struct {
		char *webhook_url; /* "" = none */
		char *command;     /* "" = none; run with /bin/sh -c */
		int timeout_seconds;
		int max_attempts;
		int retry_base_seconds;
	} notify;
	struct {
		int default_role;
		struct operator_entry *people;
		int count;
	} operators;
	struct {
		char *theme;
		int refresh_ms;
		bool mouse;
		/* action: key spelling ("R", "ctrl-l", "f5"), checked by the console */
		struct config_pairs keys;
		/* saved view name: filter ("tag:xmas state:expired") */
		struct config_pairs views;
	} console;
};

void config_defaults(struct config *c);
void config_free(struct config *c);

/* Loads `file` (or `text` named `file` in messages) over the defaults. */
bool config_load(struct config *c, const char *file, const char *text, struct diag *d);

/*
 * Finds the file to load: `explicit_path`, else $THAW_CONFIG, else
 * ./config.yaml, else $XDG_CONFIG_HOME/thaw/config.yaml (~/.config when
 * unset).  Returns a malloc'd path, or NULL when there is none.
 */
char *config_find(const char *explicit_path);

/* The saved view (console.views) called `name`, or NULL. */
const struct config_pair *config_view(const struct config *c, const char *name);

/* The operator entry for an OS user, or NULL. */
const struct operator_entry *config_operator(const struct config *c, const char *name);

/*
 * The role of the operator running thaw (effective user `name`) on the
 * workspace at `workspace`.  A role comes from somewhere the operator
 * cannot write unless they may change the workspace anyway:
 *  - root and the owner of the workspace file are admins (operators.people
 *    may lower them);
 *  - anyone else gets operators.people or operators.default_role only
 *    from a configuration that belongs to root or to the workspace's owner
 *    (a team's shared file); their own configuration can lower their role,
 *    never raise it: with one, they are viewers.
 */
int config_role(const struct config *c, const char *name, const char *workspace);
/* The same for any user (`name`, `uid`) under this configuration: what
 * `thaw check` holds a workspace's file modes against. */
int config_role_of(const struct config *c, const char *name, uid_t uid, const char *workspace);

bool config_valid_email(const char *s);

#endif
