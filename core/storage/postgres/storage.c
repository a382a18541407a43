/*
 * storage.c — opening a PostgreSQL workspace, transactions and metadata.
 *
 * The location is a libpq URI (postgresql://… or postgres://…) or
 * "postgresql:" followed by libpq keywords ("postgresql:service=thaw",
 * or nothing at all: libpq's PGHOST, PGDATABASE, PGSERVICE, … decide).
 * Passwords come the libpq way (~/.pgpass, PGPASSFILE, a service file),
 * never from the location, which thaw prints and logs.
 *
 * Writers take one advisory lock per workspace for their transaction, so
 * writes are serialised as SQLite's BEGIN IMMEDIATE serialises them, and
 * the core's read-then-write steps stay correct on either engine; readers
 * never wait (a read transaction is one REPEATABLE READ snapshot).
 */
#include "kit.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "thaw" in ASCII: the advisory lock every writer of a workspace takes */
#define WRITER_LOCK "1953003895"

/* The libpq connection string for a location ("" for libpq's defaults). */
static const char *conninfo_of(const char *location)
{
	if (strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0)
		return location;
	return location + strlen("postgresql:");
}

/* A password written in the location would end up in shell histories,
 * process lists and thaw's own output: refused. */
static int refuse_password(const char *conninfo, char *err, size_t errsize)
{
	char *parse_error = NULL;
	PQconninfoOption *options = PQconninfoParse(conninfo, &parse_error);
	if (!options) {
		snprintf(err, errsize, "%s", parse_error ? parse_error : "out of memory");
		pg_one_line(err);
		PQfreemem(parse_error);
		return -1;
	}
	int rc = 0;
	for (PQconninfoOption *o = options; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
			snprintf(err, errsize, "the database location carries a password: keep it in ~/.pgpass,"
					       " PGPASSFILE or a service file instead (see README, Beyond one machine)");
			rc = -1;
		}
	PQconninfoFree(options);
	return rc;
}

static int exists_check(struct storage *s, int flags, char *err, size_t errsize)
{
	if (!(flags & (STORAGE_READ_ONLY | STORAGE_MUST_EXIST)))
		return 0;
	int64_t has_meta;
	if (pg_scalar(s, "looking for the workspace", &has_meta, "SELECT to_regclass('meta') IS NOT NULL", "") < 0) {
		snprintf(err, errsize, "%s", s->error);
		return -1;
	}
	if (!has_meta) {
		snprintf(err, errsize, "%s: no such workspace (create one with `thaw demo` or `thaw import`)",
			 s->location);
		return -1;
	}
	return 0;
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg, (void)message;
}

