# The retention rules through the command line, on the hand-built workspace
# of tests/data with a fixed clock: states and dates for every rule, sweeps,
# restores (one, several, by tag), repeats, skips, cancel, re-expiry.
. "$TESTS/integration/lib.sh"

NOW=2026-11-29T12:00:00Z
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null || fail "import"

# --- states and dates after import -------------------------------------
eq "$(state_of spring-sale)" available "spring-sale available before the sweep"
eq "$(field_of spring-sale expires_at)" 2026-08-31T00:00:00Z "expiry = stop + 3 months"
eq "$(field_of spring-sale expiry)" "due: next sweep" "spring-sale is due"
eq "$(field_of summer-sale expires_at)" 2026-11-30T00:00:00Z "archived counts as stopped"
eq "$(field_of welcome kept_by)" "campaign Win-back" "kept by an active campaign's step filter"
eq "$(field_of cart kept_by)" "segment VIP buyers" "kept by a segment in use"
eq "$(field_of summer-sale kept_by)" null "a segment not in use does not protect"
eq "$(field_of idle-news expiry)" active "idle counts as active"
eq "$(state_of old-promo)" purged "purged from import"
eq "$(state_of draft-one)" none "draft has no data"
out=$(t show old-promo)
contains "$out" "deleted under the previous retention policy" "purged banner"

# --- sweep -------------------------------------------------------------
out=$(t sweep --dry-run)
contains "$out" "would expire spring-sale" "dry run lists the due object"
contains "$out" "dry run: 1 object due, 6 events would move to cold" "and the events it would move"
eq "$(echo "$out" | grep -c 'would expire')" 1 "only spring-sale is due"
eq "$(state_of spring-sale)" available "a dry run changes nothing"

out=$(t sweep --json)
eq "$(echo "$out" | jq -r '.objects[0].api_id')" spring-sale "sweep expires spring-sale"
eq "$(echo "$out" | jq -r .events_moved)" 6 "its 6 events moved"
eq "$(state_of spring-sale)" expired "spring-sale expired"
eq "$(field_of spring-sale hot_events)/$(field_of spring-sale cold_events)" 0/6 "rows in cold"
eq "$(t sweep --json | jq -r .expired)" 0 "a second sweep has nothing to do"
contains "$(t audit)" "sweep.expire" "the sweep is audited"
check_ok

# tag filters never protect; a summer day later the archived one is due
out=$(THAW_NOW=2026-12-01T00:00:00Z t sweep)
contains "$out" "expired summer-sale" "summer-sale expires at its date"
not_contains "$out" "cart" "cart stays kept"

# --- events for an expired object go to cold ----------------------------
printf 'object,user,time,kind,step,variant,alias,label\nspring-sale,u9,2026-05-25T10:00:00Z,received_email,,spring-a,,\n' >late.csv
out=$(t import late.csv)
contains "$out" "0 new hot, 1 new cold" "late event goes to cold"
eq "$(field_of spring-sale cold_events)" 7 "cold count includes the late event"
out=$(t import late.csv)
contains "$out" "1 already present" "late event not doubled"

# --- a new filter naming an expired or purged object is refused ---------
cat >newfilter.yaml <<'YAML'
objects:
  - api_id: retarget
    kind: campaign
    name: Retarget spring
    status: active
    filters:
      - { kind: received_campaign, campaign: spring-sale }
YAML
exit_code 1 "filter on expired refused" t import newfilter.yaml
contains "$(cat "$WORK/err")" "newfilter.yaml:7:9: 'spring-sale' has expired interaction data: restore its interaction data first" "refusal message"
sed -i 's/spring-sale/old-promo/' newfilter.yaml
exit_code 1 "filter on purged refused" t import newfilter.yaml
contains "$(cat "$WORK/err")" "cannot be used in retargeting" "purged refusal message"
eq "$(t show retarget --json 2>/dev/null | jq -r .api_id 2>/dev/null)" "" "nothing half-applied"

