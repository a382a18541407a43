/*
 * main.c — the thaw executable, for the command line and the console alike:
 * global options, configuration, dispatch.
 *
 * `thaw` with no command opens the console on a terminal (a workspace
 * summary when output is not a terminal).  Global options may appear
 * anywhere before "--".
 */
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "console/theme.h"
#include "manual.h"
#include "present.h"
#include "storage/storage.h"


static const struct command commands[] = {
	{"list", cmd_list, "[--kind K] [--status S] [--state S] [--tag T] [--search TEXT] [--filter F | --view NAME]\n"
	 "       [--sort COL] [--desc] [--limit N] [--json|--csv|--ids|--tags]",
	 "List campaigns and Canvases with status, IxD state, expiry and event counts.",
	 "  --kind campaign|canvas\n"
	 "  --status draft|active|idle|stopped|archived\n"
	 "  --state available|expiring|kept|expired|restoring|purged|none\n"
	 "  --tag TAG            objects carrying TAG\n"
	 "  --search TEXT        case-insensitive name substring\n"
	 "  --filter F           the console's filter language: \"sale tag:xmas !state:expired\"\n"
	 "  --view NAME          a saved view (console.views in the configuration)\n"
	 "  --sort COL           name, kind, status, last_sent, state, expires, hot, cold, tags\n"
	 "  --desc               reverse the order\n"
	 "  --limit N            at most N rows\n"
	 "  --json | --csv       machine-readable output\n"
	 "  --ids                api ids only, one a line (for `thaw restore -`)\n"
	 "  --tags               every tag of the workspace, one a line (filters do not apply)\n"},
	{"show", cmd_show, "OBJ [--json]",
	 "Show one object (api id or exact name): state, expiry and why, setup, counts, restores.", ""},
	{"import", cmd_import, "FILE|DIR... [--json]",
	 "Import workspace files (YAML), event files (CSV) and Braze Currents files (Avro; a directory\n"
	 "           imports every .avro below it), each file in one transaction.", ""},
	{"demo", cmd_demo, "[--size small|medium|large] [--seed N] [--out FILE] [--force] [--open]",
	 "Create a realistic demo workspace (reused if it already exists).",
	 "  --size S     small (~300 objects, 200k events), medium (3,000 / 5M), large (100,000 / 100M)\n"
	 "  --seed N     random seed (default 1)\n"
	 "  --out FILE   where to write it (default: --db, else thaw-demo.db)\n"
	 "  --force      replace an existing file\n"
	 "  --open       open it afterwards\n"},
	{"migrate", cmd_migrate, "--to LOCATION",
	 "Copy the whole workspace into a new database (PostgreSQL, or a new SQLite file), verified.",
	 "  --to LOCATION  postgresql://… (an empty database) or a file that does not exist yet;\n"
	 "                 every table's rows and each object's events are counted on both sides\n"
	 "                 before the copy commits; interrupted, nothing is left there\n"},
	{"sweep", cmd_sweep, "[--dry-run] [--json]",
	 "Expire every stopped object that is due (moves its events to cold).", ""},
	{"forecast", cmd_forecast, "[--weeks N] [--json]",
	 "What the sweep will expire week by week (objects, events, a bar chart), and what is kept.",
	 "  --weeks N    how many weeks ahead (default 13, at most 104)\n"
	 "  --json       the weeks with their objects' api ids, and the keepers\n"},
	{"restore", cmd_restore, "OBJ... | - | --tag T [--dry-run] [--wait] [--json]",
	 "Ask for a restore job: objects by api id or name, or every expired object with a tag.",
	 "  -            the api ids on standard input, one a line (thaw list --ids | thaw restore -)\n"
	 "  --tag T      every object carrying tag T (its expired ones are restored)\n"
	 "  --dry-run    say what it would restore and skip, how long it would take, and until\n"
	 "               when the data would stay; change nothing\n"
	 "  --wait       run the job here and return when it has finished\n"},
	{"cancel", cmd_cancel, "JOB", "Cancel a restore job between batches.", ""},
	{"jobs", cmd_jobs, "[JOB] [--watch] [--json]",
	 "Restore jobs with state, progress, rate, ETA and per-object outcome.",
	 "  --watch      the running and queued jobs, one line each, every second (Ctrl-C stops);\n"
	 "               with JOB, until that job ends: exit 0 done, 1 failed or cancelled\n"},
	{"worker", cmd_worker, "[--once]",
	 "Run queued restore jobs and the daily sweep until stopped (SIGTERM/SIGINT).",
	 "  --once       do what is pending, then exit\n"},
	{"segment", cmd_segment, "EXPR | --stored NAME [--count|--users] [--json]",
	 "Which users a segment expression (or a stored segment) matches; see README.",
	 "  --stored NAME  a segment of the workspace, by api id or name\n"
	 "  --count        only the number (the default shows it too)\n"
	 "  --users        list the users' external ids\n"},
	{"user", cmd_user, "ID [--json]",
	 "One user's campaigns and Canvas messages received (available data only).", ""},
	{"export", cmd_export, "users --ids ID... | --segment EXPR | --stored NAME [--out FILE]\n"
	 "       thaw export csv OBJ [--out FILE]",
	 "Export users as JSON Lines (/users/export shape), or one object's recipients as CSV.",
	 "  --out FILE     write there (mode 0600, complete or not at all) instead of stdout\n"},
	{"mail", cmd_mail, "test ADDRESS",
	 "Send a test message with the configured SMTP settings and show the server's answer.", ""},
	{"check", cmd_check, "[--json]",
	 "Verify the workspace: integrity, counts, cold chunks, every event in one tier.", ""},
	{"status", cmd_status, "",
	 "Whether a worker is running (its heartbeat: host, since when, last seen) and jobs waiting.", ""},
	{"metrics", cmd_metrics, "",
	 "Print Prometheus metrics (objects by state, events by tier, jobs, the oldest waiting job,\n"
	 "           the last sweep, mail) for node_exporter's textfile collector.", ""},
	{"audit", cmd_audit, "[--since TIME] [--limit N] [--json]", "Show the audit log.", ""},
};

