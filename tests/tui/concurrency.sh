# Two consoles, a worker, sweeps, imports and restore requests on one
# database at once, for a while: nobody ever sees "database is locked", no
# update is lost, and each console shows the others' changes.
. "$TESTS/tui/lib.sh"
SECONDS_TO_RUN=${CONCURRENCY_SECONDS:-45}

cat >config.yaml <<'YAML'
worker:
  sweep: false
  batch_rows: 500
  poll_ms: 100
console:
  refresh_ms: 300
YAML
"$THAW" demo --out "$WS" >/dev/null
total_before=$(t list --json | jq '[.[] | .hot_events + .cold_events] | add')
active=$(t list --status active --limit 1 --json | jq -r '.[0].api_id')

# two consoles, each with its own embedded worker
tm new-session -d -s a -x 100 -y 30 env LANG=C.UTF-8 THAW_NOW="$THAW_NOW" "$THAW" --db "$WS"
tm new-session -d -s b -x 100 -y 30 env LANG=C.UTF-8 THAW_NOW="$THAW_NOW" "$THAW" --db "$WS"
"$THAW" --db "$WS" worker >worker.log 2>&1 &
WORKER=$!

end=$((SECONDS + SECONDS_TO_RUN))
round=0
imported=0
: >errors.log
while [ $SECONDS -lt $end ]; do
	round=$((round + 1))
	# an import: 200 new events of an active object, and a new object
	{
		echo "object,user,time,kind,step,variant,alias,label"
		for u in $(seq 200); do
			printf '%s,user-%07d,2026-11-%02dT%02d:%02d:00Z,opened_push,,,,\n' "$active" "$u" \
				$((round % 28 + 1)) $((round / 60 % 24)) $((round % 60))
		done
	} >events-$round.csv
	printf 'objects:\n  - { api_id: conc-%d, kind: campaign, name: "Concurrent %d", status: active }\n' \
		"$round" "$round" >ws-$round.yaml
	t import ws-$round.yaml events-$round.csv >/dev/null 2>>errors.log &
	IMPORT=$!
	# a sweep in the future expires things; restores bring some back
	THAW_NOW=2027-0$((round % 3 + 4))-01T00:00:00Z t sweep >/dev/null 2>>errors.log &
	SWEEP=$!
	tag=$(printf 'xmas\nsummer\nwinback\nonboarding\n' | sed -n "$((round % 4 + 1))p")
	t restore --tag "$tag" >/dev/null 2>>errors.log
	wait $IMPORT || echo "import failed in round $round" >>errors.log
	wait $SWEEP || echo "sweep failed in round $round" >>errors.log
	imported=$((imported + 200))
	t list --limit 5 >/dev/null 2>>errors.log
	sleep 0.2
done
kill -TERM $WORKER
wait $WORKER
echo "$round rounds in $SECONDS_TO_RUN s"

# no "locked" or "busy" anywhere: not in outputs, not on either console
grep -i "locked\|busy" errors.log worker.log && fail "someone saw the database locked"
eq "$(grep -vc '^$' errors.log)" 0 "no command failed: $(head -3 errors.log)"
for s in a b; do
	tm capture-pane -p -t $s | grep -qi "locked\|busy" && fail "console $s saw the database locked"
done

# the consoles show what the others did: the last imported object, the jobs
for s in a b; do
	tm send-keys -t $s / && tm send-keys -t $s -l "Concurrent $round" && tm send-keys -t $s Enter
done
sleep 1
for s in a b; do
	tm capture-pane -p -t $s | grep -qF "Concurrent $round" || fail "console $s does not show the newest import"
done

# nothing lost: every event imported is there, in one tier
t worker --once >/dev/null 2>&1
total_after=$(t list --json | jq '[.[] | .hot_events + .cold_events] | add')
eq "$total_after" "$((total_before + imported))" "events before + imported = events after"
check_ok
finish