# --- restore: queued, repeated, skipped, then run -----------------------
export THAW_NOW=2026-12-01T00:00:00Z
out=$(t restore spring-sale --json)
job=$(echo "$out" | jq -r '.[0].id')
eq "$(echo "$out" | jq -r '.[0].state')" queued "the job is persisted before anything moves"
eq "$(state_of spring-sale)" restoring "the job holds the object"
eq "$(t list --state restoring --json | jq length)" 1 "restoring shows in the list"
out=$(t restore spring-sale summer-sale old-promo draft-one winback --json)
items=$(echo "$out" | jq -r '.[0].items | map(.api_id + "=" + .outcome) | sort | join(" ")')
eq "$items" "draft-one=no interaction data old-promo=deleted under the previous policy spring-sale=already being restored summer-sale=pending winback=not expired" "per-item outcomes"
eq "$(echo "$out" | jq -r '.[0].items[] | select(.api_id=="spring-sale") | .other_job')" "$job" "names the job that holds it"
exit_code 1 "unknown object refused" t restore no-such-thing
contains "$(cat "$WORK/err")" "unknown object 'no-such-thing'" "unknown object message"
t worker --once 2>/dev/null
eq "$(state_of spring-sale)" available "restored"
eq "$(field_of spring-sale hot_events)/$(field_of spring-sale cold_events)" 7/0 "all 7 events hot, late one included"
eq "$(field_of spring-sale expires_at)" 2027-03-01T00:00:00Z "clock restarts at the restore"
eq "$(field_of spring-sale last_restored_at)" 2026-12-01T00:00:00Z "last restore recorded"
eq "$(t jobs $job --json | jq -r '.[0].items[0].outcome')" restored "job item outcome"
eq "$(t jobs $job --json | jq -r '.[0].state')" done "job done"
eq "$(state_of summer-sale)" available "second job restored summer-sale"
check_ok

# --- repeating a finished request does no work --------------------------
out=$(t restore spring-sale --json)
eq "$(echo "$out" | jq -r '.[0].items[0].outcome')" "not expired" "repeat after restore skips"
eq "$(echo "$out" | jq -r '.[0].state')" done "nothing to run"

# --- protection removed: expires at the next sweep, not 3 months later --
sed 's/    status: active\n    channels: \[email\]\n    tags: \[lifecycle\]//' "$DATA/workspace.yaml" |
	awk '/api_id: winback/{w=1} w&&/status: active/{sub("active","stopped");w=0} {print}' >stopped-owner.yaml
t import stopped-owner.yaml >/dev/null || fail "re-import with the owner stopped"
eq "$(field_of welcome kept_by)" null "an owner that is itself stopped does not protect"
out=$(t sweep)
contains "$out" "expired welcome (due 2026-04-15" "unprotected object expires at the next sweep with its old date"

# --- restore by tag ------------------------------------------------------
t sweep >/dev/null # nothing else is due yet
out=$(THAW_NOW=2027-03-02T00:00:00Z t sweep)
contains "$out" "expired spring-sale" "re-expiry three months after a restore"
contains "$out" "expired summer-sale" "summer-sale re-expires too"
export THAW_NOW=2027-03-02T00:00:00Z
# from an SSH session whose address holds what an array literal must escape
out=$(SSH_CLIENT='203.0.113.9"{x},\ 50000 22' t restore --tag seasonal --wait --json)
items=$(echo "$out" | jq -r '.[0].items | map(.api_id + "=" + .outcome) | sort | join(" ")')
eq "$items" "cart=not expired: kept by a reference spring-sale=restored summer-sale=restored" "a tag restore reports every tagged object"
# both objects finish in one batch: each its own counts, expiry and audit entry
eq "$(echo "$out" | jq -r '.[0].items | map(select(.outcome=="restored") | "\(.api_id) \(.events_done)/\(.events_total) \(.new_expires_at)") | join(", ")')" \
	"spring-sale 7/7 2027-06-02T00:00:00Z, summer-sale 3/3 2027-06-02T00:00:00Z" "each item's progress and new expiry"
job=$(echo "$out" | jq -r '.[0].id')
eq "$(t audit --json | jq -r --argjson job "$job" 'map(select(.action=="restore.object" and .job==$job) | "\(.object): \(.details) from \(.ssh_client)") | sort | join("; ")')" \
	'spring-sale: restored 7 events from 203.0.113.9"{x},\; summer-sale: restored 3 events from 203.0.113.9"{x},\' \
	"one audit entry per restored object, the SSH address kept as it came"
eq "$(field_of spring-sale expires_at)/$(field_of summer-sale expires_at)" "2027-06-02T00:00:00Z/2027-06-02T00:00:00Z" "both clocks restarted"
eq "$(echo "$out" | jq -r '.[0].request')" "tag:seasonal" "the job records the tag"
eq "$(state_of spring-sale)/$(state_of summer-sale)/$(field_of cart kept_by)" "available/available/segment VIP buyers" "after tag restore"
jobs_before=$(t jobs --json | jq length)
out=$(t restore --tag seasonal)
eq "$?" 0 "a tag with nothing expired is not an error"
contains "$out" "nothing to restore: none of the 3 objects tagged 'seasonal' is expired" "and says so"
contains "$out" "1 not expired: kept by a reference" "with the reasons"
eq "$(t jobs --json | jq length)" "$jobs_before" "no empty job"
exit_code 1 "unknown tag" t restore --tag nosuchtag
contains "$(cat "$WORK/err")" "no object carries the tag 'nosuchtag'" "unknown tag message"

