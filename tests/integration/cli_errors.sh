# Usage errors exit 2, runtime errors exit 1 with one clear line, --help
# and --version work everywhere, read-only mode refuses changes, bad
# configuration names file:line:column, hostile names never reach the
# terminal raw.
. "$TESTS/integration/lib.sh"

exit_code 0 "--version" "$THAW" --version
contains "$(cat "$WORK/out")" "thaw 0." "version printed"
exit_code 0 "--help" "$THAW" --help
contains "$(cat "$WORK/out")" "Commands:" "global help lists commands"
for cmd in list show import demo sweep restore cancel jobs worker check audit; do
	exit_code 0 "$cmd --help" "$THAW" "$cmd" --help
	contains "$(cat "$WORK/out")" "usage: thaw [GLOBAL OPTIONS] $cmd" "$cmd help"
done

exit_code 2 "unknown command" "$THAW" frobnicate
contains "$(cat "$WORK/err")" "unknown command 'frobnicate' (see thaw --help)" "unknown command message"
eq "$(wc -l <"$WORK/err")" 1 "one line, not the whole help"
exit_code 2 "unknown option" t list --colour
contains "$(cat "$WORK/err")" "unknown option '--colour'" "unknown option message"
exit_code 2 "bad enum" t list --state frozen
contains "$(cat "$WORK/err")" "--state must be" "bad state message"
exit_code 2 "missing value" t list --tag
exit_code 2 "bad --now" "$THAW" --now yesterday list
contains "$(cat "$WORK/err")" "ISO-8601" "bad --now message"
exit_code 2 "show needs an object" t show
exit_code 2 "restore needs objects" t restore
exit_code 2 "objects and tag" t restore a --tag b

# no workspace yet: a runtime error with the reason, and nothing created
exit_code 1 "missing workspace" t list
contains "$(cat "$WORK/err")" "no such workspace" "missing workspace message"
[ -e "$WS" ] && fail "a read must not create the workspace"
# the demo's workspace is here: the hint names it
mkdir demo-here && (cd demo-here && "$THAW" demo >/dev/null 2>&1 &&
	"$THAW" list >../out 2>../err; echo $? >../rc)
eq "$(cat rc)" 1 "no thaw.db beside a demo"
contains "$(cat err)" "the demo's is here: thaw --db thaw-demo.db" "the hint names the file that exists"
# --theme names a theme that exists
exit_code 2 "an unknown theme" t --theme nope list
contains "$(cat "$WORK/err")" "no theme 'nope'" "says so"
contains "$(cat "$WORK/err")" "monochrome" "and lists the themes there are"

t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
exit_code 1 "unknown object" t show nothing-here
contains "$(cat "$WORK/err")" "unknown object 'nothing-here' (give an api id or an exact, unique name)" "show unknown"
exit_code 1 "import of a missing file" t import /nonexistent.csv
contains "$(cat "$WORK/err")" "/nonexistent.csv: cannot open" "missing import file"

# show and list accept an exact name too
eq "$(t show 'Win-back' --json | jq -r .api_id)" winback "show by exact name"

# read-only mode refuses every change and says why
for args in "sweep" "restore spring-sale" "cancel 1" "import $DATA/events.csv" "worker --once"; do
	exit_code 1 "read-only $args" t --read-only $args
	contains "$(cat "$WORK/err")" "read-only mode" "read-only $args message"
done
exit_code 0 "read-only list" t --read-only list
exit_code 0 "read-only dry run" t --read-only sweep --dry-run

# roles: a viewer is told why, and the refusal is on record
printf 'operators:\n  people:\n    %s: { email: me@example.org, role: viewer }\n' "$(id -un)" >viewer.yaml
for args in "sweep" "restore spring-sale" "cancel 1" "import $DATA/events.csv" "worker --once"; do
	exit_code 1 "viewer $args" t --config viewer.yaml $args
	contains "$(cat "$WORK/err")" "is a viewer here" "viewer $args message"
done
exit_code 0 "a viewer may read" t --config viewer.yaml list
exit_code 0 "a viewer may dry-run" t --config viewer.yaml sweep --dry-run
contains "$(t audit)" "refused: restore needs the admin role" "refusals are audited"
printf 'operators:\n  default_role: admin\n  people:\n    %s: { role: admin }\n' "$(id -un)" >admin.yaml
exit_code 0 "an admin may sweep" t --config admin.yaml sweep

