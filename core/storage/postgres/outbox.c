/*
 * outbox.c — the notification outbox (see storage/outbox.h) on PostgreSQL.
 */
#include "kit.h"

#include <stdlib.h>
#include <string.h>

int pg_storage_outbox_add(struct storage *s, int64_t job_id, int channel, const char *state, const char *recipients,
			  const char *subject, const char *body, const char *error, int64_t now)
{
	return pg_run(s, "queueing a notification",
		      "INSERT INTO outbox(job_id, state, recipients, subject, body, last_error, next_attempt_at,"
		      " created_at, channel) VALUES($1,$2,$3,$4,$5,$6,$7,$7,$8)",
		      "otttttld", job_id, state, recipients, subject, body, error, now, channel);
}

int pg_storage_outbox_claim(struct storage *s, int channel, int64_t now, int claim_s, struct outbox_row *out)
{
	/* SKIP LOCKED: a notification another sender is claiming is not waited for */
	PGresult *r = pg_query(s, "claiming a notification",
			       "UPDATE outbox SET state='sending', next_attempt_at=$1 + $2"
			       " WHERE id=(SELECT id FROM outbox WHERE state IN ('queued', 'sending')"
			       "   AND channel=$3 AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 1"
			       "   FOR UPDATE SKIP LOCKED)"
			       " RETURNING id, job_id, state, recipients, subject, body, last_error,"
			       " attempts, next_attempt_at, created_at, sent_at, channel",
			       "ldd", now, claim_s, channel);
	if (!r)
		return -1;
	int found = PQntuples(r) > 0;
	if (found)
		*out = (struct outbox_row){
			.id = pg_int(r, 0, 0), .job_id = pg_int(r, 0, 1), .state = pg_text(r, 0, 2),
			.recipients = pg_text(r, 0, 3), .subject = pg_text(r, 0, 4), .body = pg_text(r, 0, 5),
			.last_error = pg_text(r, 0, 6), .attempts = (int)pg_int(r, 0, 7),
			.next_attempt_at = pg_int(r, 0, 8), .created_at = pg_int(r, 0, 9), .sent_at = pg_int(r, 0, 10),
			.channel = (int)pg_int(r, 0, 11)};
	PQclear(r);
	return found;
}

int pg_storage_outbox_update(struct storage *s, int64_t id, const char *state, int attempts, int64_t next_attempt_at,
			     const char *error, int64_t sent_at)
{
	return pg_run(s, "recording a delivery attempt",
		      "UPDATE outbox SET state=$1, attempts=$2, next_attempt_at=$3, last_error=$4, sent_at=$5"
		      " WHERE id=$6", "tdltol", state, attempts, next_attempt_at, error, sent_at, id);
}
