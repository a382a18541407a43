/*
 * cmd_readers.c — reading interaction data: segment, user, export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/model.h"
#include "base/outfile.h"
#include "base/text.h"
#include "cli/cli.h"
#include "present.h"
#include "readers/lookup.h"
#include "readers/profile.h"
#include "readers/segment.h"
#include "storage/objects.h"
#include "storage/users.h"

/* Joins the positional arguments with spaces: the shell splits expressions. */
static char *joined(char **pos, int n)
{
	struct buf b = {0};
	buf_adds(&b, "");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", pos[i]);
	return b.data;
}

/* An expression refused at a column ("column N: ..."): the message, the
 * expression and a caret under the column; a usage error. */
static int refuse_at_column(const struct command *self, const char *err, const char *expr)
{
	int column = atoi(err + 7);
	fprintf(stderr, "thaw %s: %s\n  ", self->name, err);
	present_fputs(expr, stderr);
	fprintf(stderr, "\n  %*s^\n", column > 0 ? column - 1 : 0, "");
	return EXIT_USAGE;
}

/* Evaluates an expression, or a stored segment when `stored` is set. */
static int evaluate(struct cli *c, struct storage *s, const struct command *self, const char *expr,
		    bool stored, int64_t **ids, int *n)
{
	char err[512];
	if (stored) {
		if (segment_eval_stored(s, expr, cli_now(c), ids, n, err, sizeof err) < 0)
			return cli_fail("%s", err);
		return EXIT_OK;
	}
	struct segment_expr *e = segment_parse(expr, cli_now(c), err, sizeof err);
	if (!e)
		return refuse_at_column(self, err, expr);
	struct buf notes = {0};
	int rc = segment_check(s, e, err, sizeof err, &notes);
	if (rc == 0) {
		/* each note a line of its own: "thaw: note: column 1: ..." */
		for (char *line = notes.data, *nl; line && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			*nl = '\0';
			fputs("thaw: note: ", stderr);
			present_fputs(line, stderr);
			fputc('\n', stderr);
		}
		rc = segment_eval(s, e, cli_now(c), ids, n, err, sizeof err);
	}
	buf_free(&notes);
	segment_free(e);
	return rc > 0 ? refuse_at_column(self, err, expr) : rc < 0 ? cli_fail("%s", err) : EXIT_OK;
}

int cmd_segment(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool count = false, users = false, json = false;
	const char *stored = NULL;
	const struct option opts[] = {{"count", false, &count}, {"users", false, &users},
				      {"json", false, &json}, {"stored", true, &stored}, {NULL, false, NULL}};
	char **pos;
	int npos, rc = cli_parse(self, argc, argv, opts, &pos, &npos);
	char *expr = rc == 0 ? joined(pos, npos) : NULL;
	free(pos);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!stored && !*expr) {
		free(expr);
		return cli_usage(self, "give an expression or --stored NAME");
	}
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK) {
		free(expr);
		return rc;
	}
	int64_t *ids = NULL;
	int n = 0;
	rc = evaluate(c, s, self, stored ? stored : expr, stored != NULL, &ids, &n);
	if (rc == EXIT_OK) {
		struct buf b = {0};
		if (json)
			buf_printf(&b, "{\"count\":%d%s", n, users ? ",\"users\":[" : "}\n");
		else if (!users || count)
			buf_printf(&b, "%s\n", COUNTED(n, "user", "users"));
		for (int i = 0; users && !count && i < n; i++) {
			struct user_row u;
			if (storage_user_get(s, ids[i], &u) <= 0)
				continue;
			if (json) {
				if (i)
					buf_addc(&b, ',');
				text_json_string(&b, u.external_id);
			} else {
				text_sanitize_terminal(&b, u.external_id);
				buf_addc(&b, '\n');
			}
			user_row_free(&u);
		}
		if (json && users)
			buf_adds(&b, "]}\n");
		if (b.data)
			fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	}
	free(ids);
	free(expr);
	storage_close(s);
	return rc;
}

static int find_user(struct cli *c, struct storage *s, const char *external_id, int64_t *id)
{
	(void)c;
	struct user_row u;
	int found = storage_user_find(s, external_id, &u);
	if (found <= 0)
		return found < 0 ? cli_fail("%s", storage_error(s)) : cli_fail("no user '%s'", external_id);
	*id = u.id;
	user_row_free(&u);
	return EXIT_OK;
}

int cmd_user(struct cli *c, const struct command *self, int argc, char **argv)
{
	bool json = false;
	const struct option opts[] = {{"json", false, &json}, {NULL, false, NULL}};
	const char *key;
	int rc = cli_parse_one(self, argc, argv, opts, &key, "which user? (an external id)");
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct storage *s;
	int64_t id;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	if ((rc = find_user(c, s, key, &id)) == EXIT_OK) {
		struct buf b = {0};
		if ((json ? profile_json(s, id, &b) : profile_text(s, id, &b)) < 0)
			rc = cli_fail("%s", storage_error(s));
		else {
			if (json)
				buf_addc(&b, '\n');
			fwrite(b.data, 1, b.len, stdout);
		}
		buf_free(&b);
	}
	storage_close(s);
	return rc;
}

/* Exports go to a temporary file renamed into place: never half a file.
 * They hold personal data, so the file is private (0600). */
/* Standard output, or an --out file written whole or not at all. */
struct output {
	FILE *fp;
	bool to_file;
	struct outfile file;
};

