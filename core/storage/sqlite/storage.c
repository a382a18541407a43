/*
 * storage.c — opening a SQLite workspace, transactions and metadata.
 *
 * A workspace shared by a team is one database file and its -wal and -shm
 * companions.  Whoever may write the database may write the companions
 * (a writer keeps them after closing, with the database's mode and group),
 * and a reader who is not the database's owner never creates them
 * (readonly_shm): otherwise a viewer's `thaw list` could leave a -shm of
 * their own that locks the admins out.  See README, Roles.
 */
#include "kit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
	sqlite3_busy_timeout(lite(s)->db, 15000);
	sqlite3_extended_result_codes(lite(s)->db, 1);
	const char *pragmas = s->read_only
		? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
		: "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		  "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA secure_delete=FAST;"
		  /* the -wal is kept between sessions (see above), at most this big */
		  "PRAGMA journal_size_limit=67108864;";
	return sql_exec_script(s, pragmas, "configuring the connection");
}

/* The companions get the database's mode, group (and, for root, owner),
 * so every member of the group that may write it may write them too.  Done
 * at every open by whoever owns them: a `chmod` of the database is followed
 * by its companions at the owner's next thaw command. */
static void share_companions(const char *path)
{
	struct stat db;
	if (stat(path, &db) != 0)
		return;
	for (const char *const *suffix = (const char *const[]){"-wal", "-shm", NULL}; *suffix; suffix++) {
		char companion[4096];
		struct stat st;
		snprintf(companion, sizeof companion, "%s%s", path, *suffix);
		/* by name, never opened: closing any descriptor of a file drops
		 * every POSIX lock this process holds on it, SQLite's included */
		if (lstat(companion, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		uid_t owner = geteuid() == 0 ? db.st_uid : (uid_t)-1; /* as SQLite does for root */
		if (st.st_gid != db.st_gid || owner != (uid_t)-1)
			(void)!lchown(companion, owner, db.st_gid); /* not a member: left as it is */
		if ((st.st_mode & 0777) != (db.st_mode & 0666))
			chmod(companion, db.st_mode & 0666);
	}
}

/* A reader who does not own the database opens it so that SQLite never
 * creates its -shm: a URI with readonly_shm. */
static void reader_uri(const char *path, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < size; p++)
		n += (size_t)(*p == '%' || *p == '?' || *p == '#'
			      ? snprintf(out + n, size - n, "%%%02X", *p)
			      : snprintf(out + n, size - n, "%c", *p));
	snprintf(out + n, size - n, "?mode=ro&readonly_shm=1");
}

int sqlite_storage_open(const char *path, int flags, struct storage **out, char *err, size_t errsize)
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
	struct sqlite_storage *conn = calloc(1, sizeof *conn);
	if (!conn)
		abort();
	struct storage *s = &conn->base;
	s->engine = &sqlite_engine;
	s->location = strdup(path);
	s->read_only = read_only;
	int oflags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
	struct stat st;
	bool someone_elses = stat(path, &st) == 0 && st.st_uid != geteuid();
	char name[4200];
	if (read_only && someone_elses)
		reader_uri(path, name, sizeof name);
	else
		snprintf(name, sizeof name, "%s", path);
	if (sqlite3_open_v2(name, &lite(s)->db, oflags, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "cannot open %s: %s%s", path, lite(s)->db ? sqlite3_errmsg(lite(s)->db) : "out of memory",
			 read_only && someone_elses && access(path, R_OK) == 0
				 ? " (its -shm file is missing: it appears when someone who may write the workspace"
				   " next opens it)"
				 : "");
		storage_close(s);
		return -1;
	}
	int rc = configure(s);
	if (rc == 0)
		rc = sql_migrate(s);
	if (rc == 0 && !read_only) {
		/* keep -wal and -shm after closing, so no reader has to create them */
		int persist = 1;
		sqlite3_file_control(lite(s)->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	}
	if (rc == 0)
		share_companions(path);
	if (rc < 0) {
		snprintf(err, errsize, "%s", s->error);
		storage_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void sqlite_storage_close(struct storage *s)
{
	if (!s)
		return;
	sqlite3_finalize(lite(s)->load);
	for (int i = 0; i < lite(s)->cached; i++)
		sqlite3_finalize(lite(s)->cache[i].stmt);
	if (lite(s)->db)
		sqlite3_close(lite(s)->db);
	free(s->location);
	free(lite(s));
}

static const char *sqlite_storage_version(void)
{
	static char version[32];
	snprintf(version, sizeof version, "SQLite %s", sqlite3_libversion());
	return version;
}

int sqlite_storage_wait_change(struct storage *s, int timeout_ms)
{
	(void)s;
	nanosleep(&(struct timespec){timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L}, NULL);
	return 0;
}

int sqlite_storage_change_fd(struct storage *s)
{
	(void)s;
	return -1;
}

bool sqlite_storage_error_transient(const struct storage *s)
{
	(void)s; /* a busy database is waited for (busy_timeout), not retried */
	return false;
}

int sqlite_storage_files(const struct storage *s, char paths[][4200], int max)
{
	/* the database, its companions, and the directory that holds them
	 * (whoever may write it may replace them) */
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	int n = 0;
	for (int i = 0; i < 3 && n < max; i++)
		snprintf(paths[n++], sizeof paths[0], "%s%s", s->location, suffixes[i]);
	if (n < max) {
		const char *slash = strrchr(s->location, '/');
		if (slash)
			snprintf(paths[n++], sizeof paths[0], "%.*s", slash == s->location ? 1 : (int)(slash - s->location), s->location);
		else
			snprintf(paths[n++], sizeof paths[0], ".");
	}
	return n;
}

int sqlite_storage_meta_get(struct storage *s, const char *key, char *out, size_t size)
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

int sqlite_storage_meta_set(struct storage *s, const char *key, const char *value)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO meta(key, value) VALUES(?, ?) "
				   "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return sql_exec(s, st, "writing metadata");
}

const struct storage_engine sqlite_engine = {
	.name = "SQLite",
	.open = sqlite_storage_open,
	.close = sqlite_storage_close,
	.rollback = sqlite_storage_rollback,
	.version = sqlite_storage_version,
#define STORAGE_OP(type, name, params, args) .name = sqlite_storage_##name,
#include "storage/engine_ops.h"
#undef STORAGE_OP
};
