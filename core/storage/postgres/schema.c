/*
 * schema.c — the PostgreSQL workspace's tables, numbered migrations of
 * their own (one transaction each), and the schema version in meta.
 *
 * Everything an object owns is keyed first by the object's id (events,
 * cold chunks, steps, variants, aliases, aggregates, packed users), so
 * those tables can be distributed by object_id (Citus, or native hash
 * partitioning) without changing a query; objects, tags, segments, users,
 * jobs, outbox and audit are small or per-workspace (reference tables).
 * Cold chunks are thaw's packed format in bytea, stored without
 * PostgreSQL's compression (it is packed already).  Text sorts and
 * compares byte by byte (COLLATE "C"), as in SQLite, so both engines list
 * in the same order whatever the database's locale.  The rows every
 * batch updates (objects' counts, jobs' progress) leave half of each page
 * free, so an update stays on its page without touching an index (a HOT
 * update) instead of bloating the table between vacuums.
 */
#include "kit.h"
#include "storage/coldpack.h"
#include "storage/pairmarks.h"

#include <stdio.h>
#include <stdlib.h>

static int backfill_marks(struct storage *s);

struct migration {
	const char *sql;
	int (*then)(struct storage *s); /* a step SQL alone cannot do, or NULL */
};

static const struct migration migrations[] = {
	/* 1: the workspace as SQLite's schema 8 has it */
	{"CREATE TABLE meta(key text COLLATE \"C\" PRIMARY KEY, value text COLLATE \"C\" NOT NULL);"
	"CREATE TABLE objects(id bigserial PRIMARY KEY, api_id text COLLATE \"C\" NOT NULL UNIQUE, kind int NOT NULL,"
	" name text COLLATE \"C\" NOT NULL, name_fold text COLLATE \"C\" NOT NULL, status int NOT NULL, channels text COLLATE \"C\" NOT NULL DEFAULT '',"
	" created_at bigint, first_sent_at bigint, last_sent_at bigint, stopped_at bigint,"
	" ixd_state int NOT NULL, expires_at bigint, expired_at bigint, last_restored_at bigint,"
	" kept_by text COLLATE \"C\", restore_job bigint, hot_events bigint NOT NULL DEFAULT 0,"
	" cold_events bigint NOT NULL DEFAULT 0, learned int NOT NULL DEFAULT 0,"
	" users bigint NOT NULL DEFAULT 0) WITH (fillfactor = 50);"
	"CREATE INDEX objects_name ON objects(name_fold);"
	"CREATE INDEX objects_state ON objects(ixd_state, expires_at);"
	"CREATE TABLE steps(object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	" id bigserial, api_id text COLLATE \"C\" NOT NULL UNIQUE, name text COLLATE \"C\" NOT NULL, position int NOT NULL DEFAULT 0,"
	" PRIMARY KEY(object_id, id));"
	"CREATE UNIQUE INDEX steps_id ON steps(id);"
	"CREATE TABLE variants(object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	" id bigserial, api_id text COLLATE \"C\" NOT NULL UNIQUE, name text COLLATE \"C\" NOT NULL, is_control int NOT NULL DEFAULT 0,"
	" PRIMARY KEY(object_id, id));"
	"CREATE UNIQUE INDEX variants_id ON variants(id);"
	"CREATE TABLE aliases(object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	" id bigserial, name text COLLATE \"C\" NOT NULL, PRIMARY KEY(object_id, id), UNIQUE(object_id, name));"
	"CREATE UNIQUE INDEX aliases_id ON aliases(id);"
	"CREATE TABLE tags(id bigserial PRIMARY KEY, name text COLLATE \"C\" NOT NULL UNIQUE);"
	"CREATE TABLE object_tags(object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,"
	" tag_id bigint NOT NULL REFERENCES tags(id), PRIMARY KEY(object_id, tag_id));"
	"CREATE INDEX object_tags_tag ON object_tags(tag_id, object_id);"
	"CREATE TABLE segments(id bigserial PRIMARY KEY, api_id text COLLATE \"C\" NOT NULL UNIQUE, name text COLLATE \"C\" NOT NULL,"
	" in_use int NOT NULL DEFAULT 0);"
	"CREATE TABLE filters(id bigserial PRIMARY KEY, kind int NOT NULL,"
	" owner_object_id bigint REFERENCES objects(id) ON DELETE CASCADE,"
	" owner_segment_id bigint REFERENCES segments(id) ON DELETE CASCADE,"
	" target_object_id bigint REFERENCES objects(id), target_step_id bigint, target_variant_id bigint,"
	" target_alias_id bigint, target_tag_id bigint REFERENCES tags(id),"
	" CHECK ((owner_object_id IS NULL) <> (owner_segment_id IS NULL)),"
	" CHECK ((target_object_id IS NULL) <> (target_tag_id IS NULL)));"
	"CREATE INDEX filters_target ON filters(target_object_id);"
	"CREATE INDEX filters_owner_object ON filters(owner_object_id);"
	"CREATE INDEX filters_owner_segment ON filters(owner_segment_id);"
	"CREATE TABLE users(id bigserial PRIMARY KEY, external_id text COLLATE \"C\" NOT NULL UNIQUE, email text COLLATE \"C\", phone text COLLATE \"C\","
	" last_received_any bigint, last_received_email bigint, last_received_push bigint,"
	" last_received_sms bigint, last_received_webhook bigint, last_received_whatsapp bigint,"
	" last_engaged bigint, last_in_app_impression bigint, last_control_enrolled bigint,"
	" hard_bounced int NOT NULL DEFAULT 0, marked_spam int NOT NULL DEFAULT 0,"
	" invalid_phone int NOT NULL DEFAULT 0, learned int NOT NULL DEFAULT 0);"
	"CREATE TABLE events_hot(object_id bigint NOT NULL, user_id bigint NOT NULL, ts bigint NOT NULL,"
	" kind smallint NOT NULL, step_id bigint NOT NULL, variant_id bigint NOT NULL,"
	" alias_id bigint NOT NULL, label int NOT NULL,"
	" PRIMARY KEY(object_id, user_id, ts, kind, step_id, variant_id, alias_id, label));"
	"CREATE TABLE events_cold(object_id bigint NOT NULL, chunk bigint NOT NULL, n int NOT NULL,"
	" data bytea NOT NULL, PRIMARY KEY(object_id, chunk));"
	"ALTER TABLE events_cold ALTER COLUMN data SET STORAGE EXTERNAL;"
	"CREATE TABLE object_users(object_id bigint PRIMARY KEY, users bigint NOT NULL, data bytea NOT NULL);"
	"ALTER TABLE object_users ALTER COLUMN data SET STORAGE EXTERNAL;"
	"CREATE TABLE object_stats(object_id bigint NOT NULL, step_id bigint NOT NULL,"
	" variant_id bigint NOT NULL, kind int NOT NULL, label int NOT NULL, events bigint NOT NULL,"
	" first_ts bigint NOT NULL, last_ts bigint NOT NULL,"
	" PRIMARY KEY(object_id, step_id, variant_id, kind, label));"
	"CREATE TABLE user_objects(user_id bigint NOT NULL, object_id bigint NOT NULL,"
	" import_seq bigint NOT NULL DEFAULT 0, PRIMARY KEY(user_id, object_id));"
	"CREATE TABLE user_aliases(alias text COLLATE \"C\" NOT NULL, user_id bigint NOT NULL, PRIMARY KEY(alias, user_id));"
	"CREATE TABLE jobs(id bigserial PRIMARY KEY, state int NOT NULL, requested_by text COLLATE \"C\" NOT NULL,"
	" requested_from text COLLATE \"C\", request text COLLATE \"C\" NOT NULL, created_at bigint NOT NULL, finished_at bigint,"
	" started_ms bigint, updated_ms bigint, finished_ms bigint, events_total bigint NOT NULL DEFAULT 0,"
	" events_done bigint NOT NULL DEFAULT 0, lease_owner text COLLATE \"C\", lease_until_ms bigint)"
	" WITH (fillfactor = 50);"
	"CREATE INDEX jobs_state ON jobs(state);"
	"CREATE TABLE job_items(job_id bigint NOT NULL REFERENCES jobs(id),"
	" object_id bigint NOT NULL REFERENCES objects(id), outcome int NOT NULL, other_job bigint,"
	" events_total bigint NOT NULL DEFAULT 0, events_done bigint NOT NULL DEFAULT 0,"
	" new_expires_at bigint, PRIMARY KEY(job_id, object_id)) WITH (fillfactor = 50);"
	"CREATE INDEX job_items_object ON job_items(object_id);"
	"CREATE INDEX job_items_next ON job_items(job_id, outcome, events_total, object_id);"
	"CREATE TABLE outbox(id bigserial PRIMARY KEY, job_id bigint REFERENCES jobs(id), state text COLLATE \"C\" NOT NULL,"
	" recipients text COLLATE \"C\" NOT NULL, subject text COLLATE \"C\" NOT NULL, body text COLLATE \"C\" NOT NULL,"
	" attempts int NOT NULL DEFAULT 0, next_attempt_at bigint, last_error text COLLATE \"C\","
	" created_at bigint NOT NULL, sent_at bigint, channel int NOT NULL DEFAULT 0);"
	"CREATE TABLE audit(id bigserial PRIMARY KEY, at bigint NOT NULL, operator text COLLATE \"C\" NOT NULL,"
	" ssh_client text COLLATE \"C\", action text COLLATE \"C\" NOT NULL, object_id bigint, job_id bigint, details text COLLATE \"C\");"
	"CREATE INDEX audit_at ON audit(at);", NULL},

	/* 2: with each (user, object) pair, what the user's events of it were,
	 * condensed (storage/pairmarks.h), as SQLite's schema 9 has it; built
	 * from the hot and cold events in C */
	{"ALTER TABLE user_objects ADD COLUMN marks bytea NOT NULL DEFAULT '\\x00';", backfill_marks},
};

