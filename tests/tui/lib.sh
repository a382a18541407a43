# Driving the real thaw console in a real terminal: tmux on its own socket,
# keys in with send-keys, the screen back with capture-pane.
. "$TESTS/integration/lib.sh"
SOCK=thaw-tui-$$
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$WORK"' EXIT

start() { # start COLS ROWS [ENV=VALUE...] -- [THAW ARGS...]
	local cols=$1 rows=$2
	shift 2
	local env=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	tm kill-server 2>/dev/null
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do # a server still shutting down refuses for a moment
		tm new-session -d -s t -x "$cols" -y "$rows" \
			env LANG=C.UTF-8 TERM=tmux-256color THAW_NOW="$THAW_NOW" "${env[@]}" "$THAW" --db "$WS" "$@" \
			2>/dev/null && break
		sleep 0.1
	done
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