int pg_storage_open(const char *location, int flags, struct storage **out, char *err, size_t errsize)
{
	const char *conninfo = conninfo_of(location);
	if (refuse_password(conninfo, err, errsize) < 0)
		return -1;
	struct pg_storage *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	struct storage *s = &c->base;
	s->engine = &postgres_engine;
	s->location = strdup(location);
	s->read_only = flags & STORAGE_READ_ONLY;
	const char *const keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
	const char *const values[] = {conninfo, "thaw", "UTF8", NULL};
	c->conn = PQconnectdbParams(keys, values, 1);
	if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
		snprintf(err, errsize, "cannot connect to %s: %s", location,
			 c->conn ? PQerrorMessage(c->conn) : "out of memory");
		pg_one_line(err);
		pg_storage_close(s);
		return -1;
	}
	/* the server's notices (a warning as it shuts down) would land on the
	 * console's screen: what matters comes back as errors */
	PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
	int rc = exists_check(s, flags, err, errsize);
	if (rc == 0)
		rc = pg_session_setup(s);
	if (rc == 0)
		rc = pg_migrate(s);
	if (rc < 0) {
		if (s->error[0])
			snprintf(err, errsize, "%s", s->error);
		pg_storage_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void pg_storage_close(struct storage *s)
{
	PQfinish(pg(s)->conn);
	buf_free(&pg(s)->load.data);
	free(s->location);
	free(pg(s));
}

static const char *pg_storage_version(void)
{
	static char version[40];
	int v = PQlibVersion();
	snprintf(version, sizeof version, "PostgreSQL client %d.%d", v / 10000, v % 10000);
	return version;
}

int pg_storage_files(const struct storage *s, char paths[][4200], int max)
{
	(void)s, (void)paths, (void)max;
	return 0; /* on a server, the database's own roles decide */
}

int pg_storage_begin(struct storage *s)
{
	if (pg_exec(s, "starting a transaction", "BEGIN", "") < 0)
		return -1;
	pg(s)->writing = !s->read_only;
	if (!s->read_only && pg_exec(s, "waiting for other writers", "SELECT pg_advisory_xact_lock(" WRITER_LOCK ")", "") < 0) {
		pg_storage_rollback(s);
		return -1;
	}
	return 0;
}

int pg_storage_begin_step(struct storage *s)
{
	/* the writers' lock, shared: steps of different jobs move at once */
	if (pg_exec(s, "starting a transaction", "BEGIN", "") < 0)
		return -1;
	pg(s)->writing = true;
	if (pg_exec(s, "waiting for other writers", "SELECT pg_advisory_xact_lock_shared(" WRITER_LOCK ")", "") < 0) {
		pg_storage_rollback(s);
		return -1;
	}
	return 0;
}

int pg_storage_begin_read(struct storage *s)
{
	return pg_run(s, "starting a read", "BEGIN ISOLATION LEVEL REPEATABLE READ", "");
}

int pg_storage_commit(struct storage *s)
{
	/* listeners (jobs --watch) hear of a change as it commits */
	bool tell = pg(s)->writing;
	pg(s)->writing = false;
	if (tell && pg_run(s, "committing", "NOTIFY thaw_changes", "") < 0)
		return -1;
	return pg_run(s, "committing", "COMMIT", "");
}

static int listen_for_changes(struct storage *s)
{
	struct pg_storage *c = pg(s);
	if (!c->listening) {
		if (pg_run(s, "listening for changes", "LISTEN thaw_changes", "") < 0)
			return -1;
		c->listening = true;
	}
	return 0;
}

int pg_storage_change_fd(struct storage *s)
{
	return listen_for_changes(s) < 0 ? -1 : PQsocket(pg(s)->conn);
}

int pg_storage_wait_change(struct storage *s, int timeout_ms)
{
	struct pg_storage *c = pg(s);
	if (listen_for_changes(s) < 0)
		return -1;
	struct pollfd fd = {.fd = PQsocket(c->conn), .events = POLLIN};
	if (poll(&fd, 1, timeout_ms) < 0 && errno != EINTR)
		return pg_fail(s, "waiting for changes: %s", strerror(errno));
	if (!PQconsumeInput(c->conn))
		return pg_fail(s, "waiting for changes: %s", PQerrorMessage(c->conn));
	int heard = 0;
	for (PGnotify *n; (n = PQnotifies(c->conn)); PQfreemem(n))
		heard = 1;
	return heard;
}

void pg_storage_rollback(struct storage *s)
{
	pg(s)->writing = false;
	/* a lost connection took its transaction with it: nothing to undo */
	PGTransactionStatusType status = PQtransactionStatus(pg(s)->conn);
	if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
		char keep[sizeof s->error];
		snprintf(keep, sizeof keep, "%s", s->error); /* the reason stays the first error */
		pg_script(s, "rolling back", "ROLLBACK");
		snprintf(s->error, sizeof s->error, "%s", keep);
	}
}

bool pg_storage_error_transient(const struct storage *s)
{
	return ((const struct pg_storage *)s)->transient;
}

int pg_storage_meta_get(struct storage *s, const char *key, char *out, size_t size)
{
	PGresult *r = pg_query(s, "reading metadata", "SELECT value FROM meta WHERE key=$1", "t", key);
	if (!r)
		return -1;
	snprintf(out, size, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return 0;
}

int pg_storage_meta_set(struct storage *s, const char *key, const char *value)
{
	return pg_run(s, "writing metadata",
		       "INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
		       "tt", key, value);
}

const struct storage_engine postgres_engine = {
	.name = "PostgreSQL",
	.open = pg_storage_open,
	.close = pg_storage_close,
	.rollback = pg_storage_rollback,
	.version = pg_storage_version,
#define STORAGE_OP(type, name, params, args) .name = pg_storage_##name,
#include "storage/engine_ops.h"
#undef STORAGE_OP
};
