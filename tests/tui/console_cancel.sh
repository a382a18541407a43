# Cancelling a running restore from the console's jobs panel: the embedded
# worker is throttled so the job is still running when the key arrives.
. "$TESTS/tui/lib.sh"

slow_restore_workspace 500
[ "$cold" -gt 1500 ] || fail "need a big expired object, got $cold events"
job=$(t restore "$big" --json | jq -r '.[0].id')

start 100 30
wait_for "1 job running" 5
keys J
wait_for "running" 5
on_screen "job $job" "the job is listed"
keys x
wait_for "Cancel restore job $job?"
on_screen "[> Cancel <]" "Cancel (keep going) has the focus"
keys y
wait_for "Job $job cancelled" 5
eq "$(t jobs "$job" --json | jq -r '.[0].state')" cancelled "the job is cancelled"
eq "$(state_of "$big")" expired "its object is expired again"
# the rows that had come back are returned to cold by the worker
for i in $(seq 50); do [ "$(field_of "$big" hot_events)" = 0 ] && break; sleep 0.1; done
eq "$(field_of "$big" hot_events)/$(field_of "$big" cold_events)" "0/$cold" "all rows cold again"
check_ok
keys Escape q
finish
