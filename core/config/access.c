#include "config/access.h"

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

static bool is_viewer(const struct config *c, const char *name, uid_t uid, const char *workspace)
{
	return config_role_of(c, name, uid, workspace) == ROLE_VIEWER;
}

/* Viewers among the members of `gid` (listed, or with it as their primary
 * group); their names go to `who`. */
static int viewers_in_group(const struct config *c, gid_t gid, const char *workspace, struct buf *who)
{
	int found = 0;
	struct group *g = getgrgid(gid);
	for (char **m = g ? g->gr_mem : NULL; m && *m; m++) {
		struct passwd *pw = getpwnam(*m);
		if (pw && is_viewer(c, pw->pw_name, pw->pw_uid, workspace))
			buf_printf(who, "%s%s", found++ ? ", " : "", pw->pw_name);
	}
	setpwent();
	for (struct passwd *pw = getpwent(); pw; pw = getpwent()) {
		bool listed = false;
		for (char **m = g ? g->gr_mem : NULL; m && *m; m++)
			listed |= strcmp(*m, pw->pw_name) == 0;
		if (pw->pw_gid == gid && !listed && is_viewer(c, pw->pw_name, pw->pw_uid, workspace))
			buf_printf(who, "%s%s", found++ ? ", " : "", pw->pw_name);
	}
	endpwent();
	return found;
}

int access_check_writers(const struct config *c, const char *workspace, char files[][4200], int n,
			 struct buf *report)
{
	int problems = 0;
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(files[i], &st) != 0)
			continue; /* a companion not created yet */
		bool dir = S_ISDIR(st.st_mode);
		/* a directory anyone may write is fine when sticky (/tmp) only for
		 * files it does not own: the workspace's files are still theirs */
		if ((st.st_mode & S_IWOTH) && !(dir && (st.st_mode & S_ISVTX))) {
			buf_printf(report, "%s: anyone on this host may write it (chmod o-w)\n", files[i]);
			problems++;
		}
		struct passwd *owner = getpwuid(st.st_uid);
		if (owner && is_viewer(c, owner->pw_name, st.st_uid, workspace)) {
			buf_printf(report, "%s: belongs to %s, a viewer here\n", files[i], owner->pw_name);
			problems++;
		}
		struct buf who = {0};
		if ((st.st_mode & S_IWGRP) && viewers_in_group(c, st.st_gid, workspace, &who)) {
			struct group *g = getgrgid(st.st_gid);
			buf_printf(report, "%s: group %s may write it, and viewers are in it: %s\n", files[i],
				   g ? g->gr_name : "?", who.data);
			problems++;
		}
		buf_free(&who);
	}
	return problems;
}
