# What only the PostgreSQL engine has, on a throw-away cluster of the
# test's own: choosing it by location, no password in the location, the
# connection reported, a schema keyed by object first, roles from the
# shared configuration alone, the same answers as SQLite, two workers
# sharing one queue, the server killed mid-restore and mid-sweep, a
# connection cut mid-batch.  (The whole integration and console suites
# also run on PostgreSQL: meson test --setup postgres.)
THAW_ENGINE=postgres
. "$TESTS/integration/lib.sh"

# --- choosing the engine ----------------------------------------------------------
contains "$("$THAW" --version)" "PostgreSQL client" "--version names both engines"
exit_code 1 "a read of an empty database" t list
contains "$(cat "$WORK/err")" "no such workspace" "says there is no workspace"
eq "$(pg_sql "$WS" "SELECT count(*) FROM pg_tables WHERE schemaname='public'")" 0 "and creates nothing"
exit_code 1 "a password in the location" "$THAW" --db "postgresql://postgres:s3cret@/ws?host=$PG_SOCKET" list
contains "$(cat "$WORK/err")" "~/.pgpass" "is refused, with where passwords go"
not_contains "$(cat "$WORK/err")" "s3cret" "and the password is not repeated"
exit_code 1 "a server that is not there" "$THAW" --db "postgresql:///ws?host=$WORK/nowhere" list
contains "$(cat "$WORK/err")" "cannot connect to postgresql:///ws?host=$WORK/nowhere" "says where it tried"

t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null || fail "import"
eq "$(PGHOST=$PG_SOCKET PGUSER=postgres PGDATABASE=ws "$THAW" --db postgresql: list --ids | wc -l)" 8 \
	"a bare postgresql: leaves the rest to libpq's PGHOST, PGDATABASE, PGUSER"
eq "$(THAW_DB=$WS "$THAW" list --ids | wc -l)" 8 "THAW_DB names the workspace"
printf 'database: %s\n' "$WS" >db.yaml
eq "$("$THAW" --config db.yaml list --ids | wc -l)" 8 "and so does the configuration's database"
check=$(t check)
contains "$check" "connection: PostgreSQL 15" "check names the server"
contains "$check" "not encrypted (a Unix socket: it never leaves this host)" "and says whether it is encrypted"
contains "$check" "roles: operators.people decides" "and where roles come from"
eq "$(t check --json | jq -r .ok)" true "the imported workspace checks"

