/*
 * bench_tiers — how fast thaw moves interaction data, against plain SQL.
 *
 *   bench_tiers WORKSPACE [--size small|medium|large] [--share PERCENT]
 *
 * WORKSPACE is a SQLite file or a PostgreSQL database (postgresql://…): the
 * plain-SQL baseline runs on the same engine, on its own connection.
 *
 * Creates the demo workspace if the file does not exist, picks objects
 * holding about PERCENT (default 10) of the hot events, and measures, in
 * one process and one run so the machine's noise hits both sides alike:
 *
 *   plain SQL sweep    INSERT INTO plain_cold SELECT ...; DELETE ... (one transaction)
 *   plain SQL restore  the same back
 *   thaw sweep         expire + move in worker.batch_rows batches into packed chunks
 *   thaw restore       a real restore job, batch by batch, with its progress
 *
 * During every move, plain SQL's too, a reader thread on its own connection
 * runs what the console runs (first page of the list, the summary) and
 * records its worst latency.  Then it reports hot and cold bytes per event
 * (SQLite's dbstat, PostgreSQL's relation sizes).
 *
 * SQL appears here only for the plain-SQL baseline and the sizes;
 * everything thaw does goes through the core.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/text.h"
#include "import/demo.h"
#include "retention/restore.h"
#include "retention/sweep.h"
#include "storage/jobs.h"
#include "storage/lifecycle.h"
#include "storage/objects.h"

#define BATCH 50000

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_tiers: %s: %s\n", what, why);
	exit(1);
}

/* The baseline's own connection: to the SQLite file, or to the server. */
struct plain {
	sqlite3 *lite;
	PGconn *pg;
};

static void sql(struct plain *db, const char *text)
{
	if (db->pg) {
		PGresult *r = PQexec(db->pg, text);
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
			die(text, PQresultErrorMessage(r));
		PQclear(r);
		return;
	}
	char *err = NULL;
	if (sqlite3_exec(db->lite, text, NULL, NULL, &err) != SQLITE_OK)
		die(text, err);
}

/* The first column of the first row of `text` on SQLite, or of `pg_text`
 * on PostgreSQL (NULL: the same text). */
static int64_t sql_int(struct plain *db, const char *text, const char *pg_text)
{
	if (db->pg) {
		PGresult *r = PQexec(db->pg, pg_text ? pg_text : text);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			die(pg_text ? pg_text : text, PQresultErrorMessage(r));
		int64_t v = PQntuples(r) && !PQgetisnull(r, 0, 0) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
		PQclear(r);
		return v;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->lite, text, -1, &st, NULL) != SQLITE_OK)
		die(text, sqlite3_errmsg(db->lite));
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* Writes what is in memory to disk before a timing starts, so neither side
 * pays for the other's writes.  On PostgreSQL the rows the previous move
 * deleted are vacuumed away first: left in place, the next move would step
 * over them (the same keys come back) and the later mover would pay for
 * the earlier one's dead rows.  A real restore comes months after its
 * sweep, long after autovacuum. */
static void settle_disk(struct plain *db)
{
	if (db->pg)
		sql(db, "VACUUM");
	sql(db, db->pg ? "CHECKPOINT" : "PRAGMA wal_checkpoint(TRUNCATE)");
}

static void plain_open(struct plain *db, const char *location)
{
	*db = (struct plain){0};
	if (storage_is_server(location)) {
		const char *conninfo = strncmp(location, "postgresql:", 11) == 0 && location[11] != '/'
			? location + 11 : location;
		db->pg = PQconnectdb(conninfo);
		if (PQstatus(db->pg) != CONNECTION_OK)
			die(location, PQerrorMessage(db->pg));
		/* rows deleted by earlier runs would count as bytes and pages */
		sql(db, "SET client_min_messages = warning; DROP TABLE IF EXISTS plain_cold;"
			" CREATE TABLE plain_cold (LIKE events_hot INCLUDING ALL)");
		sql(db, "VACUUM ANALYZE");
		return;
	}
	if (sqlite3_open(location, &db->lite) != SQLITE_OK)
		die(location, "cannot open");
	sql(db, "PRAGMA cache_size=-65536; PRAGMA busy_timeout=15000;"
		"DROP TABLE IF EXISTS plain_cold; CREATE TABLE plain_cold(object_id INTEGER NOT NULL,"
		" user_id INTEGER NOT NULL, ts INTEGER NOT NULL, kind INTEGER NOT NULL,"
		" step_id INTEGER NOT NULL, variant_id INTEGER NOT NULL, alias_id INTEGER NOT NULL,"
		" label INTEGER NOT NULL, PRIMARY KEY(object_id, user_id, ts, kind, step_id,"
		" variant_id, alias_id, label)) WITHOUT ROWID");
}

