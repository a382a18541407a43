#include "readers/job_report.h"

#include <stdio.h>

#include "base/clock.h"
#include "base/model.h"

bool job_waiting_for_worker(const struct job_row *j, int64_t now_ms)
{
	return j->state == JOB_RUNNING && j->lease_until_ms < now_ms;
}

const char *job_state_label(const struct job_row *j, int64_t now_ms)
{
	return job_waiting_for_worker(j, now_ms) ? "waiting" : job_state_name(j->state);
}

double job_duration_seconds(const struct job_row *j)
{
	int64_t end = j->finished_ms ? j->finished_ms : j->updated_ms;
	return j->started_ms && end > j->started_ms ? (double)(end - j->started_ms) / 1000.0 : 0;
}

void job_rate(const struct job_row *j, double *rate, int64_t *eta_s)
{
	double seconds = job_duration_seconds(j);
	*rate = seconds > 0 ? (double)j->events_done / seconds : 0;
	int64_t left = j->events_total - j->events_done;
	*eta_s = *rate > 0 && left > 0 ? (int64_t)((double)left / *rate) : 0;
}

int job_history_rate(struct storage *s, double *events_per_second)
{
	struct job_row *jobs;
	int n;
	*events_per_second = 0;
	if (storage_jobs_list(s, 100, &jobs, &n) < 0)
		return -1;
	int64_t moved = 0, ms = 0;
	/* a small job can finish within its first millisecond: it counts as one */
	for (int i = 0; i < n; i++)
		if (jobs[i].state == JOB_DONE && jobs[i].started_ms && jobs[i].finished_ms >= jobs[i].started_ms &&
		    jobs[i].events_done > 0)
			moved += jobs[i].events_done,
				ms += jobs[i].finished_ms > jobs[i].started_ms ? jobs[i].finished_ms - jobs[i].started_ms : 1;
	job_rows_free(jobs, n);
	if (moved > 0 && ms > 0)
		*events_per_second = (double)moved * 1000.0 / (double)ms;
	return 0;
}

static void item_json(struct buf *b, const struct job_item_row *it)
{
	buf_addc(b, '{');
	text_json_field(b, "api_id", it->api_id);
	buf_addc(b, ',');
	text_json_field(b, "name", it->name);
	buf_printf(b, ",\"kind\":\"%s\",\"outcome\":\"%s\",\"events_total\":%lld,\"events_done\":%lld",
		   object_kind_name(it->kind), item_outcome_name(it->outcome), (long long)it->events_total,
		   (long long)it->events_done);
	if (it->other_job)
		buf_printf(b, ",\"other_job\":%lld", (long long)it->other_job);
	if (it->new_expires_at) {
		char expires[32];
		clock_format(it->new_expires_at, expires, sizeof expires);
		buf_printf(b, ",\"new_expires_at\":\"%s\"", expires);
	}
	buf_addc(b, '}');
}

int job_report_json(struct buf *b, struct storage *s, const struct job_row *j)
{
	struct job_item_row *items;
	int n;
	if (storage_job_items(s, j->id, &items, &n) < 0)
		return -1;
	double rate;
	int64_t eta;
	job_rate(j, &rate, &eta);
	char created[32], finished[32] = "null";
	clock_format(j->created_at, created, sizeof created);
	if (j->finished_at) {
		char at[30];
		clock_format(j->finished_at, at, sizeof at);
		snprintf(finished, sizeof finished, "\"%s\"", at);
	}
	buf_printf(b, "{\"id\":%lld,\"state\":\"%s\",\"waiting_for_worker\":%s,", (long long)j->id,
		   job_state_name(j->state), job_waiting_for_worker(j, clock_real_ms()) ? "true" : "false");
	text_json_field(b, "requested_by", j->requested_by);
	buf_addc(b, ',');
	text_json_field(b, "requested_from", j->requested_from);
	buf_addc(b, ',');
	text_json_field(b, "request", j->request);
	buf_printf(b, ",\"created_at\":\"%s\",\"finished_at\":%s,\"duration_seconds\":%.1f,"
		      "\"events_total\":%lld,\"events_done\":%lld,\"rate\":%.0f,\"eta_seconds\":%lld,",
		   created, finished, job_duration_seconds(j), (long long)j->events_total,
		   (long long)j->events_done, rate, (long long)eta);
	text_json_field(b, "mail", j->mail_state);
	buf_addc(b, ',');
	text_json_field(b, "mail_error", j->mail_error);
	buf_adds(b, ",\"items\":[");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		item_json(b, &items[i]);
	}
	buf_adds(b, "]}");
	job_items_free(items, n);
	return 0;
}
