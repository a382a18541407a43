/*
 * outbox.c — the notification outbox (see storage/outbox.h).
 */
#include "kit.h"
#include "storage/outbox.h"

#include <stdlib.h>
#include <string.h>

int sqlite_storage_outbox_add(struct storage *s, int64_t job_id, int channel, const char *state,
		       const char *recipients, const char *subject, const char *body, const char *error,
		       int64_t now)
{
	sqlite3_stmt *st = sql_stmt(s, "INSERT INTO outbox(job_id, state, recipients, subject, body,"
				   " last_error, next_attempt_at, created_at, channel) VALUES(?,?,?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sql_bind_opt(st, 1, job_id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, recipients, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int(st, 9, channel);
	return sql_exec(s, st, "queueing a notification");
}

int sqlite_storage_outbox_claim(struct storage *s, int channel, int64_t now, int claim_s,
			 struct outbox_row *out)
{
	sqlite3_stmt *st = sql_stmt(s, "UPDATE outbox SET state='sending', next_attempt_at=?1 + ?2"
				   " WHERE id=(SELECT id FROM outbox WHERE state IN ('queued', 'sending')"
				   "   AND channel=?3 AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1)"
				   " RETURNING id, job_id, state, recipients, subject, body, last_error,"
				   " attempts, next_attempt_at, created_at, sent_at, channel");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, claim_s);
	sqlite3_bind_int(st, 3, channel);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->job_id = sqlite3_column_int64(st, 1);
		out->state = sql_column_text(st, 2);
		out->recipients = sql_column_text(st, 3);
		out->subject = sql_column_text(st, 4);
		out->body = sql_column_text(st, 5);
		out->last_error = sql_column_text(st, 6);
		out->attempts = sqlite3_column_int(st, 7);
		out->next_attempt_at = sqlite3_column_int64(st, 8);
		out->created_at = sqlite3_column_int64(st, 9);
		out->sent_at = sqlite3_column_int64(st, 10);
		out->channel = sqlite3_column_int(st, 11);
		/* RETURNING rows must be stepped to the end for the update to finish */
		while (sqlite3_step(st) == SQLITE_ROW)
			;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, "claiming a notification");
	return rc == SQLITE_ROW;
}

int sqlite_storage_outbox_update(struct storage *s, int64_t id, const char *state, int attempts,
			  int64_t next_attempt_at, const char *error, int64_t sent_at)
{
	sqlite3_stmt *st = sql_stmt(s, "UPDATE outbox SET state=?, attempts=?, next_attempt_at=?,"
				   " last_error=?, sent_at=? WHERE id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, next_attempt_at);
	sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
	sql_bind_opt(st, 5, sent_at);
	sqlite3_bind_int64(st, 6, id);
	return sql_exec(s, st, "recording a delivery attempt");
}

