/*
 * users.c — users and the summary fields that never expire (SPEC §3), on
 * PostgreSQL.
 */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The summary's later-wins times and sticky flags, set from the twelve
 * values named (an upsert's $4.., an update's unnest columns). */
#define LATER(col, p) " " col "=nullif(greatest(coalesce(" p "::bigint, 0), coalesce(u." col ", 0)), 0),"
#define SUMMARY_SET(p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12)                            \
	LATER("last_received_any", p1) LATER("last_received_email", p2) LATER("last_received_push", p3) \
	LATER("last_received_sms", p4) LATER("last_received_webhook", p5)                            \
	LATER("last_received_whatsapp", p6) LATER("last_engaged", p7)                                \
	LATER("last_in_app_impression", p8) LATER("last_control_enrolled", p9)                       \
	" hard_bounced=greatest(" p10 "::int, u.hard_bounced), marked_spam=greatest(" p11 "::int, u.marked_spam)," \
	" invalid_phone=greatest(" p12 "::int, u.invalid_phone)"

int pg_storage_user_upsert(struct storage *s, const char *external_id, const char *email, const char *phone,
			   const struct user_summary *u, int64_t *id)
{
	return pg_scalar(s, "saving a user", id,
		"INSERT INTO users AS u(external_id, email, phone, last_received_any, last_received_email,"
		" last_received_push, last_received_sms, last_received_webhook, last_received_whatsapp,"
		" last_engaged, last_in_app_impression, last_control_enrolled, hard_bounced,"
		" marked_spam, invalid_phone) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
		" ON CONFLICT(external_id) DO UPDATE SET email=coalesce(excluded.email, u.email),"
		" phone=coalesce(excluded.phone, u.phone),"
		SUMMARY_SET("$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15")
		", learned=0 RETURNING id",
		"tttoooooooooddd", external_id, email, phone, u->last_received_any, u->last_received_email,
		u->last_received_push, u->last_received_sms, u->last_received_webhook, u->last_received_whatsapp,
		u->last_engaged, u->last_in_app_impression, u->last_control_enrolled, (int)u->hard_bounced,
		(int)u->marked_spam, (int)u->invalid_phone);
}

/* Users travel to the server many to a statement, as arrays (unnest):
 * an import meets tens of thousands, and a round trip each would be most
 * of its time. */
#define USERS_PER_STATEMENT 5000

/* A text[] literal: every element quoted, its quotes and backslashes escaped. */
static void text_array(struct buf *b, const char *const *texts, int n)
{
	buf_addc(b, '{');
	for (int i = 0; i < n; i++) {
		buf_adds(b, i ? ",\"" : "\"");
		for (const char *c = texts[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *c);
		}
		buf_addc(b, '"');
	}
	buf_addc(b, '}');
}

int pg_storage_users_ensure(struct storage *s, const char *const *external_ids, int n, int64_t *ids)
{
	struct buf list = {0};
	int rc = 0;
	for (int at = 0; at < n && rc == 0; at += USERS_PER_STATEMENT) {
		int count = n - at < USERS_PER_STATEMENT ? n - at : USERS_PER_STATEMENT;
		buf_reset(&list);
		text_array(&list, external_ids + at, count);
		/* the new ones come back from the insert, the others from the
		 * table as it was before it (one snapshot) */
		PGresult *r = pg_query(s, "creating users",
				       "WITH input AS (SELECT * FROM unnest($1::text[]) WITH ORDINALITY AS t(external_id, i)),"
				       " added AS (INSERT INTO users(external_id, learned) SELECT external_id, 1 FROM input"
				       " ON CONFLICT(external_id) DO NOTHING RETURNING id, external_id)"
				       " SELECT input.i, coalesce(added.id, u.id) FROM input"
				       " LEFT JOIN added ON added.external_id=input.external_id"
				       " LEFT JOIN users u ON u.external_id=input.external_id",
				       "t", list.data);
		if (!r) {
			rc = -1;
			break;
		}
		for (int i = 0; i < PQntuples(r); i++) {
			int64_t pos = pg_int(r, i, 0);
			if (pos >= 1 && pos <= count)
				ids[at + pos - 1] = pg_int(r, i, 1);
		}
		PQclear(r);
	}
	buf_free(&list);
	return rc;
}