#define COMMAND_COUNT (int)(sizeof commands / sizeof commands[0])

static const char global_options[] =
	"  --config FILE   configuration file (else $THAW_CONFIG, ./config.yaml,\n"
	"                  $XDG_CONFIG_HOME/thaw/config.yaml; none = defaults)\n"
	"  --db LOCATION   the workspace: a SQLite file, or postgresql://… (a PostgreSQL\n"
	"                  database); else $THAW_DB, else config `database`, default thaw.db\n"
	"  --now TIME      fix the clock, ISO-8601 (also $THAW_NOW), for tests and demos\n"
	"  --read-only     never change anything\n"
	"  --theme NAME    console theme from themes/ (default, light, high-contrast, monochrome)\n"
	"  --man           print the manual page thaw(1) (roff)\n"
	"  --version, --help\n";

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: thaw [--config FILE] [--db LOCATION] [--now TIME] [--read-only] [--theme NAME] [COMMAND [ARGS]]\n\n"
		"thaw keeps messaging interaction data hot or cold and restores it on request.\n"
		"With no command it opens the console.\n\nCommands:\n");
	for (int i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nGlobal options:\n%s\nthaw COMMAND --help shows a command's options.\n", global_options);
}

struct globals {
	const char *config, *db, *now, *theme;
	bool read_only, help, version, man;
};

