/*
 * engine_ops — the storage API every engine implements, one line an
 * operation: STORAGE_OP(return type, name, (parameters), (arguments)).
 *
 * Included several times with STORAGE_OP defined differently: engine.h
 * makes it the engine's table of functions, storage.c the public
 * storage_<name>() that calls the engine of the workspace it is given,
 * each engine its own <engine>_storage_<name>() declarations and table.
 * The public declarations, with their contracts, stay in the subject
 * headers (objects.h, jobs.h, ...); storage.c includes them all, so a
 * line here that disagrees with its header does not build.
 *
 * Not here: opening (the engine is chosen by the location), closing,
 * rolling back (no result), and the error and location every engine
 * keeps in struct storage.
 */
/* storage.h */
STORAGE_OP(bool, error_transient, (const struct storage *s), (s))
STORAGE_OP(int, wait_change, (struct storage *s, int timeout_ms), (s, timeout_ms))
STORAGE_OP(int, change_fd, (struct storage *s), (s))
STORAGE_OP(int, files, (const struct storage *s, char paths[][4200], int max), (s, paths, max))
STORAGE_OP(int, begin, (struct storage *s), (s))
STORAGE_OP(int, begin_step, (struct storage *s), (s))
STORAGE_OP(int, begin_read, (struct storage *s), (s))
STORAGE_OP(int, commit, (struct storage *s), (s))
STORAGE_OP(int, schema_version, (struct storage *s), (s))
STORAGE_OP(int, meta_get,
	(struct storage *s, const char *key, char *out, size_t size),
	(s, key, out, size))
STORAGE_OP(int, meta_set, (struct storage *s, const char *key, const char *value), (s, key, value))

/* objects.h */
STORAGE_OP(int, object_upsert,
	(struct storage *s, const struct object_input *in, int64_t *id),
	(s, in, id))
STORAGE_OP(int, object_find,
	(struct storage *s, const char *key, struct object_row *out),
	(s, key, out))
STORAGE_OP(int, object_get, (struct storage *s, int64_t id, struct object_row *out), (s, id, out))
STORAGE_OP(int, object_id, (struct storage *s, const char *api_id, int64_t *id), (s, api_id, id))
STORAGE_OP(int, object_set_tags,
	(struct storage *s, int64_t id, const char *const *tags, int n),
	(s, id, tags, n))
STORAGE_OP(int, tag_id,
	(struct storage *s, const char *name, bool create, int64_t *id),
	(s, name, create, id))
STORAGE_OP(int, list_objects,
	(struct storage *s, const struct object_query *q, struct object_list *out),
	(s, q, out))
STORAGE_OP(int, count_objects,
	(struct storage *s, const struct object_query *q, int64_t *count),
	(s, q, count))
STORAGE_OP(int, list_ids,
	(struct storage *s, const struct object_query *q, int64_t **ids, int *n),
	(s, q, ids, n))
STORAGE_OP(int, object_state,
	(struct storage *s, int64_t object_id, int *state),
	(s, object_id, state))
STORAGE_OP(int, object_counts,
	(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold),
	(s, object_id, hot, cold))
STORAGE_OP(int, object_restore_job,
	(struct storage *s, int64_t object_id, int64_t *job_id),
	(s, object_id, job_id))
STORAGE_OP(int, object_kept,
	(struct storage *s, int64_t object_id, bool *kept),
	(s, object_id, kept))
STORAGE_OP(int, selection_summary,
	(struct storage *s, const int64_t *ids, int n, struct selection_summary *out),
	(s, ids, n, out))
STORAGE_OP(int, objects_with_tag,
	(struct storage *s, const char *tag, int64_t **ids, int *n),
	(s, tag, ids, n))
STORAGE_OP(int, tag_names, (struct storage *s, char ***names, int *n), (s, names, n))
STORAGE_OP(int, objects_named,
	(struct storage *s, const char *name, char ***api_ids, int *n),
	(s, name, api_ids, n))
STORAGE_OP(int, summary,
	(struct storage *s, int64_t now, int soon_days, struct workspace_summary *out),
	(s, now, soon_days, out))

