# Readers of interaction data on the hand-built workspace: every filter of
# SPEC §4.1 with known members, before expiry, after expiry and after a
# restore; non-IxD filters unchanged by expiry; profile, users export (JSON
# Lines read by a real parser) and the object CSV (read by Python's csv).
. "$TESTS/integration/lib.sh"
PY=/usr/bin/python3

t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
cat >stale.yaml <<'YAML'
objects:
  - api_id: old-retarget
    kind: campaign
    name: Old retarget
    status: stopped
    stopped: 2026-11-01
    filters:
      - { kind: received_campaign, campaign: spring-sale }
YAML
t import stale.yaml >/dev/null

members() { t segment "$1" --users --json | jq -r '.users | join(",")'; }

check_all() { # check_all PHASE: every filter's members in this phase
	local phase=$1 spring=$2 spring_click=$3 tag_click=$4
	eq "$(members 'received_campaign(spring-sale)')" "$spring" "$phase: received_campaign"
	eq "$(members 'received_campaign_variant(spring-a)')" "$spring" "$phase: received_campaign_variant"
	eq "$(members 'received_canvas_step(welcome-s1)')" "u1" "$phase: received_canvas_step"
	eq "$(members 'last_received_campaign(spring-sale, before=2026-05-21)')" "$spring" "$phase: last_received_campaign before"
	eq "$(members 'last_received_campaign(spring-sale, after=2026-05-21)')" "" "$phase: last_received_campaign after"
	eq "$(members 'last_received_canvas_step(welcome-s2, less_than_days=400)')" "u1" "$phase: last_received_canvas_step"
	eq "$(members 'last_received_canvas_step(welcome-s2, more_than_days=400)')" "" "$phase: last_received_canvas_step more than"
	eq "$(members 'clicked_opened_campaign(spring-sale)')" "$spring_click" "$phase: clicked_opened_campaign"
	eq "$(members 'clicked_opened_campaign(summer-sale, interaction=opened_push)')" "u2" "$phase: clicked_opened interaction"
	eq "$(members 'clicked_opened_campaign(summer-sale, interaction=clicked_email)')" "" "$phase: other interaction"
	eq "$(members 'clicked_opened_step(welcome-s1)')" "" "$phase: clicked_opened_step"
	eq "$(members 'clicked_alias_campaign(spring-sale, cta)')" "$spring_click" "$phase: clicked_alias_campaign"
	eq "$(members 'clicked_alias_step(welcome-s1, start)')" "" "$phase: clicked_alias_step"
	eq "$(members 'converted_campaign(spring-sale)')" "$spring_click" "$phase: converted_campaign"
	eq "$(members 'converted_canvas(welcome)')" "" "$phase: converted_canvas"
	eq "$(members 'in_campaign_control(spring-sale)')" "$([ -n "$spring" ] && echo u3)" "$phase: in_campaign_control"
	eq "$(members 'in_canvas_control(welcome)')" "" "$phase: in_canvas_control"
	eq "$(members 'entered_canvas_variation(welcome-v1)')" "u1" "$phase: entered_canvas_variation"
	eq "$(members 'received_tag(seasonal)')" "u1,u2,u3" "$phase: received_tag"
	eq "$(members 'clicked_opened_tag(seasonal)')" "$tag_click" "$phase: clicked_opened_tag"
	eq "$(members 'last_received_tag(seasonal, before=2026-07-01)')" "u3" "$phase: last_received_tag"
	# not interaction data: unchanged by expiry
	eq "$(members 'hard_bounced')" "u2" "$phase: hard_bounced"
	eq "$(members 'clicked_alias_any(cta)')" "u1,u2" "$phase: clicked_alias_any (spring-sale's and winback's cta)"
	eq "$(t show spring-sale --json | jq -c .analytics)" "$ANALYTICS" "$phase: analytics unchanged"
	eq "$(members 'invalid_phone')" "u3" "$phase: invalid_phone"
	eq "$(members 'marked_spam')" "" "$phase: marked_spam"
	eq "$(members 'last_received_email(before=2026-06-01)')" "u1" "$phase: last_received_email"
	eq "$(members 'last_engaged(after=2026-11-01)')" "u2" "$phase: last_engaged"
	eq "$(members 'last_enrolled_control(before=2026-06-01)')" "u3" "$phase: last_enrolled_control"
	# combinations
	eq "$(members 'received_tag(seasonal) and not hard_bounced')" "u1,u3" "$phase: and not"
	eq "$(members '(hard_bounced or invalid_phone) and received_campaign(cart)')" "u2,u3" "$phase: or, parentheses"
	eq "$(members 'segment("Retired segment")')" "u1,u2" "$phase: stored segment by name"
	eq "$(t segment --stored vip --count --json | jq .count)" 0 "$phase: stored segment by api id"
}

