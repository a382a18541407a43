# Driving the real thaw console in a real terminal: tmux on its own socket,
# keys in with send-keys, the screen back with capture-pane.
. "$TESTS/integration/lib.sh"
SOCK=thaw-tui-$$
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; remove_work' EXIT

terminal() { # terminal COLS ROWS COMMAND...: a fresh tmux server showing COMMAND
	local cols=$1 rows=$2 i
	shift 2
	tm kill-server 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do # a server still shutting down refuses for a moment
		tm new-session -d -s t -x "$cols" -y "$rows" "$@" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "tmux would not start a session for: $*"
}

start() { # start COLS ROWS [ENV=VALUE...] -- [THAW ARGS...]
	local cols=$1 rows=$2
	shift 2
	local env=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	terminal "$cols" "$rows" env LANG=C.UTF-8 TERM=tmux-256color THAW_NOW="$THAW_NOW" "${env[@]}" "$THAW" --db "$WS" "$@"
	wait_for "thaw" 5
}

screen() { tm capture-pane -p -t t; }
screen_escapes() { tm capture-pane -p -e -t t; }
keys() { tm send-keys -t t "$@"; sleep 0.15; }
type_text() { tm send-keys -t t -l "$1"; sleep 0.15; }

wait_for() { # wait_for TEXT [SECONDS]: until the screen shows TEXT
	local text=$1 limit=${2:-5} i
	for i in $(seq $((limit * 20))); do
		screen | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	fail "screen never showed '$text'; it shows:
$(screen)"
	return 1
}

wait_gone() { # wait_gone TEXT [SECONDS]
	local text=$1 limit=${2:-5} i
	for i in $(seq $((limit * 20))); do
		screen | grep -qF -- "$text" || return 0
		sleep 0.05
	done
	fail "screen still shows '$text':
$(screen)"
}

on_screen() { screen | grep -qF -- "$1" || fail "$2: '$1' not on screen:
$(screen)"; }
not_on_screen() { ! screen | grep -qF -- "$1" || fail "$2: '$1' should not be on screen"; }

# A demo workspace whose restores take seconds: the worker moves at most
# RATE events a second.  Sets $big, its biggest expired object, and $cold,
# that object's events.  usage: slow_restore_workspace RATE [WORKER_LINE...]
slow_restore_workspace() {
	local rate=$1
	shift
	{
		printf 'worker:\n  sweep: false\n  batch_rows: 100\n  max_rows_per_second: %s\n  poll_ms: 100\n' "$rate"
		for line in "$@"; do printf '  %s\n' "$line"; done
		printf 'console:\n  refresh_ms: 300\n'
	} >config.yaml
	"$THAW" demo --out "$WS" >/dev/null
	big=$(t list --state expired --sort cold --desc --limit 1 --json | jq -r '.[0].api_id')
	cold=$(field_of "$big" cold_events)
}