# --- cancel --------------------------------------------------------------
t sweep >/dev/null
THAW_NOW=2027-07-01T00:00:00Z t sweep >/dev/null
eq "$(state_of spring-sale)" expired "expired again for the cancel test"
job=$(t restore spring-sale welcome --json | jq -r '.[0].id')
out=$(t cancel "$job")
contains "$out" "job $job cancelled" "cancel confirms"
eq "$(state_of spring-sale)/$(state_of welcome)" expired/expired "cancelled items end expired"
eq "$(t jobs "$job" --json | jq -r '.[0].state + " " + (.[0].items | map(.outcome) | join(","))')" "cancelled cancelled,cancelled" "job and items cancelled"
exit_code 1 "cancel twice" t cancel "$job"
contains "$(cat "$WORK/err")" "already ended" "second cancel message"
exit_code 2 "cancel needs a number" t cancel abc
check_ok
contains "$(t audit)" "restore.cancel" "cancel audited"

# --- a relaunched object's data is available at once (SPEC §2.1) -------------
eq "$(state_of spring-sale)" expired "spring-sale expired before its relaunch"
sed '/api_id: spring-sale/,/api_id: summer-sale/s/status: stopped/status: active/' "$DATA/workspace.yaml" |
	sed '/api_id: old-promo/,/purged: true/s/status: archived/status: active/' >relaunch.yaml
out=$(t import relaunch.yaml)
contains "$out" "1 relaunched object with expired data: restore job" "the import says a restore was queued"
contains "$out" "(old-promo) had its data deleted under the previous retention policy: it stays deleted" "a purged relaunch stays purged"
eq "$(state_of spring-sale)" restoring "restoring until the job is done"
eq "$(state_of old-promo)" purged "purged stays purged"
printf 'object,user,time,kind,step,variant,alias,label\nspring-sale,u42,2027-07-02T09:00:00Z,received_email,,spring-a,,\n' >new.csv
out=$(t import new.csv)
contains "$out" "0 new hot, 1 new cold" "a new event of a restoring object goes to cold"
job=$(t jobs --json | jq -r '.[0].id')
eq "$(t jobs "$job" --json | jq -r '.[0].requested_by + " / " + .[0].request')" "thaw / relaunched: spring-sale" "asked by thaw because relaunched"
contains "$(t audit)" "relaunched: spring-sale" "and audited"
t worker --once 2>/dev/null
eq "$(state_of spring-sale)" available "available after the relaunch restore"
eq "$(field_of spring-sale cold_events)" 0 "every event hot, the new one included"
contains "$(t segment 'received_campaign(spring-sale)' --users 2>/dev/null)" "u42" "readers see it again, the new event too"
check_ok

# --- a re-import never undoes thaw's own clock ---------------------------------
cat >clock.yaml <<'YAML'
objects:
  - api_id: clockwork
    kind: campaign
    name: Clockwork
    status: stopped
    stopped: 2026-01-15
    last_restored: 2026-02-01
YAML
printf 'object,user,time,kind,step,variant,alias,label\nclockwork,u1,2026-01-10T10:00:00Z,received_email,,,,\n' >clock.csv
export THAW_NOW=2026-05-01T12:00:00Z
t import clock.yaml clock.csv >/dev/null || fail "clock import"
eq "$(field_of clockwork expires_at)" 2026-05-01T00:00:00Z "expiry from the file's last restore"
t sweep >/dev/null
eq "$(state_of clockwork)" expired "expired on its date"
export THAW_NOW=2026-05-02T12:00:00Z
t restore clockwork --wait >/dev/null 2>&1
eq "$(field_of clockwork expires_at)" 2026-08-02T12:00:00Z "the restore restarts the clock"
t import clock.yaml >/dev/null || fail "re-import"
eq "$(field_of clockwork last_restored_at)" 2026-05-02T12:00:00Z "the file's older last restore does not win"
eq "$(field_of clockwork expires_at)" 2026-08-02T12:00:00Z "nor does the expiry go back"
eq "$(t sweep --json | jq -r .expired)" 0 "the next sweep leaves the restored data alone"
sed 's/stopped: 2026-01-15/stopped: 2025-12-01/' clock.yaml >older.yaml
t import older.yaml >/dev/null || fail "older stop date"
eq "$(field_of clockwork stopped_at)" 2026-01-15T00:00:00Z "an earlier stop date does not replace a later one"
sed 's/stopped: 2026-01-15/stopped: 2026-06-01/' clock.yaml >later.yaml
t import later.yaml >/dev/null || fail "later stop date"
eq "$(field_of clockwork stopped_at)" 2026-06-01T00:00:00Z "a later stop date (stopped again) wins"

