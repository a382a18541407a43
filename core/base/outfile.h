/*
 * outfile — writing a file whole or not at all, so that nobody else can
 * take it over: the data goes to a new file with a random name beside the
 * target, created exclusively with mode 0600 (never an existing file, never
 * through a link someone planted), then renamed over the target when
 * complete.  A failed write leaves the target as it was.
 */
#ifndef THAW_OUTFILE_H
#define THAW_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
	FILE *fp;        /* write here */
	char tmp[4200];  /* the temporary file, beside the target */
	char path[4096]; /* the target */
};

/* false with `why` when the temporary file cannot be made. */
bool outfile_open(struct outfile *o, const char *path, char *why, size_t size);
/* Closes; with `keep`, renames into place (false with `why` if that
 * fails), else removes the temporary file. */
bool outfile_close(struct outfile *o, bool keep, char *why, size_t size);

#endif
