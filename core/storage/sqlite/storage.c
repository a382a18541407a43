/*
 * storage.c — opening a SQLite workspace, transactions and metadata.
 */
#include "kit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	return sql_exec_script(s, pragmas, "configuring the connection");
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
		rc = sql_migrate(s);
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

int storage_meta_get(struct storage *s, const char *key, char *out, size_t size)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT value FROM meta WHERE key=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		out[0] = '\0';
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, "reading metadata");
}

int storage_meta_set(struct storage *s, const char *key, const char *value)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO meta(key, value) VALUES(?, ?) "
				   "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return sql_exec(s, st, "writing metadata");
}
