/*
 * storage — the workspace behind one engine-neutral API.
 *
 * The API is split by subject, one header each, so a caller includes what
 * it uses:
 *
 *   storage/storage.h    opening, transactions, metadata (this file)
 *   storage/objects.h    campaigns and Canvases, the list's queries, tags
 *   storage/setup.h      steps, variants, aliases, segments, filters
 *   storage/users.h      users and their non-IxD fields
 *   storage/events.h     interaction events and the moves between tiers
 *   storage/lifecycle.h  every change of an object's IxD state
 *   storage/analytics.h  aggregates kept at import (they never expire)
 *   storage/jobs.h       restore jobs, their items and leases
 *   storage/outbox.h     the completion-mail outbox
 *   storage/audit.h      the audit log
 *   storage/readers.h    what segment filters, profiles and exports read
 *   storage/check.h      verifying the invariants
 *
 * Only the engines behind it speak SQL, each in its own folder implementing
 * the same operations (storage/engine_ops.h): SQLite (storage/sqlite/), the
 * embedded default, and PostgreSQL (storage/postgres/).  storage_open picks
 * one by the location.
 *
 * Rules every caller can rely on:
 *  - the schema is migrated on open (numbered migrations, one transaction
 *    each); a newer schema is refused;
 *  - per-object hot/cold event counts are kept current by every function
 *    that adds or moves events, so nobody ever counts events to show them;
 *  - functions return 0 on success and -1 on error, with the reason in
 *    storage_error().  Write functions expect the caller's transaction
 *    (storage_begin / storage_commit) unless they say otherwise.
 */
#ifndef THAW_STORAGE_H
#define THAW_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORAGE_SCHEMA_VERSION 9

struct storage;

enum storage_open_flags {
	STORAGE_READ_ONLY = 1, /* never writes; refuses a database that needs migrating */
	STORAGE_MUST_EXIST = 2, /* do not create a missing file */
};

/* -1 on error; STORAGE_NEEDS_MIGRATION when a read-only open found a schema
 * it may not upgrade (a writable open would). */
#define STORAGE_NEEDS_MIGRATION (-2)
/* A read found stored data it cannot decode (a damaged cold chunk): the
 * reason is in storage_error(), and nothing was changed. */
#define STORAGE_DAMAGED (-3)
int storage_open(const char *path, int flags, struct storage **out, char *err, size_t errsize);
void storage_close(struct storage *s);
const char *storage_error(const struct storage *s);
/* Whether the last error may pass if the work is tried again: the
 * connection to a server was lost (it is re-established on the next
 * call), or the server chose this transaction to undo (a serialization
 * failure, a deadlock).  The caller rolls back and redoes the batch. */
bool storage_error_transient(const struct storage *s);
/* Waits up to timeout_ms for another connection to commit a change: 1
 * when one did (a server tells its listeners at once), 0 when the time
 * passed (SQLite cannot tell: it only waits, and the caller looks again),
 * -1 on error. */
int storage_wait_change(struct storage *s, int timeout_ms);
/* A descriptor that turns readable when a change may have been committed
 * (then storage_wait_change(s, 0) says whether one was), for a loop that
 * polls other things too; -1 when the engine cannot tell (SQLite). */
int storage_change_fd(struct storage *s);
/* The file path, or the server URI, as given to storage_open. */
const char *storage_path(const struct storage *s);
/* "SQLite" or "PostgreSQL" */
const char *storage_engine_name(const struct storage *s);
/* Whether a location names a database server rather than a file. */
bool storage_is_server(const char *location);
/* Whether a location names a file that is not there (a server's database
 * is only known to be missing once connected: storage_open says). */
bool storage_file_missing(const char *location);
/* The files the workspace lives in, whose modes decide who may change it
 * whatever thaw says: fills `paths` (up to max), returns how many (0 for an
 * engine on a server). */
int storage_files(const struct storage *s, char paths[][4200], int max);

/* Takes the write lock now, so a later write cannot fail with a stale
 * snapshot. */
int storage_begin(struct storage *s);
/* A write transaction that changes one restore job's own rows and
 * objects only (a step of it): steps of different jobs may run at the
 * same time where the engine can (PostgreSQL), while every other writer
 * still waits for them and they for it.  On SQLite, storage_begin. */
int storage_begin_step(struct storage *s);
/* A read transaction: one consistent snapshot across several queries. */
int storage_begin_read(struct storage *s);
int storage_commit(struct storage *s);
void storage_rollback(struct storage *s);

int storage_schema_version(struct storage *s);

/* "SQLite 3.40.1": the engines' libraries, for --version */
const char *storage_engine_version(void);

/* Key/value metadata of the workspace (e.g. the last sweep day). */
int storage_meta_get(struct storage *s, const char *key, char *out, size_t size);
int storage_meta_set(struct storage *s, const char *key, const char *value);

#endif
