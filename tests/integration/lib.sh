# Shared by the integration tests: a scratch directory, the thaw binary on
# a workspace, and assertions that say what differed.
set -u
WORK=$(mktemp -d /tmp/thaw-it-XXXXXX)
# what every test leaves behind goes at exit (traps of its own call it too)
remove_work() {
	[ "$(type -t pg_stop)" = function ] && pg_stop
	rm -rf "$WORK"
}
trap remove_work EXIT
cd "$WORK" || exit 1
export THAW_NOW=${THAW_NOW:-2026-11-29T12:00:00Z}
unset THAW_CONFIG THAW_DB
FAILURES=0
WS=$WORK/ws.db
# THAW_ENGINE=postgres (meson test --setup postgres): the workspace is a
# database on a throw-away PostgreSQL cluster of this test's own
if [ "${THAW_ENGINE:-sqlite}" = postgres ]; then
	. "$TESTS/pg_cluster.sh"
	pg_start || exit 1
	WS=$(pg_new_db ws) || exit 1
fi
# A fresh, empty workspace in WS (the old one is left behind).
WS_COUNT=0
new_workspace() {
	if [ "${THAW_ENGINE:-sqlite}" = postgres ]; then
		WS_COUNT=$((WS_COUNT + 1))
		WS=$(pg_new_db "ws$WS_COUNT")
	else
		rm -f "$WS" "$WS-wal" "$WS-shm"
	fi
}
# Surgery on the workspace whatever its engine (damage, a clock moved):
# ws_sql SQL, with bytes written as $(ws_bytes HEX).
ws_sql() {
	if [ "${THAW_ENGINE:-sqlite}" = postgres ]; then
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$WS" -c "$1"
	else
		sqlite3 "$WS" "$1"
	fi
}
ws_bytes() {
	if [ "${THAW_ENGINE:-sqlite}" = postgres ]; then echo "'\\x$1'::bytea"; else echo "x'$1'"; fi
}
# A test of what only one engine has (file modes, SQLite's files) says so.
only_on_sqlite() {
	if [ "${THAW_ENGINE:-sqlite}" != sqlite ]; then
		echo "$1: SQLite only, skipped on ${THAW_ENGINE}"
		exit 77
	fi
}

t() { "$THAW" --db "$WS" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	FAILURES=$((FAILURES + 1))
}

eq() { # eq ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

contains() { # contains TEXT NEEDLE WHAT
	case "$1" in *"$2"*) ;; *) fail "$3: '$2' not found in: $1" ;; esac
}

not_contains() {
	case "$1" in *"$2"*) fail "$3: '$2' should not be in: $1" ;; esac
}

exit_code() { # exit_code EXPECTED WHAT CMD...
	local want=$1 what=$2
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	local got=$?
	[ "$got" = "$want" ] || fail "$what: exit $got, expected $want; stderr: $(cat "$WORK/err")"
}

# The IxD state of one object, from the JSON the user would read.
state_of() {
	t show "$1" --json | jq -r .ixd_state
}

field_of() { # field_of OBJ FIELD
	t show "$1" --json | jq -r ".$2"
}

check_ok() { # the invariants every move must keep
	local out
	out=$(t check --json)
	[ "$(echo "$out" | jq -r .ok)" = true ] || fail "thaw check: $out"
}

finish() {
	if [ "$FAILURES" -ne 0 ]; then
		echo "$FAILURES failure(s)" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# The smtp: section of a configuration, for a test server on 127.0.0.1.
smtp_yaml() { # smtp_yaml PORT RECIPIENT TIMEOUT_SECONDS RETRY_BASE_SECONDS
	printf 'smtp:\n  url: smtp://127.0.0.1:%s\n  from: thaw@example.org\n  recipients: [%s]\n' "$1" "$2"
	printf '  connect_timeout_seconds: 2\n  timeout_seconds: %s\n  retry_base_seconds: %s\n' "$3" "$4"
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# A test server of tests/integration (SMTP or HTTP) on $PORT, writing what it
# receives to DIR; it says it listens with DIR/ready.  One at a time.
SERVER_PID=
start_test_server() { # start_test_server SCRIPT DIR [options]
	local script=$1 dir=$2
	shift 2
	stop_test_server
	mkdir -p "$dir"
	rm -f "$dir/ready"
	/usr/bin/python3 "$TESTS/integration/$script" --port "$PORT" --dir "$dir" "$@" 2>"$dir/server.log" &
	SERVER_PID=$!
	for _ in $(seq 100); do [ -f "$dir/ready" ] && return; sleep 0.05; done
	fail "$script did not start: $(cat "$dir/server.log")"
}

stop_test_server() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}