# --- a schema made to be distributed by object -------------------------------------
for table in events_hot events_cold steps variants aliases object_tags object_stats object_users; do
	first=$(pg_sql "$WS" "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid=i.indrelid
		AND a.attnum=i.indkey[0] WHERE i.indrelid='$table'::regclass AND i.indisprimary")
	eq "$first" object_id "$table is keyed by its object first"
done
eq "$(pg_sql "$WS" "SELECT attstorage FROM pg_attribute WHERE attrelid='events_cold'::regclass AND attname='data'")" e \
	"cold chunks are stored as they are packed, without recompression"
eq "$(pg_sql "$WS" "SELECT value FROM meta WHERE key='schema'")" 2 "the engine numbers its own migrations"

# --- the same answers as SQLite ------------------------------------------------------
LITE=$WORK/same.db
lt() { "$THAW" --db "$LITE" "$@"; }
lt import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
for db in "$WS" "$LITE"; do THAW_NOW=2027-06-01T00:00:00Z "$THAW" --db "$db" sweep >/dev/null; done
for db in "$WS" "$LITE"; do "$THAW" --db "$db" restore spring-sale --wait >/dev/null; done
for args in "list --json" "list --sort expires --json" "show spring-sale --json" "show welcome --json" \
	"segment received_campaign(spring-sale) --users" "segment received_tag(seasonal) --users" \
	"user u1 --json" "export users --segment received_tag(lifecycle)" "export csv spring-sale" \
	"forecast --json" "audit --json"; do
	# ids and timings of the run itself differ; everything else is the same
	a=$(t $args | jq -S 'walk(if type == "object" then del(.started_ms, .updated_ms, .finished_ms, .elapsed_ms, .rate) else . end)' 2>/dev/null || t $args)
	b=$(lt $args | jq -S 'walk(if type == "object" then del(.started_ms, .updated_ms, .finished_ms, .elapsed_ms, .rate) else . end)' 2>/dev/null || lt $args)
	[ -n "$a" ] || fail "thaw $args printed nothing on PostgreSQL"
	eq "$a" "$b" "thaw $args: the same on both engines"
done

# what each user received of an object is kept with the pair (its marks),
# as on SQLite: a workspace of schema 1 rebuilds them from its events, the
# same bytes as imports wrote, and thaw check compares them with the events
marks() { pg_sql "$WS" "SELECT user_id, object_id, encode(marks, 'hex') FROM user_objects ORDER BY 1, 2" | md5sum; }
written=$(marks)
rebuild() { pg_sql "$WS" "ALTER TABLE user_objects DROP COLUMN marks; UPDATE meta SET value='1' WHERE key='schema'"; }
rebuild
t check >/dev/null || fail "the migration to schema 2 and its check: $(t check)"
eq "$(marks)" "$written" "migrating rebuilds the marks as imports wrote them"
pg_sql "$WS" "UPDATE user_objects SET marks='\\x00' WHERE user_id=(SELECT id FROM users WHERE external_id='u1')
	AND object_id=(SELECT id FROM objects WHERE api_id='spring-sale')"
exit_code 1 "marks that are not the events' are a problem" t check
contains "$(cat "$WORK/out")" "what they received (marks) is not what their events say" "check says which"
rebuild
t check >/dev/null || fail "rebuilt: $(t check)"

# --- roles on a server: only a shared configuration gives them ----------------------
if [ "$(id -u)" = 0 ]; then
	VIEWER=thawpv$$
	useradd -M -N -s /usr/sbin/nologin "$VIEWER" || fail "useradd"
	trap 'userdel "$VIEWER"; remove_work' EXIT
	chmod 755 "$WORK"
	as() { (cd "$1" && shift && runuser -u "$VIEWER" -- env THAW_NOW="$THAW_NOW" PGUSER=postgres "$THAW" "$@"); }
	mkdir -m 755 mine && chown "$VIEWER" mine
	printf 'operators:\n  default_role: admin\n  people:\n    %s: { role: admin }\n' "$VIEWER" >mine/config.yaml
	chown "$VIEWER" mine/config.yaml
	as mine --db "$WS" restore summer-sale >out 2>err && fail "a viewer's own configuration made them admin"
	contains "$(cat err)" "$VIEWER is a viewer here: restore needs the admin role" "a personal configuration gives no role"
	# a location shaped into a path of the viewer's own means nothing either
	fake="mine/$WS" # postgresql://%2Ftmp%2F…/ws read as a path, from mine/
	mkdir -p "$(dirname "$fake")" && touch "$fake" && chown -R "$VIEWER" mine
	as mine --db "$WS" restore summer-sale >out 2>err &&
		fail "a file named like the location made the viewer an owner"
	printf 'operators:\n  default_role: viewer\n  people:\n    %s: { role: admin }\n' "$VIEWER" >team.yaml
	chmod 644 team.yaml
	as . --config "$WORK/team.yaml" --db "$WS" restore summer-sale >out 2>err ||
		fail "root's shared configuration makes an admin: $(cat err)"
	contains "$(t audit)" "$VIEWER" "their restore is on record under their name"
else
	echo "roles need real users (root): skipped"
fi

# --- a change is heard at once: jobs --watch redraws on NOTIFY ------------------------
( sleep 0.5; t restore summer-sale >/dev/null 2>&1 ) &
heard=$(psql -X -q -d "$WS" -c "LISTEN thaw_changes" -c "SELECT pg_sleep(1.5)" 2>&1)
contains "$heard" 'notification "thaw_changes" received' "a commit of thaw's tells the server's listeners"
"$THAW" --db "$WS" jobs --watch >watch.out 2>&1 &
watcher=$!
sleep 1
before=$(grep -c 'running,' watch.out)
for _ in $(seq 15); do psql -X -q -d "$WS" -c "NOTIFY thaw_changes"; done
after=$(grep -c 'running,' watch.out)
kill "$watcher"
wait "$watcher" 2>/dev/null
[ $((after - before)) -ge 8 ] || fail "jobs --watch redraws when told, not only every second: $((after - before)) screens for 15 notifications"

# --- two workers, as if on two hosts, share one queue ----------------------------------
new_workspace
printf 'worker:\n  sweep: false\n  batch_rows: 300\n  poll_ms: 100\n  lease_seconds: 2\n' >config.yaml
"$THAW" demo --out "$WS" >/dev/null || fail "demo on PostgreSQL"
THAW_NOW=2028-01-01T00:00:00Z t sweep >/dev/null
totals() { t list --json | jq -r '.[] | "\(.api_id) \(.hot_events + .cold_events)"' | sort; }
totals >before.txt
tags=$(t list --state expired --json | jq -r '[.[].tags[]] | group_by(.) | map(select(length > 3)) | .[0:2] | map(.[0]) | .[]')
[ "$(echo "$tags" | wc -l)" = 2 ] || fail "two tags of expired objects: $tags"
for tag in $tags; do t restore --tag "$tag" >/dev/null || fail "restore --tag $tag"; done
"$THAW" --db "$WS" worker 2>worker1.log &
w1=$!
"$THAW" --db "$WS" worker 2>worker2.log &
w2=$!
for _ in $(seq 300); do
	[ "$(t jobs --json | jq '[.[] | select(.state == "queued" or .state == "running")] | length')" = 0 ] && break
	sleep 0.2
done
kill "$w1" "$w2"
wait "$w1" "$w2"
eq "$(t jobs --json | jq -r '[.[].state] | unique | join(",")')" done "both jobs done"
grep -q "started" worker1.log && grep -q "started" worker2.log || echo "note: one worker ran both jobs"
eq "$(t jobs --json | jq '[.[] | select(.events_done != .events_total)] | length')" 0 \
	"every job moved its events exactly once (done = total)"
eq "$(t jobs --json | jq '[.[] | .items[] | select(.outcome == "restored" and .events_done != .events_total)] | length')" 0 \
	"and every object of theirs"
eq "$(t audit --json | jq '[.[] | select(.action == "restore.finish")] | length')" 2 "each job finished once"
totals >after.txt
diff before.txt after.txt >/dev/null || fail "events were lost or doubled: $(diff before.txt after.txt | head -5)"
check_ok

# --- the server killed mid-restore and mid-sweep; a connection cut mid-batch ----------
printf 'worker:\n  sweep: false\n  batch_rows: 100\n  max_rows_per_second: 3000\n  poll_ms: 100\n  lease_seconds: 1\n' >config.yaml
THAW_NOW=2029-01-01T00:00:00Z t sweep >/dev/null
job=$(t restore $(t list --state expired --ids | head -40) --json | jq -r '.[0].id')
"$THAW" --db "$WS" worker 2>crash.log &
worker=$!
sleep 2
pg_crash
sleep 1
pg_server_start || fail "the server starts again"
sleep 2
psql -X -q -d "$WS" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name='thaw'" >/dev/null
for _ in $(seq 600); do # about 35,000 events at 3,000 a second, on a machine that may be busy
	[ "$(t jobs "$job" --json | jq -r '.[0].state')" = done ] && break
	sleep 0.2
done
kill -0 "$worker" 2>/dev/null || fail "the worker went on after the server's crash and a cut connection: $(cat crash.log)"
kill "$worker"
wait "$worker"
eq "$(t jobs "$job" --json | jq -r '.[0].state')" done "the restore finishes after the server's crash and a cut connection"
# a statement alone is redone at once; one in a transaction fails it, and
# the worker says so and redoes the round: either way, nothing else to see
not_contains "$(cat crash.log)" "thaw: worker:" "the worker did not give up"
THAW_NOW=2030-01-01T00:00:00Z "$THAW" --db "$WS" sweep >sweep.out 2>&1 &
sweep=$!
sleep 0.3
pg_crash
wait "$sweep"
pg_server_start || fail "the server starts again"
THAW_NOW=2030-01-01T00:00:00Z t sweep >/dev/null || fail "the sweep finishes when run again"
totals >after.txt
diff before.txt after.txt >/dev/null || fail "events were lost or doubled: $(diff before.txt after.txt | head -5)"
check_ok

# --- thaw migrate: a SQLite workspace into an empty PostgreSQL database -------------
rm config.yaml # no throttled worker settings from here on
"$THAW" demo --size medium --out medium.db >/dev/null || fail "medium demo"
THAW_NOW=2027-03-01T00:00:00Z "$THAW" --db medium.db sweep >/dev/null
TO=$(pg_new_db medium)
# interrupted half-way: nothing is left behind
"$THAW" --db medium.db migrate --to "$TO" >/dev/null 2>&1 &
copier=$!
for _ in $(seq 100); do
	[ "$(pg_sql "$TO" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY events_hot%'")" = 1 ] && break
	sleep 0.05
done
kill -9 "$copier"
wait "$copier" 2>/dev/null
sleep 0.5
eq "$(pg_sql "$TO" "SELECT (SELECT count(*) FROM objects) + (SELECT count(*) FROM events_hot)")" 0 \
	"a migration killed half-way leaves the database empty"
out=$("$THAW" --db medium.db migrate --to "$TO") || fail "migrate the medium demo"
contains "$out" "every count verified" "the copy is verified"
m() { "$THAW" --db "$TO" "$@"; }
eq "$(m list --json | md5sum)" "$("$THAW" --db medium.db list --json | md5sum)" "the list is the same on both"
eq "$(m check --json | jq -r .ok)" true "the copy checks: every event in one tier, packed users as the events say"
eq "$(m segment 'received_tag(winback)' --count)" "$("$THAW" --db medium.db segment 'received_tag(winback)' --count)" \
	"a tag filter counts the same users"
exit_code 1 "a database that holds a workspace" "$THAW" --db medium.db migrate --to "$TO"
contains "$(cat "$WORK/err")" "already holds a workspace" "is refused"
# a new file is built aside and put in place only where nothing is: a
# link planted at the name is not followed
ln -s "$WORK/elsewhere.db" planted.db
exit_code 1 "a link planted where the copy goes" m migrate --to planted.db
[ -e elsewhere.db ] && fail "migrate followed a planted link"
[ -L planted.db ] || fail "migrate removed what was at the name when it failed"
out=$(m migrate --to back.db) || fail "migrate back into a new SQLite file"
eq "$("$THAW" --db back.db list --json | md5sum)" "$("$THAW" --db medium.db list --json | md5sum)" \
	"and back to SQLite, the same list"
finish