# --- a damaged cold chunk fails its item, not the job or the worker ------------
eq "$(state_of welcome)" expired "welcome is expired (cancelled above)"
ws_sql "UPDATE events_cold SET data=$(ws_bytes ffffffffff) WHERE object_id=(SELECT id FROM objects WHERE api_id='welcome')"
# summer-sale (3 events) and welcome (4) share one batch, smallest first
eq "$(state_of summer-sale)" expired "summer-sale is expired"
exit_code 0 "the restore ends" t restore welcome clockwork summer-sale --wait
job=$(t jobs --json | jq -r '.[0].id')
eq "$(t jobs "$job" --json | jq -r '.[0].items | map(.api_id + "=" + .outcome) | sort | join(" ")')" \
	"clockwork=not expired summer-sale=restored welcome=failed: its cold data is damaged (see thaw check)" \
	"the damaged item fails with the reason, the sound one before it in the batch is restored"
eq "$(field_of summer-sale hot_events)/$(field_of summer-sale cold_events)" 3/0 "all of summer-sale's events are back"
eq "$(t jobs "$job" --json | jq -r '.[0].state')" done "the job ends"
eq "$(state_of welcome)" expired "its object stays expired"
exit_code 0 "a worker carries on" t worker --once
exit_code 1 "thaw check names it" t check
contains "$(cat "$WORK/out")" "damaged" "the damaged chunk is reported"
contains "$(t audit)" "restore.failed" "and audited"
# --- knowing before: list --ids | restore -, and --dry-run ----------------------
t sweep >/dev/null
expired=$(t list --state expired --ids | sort | tr '\n' ' ')
out=$(t restore "$(t list --state expired --ids | head -1)" --dry-run)
contains "$out" "would restore 1 object" "a dry run says what it would restore"
contains "$out" "estimated time: " "with an estimate from this workspace's jobs"
contains "$out" "events/s" "measured, since jobs finished here"
contains "$out" "the data would expire again on 2026-08-02" "and until when it would stay"
eq "$(t list --state expired --ids | sort | tr '\n' ' ')" "$expired" "a dry run changes nothing"
out=$(t restore draft-one old-promo --dry-run)
contains "$out" "would skip 1: no interaction data" "skips and why"
contains "$out" "would skip 1: deleted under the previous policy" "each reason"
job=$(t list --state expired --ids | t restore - --json | jq -r '.[0].id')
eq "$(t jobs "$job" --json | jq -r '.[0].items | map(.api_id) | sort | join(" ") + " "')" "$expired" "restore - takes exactly what list --ids showed"
t worker --once >/dev/null 2>&1

# --- metrics for a monitoring system, read by Prometheus's own parser ----------
t metrics >metrics.prom || fail "metrics"
/usr/bin/python3 - metrics.prom "$(t list --state expired --json | jq length)" "$(t list --json | jq '[.[].hot_events] | add')" <<'PY' || fail "metrics parse and agree with list"
import sys
from prometheus_client.parser import text_string_to_metric_families
values = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        values[(s.name, tuple(sorted(s.labels.items())))] = s.value
assert values[("thaw_objects", (("state", "expired"),))] == int(sys.argv[2]), values
assert values[("thaw_events", (("tier", "hot"),))] == int(sys.argv[3]), values
assert ("thaw_jobs", (("state", "done"),)) in values
assert ("thaw_notifications", (("channel", "webhook"), ("state", "sent"))) in values
assert values[("thaw_last_sweep_timestamp_seconds", ())] >= 0
PY

