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
keys Escape

# --- the jobs panel at 80x24: display widths, scrolling, mail off ------------
t list --state expired --ids | head -40 | t restore - --wait >/dev/null 2>&1 || fail "a restore of 40 objects"
start 80 24
keys J
wait_for "more (PgDn)" 5
on_screen "mail off" "no smtp.url: mail off, as the CLI says"
# every outcome starts in the same display column and is whole, whatever
# the names' scripts
screen | /usr/bin/python3 -c '
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
cols = set()
for line in sys.stdin:
    if "restored " in line and "until " in line:
        cols.add(width(line[:line.index("restored ")]))
        assert line.rstrip().endswith(("-01", "-02", "-03", "-04", "-05", "-06", "-07", "-08", "-09", "-10", "-11", "-12", "-13", "-14", "-15", "-16", "-17", "-18", "-19", "-20", "-21", "-22", "-23", "-24", "-25", "-26", "-27", "-28", "-29", "-30", "-31")), "an outcome cut: %r" % line
assert len(cols) == 1, "outcomes start in columns %s" % cols
' || fail "the jobs panel fits names by display width and never cuts the outcome"
first=$(screen | grep -m1 "restored ")
keys PageDown
wait_gone "$first" 5
wait_for "restored " # PgDn shows the next objects (the page may be caught half drawn)
keys Escape q
finish
