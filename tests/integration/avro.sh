# Braze Currents Avro files, written with avro-c from the schemas in
# shared/fixtures: import a directory, check objects, steps, variants, users
# and events; repeat; a truncated file; an unknown type; events of an
# expired object going to cold; a workspace file filling in a learned object.
. "$TESTS/integration/lib.sh"

mkdir avro
"$MAKE_AVRO" "$SCHEMAS" avro >/dev/null || fail "writing Avro files"
out=$(t import avro)
contains "$out" "messages.email.Send                       200        200" "per-type table: sends"
contains "$out" "behaviors.CustomEvent                       5          0        0        5" "unknown type skipped and counted"
contains "$out" "messages.email.Bounce                       3          0        3        0" "bounces are user facts"

# objects, steps and variants learned from the events' ids and names
eq "$(field_of cmp-summer name)" "Campaña de verano ☀" "non-ASCII campaign name"
eq "$(field_of cmp-summer kind)" campaign "a campaign by its campaign_id"
eq "$(field_of cv-welcome kind)" canvas "a Canvas by its canvas_id"
eq "$(field_of cv-welcome learned)" true "marked as learned from events"
show=$(t show cv-welcome)
contains "$show" "第二步  (cv-step-2)" "Canvas steps learned with their names"
contains "$show" "Variación 1  (cv-welcome-var1)" "Canvas variations learned"
contains "$(t show cmp-summer)" "cta" "link alias from the click"

# events per kind, through the readers
eq "$(t segment 'received_campaign(cmp-summer)' --count --json | jq .count)" 45 "sends of the summer campaign: users"
eq "$(t segment 'clicked_opened_campaign(cmp-summer, interaction=opened_email_machine)' --count --json | jq .count)" 14 "machine opens"
eq "$(t segment 'clicked_opened_campaign(cmp-summer, interaction=opened_email)' --count --json | jq .count)" 16 "human opens"
eq "$(t segment 'clicked_alias_campaign(cmp-summer, cta)' --count --json | jq .count)" 13 "clicks with the link alias"
eq "$(t segment 'received_canvas_step(cv-step-2)' --count --json | jq .count)" 5 "Canvas step sends"
eq "$(t segment 'entered_canvas_variation(cv-welcome-var1)' --count --json | jq .count)" 12 "Canvas entries"
eq "$(t segment 'in_canvas_control(cv-welcome)' --count --json | jq .count)" 3 "control group from in_control_group"
eq "$(t segment 'converted_campaign(cmp-summer)' --count --json | jq .count)" 6 "conversions"
eq "$(t user ext-001 --json | jq -r '.campaigns_received[] | select(.api_campaign_id=="cmp-summer") | .multiple_converted | keys[0]')" \
   "Conversion Event C" "conversion label from conversion_behavior_index"
eq "$(t segment 'hard_bounced' --count --json | jq .count)" 3 "hard bounces"
eq "$(t user braze-007 --json | jq -r .external_id)" braze-007 "a user with only a Braze id"
check_ok

# (expected counts: tests/tools/make_avro.c writes users i % 50, every tenth
# record to the Canvas, the rest to summer when i % 3, else winter)

# the same files again change nothing
before=$(t list --json | jq '[.[].hot_events] | add')
out=$(t import avro --json)
eq "$(echo "$out" | jq '[.[].events_hot] | add')" 0 "no new events on a repeat"
eq "$(t list --json | jq '[.[].hot_events] | add')" "$before" "counts unchanged"

# a truncated file is rejected whole
cp avro/messages.email.Send.avro cut.avro
truncate -s $(( $(stat -c %s cut.avro) / 2 )) cut.avro
mkdir more && "$MAKE_AVRO" "$SCHEMAS" more 400 >/dev/null
cp more/messages.email.Send.avro big.avro
truncate -s $(( $(stat -c %s big.avro) * 2 / 3 )) big.avro
exit_code 1 "truncated file" t import big.avro
contains "$(cat "$WORK/err")" "big.avro" "the message names the file"
contains "$(cat "$WORK/err")" "nothing was changed" "nothing applied"
eq "$(t list --json | jq '[.[].hot_events] | add')" "$before" "the database is unchanged"
printf 'not avro at all' >junk.avro
exit_code 1 "not an Avro file" t import junk.avro
contains "$(cat "$WORK/err")" "not a readable Avro file" "junk message"

# events of an expired object go to cold
cat >ws.yaml <<'YAML'
objects:
  - api_id: cmp-winter
    kind: campaign
    name: Winter sale 2025
    status: stopped
    stopped: 2026-01-01
