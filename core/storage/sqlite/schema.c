/*
 * schema.c — the SQLite schema as numbered migrations, applied on open.
 *
 * Times are Unix seconds (UTC) unless a column ends in _ms (real
 * milliseconds, for leases and rates).  events_hot has no foreign keys and
 * no secondary index on purpose: with the object first in its key one
 * object's events are contiguous, which is what makes moves run near a
 * million rows a second.
 */
#include "kit.h"
#include "storage/analytics.h"
#include "storage/events.h"
#include "storage/pairmarks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Migrations 3 and 4 read the cold chunks too, which SQL alone cannot. */
static int backfill_user_objects(struct storage *s);
static int backfill_analytics(struct storage *s);
static int refold_names(struct storage *s);
static int backfill_object_users(struct storage *s);
static int backfill_marks(struct storage *s);

struct migration {
	const char *sql;
	int (*then)(struct storage *s); /* a step SQL alone cannot do, or NULL */
};

static const struct migration migrations[] = {
	/* 1: the whole first schema */
	{"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"

	"CREATE TABLE objects("
	"  id INTEGER PRIMARY KEY,"
	"  api_id TEXT NOT NULL UNIQUE,"
	"  kind INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  name_fold TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  channels TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER, first_sent_at INTEGER, last_sent_at INTEGER, stopped_at INTEGER,"
	"  ixd_state INTEGER NOT NULL,"
	"  expires_at INTEGER,"
	"  expired_at INTEGER,"
	"  last_restored_at INTEGER,"
	"  kept_by TEXT,"
	"  restore_job INTEGER,"
	"  hot_events INTEGER NOT NULL DEFAULT 0,"
	"  cold_events INTEGER NOT NULL DEFAULT 0,"
	"  learned INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX objects_name ON objects(name_fold);"
	"CREATE INDEX objects_state ON objects(ixd_state, expires_at);"

	"CREATE TABLE steps(id INTEGER PRIMARY KEY,"
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  api_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX steps_object ON steps(object_id);"
	"CREATE TABLE variants(id INTEGER PRIMARY KEY,"
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  api_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, is_control INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX variants_object ON variants(object_id);"
	"CREATE TABLE aliases(id INTEGER PRIMARY KEY,"
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, UNIQUE(object_id, name));"
	"CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE object_tags("
	"  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	"  tag_id INTEGER NOT NULL REFERENCES tags(id),"
	"  PRIMARY KEY(object_id, tag_id)) WITHOUT ROWID;"
	"CREATE INDEX object_tags_tag ON object_tags(tag_id, object_id);"

	"CREATE TABLE segments(id INTEGER PRIMARY KEY, api_id TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, in_use INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE filters(id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  owner_object_id INTEGER REFERENCES objects(id) ON DELETE CASCADE,"
	"  owner_segment_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,"
	"  target_object_id INTEGER REFERENCES objects(id),"
	"  target_step_id INTEGER REFERENCES steps(id),"
	"  target_variant_id INTEGER REFERENCES variants(id),"
	"  target_alias_id INTEGER REFERENCES aliases(id),"
	"  target_tag_id INTEGER REFERENCES tags(id),"
	"  CHECK ((owner_object_id IS NULL) <> (owner_segment_id IS NULL)),"
	"  CHECK ((target_object_id IS NULL) <> (target_tag_id IS NULL)));"
	"CREATE INDEX filters_target ON filters(target_object_id);"
	"CREATE INDEX filters_owner_object ON filters(owner_object_id);"
	"CREATE INDEX filters_owner_segment ON filters(owner_segment_id);"

	"CREATE TABLE users(id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE,"
	"  email TEXT, phone TEXT,"
	"  last_received_any INTEGER, last_received_email INTEGER, last_received_push INTEGER,"
	"  last_received_sms INTEGER, last_received_webhook INTEGER, last_received_whatsapp INTEGER,"
	"  last_engaged INTEGER, last_in_app_impression INTEGER, last_control_enrolled INTEGER,"
	"  hard_bounced INTEGER NOT NULL DEFAULT 0, marked_spam INTEGER NOT NULL DEFAULT 0,"
	"  invalid_phone INTEGER NOT NULL DEFAULT 0, learned INTEGER NOT NULL DEFAULT 0);"

	"CREATE TABLE events_hot(object_id INTEGER NOT NULL, user_id INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL, kind INTEGER NOT NULL, step_id INTEGER NOT NULL,"
	"  variant_id INTEGER NOT NULL, alias_id INTEGER NOT NULL, label INTEGER NOT NULL,"
	"  PRIMARY KEY(object_id, user_id, ts, kind, step_id, variant_id, alias_id, label)"
	") WITHOUT ROWID;"
	"CREATE TABLE events_cold(object_id INTEGER NOT NULL, chunk INTEGER NOT NULL,"
	"  n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(object_id, chunk));"

	"CREATE TABLE jobs(id INTEGER PRIMARY KEY,"
	"  state INTEGER NOT NULL,"
	"  requested_by TEXT NOT NULL, requested_from TEXT, request TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, finished_at INTEGER,"
	"  started_ms INTEGER, updated_ms INTEGER, finished_ms INTEGER,"
	"  events_total INTEGER NOT NULL DEFAULT 0, events_done INTEGER NOT NULL DEFAULT 0,"
	"  lease_owner TEXT, lease_until_ms INTEGER);"
	"CREATE INDEX jobs_state ON jobs(state);"
	"CREATE TABLE job_items(job_id INTEGER NOT NULL REFERENCES jobs(id),"
	"  object_id INTEGER NOT NULL REFERENCES objects(id),"
	"  outcome INTEGER NOT NULL, other_job INTEGER,"
	"  events_total INTEGER NOT NULL DEFAULT 0, events_done INTEGER NOT NULL DEFAULT 0,"
	"  new_expires_at INTEGER,"
	"  PRIMARY KEY(job_id, object_id)) WITHOUT ROWID;"
	"CREATE INDEX job_items_object ON job_items(object_id);"

	"CREATE TABLE outbox(id INTEGER PRIMARY KEY,"
	"  job_id INTEGER REFERENCES jobs(id),"
	"  state TEXT NOT NULL,"
	"  recipients TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER,"
	"  last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER);"

	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  operator TEXT NOT NULL, ssh_client TEXT, action TEXT NOT NULL,"
	"  object_id INTEGER, job_id INTEGER, details TEXT);"
	"CREATE INDEX audit_at ON audit(at);", NULL},

	/* 2: the summary banner reads only this index, not 100,000 wide rows */
	{"CREATE INDEX objects_summary ON objects(kind, ixd_state, expires_at, hot_events,"
	 " cold_events, kept_by IS NOT NULL);", NULL},

	/* 3: which objects each user has events for, in either tier, so a
	 * profile or an export finds a user's objects without scanning every
	 * event.  Readers still show only available objects. */
	{"CREATE TABLE user_objects(user_id INTEGER NOT NULL, object_id INTEGER NOT NULL,"
	 " PRIMARY KEY(user_id, object_id)) WITHOUT ROWID;"
	 "INSERT OR IGNORE INTO user_objects SELECT DISTINCT user_id, object_id FROM events_hot;",
	 backfill_user_objects},

	/* 4: what import keeps besides the events (storage/analytics.h): the
	 * aggregates per object, keyed object-first like everything an object
	 * owns; the users with any event of each object (user_objects rows get
	 * the stamp that tells new pairs, see events.c); who clicked each link
	 * alias.  Hot events and user_objects here, cold chunks in C. */
	{"CREATE TABLE object_stats(object_id INTEGER NOT NULL, step_id INTEGER NOT NULL,"
	 " variant_id INTEGER NOT NULL, kind INTEGER NOT NULL, label INTEGER NOT NULL,"
	 " events INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	 " PRIMARY KEY(object_id, step_id, variant_id, kind, label)) WITHOUT ROWID;"
	 "CREATE TABLE user_aliases(alias TEXT NOT NULL, user_id INTEGER NOT NULL,"
	 " PRIMARY KEY(alias, user_id)) WITHOUT ROWID;"
	 "ALTER TABLE objects ADD COLUMN users INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE user_objects ADD COLUMN import_seq INTEGER NOT NULL DEFAULT 0;"
	 "INSERT INTO object_stats SELECT object_id, step_id, variant_id, kind, label, count(*),"
	 " min(ts), max(ts) FROM events_hot GROUP BY 1, 2, 3, 4, 5;"
	 "INSERT OR IGNORE INTO user_aliases SELECT DISTINCT a.name, e.user_id FROM events_hot e"
	 " JOIN aliases a ON a.id=e.alias_id WHERE e.alias_id<>0;"
	 "UPDATE objects SET users=u.n FROM (SELECT object_id, count(*) AS n FROM user_objects"
	 " GROUP BY object_id) AS u WHERE u.object_id=objects.id;",
	 backfill_analytics},

	/* 5: a job's objects restore smallest first, so the first ones are
	 * usable early; this index finds the next one without a scan */
	{"CREATE INDEX job_items_next ON job_items(job_id, outcome, events_total, object_id);", NULL},

	/* 6: the outbox carries webhook and command notifications besides
	 * mail (enum notify_channel; existing rows are mail) */
	{"ALTER TABLE outbox ADD COLUMN channel INTEGER NOT NULL DEFAULT " SQL_CHANNEL_MAIL ";", NULL},

	/* 7: names folded by Unicode's case mapping (text_fold_case), where a
	 * table once covered a few scripts */
	{"", refold_names},

	/* 8: each object's users with the kinds of event they have of it
	 * (either tier), packed into one value per object (storage/userpack.h):
	 * a tag filter reads thousands of objects' users at once.  Built from
	 * the hot and cold events in C. */
	{"CREATE TABLE object_users(object_id INTEGER PRIMARY KEY, users INTEGER NOT NULL, data BLOB NOT NULL);",
	 backfill_object_users},

	/* 9: with each (user, object) pair, what the user's events of it were,
	 * condensed (storage/pairmarks.h): a profile or an export reads a
	 * user's history as one range of user_objects instead of seeking into
	 * every object's events.  Built from the hot and cold events in C. */
	{"ALTER TABLE user_objects ADD COLUMN marks BLOB NOT NULL DEFAULT x'00';", backfill_marks},
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