/* setup.h */
STORAGE_OP(int, step_upsert,
	(struct storage *s, int64_t object_id, const char *api_id, const char *name, int position, int64_t *id),
	(s, object_id, api_id, name, position, id))
STORAGE_OP(int, variant_upsert,
	(struct storage *s, int64_t object_id, const char *api_id, const char *name, bool is_control, int64_t *id),
	(s, object_id, api_id, name, is_control, id))
STORAGE_OP(int, alias_upsert,
	(struct storage *s, int64_t object_id, const char *name, int64_t *id),
	(s, object_id, name, id))
STORAGE_OP(int, step_id,
	(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id),
	(s, api_id, id, object_id))
STORAGE_OP(int, variant_id,
	(struct storage *s, const char *api_id, int64_t *id, int64_t *object_id),
	(s, api_id, id, object_id))
STORAGE_OP(int, alias_id,
	(struct storage *s, int64_t object_id, const char *name, int64_t *id),
	(s, object_id, name, id))
STORAGE_OP(int, segment_upsert,
	(struct storage *s, const char *api_id, const char *name, bool in_use, int64_t *id),
	(s, api_id, name, in_use, id))
STORAGE_OP(int, segment_id, (struct storage *s, const char *api_id, int64_t *id), (s, api_id, id))
STORAGE_OP(int, filters_replace,
	(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id, const struct filter_input *f, int n),
	(s, owner_object_id, owner_segment_id, f, n))
STORAGE_OP(int, filter_exists,
	(struct storage *s, int64_t owner_object_id, int64_t owner_segment_id, const struct filter_input *f, bool *exists),
	(s, owner_object_id, owner_segment_id, f, exists))
STORAGE_OP(int, object_detail,
	(struct storage *s, int64_t id, struct object_detail *out),
	(s, id, out))

/* users.h */
STORAGE_OP(int, user_upsert,
	(struct storage *s, const char *external_id, const char *email, const char *phone, const struct user_summary *sum, int64_t *id),
	(s, external_id, email, phone, sum, id))
STORAGE_OP(int, users_ensure, (struct storage *s, const char *const *external_ids, int n, int64_t *ids),
	(s, external_ids, n, ids))
STORAGE_OP(int, users_merge_summaries, (struct storage *s, const int64_t *ids, const struct user_summary *sums, int n),
	(s, ids, sums, n))
STORAGE_OP(int, user_find,
	(struct storage *s, const char *external_id, struct user_row *out),
	(s, external_id, out))
STORAGE_OP(int, user_get, (struct storage *s, int64_t id, struct user_row *out), (s, id, out))
STORAGE_OP(int, users_by_field,
	(struct storage *s, int field, int64_t after, int64_t before, int64_t **ids, int *n),
	(s, field, after, before, ids, n))
STORAGE_OP(int, all_user_ids, (struct storage *s, int64_t **ids, int *n), (s, ids, n))

/* events.h */
STORAGE_OP(int, events_insert_hot,
	(struct storage *s, const struct event *ev, int n, bool *inserted),
	(s, ev, n, inserted))
STORAGE_OP(int, event_append_cold,
	(struct storage *s, int64_t object_id, struct event *ev, size_t n, int64_t *added),
	(s, object_id, ev, n, added))
STORAGE_OP(int, user_objects_add,
	(struct storage *s, const struct pair_list *pairs),
	(s, pairs))
STORAGE_OP(int, move_to_cold,
	(struct storage *s, int64_t object_id, int64_t max_rows, int64_t *moved),
	(s, object_id, max_rows, moved))
STORAGE_OP(int, move_to_hot,
	(struct storage *s, struct hot_move *objects, int n, int64_t max_rows),
	(s, objects, n, max_rows))
STORAGE_OP(int, count_events,
	(struct storage *s, int64_t object_id, int64_t *hot, int64_t *cold),
	(s, object_id, hot, cold))

