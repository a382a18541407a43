/*
 * users.c — users and the summary fields that never expire (SPEC §3).
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "storage/users.h"

static void bind_summary(sqlite3_stmt *st, int first, const struct user_summary *u)
{
	const int64_t times[] = {u->last_received_any, u->last_received_email, u->last_received_push,
				 u->last_received_sms, u->last_received_webhook,
				 u->last_received_whatsapp, u->last_engaged,
				 u->last_in_app_impression, u->last_control_enrolled};
	for (int i = 0; i < 9; i++)
		sql_bind_opt(st, first + i, times[i]);
	sqlite3_bind_int(st, first + 9, u->hard_bounced);
	sqlite3_bind_int(st, first + 10, u->marked_spam);
	sqlite3_bind_int(st, first + 11, u->invalid_phone);
}

int sqlite_storage_user_upsert(struct storage *s, const char *external_id, const char *email,
			const char *phone, const struct user_summary *sum, int64_t *id)
{
	sqlite3_stmt *st = sql_stmt(s,
		"INSERT INTO users(external_id, email, phone, last_received_any, last_received_email,"
		" last_received_push, last_received_sms, last_received_webhook, last_received_whatsapp,"
		" last_engaged, last_in_app_impression, last_control_enrolled, hard_bounced,"
		" marked_spam, invalid_phone) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT(external_id) DO UPDATE SET email=coalesce(excluded.email, email),"
		" phone=coalesce(excluded.phone, phone),"
		" last_received_any=nullif(max(coalesce(excluded.last_received_any,0), coalesce(last_received_any,0)), 0),"
		" last_received_email=nullif(max(coalesce(excluded.last_received_email,0), coalesce(last_received_email,0)), 0),"
		" last_received_push=nullif(max(coalesce(excluded.last_received_push,0), coalesce(last_received_push,0)), 0),"
		" last_received_sms=nullif(max(coalesce(excluded.last_received_sms,0), coalesce(last_received_sms,0)), 0),"
		" last_received_webhook=nullif(max(coalesce(excluded.last_received_webhook,0), coalesce(last_received_webhook,0)), 0),"
		" last_received_whatsapp=nullif(max(coalesce(excluded.last_received_whatsapp,0), coalesce(last_received_whatsapp,0)), 0),"
		" last_engaged=nullif(max(coalesce(excluded.last_engaged,0), coalesce(last_engaged,0)), 0),"
		" last_in_app_impression=nullif(max(coalesce(excluded.last_in_app_impression,0), coalesce(last_in_app_impression,0)), 0),"
		" last_control_enrolled=nullif(max(coalesce(excluded.last_control_enrolled,0), coalesce(last_control_enrolled,0)), 0),"
		" hard_bounced=excluded.hard_bounced OR hard_bounced,"
		" marked_spam=excluded.marked_spam OR marked_spam,"
		" invalid_phone=excluded.invalid_phone OR invalid_phone, learned=0"
		" RETURNING id");
	if (!st)
		return -1;
	SQL_BIND_TEXTS(st, 1, external_id, email, phone);
	bind_summary(st, 4, sum);
	return sql_returning_id(s, st, id, "saving a user");
}

static int user_ensure(struct storage *s, const char *external_id, int64_t *id)
{
	if (sql_id_by_key(s, "SELECT id FROM users WHERE external_id=?", external_id, id, NULL,
			"looking up a user") < 0)
		return -1;
	if (*id)
		return 0;
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO users(external_id, learned) VALUES(?, 1) RETURNING id");
	if (st)
		sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
	return sql_returning_id(s, st, id, "creating a user");
}

static int merge_summary(struct storage *s, int64_t id, const struct user_summary *u)
{
	sqlite3_stmt *st = sql_stmt(s,
		"UPDATE users SET"
		" last_received_any=nullif(max(coalesce(?1,0), coalesce(last_received_any,0)), 0),"
		" last_received_email=nullif(max(coalesce(?2,0), coalesce(last_received_email,0)), 0),"
		" last_received_push=nullif(max(coalesce(?3,0), coalesce(last_received_push,0)), 0),"
		" last_received_sms=nullif(max(coalesce(?4,0), coalesce(last_received_sms,0)), 0),"
		" last_received_webhook=nullif(max(coalesce(?5,0), coalesce(last_received_webhook,0)), 0),"
		" last_received_whatsapp=nullif(max(coalesce(?6,0), coalesce(last_received_whatsapp,0)), 0),"
		" last_engaged=nullif(max(coalesce(?7,0), coalesce(last_engaged,0)), 0),"
		" last_in_app_impression=nullif(max(coalesce(?8,0), coalesce(last_in_app_impression,0)), 0),"
		" last_control_enrolled=nullif(max(coalesce(?9,0), coalesce(last_control_enrolled,0)), 0),"
		" hard_bounced=?10 OR hard_bounced, marked_spam=?11 OR marked_spam,"
		" invalid_phone=?12 OR invalid_phone WHERE id=?13");
	if (!st)
		return -1;
	bind_summary(st, 1, u);
	sqlite3_bind_int64(st, 13, id);
	return sql_exec(s, st, "updating a user's summary");
}

/* In-process, a statement a user costs little: one at a time. */
int sqlite_storage_users_ensure(struct storage *s, const char *const *external_ids, int n, int64_t *ids)
{
	for (int i = 0; i < n; i++)
		if (user_ensure(s, external_ids[i], &ids[i]) < 0)
			return -1;
	return 0;
}

