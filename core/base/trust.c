#include "base/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Settings files are small; a huge one is a mistake or an attack. */
#define TRUST_MAX_BYTES (4 << 20)

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);
	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "uid %u", (unsigned)uid);
	return buf;
}

/* Why the operator cannot trust a file with these facts, or NULL. */
static bool judge(const char *path, enum trust_kind kind, const struct stat *st, char *why, size_t size)
{
	uid_t me = geteuid();
	char owner[64];
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, size, "%s is not a regular file", path);
		return false;
	}
	bool mine = st->st_uid == me, root = st->st_uid == 0;
	if (kind == TRUST_SECRET && !mine) {
		snprintf(why, size, "%s belongs to %s, not to you: a secret must be your own file (mode 0600)",
			 path, user_name(st->st_uid, owner, sizeof owner));
		return false;
	}
	if (!mine && !root) {
		snprintf(why, size, "%s belongs to %s: thaw reads settings only from your own files or root's",
			 path, user_name(st->st_uid, owner, sizeof owner));
		return false;
	}
	if (kind == TRUST_SECRET && (st->st_mode & 077)) {
		snprintf(why, size, "%s can be read by %s (mode %03o): chmod 600 %s", path,
			 st->st_mode & 004 ? "anyone" : "its group", st->st_mode & 0777, path);
		return false;
	}
	if (st->st_mode & 022) {
		snprintf(why, size, "%s can be changed by %s (mode %03o): chmod go-w %s", path,
			 st->st_mode & 002 ? "anyone" : "its group", st->st_mode & 0777, path);
		return false;
	}
	if (st->st_size > TRUST_MAX_BYTES) {
		snprintf(why, size, "%s is too big for a settings file (%lld bytes)", path, (long long)st->st_size);
		return false;
	}
	return true;
}

bool trust_read(const char *path, enum trust_kind kind, struct buf *out, char *why, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, size, "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	bool ok = judge(path, kind, &st, why, size);
	char chunk[8192];
	ssize_t n = 0;
	while (ok && (n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(out, chunk, (size_t)n);
	if (ok && n < 0) {
		snprintf(why, size, "cannot read %s: %s", path, strerror(errno));
		ok = false;
	}
	close(fd);
	buf_adds(out, ""); /* NUL-terminated even when empty */
	return ok;
}
