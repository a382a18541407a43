# Import speed: a 1,000,000-event CSV into a demo workspace, timed, next to
# sqlite3's own .import of the same file into a plain table (same run, same
# disk) for scale.  Prints events/s.
set -eu
THAW=${THAW:?path to thaw}
EVENTS=${EVENTS:-1000000}
WORK=$(mktemp -d /tmp/thaw-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export THAW_NOW=2026-11-29T12:00:00Z
"$THAW" demo --out ws.db >/dev/null
"$THAW" --db ws.db list --state available --json | jq -r '.[] | .api_id' >objects.txt
/usr/bin/python3 - "$EVENTS" <<'PY'
import random, sys
random.seed(7)
objects = open("objects.txt").read().split()
kinds = ["received_email", "opened_email", "clicked_email", "received_push", "opened_push", "converted"]
with open("events.csv", "w") as f:
    f.write("object,user,time,kind,step,variant,alias,label\n")
    for i in range(int(sys.argv[1])):
        t = 1767225600 + random.randrange(0, 200 * 86400)
        f.write("%s,bench-%06d,%s,%s,,,,\n" % (random.choice(objects), random.randrange(50000),
                __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(t)),
                random.choice(kinds)))
PY
bytes=$(stat -c %s events.csv)
cp ws.db demo.db # the demo as it was, for PostgreSQL below
start=$(date +%s.%N)
"$THAW" --db ws.db import events.csv
end=$(date +%s.%N)
sqlite3 plain.db 'PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;' >/dev/null
pstart=$(date +%s.%N)
sqlite3 plain.db -cmd 'PRAGMA cache_size=-65536' '.mode csv' '.import events.csv plain'
pend=$(date +%s.%N)
awk -v n="$EVENTS" -v a="$start" -v b="$end" -v c="$pstart" -v d="$pend" -v bytes="$bytes" 'BEGIN {
	printf "CSV: %d events, %.1f MB\n", n, bytes / 1e6
	printf "thaw import:      %.2f s  %9.0f events/s\n", b - a, n / (b - a)
	printf "sqlite3 .import:  %.2f s  %9.0f rows/s (plain rowid table, no lookups)\n", d - c, n / (d - c)
	printf "ratio thaw/plain: %.2f\n", (b - a) / (d - c)
}'

# PostgreSQL: the same file into the same demo on a throw-away cluster
# (BENCH_POSTGRES=1), next to psql's \copy of it into a bare table
if [ "${BENCH_POSTGRES:-0}" = 1 ]; then
	. "$TESTS/pg_cluster.sh"
	pg_start
	trap 'pg_stop; rm -rf "$WORK"' EXIT
	PGWS=$(pg_new_db ws)
	"$THAW" --db demo.db migrate --to "$PGWS" >/dev/null
	gstart=$(date +%s.%N)
	"$THAW" --db "$PGWS" import events.csv
	gend=$(date +%s.%N)
	psql -X -q -d "$PGWS" -c "CREATE TABLE plain(o text, u text, t text, k text, s text, v text, a text, l text)"
	cstart=$(date +%s.%N)
	psql -X -q -d "$PGWS" -c "\\copy plain FROM 'events.csv' CSV HEADER"
	cend=$(date +%s.%N)
	awk -v n="$EVENTS" -v a="$gstart" -v b="$gend" -v c="$cstart" -v d="$cend" 'BEGIN {
		printf "PostgreSQL:\nthaw import:      %.2f s  %9.0f events/s\n", b - a, n / (b - a)
		printf "psql \\copy:       %.2f s  %9.0f rows/s (bare text table, no keys, no lookups)\n", d - c, n / (d - c)
		printf "ratio thaw/plain: %.2f\n", (b - a) / (d - c)
	}'
fi

# Avro: 1,000,000 email sends written with avro-c, imported into a fresh workspace
if [ -n "${MAKE_AVRO:-}" ]; then
	mkdir avro
	"$MAKE_AVRO" "$SCHEMAS" avro "$EVENTS" >/dev/null
	rm -f avro/behaviors.* # only the big file matters here
	astart=$(date +%s.%N)
	"$THAW" --db avro.db import avro/messages.email.Send.avro >/dev/null
	aend=$(date +%s.%N)
	awk -v n="$EVENTS" -v a="$astart" -v b="$aend" -v bytes="$(stat -c %s avro/messages.email.Send.avro)" 'BEGIN {
		printf "Avro: %d email sends, %.1f MB\nthaw import:      %.2f s  %9.0f events/s\n", n, bytes / 1e6, b - a, n / (b - a)
	}'
fi
