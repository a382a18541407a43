# thaw forecast: what the sweep will expire week by week.  Its figures come
# from the sweep's own verdict, so week 1 is exactly what a dry-run sweep a
# week ahead would expire, and week 2 what a sweep two weeks ahead adds.
. "$TESTS/integration/lib.sh"
export THAW_NOW=2026-12-02T12:00:00Z
"$THAW" demo --out "$WS" >/dev/null
t sweep >/dev/null

# --- the weeks are the sweep's ----------------------------------------------
json=$(t forecast --json)
eq "$(jq '.weeks | length' <<<"$json")" 13 "13 weeks by default"
eq "$(jq -r '.weeks[0].until' <<<"$json")" 2026-12-09T12:00:00Z "week 1 ends a week from now"
dry_ids() { t --now "$1" sweep --dry-run --json | jq -r '.objects[].api_id' | sort; }
week1=$(jq -r '.weeks[0].api_ids[]' <<<"$json" | sort)
[ -n "$week1" ] || fail "the demo has objects due within a week"
eq "$week1" "$(dry_ids 2026-12-09T12:00:00Z)" "week 1 = sweep --dry-run a week ahead"
eq "$(jq '.weeks[0].events' <<<"$json")" \
	"$(t --now 2026-12-09T12:00:00Z sweep --dry-run --json | jq '[.objects[].events] | add')" "week 1's events"
week2=$(jq -r '.weeks[0,1].api_ids[]' <<<"$json" | sort)
eq "$week2" "$(dry_ids 2026-12-16T12:00:00Z)" "weeks 1 and 2 = sweep --dry-run two weeks ahead"
eq "$(jq '[.weeks[].objects] | add' <<<"$json")" "$(jq '[.weeks[].api_ids | length] | add' <<<"$json")" "counts match the ids"

# the list's week:N filter shows the same objects as the forecast's week
eq "$(t list --filter week:2 --ids | sort)" "$(jq -r '.weeks[1].api_ids[]' <<<"$json" | sort)" "list --filter week:2"
exit_code 2 "week:0 is not a week" t list --filter week:0

# --- kept objects apart, with what keeps them -------------------------------
kept=$(t list --state kept --json)
eq "$(jq '[.kept[].objects] | add' <<<"$json")" "$(jq length <<<"$kept")" "every kept object counted once"
for by in $(jq -r '.[].kept_by | @base64' <<<"$kept"); do
	name=$(base64 -d <<<"$by")
	jq -e --arg n "$name" '.kept | any(.kept_by == $n)' <<<"$json" >/dev/null || fail "kept by $name is listed"
done

# --- the chart: block characters, or '#' where they cannot be trusted -------
out=$(LANG=C.UTF-8 TERM=xterm t forecast --weeks 5)
eq "$(grep -c '^ *[0-9]  20' <<<"$out")" 5 "--weeks 5 draws five weeks"
contains "$out" "█" "block characters on a UTF-8 terminal"
contains "$out" "Kept by retargeting" "kept shown apart"
contains "$out" "kept by $(jq -r '.[0].kept_by' <<<"$kept")" "with what keeps them"
grep -q '^ *1  2026-12-09 .* objects\? .* events\? ' <<<"$out" || fail "week rows say objects and events: $out"
for env in "TERM=vt100" "TERM=linux" "NO_COLOR=1"; do
	plain=$(env LANG=C.UTF-8 TERM=xterm $env "$THAW" --db "$WS" forecast --weeks 5)
	not_contains "$plain" "█" "no block characters with $env"
	contains "$plain" "#" "an ASCII bar with $env"
done

# --- numbers and plurals -------------------------------------------------------
grep -Eq '(^|[^0-9,])1 objects|(^|[^0-9,])1 events' <<<"$out" && fail "'1 objects': $out"
grep -Eq '[0-9]{4} events' <<<"$out" && fail "thousands are separated: $out"

# the same across commands: thousands separated, "1 object" not "1 objects"
wording() { # wording TEXT WHAT: counts as people write them
	grep -Eq '(^|[^0-9,.])1 (objects|events|users|jobs|restore jobs|campaigns|Canvases|segments|filters|rows)\b' <<<"$1" &&
		fail "$2 says '1 <plural>': $1"
	grep -Eq '[0-9]{4,} (objects|events|users|hot|cold|recipients)' <<<"$1" && fail "$2 leaves thousands unseparated: $1"
	return 0
}
wording "$(t --now 2026-12-16T12:00:00Z sweep --dry-run)" "sweep --dry-run"
wording "$(t --now 2026-12-16T12:00:00Z sweep --dry-run | tail -1)" "the sweep's total"
one=$(t list --state expired --sort cold --desc --limit 1 --ids)
wording "$(t restore "$one" --dry-run)" "restore --dry-run"
t restore "$one" >/dev/null 2>&1
summary=$(t)
contains "$summary" "1 restore job running or queued" "the summary's job count"
wording "$summary" "the summary"
wording "$(t check)" "check"
wording "$(t audit --limit 50)" "the audit log"
wording "$("$THAW" demo --out "$WORK/other.db")" "demo"

exit_code 2 "--weeks 0 is refused" t forecast --weeks 0
exit_code 2 "--weeks x is refused" t forecast --weeks x
finish