YAML
t import ws.yaml >/dev/null
eq "$(field_of cmp-winter learned)" false "a workspace file fills in a learned object"
eq "$(field_of cmp-winter name)" "Winter sale 2025" "its name from the workspace"
t sweep >/dev/null
eq "$(state_of cmp-winter)" expired "winter expired"
out=$(t import more/messages.email.Send.avro)
cold=$(field_of cmp-winter cold_events)
hot=$(field_of cmp-winter hot_events)
eq "$hot" 0 "nothing new goes hot for an expired object"
[ "$cold" -gt 0 ] || fail "new winter events went to cold"
check_ok
# --- damaged files: refused whole, or imported only when every id and time is sound --
mkdir damaged
send=$(ls avro/*messages.email.Send*.avro | head -1)
size=$(stat -c %s "$send")
accepted=0 refused=0
for i in $(seq 1 30); do
	cp "$send" damaged/copy.avro
	# flip one byte past the header, at a place that differs for every copy
	at=$(( (i * 7919) % (size - 200) + 150 ))
	printf "\\x$(printf %x $(( ($(od -An -tu1 -j $at -N1 damaged/copy.avro) + 37 * i) % 256 )))" |
		dd of=damaged/copy.avro bs=1 seek=$at conv=notrunc 2>/dev/null
	rm -f damaged.db*
	if "$THAW" --db damaged.db import damaged/copy.avro >/dev/null 2>damaged/err; then
		accepted=$((accepted + 1))
		"$THAW" --db damaged.db check >/dev/null || fail "copy $i: imported but thaw check finds problems"
		/usr/bin/python3 - damaged.db "$i" <<'PY' || fail "copy $i: an imported id is not valid text"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
for table, col in (("objects", "api_id"), ("users", "external_id"), ("steps", "api_id"), ("variants", "api_id")):
    for (v,) in db.execute(f"SELECT {col} FROM {table}"):
        s = v.decode("utf-8")  # raises on invalid UTF-8
        assert 0 < len(v) <= 255 and all(ord(c) >= 32 for c in s), (table, v)
for (t,) in db.execute("SELECT ts FROM events_hot"):
    assert 946684800 <= t < 4102444800, t
PY
	else
		refused=$((refused + 1))
		[ -s damaged.db ] && [ "$("$THAW" --db damaged.db list --json 2>/dev/null | jq length)" != 0 ] &&
			fail "copy $i: refused but something was imported"
	fi
done
echo "damaged copies: $accepted imported whole and sound, $refused refused"
[ "$refused" -gt 0 ] || fail "no damaged copy was refused"

# --- sizes a damaged file claims are checked before anything is allocated ----
# the first block's byte count rewritten to 2^40 (and the value inside it, a
# string, to 2^40 characters): refused at once, memory kept small
/usr/bin/python3 - "$send" huge-block.avro huge-string.avro <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
def zigzag(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)
def read_long(buf, at):
    shift = v = 0
    while True:
        b = buf[at]; at += 1
        v |= (b & 0x7F) << shift; shift += 7
        if not b & 0x80:
            return (v >> 1) ^ -(v & 1), at
# skip the magic and the metadata map to the sync marker
at = 4
while True:
    count, at = read_long(data, at)
    if count == 0:
        break
    for _ in range(2 * abs(count)):
        n, at = read_long(data, at)
        at += n
at += 16
count, size_at = read_long(data, at)
size, body = read_long(data, size_at)
open(sys.argv[2], "wb").write(data[:size_at] + zigzag(1 << 40) + data[body:])
# inside the block: the first record's first string length (the block's
# byte count grows by what the longer number takes, so the framing holds)
first_len, after = read_long(data, body + 1)
longer = zigzag(1 << 40)
grown = zigzag(size + len(longer) - (after - body - 1))
open(sys.argv[3], "wb").write(data[:size_at] + grown + data[body:body + 1] + longer + data[after:])
PY
for f in huge-block huge-string; do
	rm -f "$f.db"*
	/usr/bin/time -f %M -o "$f.rss" "$THAW" --db "$f.db" import "$f.avro" >/dev/null 2>"$f.err" &&
		fail "$f: a file claiming 2^40 bytes was imported"
	[ "$(cat "$f.rss" | tail -1)" -lt 200000 ] || fail "$f: importing it took $(tail -1 "$f.rss") KiB"
done
contains "$(cat huge-block.err)" "block 1 is damaged or truncated" "the block that claims too much is named"
contains "$(cat huge-string.err)" "damaged or truncated Avro file after record 0" "a value that claims too much is refused"
finish
