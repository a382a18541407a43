# The console, driven in tmux like an operator would: start-up, filters,
# selection, restore with confirmation until the job is done and the banners
# are gone, restore by tag, cancel, detail, help, resize, read-only,
# NO_COLOR and themes, hostile names, wide characters.
. "$TESTS/tui/lib.sh"

cat >config.yaml <<'YAML'
worker:
  sweep: false
  poll_ms: 100
console:
  refresh_ms: 300
  views:
    seasonal-live: "tag:seasonal !state:expired"
    expired: "state:expired"
YAML
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
t sweep >/dev/null   # spring-sale expires

# --- start-up -----------------------------------------------------------
start 80 24
wait_for "8 of 8"
on_screen "1 expired · 1 expires within 14 days" "summary banner (1 expires, 2 expire)"
on_screen "Interaction data" "column headers"
on_screen "Spring sale — últ…" "UTF-8 name, cut at a character with an ellipsis (the reasons take the room)"
screen | grep -F "Spring sale" | grep -qF "EXPIRED" || fail "expired row shows EXPIRED"
screen | grep -F "Spring sale" | grep -q '^ !' || fail "expired row has its ! marker"
on_screen "kept: used by" "kept state"
on_screen "deleted (legacy)" "purged state"
on_screen "? help" "key hints"
screen | tail -1 | grep -q '? help  q quit *$' || fail "at 80 columns the footer ends with help and quit: $(screen | tail -1)"

# --- the cursor's row is highlighted whole -----------------------------------
screen_escapes | /usr/bin/python3 -c '
import re, sys
line = next(l for l in sys.stdin if "Carrito abandonado" in l)
# the attributes in force where each cell starts: reverse video (7) throughout
for word in ("Carrito", "campaign", "stopped", "kept:", "3"):
    at = line.index(word, line.index("Carrito"))
    sgr = re.findall(r"\x1b\[([0-9;]*)m", line[:at])
    on = False
    for s in sgr:
        for p in (s or "0").split(";"):
            on = True if p == "7" else False if p in ("0", "27") else on
    assert on, "%s is not highlighted: %r" % (word, line)
' || fail "the cursor highlight covers the whole row"

# --- whether jobs carry on after this console quits --------------------------
on_screen "worker: here only" "the title says no standing worker runs"
contains "$(t status)" "console worker (stops when that console quits): alive" "status sees the console's worker"
"$THAW" --db "$WS" worker 2>/dev/null &
standing=$!
wait_for "worker: $(hostname)" 8
kill "$standing"; wait "$standing" 2>/dev/null

# --- filter as you type ---------------------------------------------------
keys /
type_text "sale"
wait_for "2 of 8"
on_screen "/sale_" "the filter line shows what is typed"
keys Escape
wait_for "8 of 8"
keys /
type_text "tag:seasonal !state:expired"
keys Enter
wait_for "2 of 8"
not_on_screen "Spring sale" "negated state"
keys Escape
wait_for "8 of 8"
keys /
type_text "tag:sea"
keys Tab
wait_for "/tag:seasonal"
keys Enter
wait_for "3 of 8"
keys Escape
keys /
type_text "WILLKOMMEN"
wait_for "1 of 8"
keys Enter Escape

# --- repeated Tab cycles through every tag that starts with what was typed -----
keys /
type_text "tag:"
keys Tab
wait_for "/tag:email_"
on_screen "tag 1 of 4 starting with ''" "how many there are"
keys Tab
wait_for "/tag:lifecycle_"
keys Tab Tab Tab
wait_for "/tag:email_" # round again
keys Escape
wait_for "8 of 8"

# --- the editing keys of a line: Home, End, Ctrl-U, Ctrl-W, Left, Delete ------
keys /
type_text "ale"
keys Home
type_text "s"
wait_for "2 of 8"
on_screen "/sale" "typed at the start after Home"
keys End C-u
wait_for "8 of 8"
type_text "tag:seasonal zzz"
wait_for "0 of 8"
keys C-w
wait_for "3 of 8"
type_text "x"
wait_for "0 of 8"
keys Left Delete
wait_for "3 of 8"
on_screen "/tag:seasonal _" "Left then Delete removed the character under the caret"
keys Escape
wait_for "8 of 8"

