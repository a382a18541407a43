# Fitting the terminal: the list's columns give way by priority (state
# words and reasons before long names), long lines wrap instead of being
# cut, and sorting goes through the columns on screen with the mark always
# shown; "expires" sorts in a stated order.
. "$TESTS/tui/lib.sh"
export THAW_NOW=2026-12-02T12:00:00Z
printf 'worker:\n  sweep: false\n  poll_ms: 100\nconsole:\n  refresh_ms: 300\n' >config.yaml
"$THAW" demo --out "$WS" >/dev/null
kept=$(t list --state kept --limit 1 --json)
kept_name=$(jq -r '.[0].name' <<<"$kept")
kept_by=$(jq -r '.[0].kept_by' <<<"$kept")
[ "${#kept_by}" -gt 30 ] || fail "the demo needs a long 'kept by': $kept_by"

# --- 80 columns: the reason is kept, the name gives way -----------------------
start 80 24
keys / && type_text "state:kept" && keys Enter
wait_for "of 300"
# the first words of what keeps it: its kind and the start of its name
on_screen "kept: used by ${kept_by:0:10}" "the reason survives 80 columns"
on_screen "…" "a cut name ends in an ellipsis"
# the detail's why and data lines wrap rather than lose their end
keys Enter
wait_for "why"
on_screen "after it stopped on" "the why line is read whole"
tail=${kept_by##* }
on_screen "$tail)" "the data line ends with the whole name"
keys Escape

# --- a long message wraps above the status line -----------------------------
keys / C-u Enter
for _ in 1 2 3; do keys s; done
wait_for "sorted by expiry"
on_screen "deleted, no data" "a long message is read whole"
on_screen "Interaction data ^" "the header marks the sorted column"

# --- sorting cycles through the columns on screen -----------------------------
# from expiry: hot, cold, then name again; never a column not shown at 80
keys s && wait_for "Hot ^"
keys s && wait_for "Cold ^"
keys s && wait_for "Name ^"
not_on_screen "last_sent" "no sort by a column that is not on screen"

# --- 200 columns: the extra width goes to tags and the reason too -------------
tm resize-window -t t -x 200 -y 40
keys / && type_text "state:kept" && keys Enter
wait_for "Last sent"
on_screen "kept: used by $kept_by" "the whole reason at 200 columns"
keys s s s && wait_for "Tags ^"
# back to 80 columns: the tags column goes, the mark says what the sort is
tm resize-window -t t -x 80 -y 24
wait_gone "Last sent"
# the header says the sort when its column is off screen (waited for: the
# first screen after a resize may be caught half drawn)
wait_for "Name (by tags ^)"

# --- wrapped banners: a purged object's reason is whole -----------------------
keys / C-u && type_text "state:purged" && keys Enter
wait_for "of 300"
keys Enter
wait_for "deleted under the previous retention policy"
on_screen "for 25 months" "the purged banner is not cut"
on_screen "new filters." "the purged banner ends"
keys Escape

# --- the audit log wraps its long lines ---------------------------------------
t sweep >/dev/null
keys A
wait_for "Audit log"
on_screen "sweep.expire" "the audit lists the sweep"
screen | grep -q "^    (due 20" || fail "the audit's long lines continue indented: $(screen)"
keys Escape q

# --- the expiry sort's stated order, in the CLI as in the console -------------
order=$(t list --sort expires --json | jq -r '.[] |
	if .ixd_state == "available" and .kept_by == null and .expires_at != null then 0
	elif .ixd_state == "available" and .kept_by == null then 1
	elif .ixd_state == "available" then 2 elif .ixd_state == "restoring" then 3
	elif .ixd_state == "expired" then 4 elif .ixd_state == "purged" then 5 else 6 end' | uniq | tr '\n' ' ')
eq "$order" "0 1 2 4 5 6 " "expires sorts soonest, no date, kept, expired, deleted, no data"
first=$(t list --sort expires --limit 2 --json | jq -r '.[].expires_at')
[ "$(head -1 <<<"$first")" \< "$(tail -1 <<<"$first")" ] || [ "$(head -1 <<<"$first")" = "$(tail -1 <<<"$first")" ] ||
	fail "soonest expiry first: $first"
eq "$(t list --sort expires --desc --limit 1 --json | jq -r '.[0].ixd_state')" none "--desc reverses the order"
finish