ANALYTICS=$(t show spring-sale --json | jq -c .analytics)
eq "$(echo "$ANALYTICS" | jq -c '[.users, .sends, .sends_by_channel.email, .opens, .clicks, .control, .conversions.A]')" \
	"[3,2,2,1,1,1,1]" "spring-sale's analytics: users, sends, email, opens, clicks, control, conversions A"
eq "$(echo "$ANALYTICS" | jq -c '[.variants[] | [.api_id, .sends, .control]]')" '[["spring-a",2,0],["spring-ctl",0,1]]' "per variant"
eq "$(t show welcome --json | jq -c '[.analytics.steps[] | [.api_id, .sends]]')" '[["welcome-s1",1],["welcome-s2",1]]' "per step"
contains "$(t show spring-sale)" "sends 2 (email 2), opens 1, clicks 1, in control 1, conversions A 1" "show prints the analytics"
check_all "before expiry" "u1,u2" "u1" "u1,u2"
profile=$(t user u1 --json)
eq "$(echo "$profile" | jq -r '[.campaigns_received[].api_campaign_id] | sort | join(",")')" "cart,spring-sale,summer-sale" "profile before expiry"
eq "$(echo "$profile" | jq -r '.campaigns_received[] | select(.api_campaign_id=="spring-sale") | .engaged.clicked_email')" true "engaged"
eq "$(echo "$profile" | jq -r '.campaigns_received[] | select(.api_campaign_id=="spring-sale") | .multiple_converted["Conversion Event A"]')" true "conversion label"
eq "$(echo "$profile" | jq -r '.canvases_received[0].steps_received | map(.api_canvas_step_id) | sort | join(",")')" "welcome-s1,welcome-s2" "Canvas steps received"
eq "$(echo "$profile" | jq -r '.canvases_received[0].last_exited')" "2026-01-06T08:00:00Z" "last exited"
eq "$(t user u3 --json | jq -r '.campaigns_received[] | select(.api_campaign_id=="spring-sale") | "\(.in_control) \(.variation_api_id)"')" "true spring-ctl" "control group"

t export csv spring-sale --out spring.csv 2>/dev/null || fail "csv export"
eq "$(stat -c %a spring.csv)" 600 "exports are private"
# nobody can take an export over: a planted link or file at the target is replaced, not followed
echo "keep me" >victim.txt && ln -s victim.txt linked.csv
printf 'x\n' >planted.csv && chmod 666 planted.csv && chown nobody planted.csv
t export csv spring-sale --out linked.csv 2>/dev/null || fail "export over a link"
t export csv spring-sale --out planted.csv 2>/dev/null || fail "export over a planted file"
eq "$(cat victim.txt)" "keep me" "the link's target is untouched"
eq "$(stat -c '%F %a %U' linked.csv)" "regular file 600 $(id -un)" "the export replaced the link"
eq "$(stat -c '%a %U' planted.csv)" "600 $(id -un)" "the export replaced the planted file: private, the operator's"
eq "$(ls | grep -c 'csv\.')" 0 "no temporary file left behind"
$PY - spring.csv <<'PY' || fail "CSV read by Python"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["external_id"] for r in rows] == ["u1", "u2", "u3"], rows
assert rows[2]["phone"] == "'+34600000003", rows[2]  # formula injection neutralised
assert rows[2]["in_control"] == "true" and rows[2]["variation_api_id"] == "spring-ctl", rows[2]
assert rows[0]["variation_name"] == "Variant A"
PY

