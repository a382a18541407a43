/*
 * storage.c — opening the database, the schema and its migrations,
 * transactions, metadata and the audit log.
 */
#include "kit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Migration 1: the whole first schema.  Times are Unix seconds (UTC) unless
 * the column ends in _ms (real milliseconds, for leases and rates).
 *
 * events_hot has no foreign keys and no secondary index on purpose: with the
 * object first in its key one object's events are contiguous, which is what
 * makes moves run near a million rows a second (reference/sqlite_limits.md).
 */
static int backfill_user_objects(struct storage *s);

struct migration {
	const char *sql;
	int (*then)(struct storage *s); /* a step SQL alone cannot do, or NULL */
};

static const struct migration migrations[] = {
	{"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"

	"CREATE TABLE objects("
	"  id INTEGER PRIMARY KEY,"
	"  api_id TEXT NOT NULL UNIQUE,"
	"  kind INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  name_fold TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  channels TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER, first_sent_at INTEGER, last_sent_at INTEGER, stopped_at INTEGER,"
	"  ixd_state INTEGER NOT NULL,"
	"  expires_at INTEGER,"
	"  expired_at INTEGER,"
	"  last_restored_at INTEGER,"
	"  kept_by TEXT,"
	"  restore_job INTEGER,"
	"  hot_events INTEGER NOT NULL DEFAULT 0,"
	"  cold_events INTEGER NOT NULL DEFAULT 0,"
	"  learned INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX objects_name ON objects(name_fold);"
	"CREATE INDEX objects_state ON objects(ixd_state, expires_at);"

	"CREATE TABLE steps(id INTEGER PRIMARY KEY,"
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  api_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX steps_object ON steps(object_id);"
	"CREATE TABLE variants(id INTEGER PRIMARY KEY,"
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  api_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, is_control INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX variants_object ON variants(object_id);"
	"CREATE TABLE aliases(id INTEGER PRIMARY KEY,"
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, UNIQUE(object_id, name));"
	"CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE object_tags("
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  tag_id INTEGER NOT NULL REFERENCES tags(id),"
	"  PRIMARY KEY(object_id, tag_id)) WITHOUT ROWID;"
	"CREATE INDEX object_tags_tag ON object_tags(tag_id, object_id);"

	"CREATE TABLE segments(id INTEGER PRIMARY KEY, api_id TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, in_use INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE filters(id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  owner_object_id INTEGER REFERENCES objects(id) ON DELETE CASCADE,"
	"  owner_segment_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,"
	"  target_object_id INTEGER REFERENCES objects(id),"
	"  target_step_id INTEGER REFERENCES steps(id),"
	"  target_variant_id INTEGER REFERENCES variants(id),"
	"  target_alias_id INTEGER REFERENCES aliases(id),"
	"  target_tag_id INTEGER REFERENCES tags(id),"
	"  CHECK ((owner_object_id IS NULL) <> (owner_segment_id IS NULL)),"
	"  CHECK ((target_object_id IS NULL) <> (target_tag_id IS NULL)));"
	"CREATE INDEX filters_target ON filters(target_object_id);"
	"CREATE INDEX filters_owner_object ON filters(owner_object_id);"
	"CREATE INDEX filters_owner_segment ON filters(owner_segment_id);"

	"CREATE TABLE users(id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE,"
	"  email TEXT, phone TEXT,"
	"  last_received_any INTEGER, last_received_email INTEGER, last_received_push INTEGER,"
	"  last_received_sms INTEGER, last_received_webhook INTEGER, last_received_whatsapp INTEGER,"
	"  last_engaged INTEGER, last_in_app_impression INTEGER, last_control_enrolled INTEGER,"
	"  hard_bounced INTEGER NOT NULL DEFAULT 0, marked_spam INTEGER NOT NULL DEFAULT 0,"
	"  invalid_phone INTEGER NOT NULL DEFAULT 0, learned INTEGER NOT NULL DEFAULT 0);"

	"CREATE TABLE events_hot(object_id INTEGER NOT NULL, user_id INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL, kind INTEGER NOT NULL, step_id INTEGER NOT NULL,"
	"  variant_id INTEGER NOT NULL, alias_id INTEGER NOT NULL, label INTEGER NOT NULL,"
	"  PRIMARY KEY(object_id, user_id, ts, kind, step_id, variant_id, alias_id, label)"
	") WITHOUT ROWID;"
	"CREATE TABLE events_cold(object_id INTEGER NOT NULL, chunk INTEGER NOT NULL,"
	"  n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(object_id, chunk));"

	"CREATE TABLE jobs(id INTEGER PRIMARY KEY,"
	"  state INTEGER NOT NULL,"
	"  requested_by TEXT NOT NULL, requested_from TEXT, request TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, finished_at INTEGER,"
	"  started_ms INTEGER, updated_ms INTEGER, finished_ms INTEGER,"
	"  events_total INTEGER NOT NULL DEFAULT 0, events_done INTEGER NOT NULL DEFAULT 0,"
	"  lease_owner TEXT, lease_until_ms INTEGER);"
	"CREATE INDEX jobs_state ON jobs(state);"
	"CREATE TABLE job_items(job_id INTEGER NOT NULL REFERENCES jobs(id),"
	"  object_id INTEGER NOT NULL REFERENCES objects(id),"
	"  outcome INTEGER NOT NULL, other_job INTEGER,"
	"  events_total INTEGER NOT NULL DEFAULT 0, events_done INTEGER NOT NULL DEFAULT 0,"
	"  new_expires_at INTEGER,"
	"  PRIMARY KEY(job_id, object_id)) WITHOUT ROWID;"
	"CREATE INDEX job_items_object ON job_items(object_id);"

	"CREATE TABLE outbox(id INTEGER PRIMARY KEY,"
	"  job_id INTEGER REFERENCES jobs(id),"
	"  state TEXT NOT NULL,"
	"  recipients TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER,"
	"  last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER);"

	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  operator TEXT NOT NULL, ssh_client TEXT, action TEXT NOT NULL,"
	"  object_id INTEGER, job_id INTEGER, details TEXT);"
	"CREATE INDEX audit_at ON audit(at);", NULL},

	/* 2: the summary banner reads only this index, not 100,000 wide rows */
	{"CREATE INDEX objects_summary ON objects(kind, ixd_state, expires_at, hot_events,"
	 " cold_events, kept_by IS NOT NULL);", NULL},

	/* 3: which objects each user has events for, in either tier, so a
	 * profile or an export finds a user's objects without scanning every
	 * event.  Readers still show only available objects. */
	{"CREATE TABLE user_objects(user_id INTEGER NOT NULL, object_id INTEGER NOT NULL,"
	 " PRIMARY KEY(user_id, object_id)) WITHOUT ROWID;"
	 "INSERT OR IGNORE INTO user_objects SELECT DISTINCT user_id, object_id FROM events_hot;",
	 backfill_user_objects},
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(MIGRATION_COUNT == STORAGE_SCHEMA_VERSION, "one migration per schema version");

