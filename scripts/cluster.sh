#!/usr/bin/env bash
# make cluster: the production topology on one machine. A PostgreSQL
# primary and a streaming replica of it (pg_basebackup -R), and two API
# instances that write to the primary and serve public reads from the
# replica; make stop stops it all. The data stays in .data/cluster.
#
#   scripts/cluster.sh up          everything, in .data/cluster, APIs on
#                                  ports $CLUSTER_PORTS (default "8081 8082")
#   scripts/cluster.sh db DIR      only the primary and the replica, in DIR;
#                                  prints the primary's URL, then the replica's
#   scripts/cluster.sh stop [DIR]  stops the API instances and both servers
#
# The primary is scripts/pg.sh's private cluster in DIR/primary (a Unix
# socket, trust authentication, whose default pg_hba.conf already lets
# local connections replicate). The replica, in DIR/replica, is a copy of
# it taken with pg_basebackup -R, which writes its primary_conninfo and
# standby.signal; it listens on a socket of its own. As root, PostgreSQL
# runs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

cmd=${1:-up}
dir=${2:-.data/cluster}

# socket_dir DIR: where the server of DIR listens (as scripts/pg.sh does:
# a Unix socket path is limited to ~107 bytes).
socket_dir() {
	local sock=$1/run
	if [ ${#sock} -gt 90 ]; then
		sock=/tmp/tthc-pg-$(printf '%s' "$1" | md5sum | cut -c1-12)
	fi
	echo "$sock"
}

if [ "$(id -u)" = 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

pg_bin() { echo "/usr/lib/postgresql/$(cat "$1/PG_VERSION")/bin"; }

# db DIR: starts (or reuses) the primary and the replica.
db() {
	mkdir -p "$1"
	local d
	d=$(cd "$1" && pwd)
	local primary
	primary=$(scripts/pg.sh "$d/primary" tthc)
	local psock rsock bin
	psock=$(socket_dir "$d/primary")
	rsock=$(socket_dir "$d/replica")
	bin=$(pg_bin "$d/primary/pgdata")
	local rdata=$d/replica/pgdata
	mkdir -p "$d/replica" "$rsock"
	[ "$(id -u)" = 0 ] && chown postgres "$d/replica" "$rsock"
	if [ ! -s "$rdata/PG_VERSION" ]; then
		echo "cluster.sh: copying the primary into $rdata (pg_basebackup -R)" >&2
		rm -rf "$rdata"
		as_pg "$bin/pg_basebackup" -h "$psock" -p 5432 -U postgres -D "$rdata" -R -X stream -c fast >&2
		# The copy listens on its own socket; the last setting wins.
		echo "unix_socket_directories = '$rsock'" >>"$rdata/postgresql.conf"
	fi
	if ! as_pg "$bin/pg_ctl" -D "$rdata" status >/dev/null 2>&1; then
		echo "cluster.sh: starting the replica (log: $d/replica/postgres.log)" >&2
		touch "$d/replica/postgres.log"
		[ "$(id -u)" = 0 ] && chown postgres "$d/replica/postgres.log"
		as_pg "$bin/pg_ctl" -D "$rdata" -l "$d/replica/postgres.log" -w -t 60 start >&2
	fi
	echo "$primary"
	echo "postgres://postgres@/tthc?host=$rsock&port=5432&sslmode=disable"
}

# stop DIR: the API instances started by up, then the replica and the
# primary.
stop() {
	local d=$1
	[ -d "$d" ] || return 0
	for pidfile in "$d"/api-*.pid; do
		[ -e "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		if kill "$pid" 2>/dev/null; then
			echo "cluster.sh: stopped the API instance $(basename "$pidfile" .pid) (pid $pid)"
		fi
		rm -f "$pidfile"
	done
	for pgdata in "$d/replica/pgdata" "$d/primary/pgdata"; do
		if [ -s "$pgdata/PG_VERSION" ] && as_pg "$(pg_bin "$pgdata")/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
			as_pg "$(pg_bin "$pgdata")/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
			echo "cluster.sh: stopped PostgreSQL in $pgdata"
		fi
	done
}

case $cmd in
db)
	db "$dir"
	;;
stop)
	stop "$dir"
	;;
up)
	{
		read -r primary
		read -r replica
	} < <(db "$dir")
	bin=bin/tthc
	[ -x "$bin" ] || go build -o "$bin" .
	if [ -z "${JWT_HS256_SECRET:-}" ] && [ -z "${JWT_PUBLIC_KEY_FILE:-}" ]; then
		[ -s "$dir/jwt-secret" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/jwt-secret"
		JWT_HS256_SECRET=$(cat "$dir/jwt-secret")
		export JWT_HS256_SECRET
	fi
	DATABASE_URL=$primary "$bin" migrate >&2
	DATABASE_URL=$primary "$bin" seed-demo >&2
	for port in ${CLUSTER_PORTS:-8081 8082}; do
		pidfile=$dir/api-$port.pid
		if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
			echo "cluster.sh: API instance on :$port already runs (pid $(cat "$pidfile"))"
			continue
		fi
		PORT=$port DATABASE_URL=$primary DATABASE_READ_URL=$replica \
			nohup "$bin" serve >"$dir/api-$port.log" 2>&1 &
		echo $! >"$pidfile"
		for _ in $(seq 1 100); do
			curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null && break
			kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$dir/api-$port.log" >&2; exit 1; }
			sleep 0.1
		done
		echo "cluster.sh: API instance on http://localhost:$port/graphql (log: $dir/api-$port.log)"
	done
	cat <<MSG
cluster.sh: primary   $primary
cluster.sh: replica   $replica
Tokens: export JWT_HS256_SECRET=\$(cat $dir/jwt-secret); bin/tthc token --sub admin --role ADMIN
Stop everything with: make stop
MSG
	;;
*)
	echo "usage: scripts/cluster.sh up | db DIR | stop [DIR]" >&2
	exit 2
	;;
esac
