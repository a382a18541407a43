/*
 * engine — what a storage engine is to the rest of storage: a table of the
 * operations of storage_*.h, and the handle every connection starts with.
 *
 * Only storage/storage.c (which picks the engine and calls through the
 * table) and the engines themselves include this file; everybody else
 * holds a struct storage they cannot look into.  An engine's own handle
 * begins with a struct storage, so the engine gets its connection back
 * from the pointer it is handed (see sqlite/kit.h).
 */
#ifndef THAW_STORAGE_ENGINE_H
#define THAW_STORAGE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/analytics.h"
#include "storage/audit.h"
#include "storage/check.h"
#include "storage/copy.h"
#include "storage/events.h"
#include "storage/jobs.h"
#include "storage/lifecycle.h"
#include "storage/metrics.h"
#include "storage/objects.h"
#include "storage/outbox.h"
#include "storage/readers.h"
#include "storage/setup.h"
#include "storage/storage.h"
#include "storage/users.h"

struct storage {
	const struct storage_engine *engine;
	char *location; /* the file path, or the server's URI as given */
	bool read_only;
	char error[512];
};

struct storage_engine {
	const char *name; /* "SQLite" */
	int (*open)(const char *location, int flags, struct storage **out, char *err, size_t errsize);
	void (*close)(struct storage *s);
	void (*rollback)(struct storage *s);
	/* "SQLite 3.40.1": the library this engine is built with */
	const char *(*version)(void);
#define STORAGE_OP(type, name, params, args) type(*name) params;
#include "storage/engine_ops.h"
#undef STORAGE_OP
};

/* What the engines read alike (rows.c): a group of the summary's rows
 * (count, hot, cold, kept, expiring soon) added to it; a user summary's
 * nine times, in USER_COLUMNS order. */
void workspace_summary_add(struct workspace_summary *out, int kind, int state, const int64_t sums[5]);
void user_summary_times(struct user_summary *u, int64_t *times[9]);

/* What every engine's check judges alike (check.c): a problem counted and
 * the first one described; an object's packed users against its events'
 * (nh < 0: they did not decode); an object's cached counts, state and
 * analytics against its rows. */
void check_note(struct check_report *r, int64_t *counter, const char *fmt, long long a, long long b);
struct user_object;
void check_users_against(struct check_report *r, int64_t object_id, const struct user_object *want, int nw,
			 const struct user_object *have, int nh);
/* Says a pair's stored marks do not decode: STORAGE_DAMAGED, the error set. */
int marks_damaged(struct storage *s, int64_t user_id, int64_t object_id);
/* Hands fn one row of storage_users_received_each, its marks decoded
 * from the stored bytes into *scratch (-1 with the error set when they
 * are damaged, else what fn returns). */
struct received_row;
int received_row_hand(struct storage *s, struct received_row *row, const void *marks, size_t size,
		      struct pair_mark **scratch, int *cap, int (*fn)(void *ctx, const struct received_row *row),
		      void *ctx);
/* user_objects holds the i-th pair the object's events make (`want`),
 * with the marks they say: `have` is the stored row's (found false when
 * the pair has no row). */
struct pair_list;
void check_pair_marks(struct check_report *r, const struct pair_list *want, int i, const void *have, size_t have_size,
		      bool found);
struct checked_object {
	int64_t id, hot_cached, cold_cached, hot_rows, cold_rows, tallied;
	int state;
};
void check_object_rows(struct check_report *r, const struct checked_object *o);

extern const struct storage_engine sqlite_engine;
extern const struct storage_engine postgres_engine;

#endif
