#include "base/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool outfile_open(struct outfile *o, const char *path, char *why, size_t size)
{
	snprintf(o->path, sizeof o->path, "%s", path);
	snprintf(o->tmp, sizeof o->tmp, "%s.XXXXXX", path);
	/* mkstemp: O_CREAT | O_EXCL, mode 0600, a name nobody could guess */
	int fd = mkstemp(o->tmp);
	if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
		snprintf(why, size, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		return false;
	}
	return true;
}

bool outfile_close(struct outfile *o, bool keep, char *why, size_t size)
{
	bool written = fclose(o->fp) == 0;
	o->fp = NULL;
	if (keep && written && rename(o->tmp, o->path) == 0)
		return true;
	int saved = errno;
	unlink(o->tmp);
	if (keep)
		snprintf(why, size, "cannot write %s: %s", o->path, strerror(saved));
	return false;
}
