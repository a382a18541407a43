# The completion e-mail against a real SMTP server on 127.0.0.1: headers and
# body as Python's email package reads them, hostile names, server down and
# back (delivered exactly once), permanent 5xx, STARTTLS with a throw-away
# certificate, AUTH, password files, at-least-once after a crash, mail test.
. "$TESTS/integration/lib.sh"
PY=/usr/bin/python3
ME=$(id -un)
start_server() { start_test_server smtp_server.py "$@"; }
stop_server() { stop_test_server; }
trap 'stop_server; remove_work' EXIT

write_config() { # write_config EXTRA-SMTP-LINES (RECIPIENTS and TIMEOUT may be set)
	{ smtp_yaml "$PORT" "${RECIPIENTS:-dba@example.org}" "${TIMEOUT:-10}" 1; cat; } >config.yaml <<YAML
  max_attempts: 5
$1
operators:
  people:
    $ME: { email: operator@example.org, role: admin }
worker:
  poll_ms: 100
YAML
}

mails() { ls "$1"/*.eml 2>/dev/null | wc -l; }

PORT=$(free_port)
write_config ""
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null
t sweep >/dev/null                      # spring-sale expires
THAW_NOW=2026-12-01T00:00:00Z t sweep >/dev/null # summer-sale too

# --- a restore's mail, read by Python's email package -------------------
start_server box1
export THAW_NOW=2026-12-01T00:00:00Z
t restore spring-sale --wait >/dev/null 2>&1 || fail "restore"
eq "$(mails box1)" 1 "one mail delivered"
info=$($PY "$TESTS/integration/read_mail.py" box1/1.eml)
contains "$info" "Subject: Interaction data restored: 1 campaign" "subject"
contains "$info" "From: thaw@example.org" "from"
contains "$info" "To: operator@example.org, dba@example.org" "to: who asked and the configured recipients"
contains "$info" "Message-ID: <thaw-job" "message id"
contains "$info" "Date: " "date"
contains "$info" "MIME-Version: 1.0" "mime version"
contains "$info" "Content-Type: text/plain; charset=\"UTF-8\"" "content type"
contains "$info" "Content-Transfer-Encoding: quoted-printable" "transfer encoding"
contains "$info" "crlf: True" "CRLF line ends"
contains "$info" "Spring sale — último aviso" "object name, UTF-8 intact"
contains "$info" "campaign spring-sale: 6 events restored; available until 2027-03-01" "count and new expiry"
contains "$info" "Asked by:  $ME" "who asked"
contains "$info" "Duration:" "duration"
longest=$(echo "$info" | sed -n 's/^longest_line: //p')
[ "$longest" -le 78 ] || fail "a line of $longest octets"
eq "$(sort box1/1.rcpt | tr '\n' ' ')" "dba@example.org operator@example.org " "envelope recipients"
contains "$(t jobs 1)" "mail: sent" "jobs shows the mail state"

# --- hostile names cannot add or change a header ------------------------
cat >evil.yaml <<'YAML'
objects:
  - api_id: evil
    kind: campaign
    name: "Evil\r\nBcc: victim@example.com\r\nX-Injected: yes\e[31m"
    status: stopped
    stopped: 2026-01-01
YAML
t import evil.yaml >/dev/null
printf 'object,user,time,kind,step,variant,alias,label\nevil,u1,2025-12-20T00:00:00Z,received_email,,,,\n' >evil.csv
t import evil.csv >/dev/null
t sweep >/dev/null
t restore evil --wait >/dev/null 2>&1
eq "$(mails box1)" 2 "second mail"
info=$($PY "$TESTS/integration/read_mail.py" box1/2.eml)
contains "$info" "Bcc: None" "no Bcc header injected"
contains "$info" "X-Injected: None" "no header injected"
contains "$info" "header_names: Auto-Submitted,Content-Transfer-Encoding,Content-Type,Date,From,MIME-Version,Message-ID,Subject,To" "exactly our headers"
contains "$info" "body_has_escape: False" "no escape character in the body"
contains "$info" "Evil^M^JBcc: victim@example.com^M^JX-Injected: yes^[[31m" "the name shown harmlessly"
eq "$(cat box1/2.rcpt | sort | tr '\n' ' ')" "dba@example.org operator@example.org " "no recipient added"

# --- server down: queued, retried with back-off, delivered exactly once --
stop_server
t restore summer-sale --wait >/dev/null 2>&1
out=$(t jobs 3)
contains "$out" "mail: queued" "mail waits while the server is down"
contains "$out" "Couldn't connect" "the reason is shown"
eq "$(state_of summer-sale)" available "a mail failure never blocks the restore"
"$THAW" --db "$WS" worker >worker.log 2>&1 &
WORKER=$!
sleep 1.5
start_server box2
for _ in $(seq 100); do [ "$(mails box2)" -ge 1 ] && break; sleep 0.1; done
sleep 1.5 # a duplicate would arrive meanwhile
kill -TERM "$WORKER"; wait "$WORKER"
eq "$(mails box2)" 1 "delivered once the server is up, exactly once"
contains "$(t jobs 3)" "mail: sent" "then marked sent"
contains "$($PY "$TESTS/integration/read_mail.py" box2/1.eml)" "summer-sale" "the right mail"
stop_server

# --- permanent failure: failed at once, with the code -------------------
start_server box3 --reject 550
job=$(t restore --tag nosuch 2>/dev/null; t restore spring-sale --json | jq -r '.[0].id')
t worker --once >/dev/null 2>&1
out=$(t jobs "$job")
contains "$out" "mail: failed" "5xx fails without retrying"
contains "$out" "550" "the SMTP code is shown"
eq "$(mails box3)" 0 "nothing delivered"
stop_server

# --- at-least-once: a worker that dies after the server accepted --------
# (needs the fault-injection point: the sanitizer build of .ci/test has it)
THAW_NOW=2027-04-01T00:00:00Z t sweep >/dev/null
export THAW_NOW=2027-04-01T00:00:00Z
if [ "$THAW_TEST_HOOKS" = 1 ]; then
	start_server box4
	THAW_TEST_DIE_AFTER_SEND=1 "$THAW" --db "$WS" restore spring-sale --wait >/dev/null 2>&1
	eq "$?" 99 "died right after the server accepted"
	eq "$(mails box4)" 1 "the server has the mail"
	sleep 0 # the claim lasts connect+total timeout+30 s; take it over now:
	ws_sql "UPDATE outbox SET next_attempt_at=0 WHERE state='sending'"
	t worker --once >/dev/null 2>&1
	eq "$(mails box4)" 2 "sent again after the crash (at-least-once)"
	id1=$($PY "$TESTS/integration/read_mail.py" box4/1.eml | sed -n 's/^Message-ID: //p')
	id2=$($PY "$TESTS/integration/read_mail.py" box4/2.eml | sed -n 's/^Message-ID: //p')
	eq "$id2" "$id1" "the duplicate has the same Message-ID"
	stop_server
else
	echo "skip: at-least-once after a crash needs a build with -Dtest_hooks=true"
fi

# --- a server that accepts the mail and never answers QUIT ---------------
start_server box6 --silent-quit
TIMEOUT=3 write_config ""
start=$SECONDS
exit_code 0 "a mail test against a server that hangs at QUIT" t mail test someone@example.org
took=$((SECONDS - start))
[ "$took" -le 8 ] || fail "the hanging QUIT held thaw for $took s (timeout 3 s)"
eq "$(mails box6)" 1 "the mail was accepted"
stop_server
start_server box7
RECIPIENTS=$(seq -s, -f 'r%g@example.org' 70) write_config ""
t restore winback >/dev/null 2>&1 # not expired: the job ends at once, its mail queued
t worker --once >/dev/null 2>&1
eq "$(wc -w <box7/1.rcpt)" 71 "a completion mail reaches all 70 configured recipients and the operator"
stop_server

# --- a recipient refused: the others get it, and the job says who did not ----
start_server box8 --refuse r3@example.org
RECIPIENTS=r1@example.org,r2@example.org,r3@example.org write_config ""
job=$(t restore winback --json | jq -r '.[0].id')
t worker --once >/dev/null 2>&1
eq "$(sort box8/1.rcpt | tr '\n' ' ')" "operator@example.org r1@example.org r2@example.org " "the others got it"
out=$(t jobs "$job")
contains "$out" "mail: sent (partly delivered: refused for r3@example.org (550 5.1.1 <r3@example.org>: no such user here))" "who did not, with the server's reason"
stop_server

# --- every recipient refused: the RCPT reply is the reason, not the goodbye ----
start_server box9 --reject 550
write_config ""
job=$(t restore winback --json | jq -r '.[0].id')
t worker --once >/dev/null 2>&1
out=$(t jobs "$job")
contains "$out" "mail: failed" "refused everywhere: failed"
contains "$out" "550 5.1.1" "the RCPT reply is shown"
not_contains "$out" "221" "not the reply to QUIT"
stop_server

# --- the message sent and never answered: it may have arrived --------------
start_server box10 --silent-data
TIMEOUT=3 write_config ""
job=$(t restore winback --json | jq -r '.[0].id')
start=$SECONDS
t worker --once >/dev/null 2>&1
[ $((SECONDS - start)) -le 10 ] || fail "an unanswered message held the worker $((SECONDS - start)) s (timeout 3 s)"
out=$(t jobs "$job")
contains "$out" "mail: queued (sent but not answered, so it may have arrived; retried in 60 min" "said, and retried late"
t worker --once >/dev/null 2>&1
eq "$(mails box10)" 1 "not sent again at once"
stop_server

# --- a worker stopped while a server keeps it waiting stops at once -------------
start_server box12 --silent-data
TIMEOUT=60 write_config ""
t restore winback >/dev/null 2>&1
"$THAW" --db "$WS" worker 2>/dev/null &
worker=$!
for _ in $(seq 100); do [ "$(mails box12)" = 1 ] && break; sleep 0.1; done
eq "$(mails box12)" 1 "the message reached the silent server"
start=$SECONDS
kill -TERM "$worker"
wait "$worker"
[ $((SECONDS - start)) -le 3 ] || fail "SIGTERM waited $((SECONDS - start)) s for a silent mail server (timeout 60 s)"
stop_server

# --- accepted, then QUIT never answered: sent ------------------------------
start_server box11 --silent-quit
TIMEOUT=3 write_config ""
job=$(t restore winback --json | jq -r '.[0].id')
t worker --once >/dev/null 2>&1
contains "$(t jobs "$job")" "mail: sent" "accepted is sent, whatever QUIT does"
stop_server
write_config ""

# --- STARTTLS with a throw-away certificate, and AUTH --------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl"
start_server box5 --tls cert.pem key.pem --auth mailer:s3cret
write_config "  starttls: required
  ca_file: $WORK/cert.pem
  user: mailer
  password_env: THAW_TEST_SMTP_PASSWORD"
THAW_TEST_SMTP_PASSWORD=s3cret exit_code 0 "mail test over STARTTLS with AUTH" t mail test someone@example.org
contains "$(cat "$WORK/out")" "250 2.0.0 Ok: queued" "the server's answer is printed"
eq "$(mails box5)" 1 "test message delivered"
THAW_TEST_SMTP_PASSWORD=wrong exit_code 1 "wrong password" t mail test someone@example.org
contains "$(cat "$WORK/err")" "535" "authentication failure code"
not_contains "$(cat "$WORK/err")" "wrong" "the password is never printed"
write_config "  starttls: required
  user: mailer
  password_env: THAW_TEST_SMTP_PASSWORD"
THAW_TEST_SMTP_PASSWORD=s3cret exit_code 1 "certificate verified by default" t mail test someone@example.org
contains "$(cat "$WORK/err")" "certificate" "an unknown certificate is refused"
printf 's3cret\n' >pw && chmod 644 pw
write_config "  starttls: required
  ca_file: $WORK/cert.pem
  user: mailer
  password_file: $WORK/pw"
exit_code 1 "password file readable by others" t mail test someone@example.org
contains "$(cat "$WORK/err")" "pw can be read by anyone (mode 644): chmod 600" "password file refusal says how to fix"
chmod 600 pw && chown nobody pw
exit_code 1 "password file of another user" t mail test someone@example.org
contains "$(cat "$WORK/err")" "pw belongs to nobody, not to you: a secret must be your own file (mode 0600)" "names the owner"
chown "$(id -u)" pw
exit_code 0 "password file 0600" t mail test someone@example.org
stop_server

# --- mail not configured: a test of it fails, saying why -----------------
rm config.yaml
exit_code 1 "mail test without smtp" t mail test someone@example.org
eq "$(cat "$WORK/err")" "thaw: mail test: mail is off: smtp.url is not set in the configuration" "one line saying so"
contains "$(t jobs 1)" "mail: sent" "past mail state still shown"
finish
