/*
 * storage/copy — a whole workspace copied from one engine to another
 * (`thaw migrate --to`): every table's rows as they are stored, cold
 * chunks and packed users byte for byte, in one transaction of the
 * destination, verified before it commits.
 */
#ifndef THAW_STORAGE_COPY_H
#define THAW_STORAGE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "storage/storage.h"

/* One stored value, as the engines hand rows to each other. */
enum stored_type { STORED_NULL, STORED_INT, STORED_TEXT, STORED_BYTES };
struct stored_value {
	enum stored_type type;
	int64_t i;        /* STORED_INT */
	const char *data; /* STORED_TEXT (NUL-terminated) and STORED_BYTES */
	size_t len;
};

/* Every row of `table` (names, columns and the `where` condition, or
 * NULL, come from copy.c's fixed list, never from input), its `columns`
 * in that order; fn returns non-zero to stop (-1: an error, reason set). */
int storage_rows_each(struct storage *s, const char *table, const char *columns, const char *where,
		      int (*fn)(void *ctx, const struct stored_value *row, int n), void *ctx);
/* Loads rows into `table` (empty) in the caller's transaction:
 * begin, a row at a time, end. */
int storage_rows_load_begin(struct storage *s, const char *table, const char *columns);
int storage_rows_load(struct storage *s, const struct stored_value *row, int n);
int storage_rows_load_end(struct storage *s);
int storage_rows_count(struct storage *s, const char *table, const char *where, int64_t *count);

struct copy_report {
	int64_t rows, tables, objects, hot_events, cold_events;
	char first_difference[256]; /* set when the copy does not match */
};

/* Copies everything from `from` into `to`, which must hold no workspace
 * yet (a new database: its schema only).  progress(ctx, rows done, rows
 * in all) is called now and then.  On any error or difference nothing is
 * left in `to` and -1 returns, the reason in storage_error(to) (or
 * report->first_difference). */
int storage_copy(struct storage *from, struct storage *to, void (*progress)(void *ctx, int64_t done, int64_t total),
		 void *ctx, struct copy_report *report);

#endif