int pg_storage_users_merge_summaries(struct storage *s, const int64_t *ids, const struct user_summary *sums, int n)
{
	struct buf column[13] = {{0}};
	int rc = 0;
	for (int at = 0; at < n && rc == 0; at += USERS_PER_STATEMENT) {
		int count = n - at < USERS_PER_STATEMENT ? n - at : USERS_PER_STATEMENT;
		for (int k = 0; k < 13; k++) {
			buf_reset(&column[k]);
			buf_addc(&column[k], '{');
		}
		for (int i = 0; i < count; i++) {
			struct user_summary u = sums[at + i];
			int64_t *times[9];
			user_summary_times(&u, times);
			int64_t v[13] = {ids[at + i], 0, 0, 0, 0, 0, 0, 0, 0, 0, u.hard_bounced, u.marked_spam, u.invalid_phone};
			for (int k = 0; k < 9; k++)
				v[1 + k] = *times[k];
			for (int k = 0; k < 13; k++)
				buf_printf(&column[k], "%s%lld", i ? "," : "", (long long)v[k]);
		}
		for (int k = 0; k < 13; k++)
			buf_addc(&column[k], '}');
		rc = pg_run(s, "updating users' summaries",
			    "UPDATE users u SET"
			    SUMMARY_SET("v.t1", "v.t2", "v.t3", "v.t4", "v.t5", "v.t6", "v.t7", "v.t8", "v.t9", "v.f1", "v.f2",
					"v.f3")
			    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],"
			    " $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::int[],"
			    " $12::int[], $13::int[]) AS v(id, t1, t2, t3, t4, t5, t6, t7, t8, t9, f1, f2, f3)"
			    " WHERE u.id=v.id",
			    "ttttttttttttt", column[0].data, column[1].data, column[2].data, column[3].data,
			    column[4].data, column[5].data, column[6].data, column[7].data, column[8].data,
			    column[9].data, column[10].data, column[11].data, column[12].data);
	}
	for (int k = 0; k < 13; k++)
		buf_free(&column[k]);
	return rc;
}

static const char *const field_columns[UF__COUNT] = SQL_USER_FIELD_COLUMNS;

int pg_storage_users_by_field(struct storage *s, int field, int64_t after, int64_t before, int64_t **ids, int *n)
{
	if (field < 0 || field >= UF__COUNT)
		return -1;
	char sql[256], from[24], to[24];
	const char *col = field_columns[field];
	if (field <= UF_INVALID_PHONE)
		snprintf(sql, sizeof sql, "SELECT id FROM users WHERE %s<>0 ORDER BY id", col);
	else
		snprintf(sql, sizeof sql, "SELECT id FROM users WHERE %s > 0 AND %s >= $1 AND %s < $2 ORDER BY id",
			 col, col, col);
	snprintf(from, sizeof from, "%lld", (long long)after);
	snprintf(to, sizeof to, "%lld", (long long)before);
	const char *const values[] = {from, to};
	return pg_collect_ids(s, pg_query_text(s, "evaluating a user filter", sql,
					       field <= UF_INVALID_PHONE ? 0 : 2, values), ids, n);
}

int pg_storage_all_user_ids(struct storage *s, int64_t **ids, int *n)
{
	return pg_collect_ids(s, pg_query(s, "listing users", "SELECT id FROM users ORDER BY id", ""), ids, n);
}

static int read_user(PGresult *r, struct user_row *u)
{
	if (!r)
		return -1;
	int found = PQntuples(r) > 0;
	if (found) {
		memset(u, 0, sizeof *u);
		u->id = pg_int(r, 0, 0);
		u->external_id = pg_text(r, 0, 1);
		u->email = pg_text(r, 0, 2);
		u->phone = pg_text(r, 0, 3);
		int64_t *times[9];
		user_summary_times(&u->summary, times);
		for (int i = 0; i < 9; i++)
			*times[i] = pg_int(r, 0, 4 + i);
		u->summary.hard_bounced = pg_int(r, 0, 13);
		u->summary.marked_spam = pg_int(r, 0, 14);
		u->summary.invalid_phone = pg_int(r, 0, 15);
	}
	PQclear(r);
	return found;
}

int pg_storage_user_find(struct storage *s, const char *external_id, struct user_row *out)
{
	return read_user(pg_query(s, "reading a user", "SELECT " USER_COLUMNS " WHERE external_id=$1", "t",
				  external_id), out);
}

int pg_storage_user_get(struct storage *s, int64_t id, struct user_row *out)
{
	return read_user(pg_query(s, "reading a user", "SELECT " USER_COLUMNS " WHERE id=$1", "l", id), out);
}
