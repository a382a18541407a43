# When things fail: a full disk, a read-only filesystem, the workspace file
# removed underneath a console, an SMTP server that accepts and never
# answers, a terminal that hangs up in the middle of a restore.  Each time:
# a clear message, nothing half-applied, nothing lost.
. "$TESTS/tui/lib.sh"
only_on_sqlite "faults of SQLite's files and of the disk under them"
PY=/usr/bin/python3
FS=$WORK/fs
mkdir -p "$FS"
if ! mount -t tmpfs -o size=3m tmpfs "$FS" 2>/dev/null; then
	echo "cannot mount a tmpfs here: skipped"
	exit 77
fi
trap 'tm kill-server 2>/dev/null; kill $(jobs -p) 2>/dev/null; umount "$FS" 2>/dev/null; remove_work' EXIT

# --- a full disk -------------------------------------------------------------
WS=$FS/ws.db
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null || fail "small import on tmpfs"
before=$(t list --json | jq '[.[].hot_events] | add')
{
	echo "object,user,time,kind,step,variant,alias,label"
	for i in $(seq 60000); do printf 'winback,bulk-%06d,2026-11-20T10:00:00Z,opened_email,,,,\n' "$i"; done
} >big.csv
exit_code 1 "import on a full disk" t import big.csv
contains "$(cat "$WORK/err")" "disk is full" "a full disk is named"
contains "$(cat "$WORK/err")" "nothing was changed" "and nothing was applied"
eq "$(t list --json | jq '[.[].hot_events] | add')" "$before" "no event half-imported"
check_ok
exit_code 1 "a demo that does not fit" t demo --force --size medium
contains "$(cat "$WORK/err")" "was not changed" "says the workspace was left alone"
eq "$(t list --json | jq '[.[].hot_events] | add')" "$before" "the old workspace is intact"
eq "$(ls "$FS" | grep -vc '^ws\.db')" 0 "no half-built demo left on the disk"

# --- a read-only filesystem ---------------------------------------------------
mount -o remount,ro "$FS"
exit_code 1 "import on a read-only filesystem" t import "$DATA/events.csv"
contains "$(cat "$WORK/err")" "read-only" "read-only is named"
exit_code 1 "restore on a read-only filesystem" t restore spring-sale
mount -o remount,rw "$FS"
eq "$(t list --json | jq '[.[].hot_events] | add')" "$before" "nothing changed meanwhile"

# --- the workspace removed underneath a console ---------------------------------
WS=$WORK/ws.db
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
start 80 24
wait_for "8 of 8"
rm -f "$WS" "$WS-wal" "$WS-shm"
wait_for "was removed or moved" 5
tm kill-server
exit_code 1 "a command on the removed workspace" t list
contains "$(cat "$WORK/err")" "no such workspace" "the command says so"

# --- an SMTP server that accepts and never answers -----------------------------
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
t sweep >/dev/null
port=$(free_port)
$PY -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(5)
held = []
while True:
    c, _ = s.accept(); held.append(c)  # accept, then say nothing, ever
" &
sleep 0.3
smtp_yaml "$port" ops@example.org 3 60 >config.yaml
start=$SECONDS
t restore spring-sale --wait >/dev/null 2>&1
took=$((SECONDS - start))
[ "$took" -le 10 ] || fail "a silent mail server held the restore for $took s"
eq "$(state_of spring-sale)" available "the restore finished regardless of mail"
out=$(t jobs 1)
contains "$out" "mail: queued" "the mail waits for a retry"
contains "$out" "timed out" "the timeout is the reason shown"
rm config.yaml

# --- the terminal hangs up in the middle of a restore ------------------------------
rm -f "$WS"*
slow_restore_workspace 500 "lease_seconds: 2"
job=$(t restore "$big" --json | jq -r '.[0].id')
start 100 30
wait_for "1 job running" 5
sleep 1
pid=$(tm display -p -t t "#{pane_pid}")
kill -HUP "$pid"
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the console did not leave on SIGHUP"
done_at=$(t jobs "$job" --json | jq '.[0].events_done')
[ "$(t jobs "$job" --json | jq -r '.[0].state')" != done ] || fail "the job should not have finished yet"
# handed back at once: another worker takes it without waiting for the lease
t worker --once >/dev/null 2>&1
eq "$(t jobs "$job" --json | jq -r '.[0].state')" done "the restore resumes and finishes elsewhere"
echo "hung up at $done_at events; finished by another worker"
eq "$(state_of "$big")" available "restored"
check_ok
finish