static void plain_close(struct plain *db)
{
	sql(db, "DROP TABLE plain_cold");
	if (db->pg)
		PQfinish(db->pg);
	else
		sqlite3_close(db->lite);
}

/* ---- the concurrent reader ---- */

struct reader {
	const char *path;
	volatile int running;
	int64_t worst_ms, queries;
	pthread_t thread;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	struct storage *s;
	char err[256];
	if (storage_open(r->path, STORAGE_READ_ONLY, &s, err, sizeof err) < 0)
		die("reader", err);
	while (r->running) {
		int64_t start = clock_mono_ms();
		struct object_query q = {.kind = -1, .status = -1, .state = -1, .limit = 50,
					 .now = clock_now(NULL), .soon_days = 14};
		struct object_list l;
		struct workspace_summary sum;
		if (storage_list_objects(s, &q, &l) < 0 || storage_summary(s, q.now, 14, &sum) < 0)
			die("reader", storage_error(s));
		object_list_free(&l);
		int64_t ms = clock_mono_ms() - start;
		if (ms > r->worst_ms)
			r->worst_ms = ms;
		r->queries++;
		usleep(2000);
	}
	storage_close(s);
	return NULL;
}

static void reader_start(struct reader *r, const char *path)
{
	*r = (struct reader){.path = path, .running = 1};
	pthread_create(&r->thread, NULL, read_loop, r);
}

static void reader_stop(struct reader *r)
{
	r->running = 0;
	pthread_join(r->thread, NULL);
}

/* ---- the workload ---- */

struct target {
	int64_t *ids;
	char **api_ids;
	int count;
	int64_t events;
	struct buf id_list; /* "1,5,9": the baseline's IN list */
};

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every k-th available object with hot events, in id order (a spread like
 * a real sweep), until they hold `share` percent of the hot events. */
static void pick_targets(struct storage *s, int share, struct target *t)
{
	struct object_query q = {.kind = -1, .status = -1, .state = IXD_AVAILABLE};
	struct object_list l;
	if (storage_list_objects(s, &q, &l) < 0)
		die("pick", storage_error(s));
	int64_t hot = 0, want;
	for (int i = 0; i < l.count; i++)
		hot += l.rows[i].hot_events;
	want = hot * share / 100;
	int step = 100 / share, seen = 0;
	t->ids = malloc(((size_t)l.count + 1) * sizeof *t->ids);
	t->api_ids = malloc(((size_t)l.count + 1) * sizeof *t->api_ids);
	/* the list comes sorted by name: walk it in id order */
	int64_t *order = malloc(((size_t)l.count + 1) * sizeof *order);
	for (int i = 0; i < l.count; i++)
		order[i] = (int64_t)l.rows[i].id << 20 | i;
	qsort(order, (size_t)l.count, sizeof *order, by_value);
	for (int k = 0; k < l.count && t->events < want; k++) {
		const struct object_row *o = &l.rows[order[k] & ((1 << 20) - 1)];
		if (o->hot_events == 0 || seen++ % step)
			continue;
		t->ids[t->count] = o->id;
		t->api_ids[t->count++] = strdup(o->api_id);
		t->events += o->hot_events;
		buf_printf(&t->id_list, "%s%lld", t->count > 1 ? "," : "", (long long)o->id);
	}
	free(order);
	object_list_free(&l);
}

