# The console on PostgreSQL hears what another host commits at once
# (LISTEN/NOTIFY) instead of at its next look: with console.refresh_ms at
# a minute, an object imported elsewhere is on screen within seconds.
THAW_ENGINE=postgres
. "$TESTS/tui/lib.sh"
printf 'console:\n  refresh_ms: 60000\n' >config.yaml
t import "$DATA/workspace.yaml" >/dev/null || fail "import"
start 100 30
wait_for "Spring sale" 5
cat >more.yaml <<'YAML'
objects:
  - api_id: autumn-notify
    kind: campaign
    name: Autumn heard at once
    status: active
YAML
sleep 1 # the console is waiting now, a minute from its next look
t import more.yaml >/dev/null || fail "import elsewhere"
wait_for "Autumn heard at once" 5
finish
