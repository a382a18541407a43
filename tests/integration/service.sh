# The worker as a service: the shipped systemd unit passes systemd-analyze
# verify (where systemd is there to ask) and its hardening leaves only the
# workspace's directory writable; the worker logs one line per event with
# its level, in the journal's form under systemd.
. "$TESTS/integration/lib.sh"

# --- the unit ------------------------------------------------------------------
[ -f "$THAW_UNIT" ] || fail "no unit was built at $THAW_UNIT"
grep -q "^ExecStart=.*/thaw --config /etc/thaw/config.yaml --db /var/lib/thaw/workspace.db worker$" "$THAW_UNIT" ||
	fail "the unit runs the worker"
for line in NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/thaw User=thaw; do
	grep -qx "$line" "$THAW_UNIT" || fail "the unit says $line"
done
if command -v systemd-analyze >/dev/null; then
	# verify wants the binary it names to exist: a copy of the unit runs ours
	sed "s|^ExecStart=[^ ]*/thaw |ExecStart=$THAW |" "$THAW_UNIT" >thaw-worker.service
	systemd-analyze verify ./thaw-worker.service >verify.out 2>&1 || fail "systemd-analyze verify: $(cat verify.out)"
	grep -v "No such file\|Failed to prepare filename\|Cannot add dependency job" verify.out | grep -q . &&
		fail "systemd-analyze has something to say: $(cat verify.out)"
else
	echo "systemd-analyze is not here: the unit was not verified"
fi

# --- one line per event, with its level ------------------------------------------
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null || fail "import"
THAW_NOW=2026-12-01T00:00:00Z t sweep >/dev/null
contains "$(t status)" "worker: never seen here" "status before any worker"
out=$(t restore spring-sale)
contains "$out" "no worker is running: run" "a job nobody runs is said"
THAW_NOW=2026-12-01T00:00:00Z t worker --once 2>log.txt || fail "worker --once"
contains "$(cat log.txt)" "thaw worker: info: job 1: started" "a job's start, with its level"
contains "$(cat log.txt)" "thaw worker: info: job 1: finished, 6 events restored" "and its end"
t restore summer-sale >/dev/null
THAW_NOW=2026-12-01T00:00:00Z JOURNAL_STREAM=8:1 t worker --once 2>journal.txt || fail "worker under systemd"
contains "$(cat journal.txt)" "<6>job 2: started" "journald's priority prefix under systemd"
t restore spring-sale >/dev/null 2>&1
THAW_NOW=2027-04-01T00:00:00Z t sweep >/dev/null
t restore spring-sale >/dev/null
THAW_NOW=2027-04-01T00:00:00Z t worker --once --quiet 2>quiet.txt || fail "worker --quiet"
eq "$(cat quiet.txt)" "" "--quiet says nothing when all is well"
exit_code 2 "--quiet and --verbose" t worker --once --quiet --verbose
# --- fair jobs: a single restore asked for during a big one finishes first ------
new_workspace
printf 'worker:\n  sweep: false\n  batch_rows: 200\n  max_rows_per_second: 4000\n  poll_ms: 100\n' >config.yaml
"$THAW" demo --out "$WS" >/dev/null
THAW_NOW=2028-01-01T00:00:00Z t sweep >/dev/null # nearly everything expires
expired=$(t list --state expired --json | jq length)
[ "$expired" -gt 100 ] || fail "the demo should have many expired objects, has $expired"
single=$(t list --state expired --sort cold --limit 1 --ids)
big=$(t list --state expired --ids | grep -vx "$single" | t restore - --json | jq -r '.[0].id')
"$THAW" --db "$WS" worker 2>fair.log &
worker=$!
sleep 1.5
small=$(t restore "$single" --json | jq -r '.[0].id')
for _ in $(seq 150); do
	[ "$(t jobs "$small" --json | jq -r '.[0].state')" = done ] && break
	sleep 0.2
done
contains "$(t status)" "worker: alive on $(hostname)" "status sees the running worker by its heartbeat"
contains "$(t metrics)" "thaw_worker_heartbeat_timestamp_seconds 1" "and so do the metrics"
kill "$worker"; wait "$worker" 2>/dev/null
eq "$(t jobs "$small" --json | jq -r '.[0].state')" done "the single restore is done"
eq "$(t jobs "$big" --json | jq -r '.[0].state')" queued "while the big one waits, handed back by the stopped worker"
contains "$(cat fair.log)" "job $big: paused for a smaller job" "the big job made way"
# a job's objects restore smallest first: every object done so far is no
# bigger than any still waiting
done_max=$(t jobs "$big" --json | jq -r '[.[0].items[] | select(.outcome == "restored") | .events_total] | max // 0')
left_min=$(t jobs "$big" --json | jq -r '[.[0].items[] | select(.outcome == "pending") | .events_total] | min // 0')
[ "$done_max" -gt 0 ] || fail "the big job restored something before the worker stopped"
[ "$done_max" -le "$left_min" ] || fail "smallest first: restored one of $done_max events while one of $left_min waits"
check_ok
finish