/* Migration 3: the cold tier's users, decoded chunk by chunk. */
static int backfill_user_objects(struct storage *s)
{
	sqlite3_stmt *read = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT object_id, n, data FROM events_cold", -1, &read, NULL) != SQLITE_OK)
		return fail(s, "reading cold events");
	struct event *ev = malloc(COLDPACK_CHUNK * sizeof *ev);
	int rc;
	while ((rc = sqlite3_step(read)) == SQLITE_ROW) {
		int64_t object_id = sqlite3_column_int64(read, 0);
		int n = coldpack_decode(sqlite3_column_blob(read, 2), (size_t)sqlite3_column_bytes(read, 2),
					object_id, ev);
		for (int i = 0; i < n; i++)
			if ((i == 0 || ev[i].user_id != ev[i - 1].user_id) &&
			    storage_user_object_add(s, ev[i].user_id, object_id) < 0) {
				rc = SQLITE_ERROR;
				break;
			}
		if (rc == SQLITE_ERROR)
			break;
	}
	free(ev);
	sqlite3_finalize(read);
	return rc == SQLITE_DONE ? 0 : fail(s, "indexing cold events by user");
}

sqlite3_stmt *stmt(struct storage *s, const char *sql)
{
	for (int i = 0; i < s->cached; i++) {
		if (s->cache[i].sql == sql) {
			sqlite3_stmt *hit = s->cache[i].stmt;
			/* most recently used first: a loop over rows finds its
			 * statement at once */
			if (i > 0) {
				memmove(&s->cache[1], &s->cache[0], (size_t)i * sizeof s->cache[0]);
				s->cache[0].sql = sql;
				s->cache[0].stmt = hit;
			}
			sqlite3_reset(hit);
			sqlite3_clear_bindings(hit);
			return hit;
		}
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fail(s, "prepare");
		return NULL;
	}
	/* sized for every statement in the program; were it ever full, the
	 * least recently used goes */
	if (s->cached == STMT_CACHE)
		sqlite3_finalize(s->cache[--s->cached].stmt);
	memmove(&s->cache[1], &s->cache[0], (size_t)s->cached * sizeof s->cache[0]);
	s->cache[0].sql = sql;
	s->cache[0].stmt = st;
	s->cached++;
	return st;
}