/* Takes the global options out of argv, wherever they are before "--". */
static int take_globals(int *argc, char **argv, struct globals *g)
{
	int out = 1;
	bool done = false;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;
		size_t len = 0;
		if (!done && strcmp(a, "--") == 0)
			done = true;
		if (done) {
			argv[out++] = argv[i];
			continue;
		}
		if (strcmp(a, "--read-only") == 0) {
			g->read_only = true;
			continue;
		}
		if (strcmp(a, "--version") == 0 && out == 1) {
			g->version = true;
			continue;
		}
		if (strcmp(a, "--man") == 0 && out == 1) {
			g->man = true;
			continue;
		}
		if ((strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) && out == 1) {
			g->help = true;
			continue;
		}
		if (strncmp(a, "--config", len = 8) == 0)
			target = &g->config;
		else if (strncmp(a, "--db", len = 4) == 0)
			target = &g->db;
		else if (strncmp(a, "--now", len = 5) == 0)
			target = &g->now;
		else if (strncmp(a, "--theme", len = 7) == 0)
			target = &g->theme;
		if (target && (a[len] == '\0' || a[len] == '=')) {
			if (a[len] == '=') {
				*target = a + len + 1;
			} else if (i + 1 < *argc) {
				*target = argv[++i];
			} else {
				fprintf(stderr, "thaw: %s needs a value\n", a);
				return EXIT_USAGE;
			}
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return EXIT_OK;
}

static void find_operator(struct cli *c)
{
	struct passwd *pw = getpwuid(geteuid());
	snprintf(c->operator_name, sizeof c->operator_name, "%s", pw ? pw->pw_name : "unknown");
	/* SSH_CLIENT is "address port port": the address is what the audit needs */
	const char *ssh = getenv("SSH_CLIENT");
	if (ssh && *ssh)
		snprintf(c->ssh_client, sizeof c->ssh_client, "%.*s", (int)strcspn(ssh, " "), ssh);
	c->actor.name = c->operator_name;
	c->actor.ssh_client = c->ssh_client[0] ? c->ssh_client : NULL;
}

static int load_config(struct cli *c, const char *explicit_path)
{
	config_defaults(&c->config);
	char *path = config_find(explicit_path);
	if (!path)
		return EXIT_OK;
	struct diag d = {0};
	bool ok = config_load(&c->config, path, NULL, &d);
	if (!ok) {
		diag_print(&d, stderr);
		fprintf(stderr, "thaw: configuration rejected (%d problem%s)\n", d.count, d.count == 1 ? "" : "s");
	}
	diag_clear(&d);
	free(path);
	return ok ? EXIT_OK : EXIT_USAGE;
}

static int set_clock(struct cli *c, const char *now)
{
	if (!now || !*now)
		now = getenv("THAW_NOW");
	if (!now || !*now)
		return EXIT_OK;
	if (!clock_parse(now, &c->clock.fixed_now)) {
		fprintf(stderr, "thaw: --now / THAW_NOW must be an ISO-8601 time like 2026-11-29T10:00:00Z, not '%s'\n", now);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* --theme names a theme that exists, or it is a usage error saying which do. */
static int check_theme(const char *name)
{
	char dir[1024], names[512];
	theme_directory(dir, sizeof dir);
	if (theme_exists(dir, name, names, sizeof names))
		return EXIT_OK;
	fprintf(stderr, "thaw: --theme: no theme '%s' in %s (there are: %s)\n", name, dir, names[0] ? names : "none");
	return EXIT_USAGE;
}

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a terminal that goes away: finish the batch, hand the job back */
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct globals g = {0};
	int rc = take_globals(&argc, argv, &g);
	if (rc != EXIT_OK)
		return rc;
	if (g.version) {
		printf("thaw %s (storage: %s)\n", THAW_VERSION, storage_engine_version());
		return EXIT_OK;
	}
	if (g.help) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (g.man) {
		manual_print(stdout, commands, COMMAND_COUNT, global_options);
		return EXIT_OK;
	}
	struct cli c = {.read_only = g.read_only, .theme = g.theme, .stop = &stop_requested};
	find_operator(&c);
	if ((rc = load_config(&c, g.config)) != EXIT_OK || (rc = set_clock(&c, g.now)) != EXIT_OK) {
		config_free(&c.config);
		return rc;
	}
	/* --db, else THAW_DB, else the configuration's database */
	const char *env_db = getenv("THAW_DB");
	c.db_path = g.db ? g.db : env_db && *env_db ? env_db : c.config.database;
	if (g.theme && (rc = check_theme(g.theme)) != EXIT_OK) {
		config_free(&c.config);
		return rc;
	}
	install_signals();
	const struct command console = {"", cmd_console, "", "The console (a summary when not on a terminal).", ""};
	const struct command *cmd = argc < 2 ? &console : NULL;
	for (int i = 0; !cmd && i < COMMAND_COUNT; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		/* one line and where to look, not the whole help a typo would scroll by */
		fputs("thaw: unknown command '", stderr);
		present_fputs(argv[1], stderr);
		fputs("' (see thaw --help)\n", stderr);
		config_free(&c.config);
		return EXIT_USAGE;
	}
	rc = cmd->run(&c, cmd, argc < 2 ? 0 : argc - 2, argv + 2);
	config_free(&c.config);
	return rc;
}
