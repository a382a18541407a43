# The list keeps the operator's place: after rows above the cursor leave the
# filter (restored elsewhere), Enter opens the object the cursor was on, not
# whatever slid onto its screen line; when that object leaves too, the
# cursor goes to its neighbour and the status line says why.
. "$TESTS/tui/lib.sh"
export THAW_NOW=2028-01-01T00:00:00Z
printf 'worker:\n  sweep: false\n  poll_ms: 100\nconsole:\n  refresh_ms: 300\n' >config.yaml
"$THAW" demo --out "$WS" >/dev/null
t sweep >/dev/null # most of the demo expires
mapfile -t ids < <(t list --state expired --ids | head -5)
name_of() { t show "$1" --json | jq -r .name; }

start 100 30
keys /
type_text "state:expired"
keys Enter
wait_for "$(name_of "${ids[0]}" | cut -c1-20)"
keys Down Down # on the third expired object
t restore "${ids[0]}" "${ids[1]}" --wait >/dev/null 2>&1 || fail "restore elsewhere"
sleep 1 # a refresh or two
keys Enter
wait_for "$(name_of "${ids[2]}")" 5
not_on_screen "$(name_of "${ids[4]}")" "Enter opened the object the cursor was on"
keys Escape

# the cursor's own object leaves: its neighbour, and a word why
t restore "${ids[2]}" --wait >/dev/null 2>&1 || fail "restore the cursor's object elsewhere"
wait_for "left the filter" 5
keys Enter
wait_for "$(name_of "${ids[3]}")" 5
keys Escape q
finish