#define PG_SCHEMA_VERSION (int)(sizeof migrations / sizeof migrations[0])

/* An object's cold events, decoded (a damaged chunk adds nothing: thaw
 * check reports it), into *ev; returns the count, or -1. */
static int cold_events(struct storage *s, int64_t object_id, struct event **ev, int *cap)
{
	PGresult *r = pg_query(s, "reading cold chunks", "SELECT data FROM events_cold WHERE object_id=$1", "l",
			       object_id);
	if (!r)
		return -1;
	int n = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		*ev = array_reserve(*ev, n, cap, sizeof **ev, COLDPACK_CHUNK);
		size_t size;
		unsigned char *data = pg_bytes(r, i, 0, &size);
		int k = coldpack_decode(data, size, object_id, *ev + n);
		PQfreemem(data);
		n += k > 0 ? k : 0;
	}
	PQclear(r);
	return n;
}

/* Migration 2: each pair's marks, from its object's events, an object at a time. */
static int backfill_marks(struct storage *s)
{
	PGresult *objects = pg_query(s, "listing objects", "SELECT id FROM objects WHERE hot_events + cold_events > 0"
				     " ORDER BY id", "");
	if (!objects)
		return -1;
	struct event *cold = NULL, *ev = NULL;
	int cold_cap = 0, ev_cap = 0, rc = 0;
	struct pair_list pairs = {0};
	for (int i = 0; rc == 0 && i < PQntuples(objects); i++) {
		int64_t id = pg_int(objects, i, 0);
		int n_cold = cold_events(s, id, &cold, &cold_cap);
		int n = n_cold < 0 ? -1 : pg_object_events(s, id, cold, n_cold, &ev, &ev_cap);
		if (n < 0) {
			rc = -1;
			break;
		}
		pair_list_clear(&pairs);
		pair_list_add_events(&pairs, ev, (size_t)n);
		rc = pg_pair_marks_write(s, &pairs);
	}
	PQclear(objects);
	free(cold);
	free(ev);
	pair_list_free(&pairs);
	return rc;
}