# --- a restore finding some of its events hot already (as a crash could leave
# them): none doubled, each object's counts still its rows ------------------------
ws_sql "CREATE TABLE spare AS SELECT * FROM events_hot WHERE object_id=(SELECT id FROM objects WHERE api_id='summer-sale')"
export THAW_NOW=2026-12-01T00:00:00Z
t sweep >/dev/null
eq "$(state_of summer-sale)/$(field_of summer-sale cold_events)" expired/3 "summer-sale is cold again"
ws_sql "INSERT INTO events_hot SELECT * FROM spare WHERE ts=(SELECT min(ts) FROM spare)"
ws_sql "UPDATE objects SET hot_events=(SELECT count(*) FROM spare WHERE ts=(SELECT min(ts) FROM spare)) WHERE api_id='summer-sale'"
ws_sql "DROP TABLE spare"
[ "$(t list --state expired --ids | wc -l)" -gt 1 ] || fail "another object shares the restore's batch"
t list --state expired --ids | t restore - --wait >/dev/null 2>&1 || fail "the restore of every expired object"
eq "$(state_of summer-sale)/$(field_of summer-sale hot_events)/$(field_of summer-sale cold_events)" available/3/0 \
	"its events are back once each"
# (welcome's chunk is still damaged from above: `thaw check` fails for it)
eq "$(ws_sql "SELECT count(*) FROM objects o WHERE hot_events <> (SELECT count(*) FROM events_hot e WHERE e.object_id=o.id)")" 0 \
	"every object's hot count is its rows, those of the batch's other objects too"

# --- counts that disagree with the cold data (a hand edit, an old bug): the item
# fails and says why, the restore ends instead of asking for it forever -----------
export THAW_NOW=2027-06-01T00:00:00Z
t sweep >/dev/null
eq "$(state_of summer-sale)/$(field_of summer-sale cold_events)" expired/3 "summer-sale is cold once more"
ws_sql "UPDATE objects SET cold_events=cold_events+5 WHERE api_id='summer-sale'"
exit_code 0 "a restore of miscounted data ends" timeout -s KILL 60 "$THAW" --db "$WS" restore summer-sale --wait
job=$(t jobs --json | jq -r '.[0].id')
eq "$(t jobs "$job" --json | jq -r '.[0].state + " " + (.[0].items | map(.api_id + "=" + .outcome) | join(" "))')" \
	"done summer-sale=failed: its cold data is damaged (see thaw check)" "its item fails, the job is done"
contains "$(t audit)" "its counts say 5 more cold events than are stored" "the audit says why"
eq "$(field_of summer-sale hot_events)" 3 "the events it had are hot, none lost"

# --- a sweep and restores racing: every restored object whole, every job at 100 %
race=$WORK/race.db
printf 'worker:\n  batch_rows: 100\n  max_rows_per_second: 20000\n  sweep: false\n' >race.yaml
r() { "$THAW" --config race.yaml --db "$race" "$@"; }
for round in 1 2 3; do
	rm -f "$race"*
	"$THAW" demo --out "$race" >/dev/null
	# the sweep settles 50,000 events 100 a transaction in about 2.5 s; the
	# restores come while it does, each for whatever is expired by then
	THAW_NOW=2028-01-01T00:00:00Z r sweep >sweep-$round.txt &
	sweeper=$!
	for _ in 1 2 3; do
		sleep 0.3
		THAW_NOW=2028-01-01T00:00:00Z r list --state expired --ids | awk 'NR % 7 == 1' | head -10 |
			THAW_NOW=2028-01-01T00:00:00Z r restore - --wait >/dev/null 2>&1
	done
	wait "$sweeper" || fail "round $round: the sweep failed"
	THAW_NOW=2028-01-01T00:00:00Z r worker --once >/dev/null 2>&1
	r jobs --json | jq -e '.[] | select(.state == "done" and .events_done != .events_total)' >/dev/null &&
		fail "round $round: a job ended done short of its events: $(r jobs --json | jq -c '.[] | select(.events_done != .events_total) | {id, events_done, events_total}')"
	r jobs --json | jq -e '.[].items[] | select(.outcome == "restored" and .events_done != .events_total)' >/dev/null &&
		fail "round $round: an object restored short of its events"
	[ "$(r check --json | jq -r .ok)" = true ] || fail "round $round: thaw check after the race: $(r check --json)"
	grep -q "due 2028" sweep-$round.txt && fail "round $round: the sweep printed a due date a restore set after it: $(grep 'due 2028' sweep-$round.txt | head -2)"
	# what the restores brought back is available; whatever else the sweep expired is cold
	restored=$(r jobs --json | jq '[.[].items[] | select(.outcome == "restored")] | length')
	[ "$restored" -gt 0 ] || fail "round $round: no restore ran during the sweep"
done
finish