static double plain_move(struct plain *db, const struct target *t, const char *from, const char *to)
{
	struct buf text = {0};
	settle_disk(db);
	int64_t start = clock_mono_ms();
	buf_printf(&text, "%s; INSERT INTO %s SELECT * FROM %s WHERE object_id IN (%s);"
		   " DELETE FROM %s WHERE object_id IN (%s); COMMIT", db->pg ? "BEGIN" : "BEGIN IMMEDIATE", to, from,
		   t->id_list.data, from, t->id_list.data);
	sql(db, text.data);
	buf_free(&text);
	return (double)(clock_mono_ms() - start) / 1000.0;
}

static double thaw_sweep(struct storage *s, struct plain *db, const struct target *t, int64_t now)
{
	settle_disk(db);
	int64_t start = clock_mono_ms();
	if (storage_begin(s) < 0)
		die("sweep", storage_error(s));
	for (int i = 0; i < t->count; i++)
		if (storage_object_expire(s, t->ids[i], now) < 0)
			die("expire", storage_error(s));
	if (storage_commit(s) < 0)
		die("sweep", storage_error(s));
	for (int at = 0; at < t->count;) {
		int64_t moved;
		int finished = sweep_settle_batch(s, t->ids + at, t->count - at, BATCH, &moved);
		if (finished < 0)
			die("settle", storage_error(s));
		at += finished;
	}
	return (double)(clock_mono_ms() - start) / 1000.0;
}

static double thaw_restore(struct storage *s, struct plain *db, const struct target *t, int64_t now)
{
	settle_disk(db);
	int64_t start = clock_mono_ms();
	struct restore_request r = {.objects = (const char *const *)t->api_ids,
				    .object_count = t->count, .actor = {"bench", NULL}, .now = now};
	struct diag d = {0};
	struct restore_result requested;
	if (restore_request(s, &r, &requested, &d) < 0)
		die("restore request", d.count ? d.entries[0].message : storage_error(s));
	int64_t job = requested.job_id;
	int64_t claimed;
	if (storage_begin(s) < 0 || storage_job_claim(s, "bench", clock_real_ms(), 60000, &claimed) < 0 ||
	    storage_commit(s) < 0)
		die("claim", storage_error(s));
	struct step_options o = {.owner = "bench", .lease_ms = 60000, .batch_rows = BATCH, .months = 3,
				 .now = now, .actor = {"bench", NULL}};
	enum step_result res;
	int64_t moved;
	while ((res = restore_job_step(s, job, &o, &moved)) == STEP_PROGRESS)
		;
	if (res != STEP_FINISHED)
		die("restore", storage_error(s));
	return (double)(clock_mono_ms() - start) / 1000.0;
}

static void progress(void *ctx, int64_t done, int64_t planned)
{
	(void)ctx;
	fprintf(stderr, "\rdemo: %lld / ~%lld events", (long long)done, (long long)planned);
}