static int output_open(struct output *o, const char *path)
{
	char why[600];
	o->to_file = path != NULL;
	o->fp = stdout;
	/* an export writes hundreds of megabytes: in big writes, except to a
	 * terminal, which shows each line as it comes */
	if (!path && !isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 18);
	if (!path)
		return EXIT_OK;
	if (!outfile_open(&o->file, path, why, sizeof why))
		return cli_fail("%s", why);
	o->fp = o->file.fp;
	return EXIT_OK;
}

static int output_close(struct output *o, bool ok)
{
	char why[600];
	if (!o->to_file) {
		fflush(stdout);
		return ok ? EXIT_OK : EXIT_RUNTIME;
	}
	if (outfile_close(&o->file, ok, why, sizeof why))
		return EXIT_OK;
	return ok ? cli_fail("%s", why) : EXIT_RUNTIME;
}

/* Where exported users go, and the progress line a terminal shows. */
struct export_run {
	FILE *fp;
	int written, total;
	bool progress;
	int64_t started_ms, shown_ms;
};

static int write_user(void *ctx, const struct buf *line)
{
	struct export_run *r = ctx;
	if (fwrite(line->data, 1, line->len, r->fp) != line->len || fputc('\n', r->fp) == EOF)
		return -1;
	r->written++;
	int64_t now = clock_mono_ms();
	if (r->progress && (now - r->shown_ms >= 250 || r->written == r->total)) {
		double seconds = (double)(now - r->started_ms) / 1000.0;
		fprintf(stderr, "\rexport: %s of %s, %s users/s ", COUNT(r->written), COUNTED(r->total, "user", "users"),
			COUNT(seconds > 0 ? (int64_t)(r->written / seconds) : 0));
		r->shown_ms = now;
	}
	return 0;
}

static int export_users(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *segment = NULL, *stored = NULL, *out = NULL;
	bool ids_given = false;
	const struct option opts[] = {{"segment", true, &segment}, {"stored", true, &stored},
				      {"ids", false, &ids_given}, {"out", true, &out}, {NULL, false, NULL}};
	char **pos;
	int npos, rc = cli_parse(self, argc, argv, opts, &pos, &npos);
	if (rc == 0 && (ids_given != (npos > 0) || (ids_given + !!segment + !!stored) != 1))
		rc = cli_usage(self, "export users takes --ids ID... or --segment EXPR or --stored NAME");
	struct storage *s = NULL;
	if (rc == 0)
		rc = cli_open(c, false, &s);
	int64_t *ids = NULL;
	int n = 0;
	if (rc == 0 && ids_given) {
		ids = malloc((size_t)(npos + 1) * sizeof *ids);
		for (int i = 0; i < npos && rc == 0; i++)
			rc = find_user(c, s, pos[i], &ids[n++]);
	} else if (rc == 0) {
		rc = evaluate(c, s, self, segment ? segment : stored, stored != NULL, &ids, &n);
	}
	free(pos);
	struct output o = {0};
	if (rc == 0)
		rc = output_open(&o, out);
	if (rc == 0) {
		/* a batch of users at a time: memory does not grow with the export;
		 * on a terminal, a progress line on stderr (the users go to stdout) */
		struct export_run run = {.fp = o.fp, .total = n, .progress = isatty(STDERR_FILENO),
					 .started_ms = clock_mono_ms()};
		bool ok = profile_export(s, ids, n, write_user, &run) == 0;
		if (run.progress && run.written)
			fputc('\n', stderr);
		if (!ok)
			fprintf(stderr, "thaw: export stopped: %s\n", storage_error(s));
		rc = output_close(&o, ok);
		if (rc == EXIT_OK && out)
			fprintf(stderr, "%s written to %s\n", COUNTED(n, "user", "users"), out);
	}
	free(ids);
	storage_close(s);
	return rc < 0 ? EXIT_OK : rc;
}

static int export_csv(struct cli *c, const struct command *self, int argc, char **argv)
{
	const char *out = NULL;
	const struct option opts[] = {{"out", true, &out}, {NULL, false, NULL}};
	const char *key;
	int rc = cli_parse_one(self, argc, argv, opts, &key, "export csv takes one object");
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct storage *s;
	if ((rc = cli_open(c, false, &s)) != EXIT_OK)
		return rc;
	struct object_row obj;
	char why[512];
	int found = lookup_object(s, key, &obj, why, sizeof why);
	if (found <= 0) {
		rc = cli_fail("%s", found < 0 ? storage_error(s) : why);
		storage_close(s);
		return rc;
	}
	struct output o = {0};
	char err[256];
	int64_t rows;
	if (obj.state != IXD_AVAILABLE) {
		profile_object_csv(s, &obj, NULL, &rows, err, sizeof err);
		rc = cli_fail("cannot export %s: %s", obj.api_id, err);
	} else if ((rc = output_open(&o, out)) == EXIT_OK) {
		bool ok = profile_object_csv(s, &obj, o.fp, &rows, err, sizeof err) == 0;
		if (!ok)
			fprintf(stderr, "thaw: %s\n", err);
		rc = output_close(&o, ok);
		if (rc == EXIT_OK && out)
			fprintf(stderr, "%s written to %s\n", COUNTED(rows, "recipient", "recipients"), out);
	}
	object_row_free(&obj);
	storage_close(s);
	return rc;
}

int cmd_export(struct cli *c, const struct command *self, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "users") == 0)
		return export_users(c, self, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "csv") == 0)
		return export_csv(c, self, argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		cli_print_help(self);
		return EXIT_OK;
	}
	return cli_usage(self, "say export users ... or export csv OBJ");
}