/* lifecycle.h */
STORAGE_OP(int, policy_rows, (struct storage *s, struct policy_row **rows, int *n), (s, rows, n))
STORAGE_OP(int, object_set_expiry,
	(struct storage *s, int64_t id, int64_t expires_at, const char *kept_by),
	(s, id, expires_at, kept_by))
STORAGE_OP(int, object_add_counts,
	(struct storage *s, int64_t object_id, int64_t hot, int64_t cold),
	(s, object_id, hot, cold))
STORAGE_OP(int, object_expire, (struct storage *s, int64_t id, int64_t when), (s, id, when))
STORAGE_OP(int, object_hold_for_restore,
	(struct storage *s, int64_t object_id, int64_t job_id),
	(s, object_id, job_id))
STORAGE_OP(int, restore_complete,
	(struct storage *s, int64_t job_id, const struct restored_object *objects, int n, int64_t now),
	(s, job_id, objects, n, now))
STORAGE_OP(int, object_restore_failed, (struct storage *s, int64_t object_id), (s, object_id))
STORAGE_OP(int, job_release_objects, (struct storage *s, int64_t job_id), (s, job_id))
STORAGE_OP(int, objects_relaunched, (struct storage *s, int64_t **ids, int *n), (s, ids, n))
STORAGE_OP(int, objects_unsettled, (struct storage *s, int64_t **ids, int *n), (s, ids, n))

/* analytics.h */
STORAGE_OP(int, stats_add, (struct storage *s, const struct event_stat *rows, int n), (s, rows, n))
STORAGE_OP(int, user_aliases_add,
	(struct storage *s, const int64_t (*pairs)[2], int n),
	(s, pairs, n))
STORAGE_OP(int, object_analytics,
	(struct storage *s, int64_t object_id, struct object_analytics *out),
	(s, object_id, out))

/* jobs.h */
STORAGE_OP(int, job_create,
	(struct storage *s, const char *by, const char *from, const char *request, int64_t now, int64_t *job_id),
	(s, by, from, request, now, job_id))
STORAGE_OP(int, job_add_item,
	(struct storage *s, int64_t job_id, int64_t object_id, int outcome, int64_t other_job, int64_t events_total),
	(s, job_id, object_id, outcome, other_job, events_total))
STORAGE_OP(int, job_seal,
	(struct storage *s, int64_t job_id, int64_t now, int64_t real_ms),
	(s, job_id, now, real_ms))
STORAGE_OP(int, job_get, (struct storage *s, int64_t job_id, struct job_row *out), (s, job_id, out))
STORAGE_OP(int, job_items,
	(struct storage *s, int64_t job_id, struct job_item_row **items, int *n),
	(s, job_id, items, n))
STORAGE_OP(int, jobs_list,
	(struct storage *s, int64_t limit, struct job_row **rows, int *n),
	(s, limit, rows, n))
STORAGE_OP(int, job_claim,
	(struct storage *s, const char *owner, int64_t real_ms, int lease_ms, int64_t *job_id),
	(s, owner, real_ms, lease_ms, job_id))
STORAGE_OP(int, job_renew,
	(struct storage *s, int64_t job_id, const char *owner, int64_t real_ms, int lease_ms),
	(s, job_id, owner, real_ms, lease_ms))
STORAGE_OP(int, job_release,
	(struct storage *s, int64_t job_id, const char *owner),
	(s, job_id, owner))
STORAGE_OP(int, job_smaller_waiting,
	(struct storage *s, int64_t job_id, int64_t real_ms, bool *waiting),
	(s, job_id, real_ms, waiting))
STORAGE_OP(int, job_next_items,
	(struct storage *s, int64_t job_id, int64_t *object_ids, int max, int *n),
	(s, job_id, object_ids, max, n))
STORAGE_OP(int, job_progress,
	(struct storage *s, int64_t job_id, const struct hot_move *objects, int n, int64_t real_ms),
	(s, job_id, objects, n, real_ms))
STORAGE_OP(int, job_item_finish,
	(struct storage *s, int64_t job_id, int64_t object_id, int outcome, int64_t new_expires_at),
	(s, job_id, object_id, outcome, new_expires_at))