int pg_storage_schema_version(struct storage *s)
{
	int64_t has_meta, version = 0;
	if (pg_scalar(s, "reading the schema version", &has_meta,
		      "SELECT to_regclass('meta') IS NOT NULL", "") < 0)
		return -1;
	if (has_meta && pg_scalar(s, "reading the schema version", &version,
				  "SELECT value::int FROM meta WHERE key='schema'", "") < 0)
		return -1;
	return (int)version;
}

static int migrate_from(struct storage *s, int version)
{
	for (int v = version; v < PG_SCHEMA_VERSION; v++) {
		char record[128];
		snprintf(record, sizeof record,
			 "INSERT INTO meta VALUES('schema', '%d') ON CONFLICT(key) DO UPDATE SET value=excluded.value",
			 v + 1);
		if (pg_script(s, "migrating the schema", migrations[v].sql) < 0 ||
		    (migrations[v].then && migrations[v].then(s) < 0) ||
		    pg_script(s, "recording the schema version", record) < 0)
			return -1;
	}
	return 0;
}

int pg_migrate(struct storage *s)
{
	int version = pg_storage_schema_version(s);
	if (version < 0)
		return -1;
	if (version > PG_SCHEMA_VERSION)
		return pg_fail(s, "%s was written by a newer thaw (schema %d; this thaw knows up to %d): "
			       "upgrade thaw to use it", s->location, version, PG_SCHEMA_VERSION);
	if (version == PG_SCHEMA_VERSION)
		return 0;
	if (s->read_only) {
		pg_fail(s, "%s needs its schema upgraded (%d -> %d); open it once without --read-only",
			s->location, version, PG_SCHEMA_VERSION);
		return STORAGE_NEEDS_MIGRATION;
	}
	/* one migrator at a time: a second thaw opening the same new database
	 * waits for the lock, then finds the schema done */
	if (storage_begin(s) < 0)
		return -1;
	version = pg_storage_schema_version(s);
	int rc = version < 0 ? -1 : migrate_from(s, version);
	if (rc < 0) {
		char keep[sizeof s->error];
		snprintf(keep, sizeof keep, "%s", s->error);
		storage_rollback(s);
		snprintf(s->error, sizeof s->error, "%s", keep);
		return -1;
	}
	return storage_commit(s);
}
