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

# --- quitting with a job asked for here still running, and no worker besides --
start 100 30
wait_for "of 300" 5
keys / && type_text "$(t show "$big" --json | jq -r .name)" && keys Enter
wait_for "1 of 300" 5
keys R
wait_for "[> Cancel <]" 5
keys Tab Enter
wait_for "queued" 5
job=$(t jobs --json | jq -r '.[0].id')
keys Escape q
wait_for "is still running" 5
on_screen "[> Stay until it ends <]" "staying is the default"
keys Tab Enter # quit, leave it queued
for _ in $(seq 50); do tm has-session -t t 2>/dev/null || break; sleep 0.1; done
tm has-session -t t 2>/dev/null && fail "leave it queued: the console quits"
eq "$(t jobs "$job" --json | jq -r '.[0].state')" queued "the job waits, handed back, for a worker"

# --- Ctrl-Z suspends to the shell and `fg` brings the screen back -------------
terminal 100 30 "env -i HOME=$HOME PATH=$PATH TERM=tmux-256color LANG=C.UTF-8 bash --norc --noprofile -i"
sleep 0.5
tm send-keys -t t "THAW_NOW=$THAW_NOW ${PGUSER:+PGUSER=$PGUSER }$THAW --db $WS" Enter
wait_for "of 300" 5
keys C-z
wait_for "Stopped" 5
tm send-keys -t t "fg" Enter
wait_for "of 300" 5

# --- Ctrl-C asks about a job asked for here, then cancels it --------------------
second=$(t list --state expired --sort cold --desc --limit 1 --ids)
keys / && type_text "$(t show "$second" --json | jq -r .name)" && keys Enter
wait_for "1 of 300" 5
keys R
wait_for "[> Cancel <]" 5
keys Tab Enter
wait_for "queued" 5
job2=$(t jobs --json | jq -r '.[0].id')
keys C-c
wait_for "is still running" 5
keys Tab Tab Enter # cancel it, quit (back to the shell it ran in)
for _ in $(seq 50); do pgrep -f "^$THAW --db $WS\$" >/dev/null || break; sleep 0.1; done
pgrep -f "^$THAW --db $WS\$" >/dev/null && fail "Ctrl-C then cancel: the console quits"
eq "$(t jobs "$job2" --json | jq -r '.[0].state')" cancelled "the job asked for here is cancelled"

# --- jobs --watch: the jobs that matter, fitted to the terminal ----------------
for id in $(t list --state expired --sort cold --desc --limit 12 --ids); do t restore "$id" >/dev/null 2>&1; done
terminal 80 10 "env THAW_NOW=$THAW_NOW $THAW --db $WS jobs --watch"
wait_for "queued" 5
wait_for "more" 5
[ "$(screen | grep -c '^job ')" -le 8 ] || fail "--watch fits 10 rows: $(screen)"
screen | grep '^job ' | grep -qv "cancelled\|done" || fail "--watch shows the waiting jobs: $(screen)"
"$THAW" --db "$WS" worker 2>/dev/null &
worker=$!
wait_for "running" 10
kill "$worker"; wait "$worker" 2>/dev/null
tm kill-server 2>/dev/null
# with a job number: until it ends, and the exit says how
last=$(t jobs --json | jq -r '[.[] | select(.state == "queued" or .state == "running")][0].id')
( sleep 1; t cancel "$last" >/dev/null 2>&1 ) &
timeout 20 "$THAW" --db "$WS" jobs "$last" --watch >watch.out 2>&1
eq "$?" 1 "jobs JOB --watch exits 1 when the job is cancelled"
contains "$(tail -1 watch.out)" "cancelled" "the last line says so"
finish
