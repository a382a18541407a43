# The README's first steps, in a fresh directory: create the demo, open it,
# list what is expired, show one, restore it and see it available again.
. "$TESTS/integration/lib.sh"

out=$("$THAW" demo --open)
contains "$out" "demo workspace thaw-demo.db" "demo created"
contains "$out" "Workspace thaw-demo.db" "opened after creation"
[ -f thaw-demo.db ] || fail "thaw-demo.db not created"
eq "$(stat -c %a thaw-demo.db)" "600" "workspace file mode"

# a second run reuses it: same content, not rebuilt
before=$(md5sum thaw-demo.db | cut -d' ' -f1)
out=$("$THAW" demo --open)
contains "$out" "Workspace thaw-demo.db" "reopened"
not_contains "$out" "demo workspace" "not rebuilt"

WS=$WORK/thaw-demo.db
# every state of the demo is there
for state in available expired purged none kept expiring; do
	n=$(t list --state $state --json | jq length)
	[ "$n" -gt 0 ] || fail "demo has no '$state' object"
done
# the demo is deterministic for a seed and a clock
"$THAW" demo --out again.db >/dev/null
eq "$(t list --json | md5sum)" "$("$THAW" --db again.db list --json | md5sum)" "deterministic demo"

expired=$(t list --state expired --sort cold --desc --limit 1 --json | jq -r '.[0].api_id')
cold=$(field_of "$expired" cold_events)
[ "$cold" -gt 0 ] || fail "expired object has no cold events"
out=$(t show "$expired")
contains "$out" "Interaction data expired on" "expired banner in show"
contains "$out" "thaw restore $expired" "banner names the restore command"

out=$(t restore "$expired" --wait)
contains "$out" "restored $(commas "$cold") events" "restore reports the count"
eq "$(state_of "$expired")" available "restored object is available"
eq "$(field_of "$expired" hot_events)" "$cold" "all events back hot"
eq "$(field_of "$expired" cold_events)" 0 "nothing left cold"
check_ok

# the summary that `thaw` prints with no command (the console comes later)
out=$(t)
contains "$out" "objects" "summary"
finish