int fail(struct storage *s, const char *context)
{
	int code = sqlite3_extended_errcode(s->db);
	const char *msg = sqlite3_errmsg(s->db);
	if (code == SQLITE_FULL || code == SQLITE_IOERR_WRITE)
		snprintf(s->error, sizeof s->error, "%s: %s (is the disk full?)", context, msg);
	else if (code == SQLITE_READONLY || (code & 0xff) == SQLITE_READONLY)
		snprintf(s->error, sizeof s->error, "%s: %s (the database is read-only here)", context, msg);
	else
		snprintf(s->error, sizeof s->error, "%s: %s", context, msg);
	return -1;
}

int exec_stmt(struct storage *s, sqlite3_stmt *st, const char *context)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(s, context);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

char *column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

int collect_int64(struct storage *s, sqlite3_stmt *st, int64_t **ids, int *n, const char *ctx)
{
	*ids = NULL;
	*n = 0;
	if (!st)
		return -1;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = array_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, ctx);
}

int query_pair(struct storage *s, sqlite3_stmt *st, int64_t object_id, int64_t *a, int64_t *b,
		       const char *context)
{
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, object_id);
	int rc = sqlite3_step(st);
	*a = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*b = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, context);
}

void column_event(sqlite3_stmt *st, int64_t object_id, struct event *e)
{
	e->object_id = object_id;
	e->user_id = sqlite3_column_int64(st, 0);
	e->ts = sqlite3_column_int64(st, 1);
	e->kind = sqlite3_column_int(st, 2);
	e->step_id = sqlite3_column_int64(st, 3);
	e->variant_id = sqlite3_column_int64(st, 4);
	e->alias_id = sqlite3_column_int64(st, 5);
	e->label = sqlite3_column_int(st, 6);
}

