#include "manual.h"

#include <string.h>

#include "console/keymap.h"

/* Text as roff reads it literally: backslashes doubled, a leading dot or
 * quote made harmless, and dashes as the minus sign options are typed with. */
static void roff_text(FILE *out, const char *text)
{
	bool line_start = true;
	for (const char *p = text; *p; p++) {
		if (line_start && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
		line_start = *p == '\n';
	}
}

/* A block kept as written (no filling), e.g. option lists. */
static void roff_block(FILE *out, const char *text)
{
	fputs(".nf\n", out);
	roff_text(out, text);
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', out);
	fputs(".fi\n", out);
}

static void commands_section(FILE *out, const struct command *commands, int count)
{
	fputs(".SH COMMANDS\nWith no command, thaw opens the console on a terminal "
	      "(and prints a summary elsewhere).\n", out);
	for (int i = 0; i < count; i++) {
		const struct command *c = &commands[i];
		fputs(".TP\n.B thaw ", out);
		roff_text(out, c->name);
		fputc(' ', out);
		/* the synopsis may run over two lines: keep the first as the tag */
		char args[512];
		snprintf(args, sizeof args, "%s", c->args);
		char *nl = strchr(args, '\n');
		if (nl)
			*nl = '\0';
		roff_text(out, args);
		fputc('\n', out);
		if (nl)
			roff_block(out, nl + 1);
		roff_text(out, c->summary);
		fputc('\n', out);
		if (c->help[0])
			roff_block(out, c->help);
	}
}

static void keys_section(FILE *out)
{
	struct keymap k;
	struct config defaults;
	struct diag d = {0};
	config_defaults(&defaults);
	keymap_load(&k, &defaults, &d, &d);
	fputs(".SH CONSOLE KEYS\nThe default bindings; console.keys in the configuration changes them "
	      "(action: key), and ? in the console shows the live ones.\n", out);
	for (int a = 0; a < ACT__COUNT; a++) {
		char keys[64];
		keymap_keys_text(&k, a, keys, sizeof keys);
		fputs(".TP\n.B ", out);
		roff_text(out, keys);
		fputs("\n(", out);
		roff_text(out, action_name(a));
		fputs(") ", out);
		roff_text(out, action_help(a));
		fputc('\n', out);
	}
	diag_clear(&d);
	config_free(&defaults);
}

void manual_print(FILE *out, const struct command *commands, int count, const char *global_options)
{
	fprintf(out, ".TH THAW 1 \"\" \"thaw %s\" \"User Commands\"\n", THAW_VERSION);
	fputs(".SH NAME\nthaw \\- keep messaging interaction data hot or cold, and restore it on request\n"
	      ".SH SYNOPSIS\n.B thaw\n[\\fIGLOBAL OPTIONS\\fR] [\\fICOMMAND\\fR [\\fIARGS\\fR]]\n"
	      ".SH DESCRIPTION\nthaw administers who received, opened, clicked or converted on which "
	      "campaign or Canvas.  The data lives in one workspace in two tiers: a stopped campaign's "
	      "data goes cold after policy.expire_after_months unless an active object still retargets "
	      "it; operators find it, restore it as a background job, and are told when it is done.\n"
	      ".SH GLOBAL OPTIONS\n", out);
	roff_block(out, global_options);
	commands_section(out, commands, count);
	keys_section(out);
	fputs(".SH CONFIGURATION\nEvery key with its default and meaning, as the documented config.yaml "
	      "(installed as an example beside the README):\n", out);
	roff_block(out, thaw_documented_config);
	fputs(".SH EXIT STATUS\n.TP\n.B 0\nsuccess\n.TP\n.B 1\na runtime error: one line on standard error "
	      "says why (a failed job for \\fBrestore \\-\\-wait\\fR)\n.TP\n.B 2\na usage or configuration "
	      "error, reported with file, line and column where there is one\n"
	      ".SH ENVIRONMENT\n.TP\n.B THAW_CONFIG\nthe configuration file, when \\-\\-config is not given\n"
	      ".TP\n.B THAW_NOW\nfixes the clock (ISO-8601), for tests and demos\n"
	      ".TP\n.B NO_COLOR\nthe console draws without colour\n"
	      ".TP\n.B SSH_CLIENT\nrecorded with every change in the audit log\n"
	      ".SH FILES\n.TP\n.I ./config.yaml, $XDG_CONFIG_HOME/thaw/config.yaml\nthe configuration, "
	      "looked for in that order after \\-\\-config and THAW_CONFIG; it must belong to the operator "
	      "or root\n.TP\n.I thaw-demo.db\nthe demo workspace of \\fBthaw demo\\fR\n"
	      ".SH SEE ALSO\n.BR sqlite3 (1),\n.BR systemd.service (5)\n", out);
}