t export users --segment 'received_tag(seasonal)' --out users.jsonl 2>/dev/null || fail "users export"
eq "$(wc -l <users.jsonl)" 3 "one line per user"
$PY -c 'import json,sys; [json.loads(l) for l in open("users.jsonl")]' || fail "every line is JSON"
eq "$(t export users --ids u2 u3 | jq -r .external_id | tr '\n' ,)" "u2,u3," "export by ids"
exit_code 1 "export of an unknown user" t export users --ids nobody

# --- after expiry ----------------------------------------------------------
t sweep >/dev/null
eq "$(state_of spring-sale)" expired "spring-sale expired"
check_all "after expiry" "" "" "u2"
eq "$(t user u1 --json | jq -r '[.campaigns_received[].api_campaign_id] | sort | join(",")')" "cart,summer-sale" "profile leaves out expired data"
exit_code 1 "csv export refused when expired" t export csv spring-sale
contains "$(cat "$WORK/err")" "has expired: restore it first" "csv refusal reason"
contains "$(t show old-retarget)" "!! names expired data: matches nobody" "a stale filter is flagged"
exit_code 0 "an expression naming expired data runs" t segment 'hard_bounced or received_campaign(spring-sale)'
contains "$(cat "$WORK/err")" "note: column 17: received_campaign(spring-sale) matches nobody until 'spring-sale' is restored" "and says which name matches nobody"
contains "$(cat "$WORK/out")" "1 user" "the rest of it still counts"

# --- after restore -----------------------------------------------------------
t restore spring-sale --wait >/dev/null 2>&1
check_all "after restore" "u1,u2" "u1" "u1,u2"
eq "$(t user u1 --json | jq -r '[.campaigns_received[].api_campaign_id] | sort | join(",")')" "cart,spring-sale,summer-sale" "profile after restore"

# --- the expression language's errors ----------------------------------------
exit_code 2 "syntax error" t segment 'received_campaign(spring-sale'
contains "$(cat "$WORK/err")" "column 30: expected ',' or ')'" "error names the column"
exit_code 2 "unknown filter" t segment 'recieved_campaign(x)'
contains "$(cat "$WORK/err")" "column 1: unknown filter 'recieved_campaign'" "unknown filter"
exit_code 2 "bad date" t segment 'last_received_any(before=yesterday)'
contains "$(cat "$WORK/err")" "is not a date" "bad date"
exit_code 1 "unknown campaign" t segment 'received_campaign(nope)'
contains "$(cat "$WORK/err")" "unknown object 'nope'" "unknown campaign"
exit_code 1 "kind mismatch" t segment 'converted_canvas(spring-sale)'

# --- purged names are refused; shared names are ambiguous, not unknown --------
exit_code 2 "a purged object in an expression" t segment 'hard_bounced or received_campaign(old-promo)'
contains "$(cat "$WORK/err")" "column 17: 'old-promo' was deleted under the previous retention policy: it cannot be used in retargeting filters" "refused like a new filter, with the column"
cat >twins.yaml <<'YAML'
objects:
  - { api_id: twin-b, kind: campaign, name: Twin, status: active }
  - { api_id: twin-a, kind: campaign, name: Twin, status: active }
YAML
t import twins.yaml >/dev/null || fail "twins"
for cmd in "show Twin" "restore Twin" "export csv Twin"; do
	# shellcheck disable=SC2086
	exit_code 1 "$cmd: ambiguous" t $cmd
	contains "$(cat "$WORK/err")" "'Twin' names 2 objects: twin-a, twin-b (give an api id)" "$cmd names the candidates"
