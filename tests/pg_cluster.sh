# A throw-away PostgreSQL 15 cluster for the tests (sourced): initdb and
# pg_ctl in a temporary directory, listening on a Unix socket only (no TCP
# port), run as an unprivileged user (`postgres` when the tests run as
# root: the server refuses root).  pg_start exports PG_SOCKET; pg_new_db
# NAME creates an empty database and prints its URI
# (postgresql://%2Ftmp%2Fthaw-pg-…/NAME, the user in PGUSER); pg_crash stops the
# server at once and pg_server_start starts it again; pg_stop stops the
# server and removes everything.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=

pg_as_owner() { # runs a server command as the cluster's owner
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

pg_start() {
	if [ ! -x "$PG_BIN/initdb" ]; then
		echo "PostgreSQL 15 is not installed ($PG_BIN): sh .ci/install-deps" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d /tmp/thaw-pg-XXXXXX)
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
	chmod 700 "$PG_DIR"
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync \
		-E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2
		return 1
	}
	# the socket directory must be reachable by the test's own user
	chmod 755 "$PG_DIR"
	export PG_SOCKET=$PG_DIR
	# the tests connect as the cluster's superuser; URIs name the socket's
	# directory percent-encoded, so they hold no character a shell or a
	# regular expression would read (no ? or &)
	export PGUSER=postgres
	pg_server_start
}

pg_server_start() {
	# fsync off: a killed server process still leaves its writes in the
	# kernel's cache, which is all the crash tests need
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c full_page_writes=off" start >/dev/null || {
		cat "$PG_DIR/server.log" >&2
		return 1
	}
}

pg_crash() { # the server dies at once, as in a power cut of its host (-m immediate)
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null
}

pg_new_db() { # pg_new_db NAME: an empty database, its URI on stdout
	psql -X -q -h "$PG_SOCKET" -U postgres -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
	echo "postgresql://$(echo "$PG_SOCKET" | sed 's|/|%2F|g')/$1"
}

pg_sql() { # pg_sql URI SQL: one value per line
	psql -X -q -A -t -d "$1" -c "$2"
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}