static int refold_names(struct storage *s)
{
	sqlite3_stmt *read = NULL;
	if (sqlite3_prepare_v2(lite(s)->db, "SELECT id, name FROM objects", -1, &read, NULL) != SQLITE_OK)
		return sql_fail(s, "refolding names");
	sqlite3_stmt *write = sql_stmt(s, "UPDATE objects SET name_fold=? WHERE id=?");
	int rc = write ? SQLITE_ROW : SQLITE_ERROR;
	while (write && (rc = sqlite3_step(read)) == SQLITE_ROW) {
		char *fold = text_fold_case((const char *)sqlite3_column_text(read, 1));
		sqlite3_bind_text(write, 1, fold, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(write, 2, sqlite3_column_int64(read, 0));
		free(fold);
		if (sql_exec(s, write, "refolding names") < 0) {
			sqlite3_finalize(read);
			return -1;
		}
	}
	sqlite3_finalize(read);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, "refolding names");
}

_Static_assert(MIGRATION_COUNT == STORAGE_SCHEMA_VERSION, "one migration per schema version");

/* Calls `fn` with every cold chunk, decoded: migrations that index what
 * the cold tier holds read it this way, once. */
static int each_cold_chunk(struct storage *s, int (*fn)(struct storage *s, struct event *ev, int n),
			   const char *what)
{
	sqlite3_stmt *read = NULL;
	if (sqlite3_prepare_v2(lite(s)->db, "SELECT object_id, n, data FROM events_cold", -1, &read, NULL) != SQLITE_OK)
		return sql_fail(s, "reading cold events");
	struct event *ev = malloc(COLDPACK_CHUNK * sizeof *ev);
	int rc;
	while ((rc = sqlite3_step(read)) == SQLITE_ROW) {
		int n = coldpack_decode(sqlite3_column_blob(read, 2), (size_t)sqlite3_column_bytes(read, 2),
					sqlite3_column_int64(read, 0), ev);
		if (n > 0 && fn(s, ev, n) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	free(ev);
	sqlite3_finalize(read);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, what);
}

/* Records the users of one chunk (its events are in user order). */
static int index_chunk_users(struct storage *s, struct event *ev, int n)
{
	for (int i = 0; i < n; i++)
		if ((i == 0 || ev[i].user_id != ev[i - 1].user_id) &&
		    SQL_RUN(s, "INSERT OR IGNORE INTO user_objects VALUES(?, ?)", "indexing cold events by user",
			    ev[i].user_id, ev[i].object_id) < 0)
			return -1;
	return 0;
}

/* Migration 3: the cold tier's users. */
static int backfill_user_objects(struct storage *s)
{
	return each_cold_chunk(s, index_chunk_users, "indexing cold events by user");
}

/* Calls `fn` for every object with events, with its cold events decoded
 * (a damaged chunk adds nothing: thaw check reports it): migrations that
 * index what each object's events say, one object at a time. */
static int each_object_with_events(struct storage *s,
				   int (*fn)(struct storage *s, int64_t id, const struct event *cold, int n_cold, void *ctx),
				   void *ctx, const char *what)
{
	sqlite3_stmt *objects = NULL;
	if (sqlite3_prepare_v2(lite(s)->db, "SELECT id FROM objects WHERE hot_events + cold_events > 0", -1, &objects,
			       NULL) != SQLITE_OK)
		return sql_fail(s, "listing objects");
	struct event *ev = malloc(COLDPACK_CHUNK * sizeof *ev), *cold = NULL;
	int cold_cap = 0, rc;
	while ((rc = sqlite3_step(objects)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(objects, 0);
		sqlite3_stmt *chunks = sql_stmt(s, "SELECT data FROM events_cold WHERE object_id=?");
		if (!chunks) {
			rc = SQLITE_ERROR; /* sql_stmt said why */
			break;
		}
		sqlite3_bind_int64(chunks, 1, id);
		int n_cold = 0, step;
		while ((step = sqlite3_step(chunks)) == SQLITE_ROW) {
			int k = coldpack_decode(sqlite3_column_blob(chunks, 0), (size_t)sqlite3_column_bytes(chunks, 0),
						id, ev);
			cold = array_reserve(cold, n_cold, &cold_cap, sizeof *cold, k > 0 ? k : 0);
			for (int i = 0; i < k; i++)
				cold[n_cold++] = ev[i];
		}
		sqlite3_reset(chunks);
		if (step != SQLITE_DONE) {
			sql_fail(s, "reading cold chunks");
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(s, id, cold, n_cold, ctx) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	free(ev);
	free(cold);
	sqlite3_finalize(objects);
	if (rc == SQLITE_ERROR)
		return -1;
	return rc == SQLITE_DONE ? 0 : sql_fail(s, what);
}

/* Migration 8: each object's users and kinds, from its hot events (by SQL)
 * and its cold chunks. */
static int index_object_users(struct storage *s, int64_t id, const struct event *cold, int n_cold, void *ctx)
{
	struct pair_list *scratch = ctx; /* its pairs array, reused */
	int n = sql_event_users(s, id, cold, n_cold, &scratch->pairs, &scratch->cap);
	return n < 0 || (n > 0 && sql_object_users_add(s, scratch->pairs, n) < 0) ? -1 : 0;
}

static int backfill_object_users(struct storage *s)
{
	struct pair_list scratch = {0};
	int rc = each_object_with_events(s, index_object_users, &scratch, "indexing objects' users");
	pair_list_free(&scratch);
	return rc;
}

/* Migration 9: each pair's marks, from its object's hot and cold events.
 * Pairs gather over many objects and are written sorted by user, so each
 * batch walks user_objects once instead of seeking a page per pair. */
#define MARKS_PER_WRITE (1 << 21)

struct marking {
	struct pair_list pairs;
	struct event *ev;
	int ev_cap;
};

static int write_marks_sorted(struct storage *s, struct marking *m)
{
	pair_list_compact(&m->pairs);
	int rc = sql_pair_marks_write(s, &m->pairs);
	pair_list_clear(&m->pairs);
	return rc;
}

static int mark_object_pairs(struct storage *s, int64_t id, const struct event *cold, int n_cold, void *ctx)
{
	struct marking *m = ctx;
	int n = sql_object_events(s, id, cold, n_cold, &m->ev, &m->ev_cap);
	if (n < 0)
		return -1;
	pair_list_add_events(&m->pairs, m->ev, (size_t)n);
	return m->pairs.count >= MARKS_PER_WRITE ? write_marks_sorted(s, m) : 0;
}

static int backfill_marks(struct storage *s)
{
	struct marking m = {0};
	int rc = each_object_with_events(s, mark_object_pairs, &m, "marking what users received");
	if (rc == 0)
		rc = write_marks_sorted(s, &m);
	pair_list_free(&m.pairs);
	free(m.ev);
	return rc;
}

/* Orders a chunk's events by what the aggregates are keyed by. */
static int by_stat_key(const void *pa, const void *pb)
{
	const struct event *a = pa, *b = pb;
	if (a->step_id != b->step_id)
		return a->step_id < b->step_id ? -1 : 1;
	if (a->variant_id != b->variant_id)
		return a->variant_id < b->variant_id ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind - b->kind;
	return a->label - b->label;
}

/* Adds one decoded chunk to the aggregates and the alias clicks. */
static int tally_chunk(struct storage *s, struct event *ev, int n)
{
	qsort(ev, (size_t)n, sizeof *ev, by_stat_key);
	for (int i = 0; i < n;) {
		struct event_stat st = {.object_id = ev[i].object_id, .step_id = ev[i].step_id,
					.variant_id = ev[i].variant_id, .kind = ev[i].kind, .label = ev[i].label,
					.first_ts = ev[i].ts, .last_ts = ev[i].ts};
		for (; i < n && by_stat_key(&ev[i], &ev[st.events ? i - 1 : i]) == 0; i++) {
			st.events++;
			st.first_ts = ev[i].ts < st.first_ts ? ev[i].ts : st.first_ts;
			st.last_ts = ev[i].ts > st.last_ts ? ev[i].ts : st.last_ts;
			if (ev[i].alias_id &&
			    storage_user_aliases_add(s, (const int64_t[][2]){{ev[i].alias_id, ev[i].user_id}}, 1) < 0)
				return -1;
		}
		if (storage_stats_add(s, &st, 1) < 0)
			return -1;
	}
	return 0;
}

/* Migration 4: the cold tier's share of the aggregates. */
static int backfill_analytics(struct storage *s)
{
	return each_cold_chunk(s, tally_chunk, "adding cold events to the aggregates");
}

int sqlite_storage_schema_version(struct storage *s)
{
	sqlite3_stmt *st = sql_stmt(s, "PRAGMA user_version");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	int v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

int sql_migrate(struct storage *s)
{
	int version = storage_schema_version(s);
	if (version < 0)
		return sql_fail(s, "reading the schema version");
	if (version > MIGRATION_COUNT) {
		snprintf(s->error, sizeof s->error,
			 "%s was written by a newer thaw (schema %d; this thaw knows up to %d): "
			 "upgrade thaw to use it",
			 s->location, version, MIGRATION_COUNT);
		return -1;
	}
	if (version < MIGRATION_COUNT && s->read_only) {
		snprintf(s->error, sizeof s->error,
			 "%s needs its schema upgraded (%d -> %d); open it once without --read-only",
			 s->location, version, MIGRATION_COUNT);
		return STORAGE_NEEDS_MIGRATION;
	}
	for (int v = version; v < MIGRATION_COUNT; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
		if (storage_begin(s) < 0)
			return -1;
		if (sql_exec_script(s, migrations[v].sql, "migrating the schema") < 0 ||
		    (migrations[v].then && migrations[v].then(s) < 0) ||
		    sql_exec_script(s, pragma, "recording the schema version") < 0) {
			char keep[sizeof s->error];
			memcpy(keep, s->error, sizeof keep);
			storage_rollback(s);
			memcpy(s->error, keep, sizeof keep);
			return -1;
		}
		if (storage_commit(s) < 0)
			return -1;
	}
	return 0;
}