STORAGE_OP(int, job_finish,
	(struct storage *s, int64_t job_id, int state, int64_t now, int64_t real_ms),
	(s, job_id, state, now, real_ms))
STORAGE_OP(int, job_cancel_items, (struct storage *s, int64_t job_id), (s, job_id))
STORAGE_OP(int, object_restores,
	(struct storage *s, int64_t object_id, struct job_row **rows, int *n),
	(s, object_id, rows, n))

/* outbox.h */
STORAGE_OP(int, outbox_add,
	(struct storage *s, int64_t job_id, int channel, const char *state, const char *recipients, const char *subject, const char *body, const char *error, int64_t now),
	(s, job_id, channel, state, recipients, subject, body, error, now))
STORAGE_OP(int, outbox_claim,
	(struct storage *s, int channel, int64_t now, int claim_s, struct outbox_row *out),
	(s, channel, now, claim_s, out))
STORAGE_OP(int, outbox_update,
	(struct storage *s, int64_t id, const char *state, int attempts, int64_t next_attempt_at, const char *error, int64_t sent_at),
	(s, id, state, attempts, next_attempt_at, error, sent_at))

/* audit.h */
STORAGE_OP(int, audit_many, (struct storage *s, const struct audit_input *a, int n), (s, a, n))
STORAGE_OP(int, audit_list,
	(struct storage *s, int64_t since, int64_t limit, struct audit_row **rows, int *n),
	(s, since, limit, rows, n))

/* readers.h */
STORAGE_OP(int, event_users,
	(struct storage *s, const struct event_match *m, int64_t after, int64_t before, bool latest, struct user_time **out, int *n),
	(s, m, after, before, latest, out, n))
STORAGE_OP(int, users_with_alias,
	(struct storage *s, const char *alias, int64_t **ids, int *n),
	(s, alias, ids, n))
STORAGE_OP(int, available_with_tag,
	(struct storage *s, const char *tag, int64_t **ids, int *n),
	(s, tag, ids, n))
STORAGE_OP(int, tag_users,
	(struct storage *s, const char *tag, uint32_t kinds, void (*fn)(void *ctx, int64_t user_id), void *ctx),
	(s, tag, kinds, fn, ctx))
STORAGE_OP(int, users_received_each,
	(struct storage *s, int64_t first_user, int64_t last_user, int (*fn)(void *ctx, const struct received_row *row), void *ctx),
	(s, first_user, last_user, fn, ctx))
STORAGE_OP(int, user_id_max, (struct storage *s, int64_t *id), (s, id))
STORAGE_OP(int, object_events_each,
	(struct storage *s, int64_t object_id, int64_t first_user, int64_t last_user, int (*fn)(void *ctx, const struct event *e), void *ctx),
	(s, object_id, first_user, last_user, fn, ctx))
STORAGE_OP(int, part_names,
	(struct storage *s, bool step, int64_t id, char *api_id, size_t api_size, char *name, size_t name_size),
	(s, step, id, api_id, api_size, name, name_size))
STORAGE_OP(int, segment_filters,
	(struct storage *s, const char *key, struct stored_filter **f, int *n),
	(s, key, f, n))

/* metrics.h */
STORAGE_OP(int, metrics, (struct storage *s, struct metrics *out), (s, out))

/* copy.h */
STORAGE_OP(int, rows_each,
	(struct storage *s, const char *table, const char *columns, const char *where,
	 int (*fn)(void *ctx, const struct stored_value *row, int n), void *ctx),
	(s, table, columns, where, fn, ctx))
STORAGE_OP(int, rows_load_begin, (struct storage *s, const char *table, const char *columns), (s, table, columns))
STORAGE_OP(int, rows_load, (struct storage *s, const struct stored_value *row, int n), (s, row, n))
STORAGE_OP(int, rows_load_end, (struct storage *s), (s))
STORAGE_OP(int, rows_count, (struct storage *s, const char *table, const char *where, int64_t *count),
	(s, table, where, count))

/* check.h */
STORAGE_OP(int, check, (struct storage *s, struct check_report *r), (s, r))