static int exec_sql(struct storage *s, const char *sql, const char *context)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(s->error, sizeof s->error, "%s: %s", context, msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int storage_schema_version(struct storage *s)
{
	sqlite3_stmt *st = stmt(s, "PRAGMA user_version");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	int v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

static int migrate(struct storage *s)
{
	int version = storage_schema_version(s);
	if (version < 0)
		return fail(s, "reading the schema version");
	if (version > MIGRATION_COUNT) {
		snprintf(s->error, sizeof s->error,
			 "%s was written by a newer thaw (schema %d; this thaw knows up to %d): "
			 "upgrade thaw to use it",
			 s->path, version, MIGRATION_COUNT);
		return -1;
	}
	if (version < MIGRATION_COUNT && s->read_only) {
		snprintf(s->error, sizeof s->error,
			 "%s needs its schema upgraded (%d -> %d); open it once without --read-only",
			 s->path, version, MIGRATION_COUNT);
		return STORAGE_NEEDS_MIGRATION;
	}
	for (int v = version; v < MIGRATION_COUNT; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
		if (storage_begin(s) < 0)
			return -1;
		if (exec_sql(s, migrations[v].sql, "migrating the schema") < 0 ||
		    (migrations[v].then && migrations[v].then(s) < 0) ||
		    exec_sql(s, pragma, "recording the schema version") < 0) {
			char keep[sizeof s->error];
			memcpy(keep, s->error, sizeof keep);
			storage_rollback(s);
			memcpy(s->error, keep, sizeof keep);
			return -1;
		}
		if (storage_commit(s) < 0)
			return -1;
	}
	return 0;
}

/* Creates the file with mode 0600 so the workspace is private from the start. */
static int create_private(const char *path, char *err, size_t errsize)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST) {
		snprintf(err, errsize, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

static int configure(struct storage *s)
{
	sqlite3_busy_timeout(s->db, 15000);
	sqlite3_extended_result_codes(s->db, 1);
	const char *pragmas = s->read_only
		? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
		: "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		  "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA secure_delete=FAST;";
	return exec_sql(s, pragmas, "configuring the connection");
}

int storage_open(const char *path, int flags, struct storage **out, char *err, size_t errsize)
{
	*out = NULL;
	bool read_only = flags & STORAGE_READ_ONLY;
	if ((read_only || (flags & STORAGE_MUST_EXIST)) && access(path, F_OK) != 0) {
		snprintf(err, errsize, "%s: no such workspace (create one with `thaw demo` or `thaw import`)",
			 path);
		return -1;
	}
	if (!read_only && create_private(path, err, errsize) < 0)
		return -1;
	struct storage *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->path = strdup(path);
	s->read_only = read_only;
	int oflags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		     SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		storage_close(s);
		return -1;
	}
	int rc = configure(s);
	if (rc == 0)
		rc = migrate(s);
	if (rc < 0) {
		snprintf(err, errsize, "%s", s->error);
		storage_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void storage_close(struct storage *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->cached; i++)
		sqlite3_finalize(s->cache[i].stmt);
	if (s->db)
		sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *storage_error(const struct storage *s) { return s->error; }

const char *storage_engine_version(void)
{
	static char version[32];
	snprintf(version, sizeof version, "SQLite %s", sqlite3_libversion());
	return version;
}
const char *storage_path(const struct storage *s) { return s->path; }

int storage_begin(struct storage *s)
{
	return exec_stmt(s, stmt(s, "BEGIN IMMEDIATE"), "starting a transaction");
}

int storage_begin_read(struct storage *s)
{
	return exec_stmt(s, stmt(s, "BEGIN DEFERRED"), "starting a read");
}

int storage_commit(struct storage *s)
{
	return exec_stmt(s, stmt(s, "COMMIT"), "committing");
}

void storage_rollback(struct storage *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec_sql(s, "ROLLBACK", "rolling back");
}

int storage_meta_get(struct storage *s, const char *key, char *out, size_t size)
{
	sqlite3_stmt *st = stmt(s, "SELECT value FROM meta WHERE key=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		out[0] = '\0';
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, "reading metadata");
}

int storage_meta_set(struct storage *s, const char *key, const char *value)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO meta(key, value) VALUES(?, ?) "
				   "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return exec_stmt(s, st, "writing metadata");
}

int storage_audit(struct storage *s, const struct audit_input *a)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO audit(at, operator, ssh_client, action, object_id,"
				   " job_id, details) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->at);
	sqlite3_bind_text(st, 2, a->operator_name ? a->operator_name : "?", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->ssh_client, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->action, -1, SQLITE_STATIC);
	bind_opt(st, 5, a->object_id);
	bind_opt(st, 6, a->job_id);
	sqlite3_bind_text(st, 7, a->details, -1, SQLITE_STATIC);
	return exec_stmt(s, st, "writing the audit log");
}

int storage_audit_list(struct storage *s, int64_t since, int64_t limit, struct audit_row **rows,
		       int *n)
{
	sqlite3_stmt *st = stmt(s, "SELECT a.id, a.at, a.operator, a.ssh_client, a.action,"
				   " a.object_id, a.job_id, a.details, o.api_id FROM audit a"
				   " LEFT JOIN objects o ON o.id=a.object_id"
				   " WHERE a.at >= ? ORDER BY a.id DESC LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	*rows = NULL;
	*n = 0;
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = array_grow(*rows, *n, &cap, sizeof **rows);
		struct audit_row *r = &(*rows)[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		r->at = sqlite3_column_int64(st, 1);
		r->operator_name = column_strdup(st, 2);
		r->ssh_client = column_strdup(st, 3);
		r->action = column_strdup(st, 4);
		r->object_id = sqlite3_column_int64(st, 5);
		r->job_id = sqlite3_column_int64(st, 6);
		r->details = column_strdup(st, 7);
		r->object_api_id = column_strdup(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "reading the audit log");
}

void audit_rows_free(struct audit_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].operator_name);
		free(rows[i].ssh_client);
		free(rows[i].action);
		free(rows[i].details);
		free(rows[i].object_api_id);
	}
	free(rows);
}
