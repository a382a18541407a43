# A job's end told besides the mail: notify.webhook_url against a real HTTP
# server on 127.0.0.1 (the JSON, its headers, retries with the same
# delivery id, permanent failures, redirects not followed) and
# notify.command (the same JSON on stdin, its environment, failures and a
# time-out), each attempt in the audit log.
. "$TESTS/integration/lib.sh"
PY=/usr/bin/python3
ME=$(id -un)
start_server() { start_test_server http_server.py "$@"; }
stop_server() { stop_test_server; }
trap 'stop_server; remove_work' EXIT

write_config() { # write_config NOTIFY-LINES
	cat >config.yaml <<YAML
notify:
  retry_base_seconds: 1
  max_attempts: ${ATTEMPTS:-3}
$1
worker:
  poll_ms: 100
YAML
}

posts() { ls "$1"/*.json 2>/dev/null | wc -l; }
# the details of the audit lines of one action, oldest first
audit_of() { t audit --json | jq -r --arg a "$1" '[.[] | select(.action == $a)] | sort_by(.id) | .[].details'; }

PORT=$(free_port)
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
t sweep >/dev/null # spring-sale expires

# --- the webhook and the command, each with the job as JSON ---------------
start_server hook1
write_config "  webhook_url: http://127.0.0.1:$PORT/thaw
  command: 'cat >\"$WORK/cmd.json\"; echo \"\$THAW_JOB_ID \$THAW_JOB_STATE \$THAW_DELIVERY\" >>\"$WORK/cmd.env\"'"
job=$(t restore spring-sale --wait --json | jq -r '.[0].id')
eq "$(posts hook1)" 1 "one post"
doc=hook1/1.json
eq "$(jq -r .event $doc)" "restore.job.ended" "the event"
eq "$(jq -r .job.id $doc)" "$job" "the job"
eq "$(jq -r .job.state $doc)" "done" "its state"
eq "$(jq -r .job.requested_by $doc)" "$ME" "who asked"
eq "$(jq -r '.job.items[0].api_id + " " + .job.items[0].outcome' $doc)" "spring-sale restored" "the object and its outcome"
[ "$(jq -r '.job.items[0].new_expires_at' $doc)" != null ] || fail "the new expiry: $(cat $doc)"
[ "$(jq -r '.job.duration_seconds' $doc)" != null ] || fail "the duration"
eq "$(jq -c .job.items $doc)" "$(t jobs "$job" --json | jq -c '.[0].items')" "the same objects as thaw jobs --json"
contains "$(cat hook1/1.headers)" "Content-Type: application/json" "content type"
contains "$(cat hook1/1.headers)" "X-Thaw-Delivery: " "a delivery id"
contains "$(cat hook1/1.headers)" "User-Agent: thaw/" "user agent"
cmp -s "$doc" cmd.json || fail "the command read the same JSON as the webhook"
read -r env_job env_state env_delivery <cmd.env
eq "$env_job $env_state" "$job done" "THAW_JOB_ID and THAW_JOB_STATE"
[ -n "$env_delivery" ] || fail "THAW_DELIVERY"
contains "$(audit_of webhook.sent)" "webhook" "the post is audited"
contains "$(audit_of command.sent)" "command" "the command's run is audited"

# --- a 503 is retried with the same delivery id; 404 and 302 are final ----
start_server hook2 --answers 503,200
write_config "  webhook_url: http://127.0.0.1:$PORT/thaw"
t restore spring-sale --wait >/dev/null 2>&1 # not expired: a job that ends at once
eq "$(posts hook2)" 1 "first attempt"
contains "$(audit_of webhook.failed)" "will be retried: the webhook answered HTTP 503" "the retry is audited with its reason"
sleep 1.2
t worker --once >/dev/null 2>&1
eq "$(posts hook2)" 2 "the retry, after its back-off"
eq "$(grep X-Thaw-Delivery hook2/1.headers)" "$(grep X-Thaw-Delivery hook2/2.headers)" "the same delivery id on the retry"
cmp -s hook2/1.json hook2/2.json || fail "the same document on the retry"

start_server hook3 --answers 404
t restore spring-sale --wait >/dev/null 2>&1
sleep 1.2
t worker --once >/dev/null 2>&1
eq "$(posts hook3)" 1 "a 404 is not retried"
contains "$(audit_of webhook.failed | tail -1)" "failed: the webhook answered HTTP 404" "its reason"

start_server hook4 --redirect
t restore spring-sale --wait >/dev/null 2>&1
eq "$(ls hook4/*.followed 2>/dev/null | wc -l)" 0 "a redirect is not followed"
contains "$(audit_of webhook.failed | tail -1)" "HTTP 302 (a redirect, not followed)" "and says so"

# --- nobody listening: retried, then failed after max_attempts ------------
stop_server
t restore spring-sale --wait >/dev/null 2>&1
sleep 1.2
t worker --once >/dev/null 2>&1
sleep 2.2
t worker --once >/dev/null 2>&1
contains "$(audit_of webhook.failed | tail -1)" "failed: webhook: " "refused connections end as failed"
eq "$(t metrics | grep 'thaw_notifications{channel="webhook",state="failed"}')" \
	'thaw_notifications{channel="webhook",state="failed"} 3' "metrics count the failed posts"

# --- a command that fails says why; one that hangs is killed --------------
write_config "  command: 'echo starting; echo \"disk full\" >&2; exit 3'"
t restore spring-sale --wait >/dev/null 2>&1
contains "$(audit_of command.failed | tail -1)" "will be retried: notify.command failed (exit 3): disk full" "the command's exit and last words"
ATTEMPTS=1 write_config "  command: 'sleep 31.5; true'
  timeout_seconds: 1"
started=$(date +%s)
t restore spring-sale --wait >/dev/null 2>&1
took=$(($(date +%s) - started))
[ "$took" -lt 10 ] || fail "a hanging command holds the worker ${took}s"
contains "$(audit_of command.failed | tail -1)" "failed: notify.command did not finish within 1 s: killed" "time-out"
# killed with its group (the shell and the sleep it started): gone once the
# kernel has delivered the signals
for _ in $(seq 30); do pgrep -f "sleep 31.5" >/dev/null || break; sleep 0.1; done
pgrep -f "sleep 31.5" >/dev/null && fail "the hanging command's process is left behind"

# --- a worker without a channel leaves its rows to one that has it --------
start_server hook5
write_config "  webhook_url: http://127.0.0.1:$PORT/thaw"
t restore spring-sale >/dev/null 2>&1
write_config ""
t worker --once >/dev/null 2>&1
eq "$(posts hook5)" 0 "a worker without notify.webhook_url does not take the post"
write_config "  webhook_url: http://127.0.0.1:$PORT/thaw"
t worker --once >/dev/null 2>&1
eq "$(posts hook5)" 1 "a worker with it delivers it"
finish