# configuration errors: every problem, file:line:column, exit 2
printf 'policy:\n  expire_after_months: soon\nworker:\n  batch_rows: 1\n  unknown: 3\n' >bad.yaml
exit_code 2 "bad config" t --config bad.yaml list
err=$(cat "$WORK/err")
contains "$err" "bad.yaml:2:24: policy.expire_after_months must be an integer" "config type error"
contains "$err" "bad.yaml:4:15: worker.batch_rows must be between 100" "config range error"
contains "$err" "bad.yaml:5:3: unknown key 'worker.unknown'" "config unknown key"
THAW_CONFIG=bad.yaml exit_code 2 "THAW_CONFIG is read" t list
cp bad.yaml config.yaml
exit_code 2 "./config.yaml is read" t list
rm config.yaml
mkdir -p xdg/thaw && cp bad.yaml xdg/thaw/config.yaml
XDG_CONFIG_HOME=$WORK/xdg exit_code 2 "XDG config is read" t list
exit_code 0 "defaults without a config file" t list
printf 'policy: {}\n' >shared.yaml && chmod 666 shared.yaml
exit_code 2 "a configuration others can change" t --config shared.yaml list
contains "$(cat "$WORK/err")" "can be changed by anyone (mode 666): chmod go-w" "world-writable config refused"
chmod 644 shared.yaml && chown nobody shared.yaml
exit_code 2 "a configuration another user owns (as OpenSSH refuses)" t --config shared.yaml list
contains "$(cat "$WORK/err")" "shared.yaml belongs to nobody: thaw reads settings only from your own files or root's" "names the owner"

# a database written by a newer thaw is refused
if [ "${THAW_ENGINE:-sqlite}" = postgres ]; then
	version=$(ws_sql "SELECT value FROM meta WHERE key='schema'")
	ws_sql "UPDATE meta SET value='42' WHERE key='schema'"
	exit_code 1 "newer schema" t list
	ws_sql "UPDATE meta SET value='$version' WHERE key='schema'"
else
	cp "$WS" newer.db
	sqlite3 newer.db 'PRAGMA user_version=42'
	exit_code 1 "newer schema" "$THAW" --db newer.db list
fi
contains "$(cat "$WORK/err")" "written by a newer thaw" "newer schema message"

# hostile names: escape sequences and control characters never reach the terminal
cat >evil.yaml <<'YAML'
objects:
  - api_id: evil
    kind: campaign
    name: "Sale \e]0;pwned\a\e[2J\r\nInjected: header"
    status: active
YAML
t import evil.yaml >/dev/null || fail "import evil name"
out=$(t list --search sale)
case "$out" in *$'\e'*) fail "an escape character reached the terminal" ;; esac
case "$out" in *$'\a'*) fail "a bell reached the terminal" ;; esac
contains "$out" "^[]0;pwned^G^[[2J^M^JInjected" "controls shown as visible carets"
eq "$(t show evil --json | jq -r .name | od -c | grep -c '033')" 1 "JSON keeps the real name, escaped"
# CSV keeps the real name for a file, and is made safe for a person on a terminal
t list --search sale --csv >list.csv
grep -q $'\e' list.csv || fail "CSV to a file keeps the real name"
script -qec "$THAW --db '$WS' list --search sale --csv" /dev/null >tty.txt
grep -q $'\e' tty.txt && fail "CSV on a terminal: an escape character reached it"
contains "$(cat tty.txt)" "^[]0;pwned" "CSV on a terminal shows controls as carets"
# a file's bytes quoted in an error message are made safe too
printf 'object,user,time,kind,step,variant,alias,label\n\033[31mred\a,u1,2026-01-01T00:00:00Z,received_email,,,,\n' >evil.csv
exit_code 1 "an unknown object in an event file" t import evil.csv
grep -q $'\e\|\a' "$WORK/err" && fail "an import error echoed raw control characters"
contains "$(cat "$WORK/err")" "^[[31mred^G" "the name shown with carets"
csv=$(t list --search sale --csv | /usr/bin/python3 -c 'import csv,sys; rows=list(csv.reader(sys.stdin)); print(rows[1][1][:4])')
eq "$csv" "Sale" "CSV parses"

