# Kill -9 at many points of a restore and of a sweep, resume, and prove:
# per-object hot+cold totals unchanged, no event in both tiers, cached
# counts equal to the rows, states consistent, PRAGMA integrity_check ok.
. "$TESTS/integration/lib.sh"

KILLS=${CRASH_KILLS:-12}
# small batches and a one-second lease: many commits to land a kill in,
# and a dead worker's job is taken over quickly
printf 'worker:\n  batch_rows: 200\n  max_rows_per_second: 100000\n  lease_seconds: 1\n  sweep: false\n' >config.yaml
"$THAW" demo --out "$WS" >/dev/null || fail "demo"

totals() { t list --json | jq -r '.[] | "\(.api_id) \(.hot_events + .cold_events)"' | sort; }
totals >before.txt
[ "$(wc -l <before.txt)" -gt 100 ] || fail "demo too small"

# a random pause of 0..150 ms: where the kill lands
pause() { sleep "0.$(printf '%03d' $((RANDOM % 150)))"; }

kill_during() { # kill_during ARGS...: start thaw, kill -9 it mid-way
	"$THAW" --db "$WS" "$@" >/dev/null 2>&1 &
	local pid=$!
	pause
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# --- restore every expired object, killing the worker again and again ---
expired=$(t list --state expired --json | jq -r '.[].api_id' | tr '\n' ' ')
job=$(t restore $expired --json | jq -r '.[0].id')
kills=0
for i in $(seq 1 "$KILLS"); do
	kill_during worker --once
	kills=$((kills + 1))
	check_ok
	[ "$(t jobs "$job" --json | jq -r '.[0].state')" = done ] && break
	sleep 1.1 # let the dead worker's lease lapse
	# nobody runs it now: never shown as running
	if [ "$(t jobs "$job" --json | jq -r '.[0].state')" = running ]; then
		eq "$(t jobs "$job" --json | jq -r '.[0].waiting_for_worker')" true "a dead worker's job waits for a worker"
		contains "$(t jobs "$job")" "waiting for a worker: its worker stopped answering" "and says so"
	fi
done
t worker --once >/dev/null 2>&1
eq "$(t jobs "$job" --json | jq -r '.[0].state')" done "restore finished after $kills kills"
eq "$(t list --state expired --json | jq length)" 0 "nothing left expired"
eq "$(t jobs "$job" --json | jq '[.[0].items[] | .events_done] | add')" \
   "$(t jobs "$job" --json | jq '.[0].events_total')" "progress adds up"
totals >after.txt
cmp -s before.txt after.txt || fail "per-object totals changed by the restore: $(diff before.txt after.txt | head -5)"
check_ok

# --- a sweep in the far future expires nearly everything; kill it -------
export THAW_NOW=2029-01-01T00:00:00Z
for i in $(seq 1 "$KILLS"); do
	kill_during sweep
	check_ok
done
t sweep >/dev/null || fail "final sweep"
eq "$(t list --state available --json | jq '[.[] | select((.status=="stopped" or .status=="archived") and .kept_by == null)] | length')" 0 \
   "every stopped object without protection expired"
eq "$(t list --json | jq '[.[] | select(.ixd_state=="expired" and .hot_events > 0)] | length')" 0 \
   "every expired object settled to cold"
totals >after.txt
cmp -s before.txt after.txt || fail "per-object totals changed by the sweep"
check_ok
echo "restore survived $kills kills, sweep $KILLS kills"
finish