# --- a term thaw does not understand keeps the line open ----------------------
keys /
type_text "state:expird"
keys Enter
wait_for "Fix or remove the term"
on_screen "/state:expird_" "the filter line stays open"
type_text "a"
on_screen "/state:expirda_" "a key goes to the line, not to select all"
on_screen "0 selected" "nothing was selected"
keys BSpace BSpace
type_text "ed"
keys Enter
wait_for "1 of 8"
not_on_screen "/state:expired_" "a valid filter closes the line"
keys Escape
wait_for "8 of 8"

# --- saved views: V picks one, the list shows it as a filter ---------------
wait_for "8 of 8"
keys V
wait_for "Saved views (console.views)"
on_screen "seasonal-live" "the views are listed"
on_screen "tag:seasonal !state:expired" "with their filters"
keys Down Enter
wait_for "1 of 8"
on_screen "/state:expired" "the view's filter is the list's filter line"
on_screen "Spring sale" "the expired object"
eq "$(t list --view expired --ids)" "spring-sale" "list --view shows the same objects"
keys Escape
wait_for "8 of 8"

# --- multi-select ---------------------------------------------------------
wait_for "8 of 8"
keys Space Space
wait_for "2 selected"
keys u
wait_for "0 selected"
keys / && type_text "sale" && keys Enter
keys a
wait_for "2 selected"
keys Escape
wait_for "8 of 8"
on_screen "2 selected" "the selection survives the filter change"
keys i
wait_for "6 selected"
keys u
keys g v j j v
wait_for "3 selected"
keys u

# --- detail view ----------------------------------------------------------
keys / && type_text "spring" && keys Enter
wait_for "1 of 8"
keys Enter
wait_for "Interaction data expired on 2026-11-29"
on_screen "Press R to restore it." "the banner names the key"
on_screen "Variant A" "variants"
on_screen "[control group]" "control group marked"
on_screen "cta" "link aliases"
keys PageDown
wait_for "Analytics (kept at import"
on_screen "sends 2 (email 2), opens 1, clicks 1, in control 1, conversions A 1" "analytics of expired data"
keys Escape
wait_for "1 of 8"

# --- restore with confirmation --------------------------------------------
keys R
wait_for "Restore interaction data"
on_screen "1 object: 1 campaign, 0 Canvases — 6 events" "the confirmation counts"
screen | grep -F "Restore interaction data" | grep -q '│.*Restore interaction data.*│' ||
	fail "the confirmation has a frame: $(screen | grep -F 'Restore interaction data')"
on_screen "┌" "its top corner"
on_screen "Time: no history yet; available until 2027-02-28 unless used" "no restore has finished here yet: no estimate"
on_screen "[> Cancel <]" "Cancel has the focus"
keys Enter   # Cancel: nothing happens
wait_gone "Restore interaction data"
screen | grep -F "Spring sale" | grep -qF "EXPIRED" || fail "cancelled confirmation changed nothing"
keys R
wait_for "[> Cancel <]"
keys Tab
wait_for "[> Restore <]"
keys Enter
wait_for "Restore job 1 finished" 10
wait_for "expires in 91 d"
not_on_screen "EXPIRED" "the expired banner is gone from the row"
on_screen "0 expired" "the summary banner follows"
eq "$(state_of spring-sale)" available "restored in the database"
keys Escape

# --- a user's profile, the audit log, a CSV export from the detail view ----
keys U
wait_for "Look up a user by external id"
type_text "u1"
keys Enter
wait_for "Campaigns and Canvas messages received"
on_screen "Spring sale — último aviso  (spring-sale)" "the restored campaign is in the profile again"
keys Escape
keys A
wait_for "Audit log (newest first)"
on_screen "restore.request" "the restore is on record"
keys Escape
keys / && type_text "spring" && keys Enter
keys Enter
wait_for "api id       spring-sale"
keys E
wait_for "3 recipients written to spring-sale-recipients.csv"
eq "$(/usr/bin/python3 -c 'import csv; print(len(list(csv.DictReader(open("spring-sale-recipients.csv")))))')" 3 "the exported CSV parses"
eq "$(stat -c %a spring-sale-recipients.csv)" 600 "the export is private"
keys Escape Escape

