# console.keys as configuration: a configured key wins over the default it
# collides with (the default action loses it, with a notice), and a mistake
# (an unknown action, a key configured twice) stops thaw with file:line:column
# and exit 2, as any configuration error does.
. "$TESTS/tui/lib.sh"
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
t sweep >/dev/null # spring-sale expires

cat >config.yaml <<'YAML'
console:
  keys:
    restore: r
YAML
start 80 24
wait_for "8 of 8"
on_screen "'r' is restore now; reverse keeps its other keys" "the notice"
keys / && type_text "spring" && keys Enter
wait_for "1 of 8"
keys r
wait_for "Restore interaction data" 5
keys Escape q

# mistakes stop thaw before it takes the screen
run_console() { # run_console: the console in a terminal; its exit code and stderr in files
	terminal 80 24 "env LANG=C.UTF-8 TERM=tmux-256color THAW_NOW=$THAW_NOW $THAW --db $WS 2>$WORK/console.err; echo \$? >$WORK/console.rc"
	for _ in $(seq 50); do [ -s "$WORK/console.rc" ] && break; sleep 0.1; done
}
printf 'console:\n  keys:\n    nope: x\n' >config.yaml
rm -f console.rc
run_console
eq "$(cat console.rc)" 2 "an unknown action: exit 2"
contains "$(cat console.err)" "config.yaml:3:11: console.keys: unknown action 'nope'" "with file, line and column"
printf 'console:\n  keys:\n    restore: z\n    jobs: z\n' >config.yaml
rm -f console.rc
run_console
eq "$(cat console.rc)" 2 "one key for two actions: exit 2"
contains "$(cat console.err)" "console.keys: 'z' is bound to both" "says which"
finish