# --- imports that would leave the workspace inconsistent are refused whole ----
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null 2>&1
printf 'objects:\n  - { api_id: spring-sale, kind: canvas, name: S, status: stopped }\n' >kind.yaml
exit_code 1 "a file cannot change an object's kind" t import kind.yaml
contains "$(cat "$WORK/err")" "kind.yaml:2:34: 'spring-sale' is a campaign in the workspace: a file cannot make it a canvas" "kind change refused with its position"
state_before=$(state_of spring-sale)
printf 'objects:\n  - { api_id: spring-sale, kind: campaign, name: S, status: stopped, purged: true }\n' >purge.yaml
exit_code 1 "purged while it holds events" t import purge.yaml
contains "$(cat "$WORK/err")" "'spring-sale' still holds 6 events: it cannot be marked deleted under the previous policy" "purge refused"
eq "$(state_of spring-sale)" "$state_before" "nothing applied"
printf 'objects:\n  - { api_id: twin, kind: campaign, name: A, status: active }\n  - { api_id: twin, kind: campaign, name: B, status: active }\nusers:\n  - { external_id: u7 }\n  - { external_id: u7 }\n' >dups.yaml
exit_code 1 "the same ids twice in one file" t import dups.yaml
contains "$(cat "$WORK/err")" "dups.yaml:3:15: object 'twin' appears twice in this file (first at line 2, column 15)" "duplicate api id with both positions"
contains "$(cat "$WORK/err")" "user 'u7' appears twice in this file (first at line 5" "duplicate external id"
printf 'objects:\n  - { api_id: "  ", kind: campaign, name: A, status: active, purged: yes }\n' >blank.yaml
exit_code 1 "blank ids and yes/no flags" t import blank.yaml
contains "$(cat "$WORK/err")" "api_id must not be empty or blank" "blank id refused"
contains "$(cat "$WORK/err")" "purged must be true or false, not 'yes'" "only true or false"
printf 'object,user,time,kind\nwinback,u1,2026-01-01T00:00:00Z\n' >short.csv
exit_code 1 "a row shorter than its header" t import short.csv
contains "$(cat "$WORK/err")" "expected 4 fields (as the header), found 3" "counts the header's fields"
printf 'object,user,time,kind\nwinback,u\0001,2026-01-01T00:00:00Z,received_email\n' >nul.csv
exit_code 1 "a NUL byte" t import nul.csv
contains "$(cat "$WORK/err")" "nul.csv:2:10: a NUL byte in a field" "NUL refused with its position"
{ printf 'object,user,time,kind\nwinback,'; head -c 70000 /dev/zero | tr '\0' x; printf ',2026-01-01T00:00:00Z,received_email\n'; } >long.csv
exit_code 1 "a huge field" t import long.csv
contains "$(cat "$WORK/err")" "a field longer than 65,536 bytes" "field length capped"
printf 'object,user,time,kind\nwinback,u1,1999-12-31T23:59:59Z,received_email\n' >old.csv
exit_code 1 "a time outside the plausible years" t import old.csv
contains "$(cat "$WORK/err")" "is not a plausible Unix time in seconds (2000-01-01 to 2099-12-31)" "time range"
mkdir empty
exit_code 0 "an empty directory" t import empty
contains "$(cat "$WORK/out")" "empty: no Avro files below it, nothing to import" "says there was nothing"
exit_code 1 "a failing file among several" t import "$DATA/workspace.yaml" short.csv "$DATA/events.csv"
contains "$(cat "$WORK/err")" "short.csv not imported: nothing was changed by it" "names the file that failed"
contains "$(cat "$WORK/err")" "events.csv not imported: it came after a file that failed" "and the ones left"
printf 'database: null\n' >nulldb.yaml
exit_code 2 "database: null" t --config nulldb.yaml list
contains "$(cat "$WORK/err")" "database must be a file path" "null database refused"
# a runtime error is one line
t import "$DATA/workspace.yaml" >/dev/null 2>&1
exit_code 1 "restore of an unknown object" t restore no-such-object
eq "$(wc -l <"$WORK/err")" 1 "one line"
contains "$(cat "$WORK/err")" "nothing was changed: unknown object 'no-such-object'" "the reason and that nothing changed"
finish
