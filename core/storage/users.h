/*
 * storage/users — users and the summary fields of SPEC §3 that do not use
 * interaction data, so they never expire.
 */
#ifndef THAW_STORAGE_USERS_H
#define THAW_STORAGE_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/storage.h"

/* The non-IxD summary fields (0 = never / false). */
struct user_summary {
	int64_t last_received_any, last_received_email, last_received_push, last_received_sms,
		last_received_webhook, last_received_whatsapp, last_engaged, last_in_app_impression,
		last_control_enrolled;
	bool hard_bounced, marked_spam, invalid_phone;
};

int storage_user_upsert(struct storage *s, const char *external_id, const char *email,
			const char *phone, const struct user_summary *sum, int64_t *id);
/* Finds or creates users by external id (created users are "learned"),
 * many at once: ids[i] is external_ids[i]'s. */
int storage_users_ensure(struct storage *s, const char *const *external_ids, int n, int64_t *ids);
/* Raises each user's summary times to at least the given ones (0 = leave),
 * and sets the flags given; many users at once. */
int storage_users_merge_summaries(struct storage *s, const int64_t *ids, const struct user_summary *sums, int n);

struct user_row {
	int64_t id;
	char *external_id, *email, *phone;
	struct user_summary summary;
};
int storage_user_find(struct storage *s, const char *external_id, struct user_row *out); /* 1 found */
int storage_user_get(struct storage *s, int64_t id, struct user_row *out);
void user_row_free(struct user_row *u);

/* The non-IxD fields as filters. */
enum user_field {
	UF_HARD_BOUNCED, UF_MARKED_SPAM, UF_INVALID_PHONE, UF_LAST_RECEIVED_ANY,
	UF_LAST_RECEIVED_EMAIL, UF_LAST_RECEIVED_PUSH, UF_LAST_RECEIVED_SMS,
	UF_LAST_RECEIVED_WEBHOOK, UF_LAST_RECEIVED_WHATSAPP, UF_LAST_ENGAGED,
	UF_LAST_IN_APP_IMPRESSION, UF_LAST_CONTROL_ENROLLED, UF__COUNT
};
/* Flags: users with it set; times: users whose time is in [after, before).
 * Ascending ids. */
int storage_users_by_field(struct storage *s, int field, int64_t after, int64_t before,
			   int64_t **ids, int *n);
int storage_all_user_ids(struct storage *s, int64_t **ids, int *n);

#endif