int sqlite_storage_users_merge_summaries(struct storage *s, const int64_t *ids, const struct user_summary *sums, int n)
{
	for (int i = 0; i < n; i++)
		if (merge_summary(s, ids[i], &sums[i]) < 0)
			return -1;
	return 0;
}

static const char *const field_columns[UF__COUNT] = SQL_USER_FIELD_COLUMNS;

int sqlite_storage_users_by_field(struct storage *s, int field, int64_t after, int64_t before,
			   int64_t **ids, int *n)
{
	char sql[256];
	if (field < 0 || field >= UF__COUNT)
		return -1;
	if (field <= UF_INVALID_PHONE)
		snprintf(sql, sizeof sql, "SELECT id FROM users WHERE %s ORDER BY id", field_columns[field]);
	else
		snprintf(sql, sizeof sql, "SELECT id FROM users WHERE %s > 0 AND %s >= ?1 AND %s < ?2 ORDER BY id",
			 field_columns[field], field_columns[field], field_columns[field]);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(lite(s)->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(s, "preparing a user filter");
	if (field > UF_INVALID_PHONE) {
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int64(st, 2, before);
	}
	int rc = sql_collect_ids(s, st, ids, n, "evaluating a user filter");
	sqlite3_finalize(st);
	return rc;
}

int sqlite_storage_all_user_ids(struct storage *s, int64_t **ids, int *n)
{
	return sql_collect_ids(s, sql_stmt(s, "SELECT id FROM users ORDER BY id"), ids, n, "listing users");
}

static int read_user(struct storage *s, sqlite3_stmt *st, struct user_row *u)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(u, 0, sizeof *u);
		u->id = sqlite3_column_int64(st, 0);
		u->external_id = sql_column_text(st, 1);
		u->email = sql_column_text(st, 2);
		u->phone = sql_column_text(st, 3);
		int64_t *times[9];
		user_summary_times(&u->summary, times);
		for (int i = 0; i < 9; i++)
			*times[i] = sqlite3_column_int64(st, 4 + i);
		u->summary.hard_bounced = sqlite3_column_int(st, 13);
		u->summary.marked_spam = sqlite3_column_int(st, 14);
		u->summary.invalid_phone = sqlite3_column_int(st, 15);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, "reading a user");
	return rc == SQLITE_ROW;
}

int sqlite_storage_user_find(struct storage *s, const char *external_id, struct user_row *out)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " USER_COLUMNS " WHERE external_id=?");
	if (st)
		sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
	return read_user(s, st, out);
}

int sqlite_storage_user_get(struct storage *s, int64_t id, struct user_row *out)
{
	sqlite3_stmt *st = sql_stmt(s, "SELECT " USER_COLUMNS " WHERE id=?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return read_user(s, st, out);
}

