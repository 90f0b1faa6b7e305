#!/usr/bin/env bash
# make stop: stops every private PostgreSQL cluster that scripts/pg.sh
# started for this checkout: .data/dev (make run), .data/test (make test)
# and any other cluster under .data/, plus TEST_PG_DIR when it is set
# elsewhere. The data stays; the next make run or make test starts the
# cluster again.
#
#   scripts/stop.sh [DIR...]   only the clusters in DIR... (as given to pg.sh)
set -euo pipefail

dirs=()
for dir in "$@"; do
	dirs+=("$(cd "$dir" && pwd)/pgdata")
done
cd "$(dirname "$0")/.."
if [ $# -eq 0 ] && [ -d .data ]; then
	while IFS= read -r version; do
		dirs+=("$(dirname "$version")")
	done < <(find .data -path '*/pgdata/PG_VERSION' 2>/dev/null | sort)
fi
if [ $# -eq 0 ] && [ -n "${TEST_PG_DIR:-}" ] && [ -s "$TEST_PG_DIR/pgdata/PG_VERSION" ]; then
	dirs+=("$TEST_PG_DIR/pgdata")
fi

stopped=0
for pgdata in "${dirs[@]}"; do
	if [ ! -s "$pgdata/PG_VERSION" ]; then
		echo "stop: no PostgreSQL cluster in $pgdata" >&2
		continue
	fi
	# The cluster's own version names its binaries.
	pg_ctl=/usr/lib/postgresql/$(cat "$pgdata/PG_VERSION")/bin/pg_ctl
	if [ ! -x "$pg_ctl" ]; then
		echo "stop: $pgdata: $pg_ctl not found" >&2
		continue
	fi
	# PostgreSQL refuses root: run pg_ctl as the cluster's owner.
	as_owner=()
	if [ "$(id -u)" = 0 ]; then
		as_owner=(runuser -u "$(stat -c %U "$pgdata")" --)
	fi
	if "${as_owner[@]}" "$pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
		"${as_owner[@]}" "$pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
		echo "stop: stopped the PostgreSQL cluster in $pgdata"
		stopped=$((stopped + 1))
	fi
done
if [ "$stopped" = 0 ]; then
	echo "stop: no PostgreSQL cluster of this checkout is running"
fi
