# A real SSH session: OpenSSH's sshd on 127.0.0.1 with throw-away keys and
# its own configuration; ssh -tt into tmux on the "server"; the console is
# operated there (filter, select, restore); the connection is dropped in the
# middle of the job; a new connection finds the job finished.  A counting
# relay between client and server measures the bytes per keystroke.
. "$TESTS/tui/lib.sh"
PY=/usr/bin/python3
SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || { fail "openssh-server is not installed"; finish; }

SSHD_PORT=$(free_port)
RELAY_PORT=$(free_port)
mkdir -p ssh /run/sshd
ssh-keygen -q -t ed25519 -N '' -f ssh/host_key
ssh-keygen -q -t ed25519 -N '' -f ssh/user_key
cp ssh/user_key.pub ssh/authorized_keys
cat >ssh/sshd_config <<CFG
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $WORK/ssh/host_key
AuthorizedKeysFile $WORK/ssh/authorized_keys
PidFile $WORK/ssh/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
AcceptEnv LANG THAW_NOW
CFG
$SSHD -f ssh/sshd_config -D -e 2>ssh/sshd.log &
SSHD_PID=$!
$PY "$TESTS/tui/relay.py" "$RELAY_PORT" "$SSHD_PORT" ssh/counts &
RELAY_PID=$!
trap 'tm kill-server 2>/dev/null; tmux -L thaw-ssh-inner kill-server 2>/dev/null; kill $SSHD_PID $RELAY_PID 2>/dev/null; remove_work' EXIT
sleep 0.5

# a workspace whose restore takes a few seconds: a throttled worker
slow_restore_workspace 800

# the remote command: attach to (or create) a tmux session running thaw
remote="cd $WORK && tmux -L thaw-ssh-inner new-session -A -s ops 'env LANG=C.UTF-8 THAW_NOW=$THAW_NOW ${PGUSER:+PGUSER=$PGUSER} $THAW --db $WS'"
connect() {
	terminal 100 30 ssh -tt -p "$RELAY_PORT" -i "$WORK/ssh/user_key" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$(id -un)@127.0.0.1" "$remote"
	wait_for "of 300" 10
}
bytes_down() { cut -d' ' -f2 ssh/counts; }

connect
on_screen "300 of 300" "the console over SSH"
# the measured keystroke: one cursor move, what comes back over the wire
before=$(bytes_down)
keys j
sleep 0.5
per_key=$(($(bytes_down) - before))
echo "bytes from server to client for one cursor move over SSH: $per_key"
# filter to the expired objects, biggest first, and restore the first one
keys /
type_text "state:expired"
keys Enter
wait_for "EXPIRED"
keys s s s s s # name → kind, status, expiry, hot, cold
wait_for "sorted by cold"
keys r g
keys R
wait_for "Restore interaction data" 5
on_screen "$(commas "$cold") events" "the confirmation names the biggest expired object's events"
keys Tab Enter
wait_for "restoring" 10

# drop the connection in the middle of the job
[ "$(t jobs --json | jq -r '.[0].state')" = running ] || fail "the job should still be running when we disconnect"
eq "$(t jobs --json | jq -r '.[0].items[0].api_id')" "$big" "the job restores the object chosen on screen"
pkill -f "ssh -tt -p $RELAY_PORT" || fail "no ssh client to kill"
sleep 0.5
tm kill-server 2>/dev/null
echo "disconnected at $(t jobs --json | jq -r '.[0].events_done') of $cold events"

# the console lives on in tmux on the server, and so does its worker
for i in $(seq 100); do [ "$(t jobs --json | jq -r '.[0].state')" = done ] && break; sleep 0.2; done
eq "$(t jobs --json | jq -r '.[0].state')" done "the job finished while nobody was connected"
eq "$(state_of "$big")" available "the object is available"

connect
keys J
wait_for "done" 5
on_screen "100%" "the reconnected console shows the finished job"
check_ok
tmux -L thaw-ssh-inner kill-server 2>/dev/null
[ "$per_key" -gt 0 ] && [ "$per_key" -lt 1000 ] || fail "a cursor move cost $per_key bytes over SSH"
finish
