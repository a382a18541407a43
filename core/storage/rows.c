/*
 * rows.c — what every engine shares about the rows the storage API hands
 * out: freeing them, and the names of the list's sort orders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/engine.h"
#include "storage/pairmarks.h"
#include "storage/readers.h"

static const char *const sort_names[SORT__COUNT] = {
	"name", "kind", "status", "last_sent", "state", "expires", "hot", "cold", "tags"};

const char *object_sort_name(int sort)
{
	return sort >= 0 && sort < SORT__COUNT ? sort_names[sort] : "?";
}

int object_sort_parse(const char *name)
{
	for (int i = 0; i < SORT__COUNT; i++)
		if (strcmp(name, sort_names[i]) == 0)
			return i;
	return -1;
}

void workspace_summary_add(struct workspace_summary *out, int kind, int state, const int64_t sums[5])
{
	out->objects += sums[0];
	if (kind == KIND_CAMPAIGN)
		out->campaigns += sums[0];
	else
		out->canvases += sums[0];
	if (state >= 0 && state < IXD__COUNT)
		out->by_state[state] += sums[0];
	out->hot_events += sums[1];
	out->cold_events += sums[2];
	out->kept += sums[3];
	out->expiring_soon += sums[4];
}

void user_summary_times(struct user_summary *u, int64_t *times[9])
{
	int64_t *fields[9] = {&u->last_received_any, &u->last_received_email, &u->last_received_push,
			      &u->last_received_sms, &u->last_received_webhook, &u->last_received_whatsapp,
			      &u->last_engaged, &u->last_in_app_impression, &u->last_control_enrolled};
	memcpy(times, fields, sizeof fields);
}

void object_analytics_free(struct object_analytics *a)
{
	for (int i = 0; i < a->count; i++) {
		free(a->rows[i].step);
		free(a->rows[i].variant);
	}
	free(a->rows);
	memset(a, 0, sizeof *a);
}

void audit_rows_free(struct audit_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].operator_name);
		free(rows[i].ssh_client);
		free(rows[i].action);
		free(rows[i].details);
		free(rows[i].object_api_id);
	}
	free(rows);
}

void job_row_free(struct job_row *j)
{
	free(j->requested_by);
	free(j->requested_from);
	free(j->request);
	free(j->mail_state);
	free(j->mail_error);
	memset(j, 0, sizeof *j);
}

void job_rows_free(struct job_row *rows, int n)
{
	for (int i = 0; i < n; i++)
		job_row_free(&rows[i]);
	free(rows);
}

void job_items_free(struct job_item_row *items, int n)
{
	for (int i = 0; i < n; i++) {
		free(items[i].api_id);
		free(items[i].name);
	}
	free(items);
}

void policy_rows_free(struct policy_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].kept_by);
		free(rows[i].stored_kept_by);
	}
	free(rows);
}

void object_row_free(struct object_row *r)
{
	free(r->api_id);
	free(r->name);
	free(r->channels);
	free(r->tags);
	free(r->kept_by);
	memset(r, 0, sizeof *r);
}

void object_list_free(struct object_list *l)
{
	for (int i = 0; i < l->count; i++)
		object_row_free(&l->rows[i]);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

void outbox_row_free(struct outbox_row *r)
{
	free(r->state);
	free(r->recipients);
	free(r->subject);
	free(r->body);
	free(r->last_error);
	memset(r, 0, sizeof *r);
}

void stored_filters_free(struct stored_filter *f, int n)
{
	for (int i = 0; i < n; i++)
		free(f[i].tag);
	free(f);
}

static void free_items(struct named_item *items, int n)
{
	for (int i = 0; i < n; i++) {
		free(items[i].api_id);
		free(items[i].name);
		free(items[i].extra);
	}
	free(items);
}

void object_detail_free(struct object_detail *d)
{
	free_items(d->steps, d->step_count);
	free_items(d->variants, d->variant_count);
	free_items(d->aliases, d->alias_count);
	free_items(d->refs, d->ref_count);
	free_items(d->filters, d->filter_count);
	memset(d, 0, sizeof *d);
}

void user_row_free(struct user_row *u)
{
	free(u->external_id);
	free(u->email);
	free(u->phone);
	memset(u, 0, sizeof *u);
}

int marks_damaged(struct storage *s, int64_t user_id, int64_t object_id)
{
	snprintf(s->error, sizeof s->error, "user %lld, object %lld: the marks of what they received are damaged"
		 " (thaw check)", (long long)user_id, (long long)object_id);
	return STORAGE_DAMAGED;
}

int received_row_hand(struct storage *s, struct received_row *row, const void *marks, size_t size,
		      struct pair_mark **scratch, int *cap, int (*fn)(void *ctx, const struct received_row *row),
		      void *ctx)
{
	row->mark_count = pairmarks_decode(marks, size, scratch, 0, cap);
	if (row->mark_count < 0)
		return marks_damaged(s, row->user_id, row->object_id);
	row->marks = *scratch;
	return fn(ctx, row);
}
