/*
 * csv — a streaming RFC 4180 reader.
 *
 * Reads records of any size from a file through a fixed buffer that grows
 * only to hold the longest record, so a file of a hundred million events is
 * read in constant memory.  Quoted fields may contain commas, quotes ("")
 * and line breaks; CRLF and LF both end a record.  Every field knows the
 * line and column where it started, for error messages.
 */
#ifndef THAW_CSV_H
#define THAW_CSV_H

#include <stdbool.h>
#include <stdio.h>

#define CSV_MAX_FIELDS 32

/* A field longer than this is refused (a names or ids file has no reason
 * to hold one; reading on would only fill memory). */
#define CSV_MAX_FIELD_BYTES 65536

struct csv_field {
	char *text; /* NUL-terminated, unquoted, points into the reader's buffer */
	int len;
	int line, column;
};

struct csv_reader {
	FILE *fp;
	char *buf;
	size_t cap, len, pos;
	size_t rec;        /* start of the record being parsed */
	bool eof;
	int line;           /* line of the next record, 1-based */
	const char *error;  /* set when a record is malformed */
	int error_line, error_column;
	struct csv_field fields[CSV_MAX_FIELDS];
	int count;          /* fields in the current record */
};

bool csv_open(struct csv_reader *r, FILE *fp);
/* Reads the next record.  Returns 1, 0 at end of file, -1 on a malformed
 * record (r->error, r->error_line, r->error_column).  Blank lines are skipped. */
int csv_next(struct csv_reader *r);
void csv_close(struct csv_reader *r);

#endif