done
exit_code 1 "an ambiguous name in an expression" t segment 'received_campaign(Twin)'
contains "$(cat "$WORK/err")" "'Twin' names 2 objects: twin-a, twin-b" "expressions name the candidates too"
eq "$(t show twin-a --json | jq -r .name)" Twin "the api id still finds it"
# --- events imported while an object is expired ---------------------------------
# they go cold, and what each user received of it (kept with the (user,
# object) pair) takes them in at once: visible when it is restored
t --now 2031-01-01T00:00:00Z sweep >/dev/null
eq "$(state_of spring-sale)" expired "spring-sale expired again"
cat >late.csv <<'CSV'
object,user,time,kind,step,variant,alias,label
spring-sale,u2,2026-06-01T10:00:00Z,opened_email,,spring-a,,
spring-sale,u2,2026-06-02T10:00:00Z,received_email,,spring-a,,
CSV
t import late.csv >/dev/null || fail "late events"
t --now 2031-01-01T00:00:00Z restore spring-sale --wait >/dev/null 2>&1
eq "$(t user u2 --json | jq -r '.campaigns_received[] | select(.api_campaign_id=="spring-sale") | "\(.engaged.opened_email) \(.last_received)"')" \
	"true 2026-06-02T10:00:00Z" "events imported while it was expired count once it is restored"
t check >/dev/null || fail "check after a late import: $(t check)"

# --- the export reads users in batches, and says the same as one user at a time --
# Users are exported in batches (a range of users' pairs, or each user's
# for a sparse batch); every line must be byte for byte what `thaw user ID
# --json` says of that user.
export THAW_NOW=2026-12-02T12:00:00Z
"$THAW" demo --out demo.db >/dev/null
d() { "$THAW" --db demo.db "$@"; }
one_by_one() { while read -r id; do d user "$id" --json; done; }
big=$(d list --kind campaign --state available --sort hot --desc --limit 1 --ids)
d export users --segment "received_campaign($big)" >sparse.jsonl
[ "$(wc -l <sparse.jsonl)" -gt 50 ] || fail "a sparse segment of some size: $(wc -l <sparse.jsonl)"
eq "$(jq -r .external_id sparse.jsonl | one_by_one | md5sum)" "$(md5sum <sparse.jsonl)" "a sparse segment's export = its users one by one"
d export users --segment "received_tag(email)" >dense.jsonl
[ "$(wc -l <dense.jsonl)" -gt 2000 ] || fail "a dense segment: $(wc -l <dense.jsonl)"
eq "$(awk 'NR % 40 == 1' dense.jsonl | jq -r .external_id | one_by_one | md5sum)" \
	"$(awk 'NR % 40 == 1' dense.jsonl | md5sum)" "a dense segment's export = its users one by one"
eq "$(jq -c 'select(.campaigns_received != [] or .canvases_received != [])' dense.jsonl | wc -l)" "$(wc -l <dense.jsonl)" \
	"every user of received_tag received something"
ids=$(awk 'NR % 97 == 1' dense.jsonl | jq -r .external_id | tac)
eq "$(d export users --ids $ids | md5sum)" "$(one_by_one <<<"$ids" | md5sum)" "--ids in the order given"
# on a terminal, a progress line (users written, the rate); not in a pipe
shown=$(script -qfec "$THAW --db demo.db export users --segment 'received_campaign($big)' --out progress.jsonl" /dev/null | tr '\r' '\n')
contains "$shown" "export: $(commas "$(wc -l <sparse.jsonl)") of $(commas "$(wc -l <sparse.jsonl)") users," "the progress line ends at the total"
contains "$shown" "users/s" "with the rate"
cmp -s progress.jsonl sparse.jsonl || fail "--out holds the same users"
not_contains "$(d export users --segment "received_campaign($big)" --out piped.jsonl 2>&1)" "users/s" "no progress line off a terminal"
# tag filters read each object's users and kinds of event, packed one value
# an object (object_users), kept at import: a workspace from before them
# rebuilds them from its hot and cold events exactly, and thaw check
# compares them with the events
table() { sqlite3 demo.db "SELECT object_id, users, hex(data) FROM object_users ORDER BY object_id" | md5sum; }
kept=$(table)
[ "$(sqlite3 demo.db 'SELECT count(*) FROM object_users')" -gt 200 ] || fail "the demo's objects have packed users"
tagged=$(d segment 'received_tag(email) or clicked_opened_tag(winback)' --users --json | md5sum)
sqlite3 demo.db 'DROP TABLE object_users; ALTER TABLE user_objects DROP COLUMN marks; PRAGMA user_version=7'
d check >/dev/null || fail "the migrations to schemas 8 and 9 and their check"
eq "$(table)" "$kept" "migrating rebuilds object_users as imports keep them"
eq "$(d segment 'received_tag(email) or clicked_opened_tag(winback)' --users --json | md5sum)" "$tagged" \
	"tag filters say the same after the migration"
