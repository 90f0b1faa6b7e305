#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL 15 cluster for this project and
# prints a DATABASE_URL for it on stdout. Everything else goes to stderr.
#
#   scripts/pg.sh DIR [DBNAME]
#
# DIR holds the cluster's data (e.g. .data/dev or .data/test). The server
# listens only on a Unix socket inside DIR, with trust authentication, so it
# needs no password and does not collide with any other server or port.
# As root, initdb and postgres run as the "postgres" user (they refuse root).
set -euo pipefail

dir=${1:?usage: scripts/pg.sh DIR [DBNAME]}
db=${2:-tthc}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

find_bin() {
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/1[6-9]/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
	done
	return 1
}

bin=$(find_bin || true)
if [ -z "$bin" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "pg.sh: installing PostgreSQL with apt-get" >&2
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2
		bin=$(find_bin)
	else
		echo "pg.sh: PostgreSQL server binaries not found." >&2
		echo "  Install them with: sudo apt-get install -y postgresql postgresql-contrib" >&2
		echo "  or set DATABASE_URL to an existing database." >&2
		exit 1
	fi
fi

# as_pg runs a command as the owner of the cluster.
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
	as_pg() { runuser -u postgres -- "$@"; }
	owner=postgres
else
	as_pg() { "$@"; }
	owner=$(id -un)
fi

pgdata=$dir/pgdata
sock=$dir/run
# A Unix socket path is limited to ~107 bytes; fall back to /tmp when the
# checkout lives deep in the file system.
if [ ${#sock} -gt 90 ]; then
	sock=/tmp/tthc-pg-$(printf '%s' "$dir" | md5sum | cut -c1-12)
fi
port=5432
log=$dir/postgres.log

mkdir -p "$sock"
if [ "$(id -u)" = 0 ]; then
	chown "$owner" "$dir" "$sock"
	# postgres must be able to reach its own directory.
	p=$dir
	while [ "$p" != / ]; do
		p=$(dirname "$p")
		chmod o+x "$p" 2>/dev/null || true
	done
fi

if [ ! -s "$pgdata/PG_VERSION" ]; then
	echo "pg.sh: creating cluster in $pgdata" >&2
	mkdir -p "$pgdata"
	[ "$(id -u)" = 0 ] && chown "$owner" "$pgdata"
	as_pg "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2 >/dev/null
	cat >>"$pgdata/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
shared_preload_libraries = 'pg_stat_statements'
fsync = ${PG_FSYNC:-on}
max_connections = 200
shared_buffers = 256MB
CONF
fi

if ! as_pg "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
	echo "pg.sh: starting PostgreSQL (log: $log)" >&2
	touch "$log"
	[ "$(id -u)" = 0 ] && chown "$owner" "$log"
	as_pg "$bin/pg_ctl" -D "$pgdata" -l "$log" -w -t 60 start >&2
fi

psql_pg() { "$bin/psql" -h "$sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
	psql_pg -c "CREATE DATABASE \"$db\"" >&2
fi

echo "postgres://postgres@/$db?host=$sock&port=$port&sslmode=disable"
