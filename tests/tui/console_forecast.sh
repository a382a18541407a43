# The forecast view: F shows what the sweep will expire week by week, the
# same figures as `thaw forecast`; Enter on a week filters the list to it.
. "$TESTS/tui/lib.sh"
export THAW_NOW=2026-12-02T12:00:00Z
printf 'worker:\n  sweep: false\n  poll_ms: 100\nconsole:\n  refresh_ms: 300\n' >config.yaml
"$THAW" demo --out "$WS" >/dev/null
json=$(t forecast --json)
week2=$(jq '.weeks[1].objects' <<<"$json")
[ "$week2" -gt 1 ] || fail "the demo needs objects due in week 2"

start 80 24
keys ?
wait_for "forecast"
on_screen "F           forecast" "help lists the forecast"
on_screen "Tab completes tags." "the help fits 80 columns"
keys Escape
keys F
wait_for "What the sweep will expire"
on_screen "$(LANG=C.UTF-8 t forecast | sed -n 3p | cut -c1-54)" "week 1 as thaw forecast says it"
on_screen "█" "bars in block characters"
on_screen "Kept by retargeting" "kept objects apart"
keys Down Enter
wait_for "/week:2"
wait_for "$week2 of 300"
on_screen "week 2 of the forecast: $week2 objects due by then" "the status line says which week"
keys Escape q

# ASCII where block characters cannot be trusted
start 80 24 NO_COLOR=1
keys F
wait_for "What the sweep will expire"
not_on_screen "█" "no block characters under NO_COLOR"
on_screen "#" "an ASCII bar"
keys q q
finish