# --- restore by tag -------------------------------------------------------
THAW_NOW=2027-04-01T00:00:00Z t sweep >/dev/null # spring and summer expire again
tm kill-server
THAW_NOW=2027-04-01T00:00:00Z
start 80 24
wait_for "2 expired"
keys T
wait_for "Restore every expired object with the tag"
type_text "seas"
keys Tab
wait_for "> seasonal_"
keys Enter
wait_for "Restore interaction data tagged 'seasonal'"
on_screen "2 objects: 2 campaigns, 0 Canvases" "tag confirmation"
on_screen "events/s (measured here)" "an estimate from the restore that finished here"
keys y
wait_for "finished" 10
wait_for "0 expired"
eq "$(state_of summer-sale)" available "tag restore done"
eq "$(t jobs --json | jq -r '.[0].request')" "tag:seasonal" "the console records the tag, as the CLI does"
eq "$(t jobs --json | jq -r '.[0].items | length')" 3 "and every tagged object is an item"

# --- help -----------------------------------------------------------------
keys '?'
wait_for "Keys (live bindings"
on_screen "restore by tag" "help lists actions by readable labels"
not_on_screen "restore_tag" "not by their configuration names"
keys Escape
wait_gone "Keys (live bindings"

# --- jobs panel -----------------------------------------------------------
keys J
wait_for "Restore jobs (newest first)"
on_screen "done" "job state"
on_screen "100%" "progress"
keys Escape

# --- resize ---------------------------------------------------------------
tm resize-window -t t -x 200 -y 60
wait_for "Last sent"
on_screen "Tags" "wide layout adds columns"
tm resize-window -t t -x 60 -y 20
wait_for "Terminal too small: 60x20"
tm resize-window -t t -x 80 -y 24
wait_for "8 of 8"
not_on_screen "Last sent" "narrow layout"

# --- redraw ---------------------------------------------------------------
keys C-l
wait_for "8 of 8"
keys q
sleep 0.3
tm has-session -t t 2>/dev/null && fail "q quits"

# --- read-only ------------------------------------------------------------
start 80 24 -- --read-only
wait_for "[READ-ONLY]"
keys R
wait_for "restore is not available"
tm kill-server

# --- colours: default theme has them, NO_COLOR and monochrome do not -----
start 80 24
wait_for "8 of 8"
screen_escapes | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*38;5' || fail "the default theme uses colour"
start 80 24 NO_COLOR=1
wait_for "8 of 8"
screen_escapes | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*4[0-7]m' && fail "NO_COLOR: no colour"
start 80 24 -- --theme monochrome
wait_for "8 of 8"
screen_escapes | grep -q $'\e\\[[0-9;]*3[0-7]m' && fail "monochrome theme: no colour"
mkdir -p badthemes && printf 'styles:\n  title: { fg: purplish }\n' >badthemes/default.yaml
start 80 24 THAW_THEMES="$WORK/badthemes"
wait_for "8 of 8"
wait_for "default.yaml:2:16: 'purplish'"
tm kill-server
mkdir -p hexthemes && printf 'styles:\n  title: { fg: "#-12345" }\n' >hexthemes/default.yaml
start 80 24 THAW_THEMES="$WORK/hexthemes"
wait_for "8 of 8"
wait_for "'#-12345' is not a" # six hex digits, not whatever strtol takes
tm kill-server
mkdir -p theirs && printf 'styles:\n  title: { fg: red }\n' >theirs/default.yaml && chown nobody theirs/default.yaml
start 80 24 THAW_THEMES="$WORK/theirs"
wait_for "8 of 8"
wait_for "default.yaml belongs to nobody" # a theme another user owns is not read
tm kill-server

# --- hostile names, wide characters -------------------------------------
cat >more.yaml <<'YAML'
objects:
  - api_id: evil
    kind: campaign
    name: "Evil \e]2;pwned\a\e[2J\e[31mred"
    status: active
  - api_id: wide
    kind: canvas
    name: "新春セール 双十一 Летняя"
    status: active
YAML
t import more.yaml >/dev/null
start 80 24
wait_for "10 of 10"
on_screen "Evil ^[]2;pwned^G" "escape sequences shown as text"
[ "$(tm display -p -t t '#{pane_title}')" = pwned ] && fail "a name changed the terminal title"
# columns stay aligned with wide characters: the kind column starts at the
# same display column on every row
/usr/bin/python3 - "$(screen)" <<'PY' || fail "wide characters break the column alignment"
import sys, unicodedata
cols = set()
for line in sys.argv[1].splitlines()[4:]:
    # the kind column: the first " campaign " or " canvas " (a reason may name one too)
    found = [i for i in (line.find(" campaign "), line.find(" canvas ")) if i >= 0]
    if found:
        i = min(found)
        cols.add(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:i]))
sys.exit(0 if len(cols) == 1 else 1)
PY
finish
