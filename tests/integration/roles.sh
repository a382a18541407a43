# Roles on a workspace shared by a team, with real users made for the test
# (removed at the end): a viewer who may write the workspace file cannot
# make themself an admin with a configuration of their own, cannot replace
# the workspace with a demo, and their refusals are on record; a team's
# shared configuration (root's) makes an admin.
. "$TESTS/integration/lib.sh"
only_on_sqlite "roles by file modes (integration/postgres tests roles on a server)"
if [ "$(id -u)" != 0 ]; then
	echo "creating users needs root: skipped"
	exit 77
fi
GROUP=thawt$$ VIEWER=thawv$$ ADMIN=thawa$$ ADMINS=thawadm$$
groupadd "$GROUP" || fail "groupadd"
groupadd "$ADMINS" || fail "groupadd admins"
useradd -M -N -g "$GROUP" -s /usr/sbin/nologin "$VIEWER" || fail "useradd viewer"
useradd -M -N -g "$GROUP" -G "$ADMINS" -s /usr/sbin/nologin "$ADMIN" || fail "useradd admin"
trap 'userdel "$VIEWER"; userdel "$ADMIN"; groupdel "$GROUP"; groupdel "$ADMINS"; remove_work' EXIT

t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null || fail "import"
t sweep >/dev/null
# the team's directory and workspace: the group may write both
chgrp "$GROUP" "$WORK" "$WS" && chmod 2775 "$WORK" && chmod 660 "$WS"
t check >/dev/null # the owner's next command gives -wal and -shm the same modes
as() { local who=$1; shift; runuser -u "$who" -- env THAW_NOW="$THAW_NOW" "$THAW" --db "$WS" "$@"; }

# --- a personal configuration cannot raise a role -----------------------------
mkdir -m 755 mine && chown "$VIEWER" mine
cat >mine/config.yaml <<YAML
operators:
  default_role: admin
  people:
    $VIEWER: { role: admin }
YAML
chown "$VIEWER" mine/config.yaml && chmod 644 mine/config.yaml
exit_code 1 "a viewer's own config does not make them admin" as "$VIEWER" --config mine/config.yaml restore spring-sale
contains "$(cat "$WORK/err")" "$VIEWER is a viewer here: restore needs the admin role" "refused with the reason"
exit_code 1 "nor through THAW_CONFIG" runuser -u "$VIEWER" -- env THAW_CONFIG="$WORK/mine/config.yaml" \
	THAW_NOW="$THAW_NOW" "$THAW" --db "$WS" cancel 1
eq "$(state_of spring-sale)" expired "nothing was restored"
exit_code 1 "nor can they replace the workspace with a demo" as "$VIEWER" --config mine/config.yaml demo --force
contains "$(cat "$WORK/err")" "replacing a workspace with a demo (--force) needs the admin role" "demo --force refused"
eq "$(t list --json | jq length)" 8 "the team's workspace is still there"
refusals=$(t audit --json | jq -r "[.[] | select(.action == \"refused\" and .operator == \"$VIEWER\")] | length")
eq "$refusals" 3 "every refusal is in the audit log, under the viewer's name"

# a viewer who may not even write the workspace: the refusal goes to the system log, and they are told
mkdir -m 755 readonly && cp "$WS" readonly/ws.db && chmod 644 readonly/ws.db
exit_code 1 "a viewer who cannot write the workspace" runuser -u "$VIEWER" -- env THAW_NOW="$THAW_NOW" \
	"$THAW" --db "$WORK/readonly/ws.db" restore spring-sale
contains "$(cat "$WORK/err")" "recorded in the system log, the workspace being read-only for you" "says where the refusal went"

# --- a shared configuration (root's) decides ----------------------------------
cat >team.yaml <<YAML
operators:
  people:
    $ADMIN: { role: admin }
    $VIEWER: { role: viewer }
YAML
chmod 644 team.yaml
exit_code 0 "the team's configuration makes an admin" as "$ADMIN" --config team.yaml restore spring-sale --wait
eq "$(state_of spring-sale)" available "restored by the team's admin"
contains "$(t audit)" "$ADMIN" "on record under their name"
exit_code 1 "and keeps a viewer a viewer" as "$VIEWER" --config team.yaml sweep
# a personal configuration may lower a role: the admin's own file says viewer
mkdir -m 755 theirs && chown "$ADMIN" theirs
printf 'operators:\n  people:\n    %s: { role: viewer }\n' "$ADMIN" >theirs/config.yaml
chown "$ADMIN" theirs/config.yaml
exit_code 1 "an admin's own config can only lower them" as "$ADMIN" --config theirs/config.yaml sweep

# --- the team's layout the README gives: admins write, viewers only read ---------
# $WORK/team: root and the team only (0750); team/ws: its files, written by
# the admins' group (2775); ws.db 0664 in it: readable by the team, writable
# by the admins
chgrp "$GROUP" "$WORK" && chmod 0755 "$WORK"
mkdir -p team/ws && chgrp "$GROUP" team && chmod 0750 team && chgrp "$ADMINS" team/ws && chmod 2775 team/ws
TEAM_WS=$WORK/team/ws/ws.db
"$THAW" --db "$TEAM_WS" import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null || fail "team import"
"$THAW" --db "$TEAM_WS" sweep >/dev/null
chmod 664 "$TEAM_WS"
"$THAW" --db "$TEAM_WS" check >/dev/null # the owner's next command gives -wal and -shm the same modes
team() { local who=$1; shift; runuser -u "$who" -- env THAW_NOW="$THAW_NOW" "$THAW" --config "$WORK/team.yaml" --db "$TEAM_WS" "$@"; }
exit_code 0 "a viewer reads the team's workspace" team "$VIEWER" list
contains "$(cat "$WORK/out")" "Spring sale" "and sees it"
eq "$(find team -user "$VIEWER" | wc -l)" 0 "a viewer's read leaves no file of theirs behind"
exit_code 0 "an admin restores after the viewer's read" team "$ADMIN" restore spring-sale --wait
exit_code 0 "the viewer reads while the admin's log is there" team "$VIEWER" list --state available
contains "$(cat "$WORK/out")" "spring-sale" "and sees the restore"
exit_code 0 "the owner writes after the admin" "$THAW" --db "$TEAM_WS" sweep
runuser -u "$VIEWER" -- sqlite3 "$TEAM_WS" "DELETE FROM audit" 2>/dev/null &&
	fail "a viewer changed the team's workspace with sqlite3"
[ "$(t --db "$TEAM_WS" audit --json 2>/dev/null | jq length)" != 0 ] || true
exit_code 0 "thaw check finds the layout sound" "$THAW" --config "$WORK/team.yaml" --db "$TEAM_WS" check
contains "$(cat "$WORK/out")" "only admins may write the workspace" "and says so"
# the same directory opened to the viewers' group: check names the file and the viewer
chgrp "$GROUP" "$TEAM_WS" && chmod 664 "$TEAM_WS"
exit_code 1 "thaw check finds a workspace viewers may write" "$THAW" --config "$WORK/team.yaml" --db "$TEAM_WS" check
contains "$(cat "$WORK/out")" "ws.db: group $GROUP may write it, and viewers are in it: $VIEWER" "naming the group and the viewer"
chmod 666 "$TEAM_WS"
exit_code 1 "and one anyone may write" "$THAW" --config "$WORK/team.yaml" --db "$TEAM_WS" check
contains "$(cat "$WORK/out")" "ws.db: anyone on this host may write it" "saying so"
finish