static void ensure_workspace(const char *path, int size)
{
	struct storage *s;
	char err[256];
	if (!storage_file_missing(path) && !storage_is_server(path))
		return;
	if (storage_open(path, 0, &s, err, sizeof err) < 0)
		die(path, err);
	struct workspace_summary sum;
	if (storage_summary(s, 0, 0, &sum) < 0)
		die(path, storage_error(s));
	if (sum.objects > 0) { /* a server's database that holds the demo already */
		storage_close(s);
		return;
	}
	struct demo_options o = {.size = size, .seed = 1, .now = clock_now(NULL), .months = 3,
				 .progress = progress};
	struct demo_report r;
	int64_t start = clock_mono_ms();
	if (demo_generate(s, &o, &r) < 0)
		die("demo", storage_error(s));
	fprintf(stderr, "\n");
	printf("demo workspace: %lld objects, %lld hot + %lld cold events, generated in %.1f s\n",
	       (long long)r.objects, (long long)r.events_hot, (long long)r.events_cold,
	       (double)(clock_mono_ms() - start) / 1000.0);
	storage_close(s);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_tiers WORKSPACE [--size small|medium|large] [--share PERCENT]\n");
		return 2;
	}
	int size = DEMO_MEDIUM, share = 10;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--size") == 0)
			size = demo_size_parse(argv[i + 1]);
		else if (strcmp(argv[i], "--share") == 0)
			share = atoi(argv[i + 1]);
	}
	if (size < 0 || share <= 0 || share > 100)
		die("arguments", "--size small|medium|large, --share 1..100");
	const char *path = argv[1];
	ensure_workspace(path, size);

	struct storage *s;
	char err[256];
	if (storage_open(path, 0, &s, err, sizeof err) < 0)
		die(path, err);
	struct plain db;
	plain_open(&db, path);
	struct target t = {0};
	pick_targets(s, share, &t);
	int64_t total = sql_int(&db, "SELECT sum(hot_events) + sum(cold_events) FROM objects", NULL);
	printf("workspace (%s): %lld events in all; moving %d objects holding %lld hot events (%d%%)\n",
	       storage_engine_name(s), (long long)total, t.count, (long long)t.events, share);
	int64_t now = clock_now(NULL);

	int64_t hot_events = sql_int(&db, "SELECT sum(hot_events) FROM objects", NULL);
	int64_t hot_bytes = sql_int(&db, "SELECT sum(pgsize) FROM dbstat WHERE name='events_hot'",
				    "SELECT pg_total_relation_size('events_hot')");
	/* the reader runs during every move, the baseline's too: both sides
	 * share the machine with it alike */
	struct reader rd;
	reader_start(&rd, path);
	double plain_sweep = plain_move(&db, &t, "events_hot", "plain_cold");
	reader_stop(&rd);
	int64_t plain_sweep_worst = rd.worst_ms;
	int64_t plain_bytes = sql_int(&db, "SELECT sum(pgsize) FROM dbstat WHERE name='plain_cold'",
				      "SELECT pg_total_relation_size('plain_cold')");
	reader_start(&rd, path);
	double plain_restore = plain_move(&db, &t, "plain_cold", "events_hot");
	reader_stop(&rd);
	int64_t plain_restore_worst = rd.worst_ms;

	reader_start(&rd, path);
	double sweep = thaw_sweep(s, &db, &t, now);
	reader_stop(&rd);
	int64_t sweep_worst = rd.worst_ms, sweep_queries = rd.queries;
	int64_t cold_bytes = sql_int(&db, "SELECT sum(pgsize) FROM dbstat WHERE name IN"
				     " ('events_cold', 'sqlite_autoindex_events_cold_1')",
				     "SELECT pg_total_relation_size('events_cold')");
	int64_t cold_events = sql_int(&db, "SELECT sum(n) FROM events_cold", NULL);
	int64_t cold_payload = sql_int(&db, "SELECT sum(length(data)) FROM events_cold", NULL);

	reader_start(&rd, path);
	double restore = thaw_restore(s, &db, &t, now);
	reader_stop(&rd);

	double n = (double)t.events;
	printf("\n%-28s %12s %14s %10s\n", "move", "seconds", "events/s", "vs plain");
	printf("%-28s %12.3f %14.0f %10s\n", "plain SQL sweep (1 txn)", plain_sweep, n / plain_sweep, "1.00");
	printf("%-28s %12.3f %14.0f %10.2f\n", "thaw sweep (batches)", sweep, n / sweep, sweep / plain_sweep);
	printf("%-28s %12.3f %14.0f %10s\n", "plain SQL restore (1 txn)", plain_restore, n / plain_restore, "1.00");
	printf("%-28s %12.3f %14.0f %10.2f\n", "thaw restore (job)", restore, n / restore, restore / plain_restore);
	printf("\nconcurrent reader (list page + summary): worst %lld ms over %lld queries during the sweep,"
	       " %lld ms over %lld during the restore\n", (long long)sweep_worst, (long long)sweep_queries,
	       (long long)rd.worst_ms, (long long)rd.queries);
	printf("(during plain SQL's sweep and restore, each one transaction: worst %lld and %lld ms)\n",
	       (long long)plain_sweep_worst, (long long)plain_restore_worst);
	printf("hot tier: %.2f bytes/event (with its key) for %lld hot events\n",
	       (double)hot_bytes / (double)hot_events, (long long)hot_events);
	printf("cold tier: %.2f bytes/event (payload %.2f) for all %lld cold events;"
	       " plain rows: %.2f bytes/event\n", (double)cold_bytes / (double)cold_events,
	       (double)cold_payload / (double)cold_events, (long long)cold_events,
	       (double)plain_bytes / n);
	plain_close(&db);
	buf_free(&t.id_list);
	storage_close(s);
	return 0;
}
