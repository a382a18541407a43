/*
 * config/access — who may write a workspace's files, held against who
 * should (config_role_of): on SQLite the files' modes are the real lock,
 * whatever thaw's roles say.  `thaw check` reports every file (database,
 * -wal, -shm, their directory) that anyone at all may write, or that a
 * viewer may write as its owner or through its group.
 */
#ifndef THAW_CONFIG_ACCESS_H
#define THAW_CONFIG_ACCESS_H

#include "base/text.h"
#include "config/config.h"

/* Appends one line per problem to `report`; returns how many. */
int access_check_writers(const struct config *c, const char *workspace, char files[][4200], int n,
			 struct buf *report);

#endif