first="(SELECT min(object_id) FROM object_users)"
sqlite3 demo.db "CREATE TABLE saved AS SELECT * FROM object_users WHERE object_id = $first"
sqlite3 demo.db "UPDATE object_users SET users = 0, data = X'00' WHERE object_id = $first"
exit_code 1 "packed users that are not the events' are a problem" d check
contains "$(cat "$WORK/out")" "1 users index not matching the events" "check says which"
sqlite3 demo.db "UPDATE object_users SET data = X'05' WHERE object_id = $first"
exit_code 1 "damaged packed users are a problem" d check
tag=$(sqlite3 demo.db "SELECT t.name FROM tags t JOIN object_tags ot ON ot.tag_id=t.id WHERE ot.object_id = $first LIMIT 1")
exit_code 1 "and a tag filter reading them says so" d segment "received_tag($tag)" --count
contains "$(cat "$WORK/err")" "packed users are damaged" "the filter names the damage"
sqlite3 demo.db "REPLACE INTO object_users SELECT * FROM saved; DROP TABLE saved"
d check >/dev/null || fail "repaired: $(d check)"
# what each user received of each object is kept with the pair (its
# marks), so an export reads users, not every object's events: a workspace
# from before them rebuilds them from its hot and cold events exactly as
# the demo wrote them, exports say the same, and thaw check compares them
# with the events
marks() { sqlite3 demo.db "SELECT user_id, object_id, hex(marks) FROM user_objects ORDER BY 1, 2" | md5sum; }
written=$(marks)
eq "$(sqlite3 demo.db "SELECT count(*) FROM user_objects WHERE marks = x'00'")" 0 "every pair has its marks"
exported=$(md5sum <dense.jsonl)
sqlite3 demo.db 'ALTER TABLE user_objects DROP COLUMN marks; PRAGMA user_version=8'
d check >/dev/null || fail "the migration to schema 9 and its check: $(d check)"
eq "$(marks)" "$written" "migrating rebuilds the marks as the demo wrote them"
eq "$(d export users --segment "received_tag(email)" | md5sum)" "$exported" "the export says the same after the migration"
ext=$(head -1 sparse.jsonl | jq -r .external_id)
pair="user_id = (SELECT id FROM users WHERE external_id = '$ext') AND object_id = (SELECT id FROM objects WHERE api_id = '$big')"
sqlite3 demo.db "CREATE TABLE saved AS SELECT * FROM user_objects WHERE $pair"
sqlite3 demo.db "UPDATE user_objects SET marks = x'00' WHERE $pair"
exit_code 1 "marks that are not the events' are a problem" d check
contains "$(cat "$WORK/out")" "1 users index not matching the events" "check counts it"
contains "$(cat "$WORK/out")" "what they received (marks) is not what their events say" "check says which"
sqlite3 demo.db "UPDATE user_objects SET marks = x'05' WHERE $pair"
exit_code 1 "damaged marks stop a profile" d user "$ext" --json
contains "$(cat "$WORK/err")" "the marks of what they received are damaged" "the profile names the damage"
exit_code 1 "and an export" d export users --segment "received_campaign($big)"
sqlite3 demo.db "REPLACE INTO user_objects SELECT * FROM saved; DROP TABLE saved"
d check >/dev/null || fail "repaired: $(d check)"
# an expired object leaves every user's export at once
gone=$(jq -r '.campaigns_received[0].api_campaign_id // empty' sparse.jsonl | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
d --now 2030-01-01T00:00:00Z sweep >/dev/null
not_contains "$(d export users --segment "received_tag(email)")" "\"$gone\"" "expired objects are not exported"
finish
