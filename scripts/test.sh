#!/usr/bin/env bash
# make test: starts a private PostgreSQL in .data/test (installing it with
# apt when missing and run as root), then runs every test against it. Each
# test gets its own database cloned from a migrated template.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests need no durability: a crash only loses a throwaway cluster.
export PG_FSYNC=off
# TEST_PG_DIR lets several checkouts or people share a machine.
TEST_DATABASE_URL=$(scripts/pg.sh "${TEST_PG_DIR:-.data/test}" postgres)
export TEST_DATABASE_URL
# Templates are named after this run, so none is reused from a run that
# had other code; drop what earlier runs left.
TEST_RUN_ID=$(date +%s%N)
export TEST_RUN_ID
psql "$TEST_DATABASE_URL" -qtA -c "SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\_%' OR datname LIKE 'test\_%'" |
	while read -r db; do
		psql "$TEST_DATABASE_URL" -q -c "ALTER DATABASE \"$db\" IS_TEMPLATE false" -c "DROP DATABASE \"$db\" WITH (FORCE)" >/dev/null
	done

# The national data set takes minutes to generate: build its template now,
# beside the installs, vet, compilation and the packages that do not read
# it. The tests that do wait for it (one advisory lock per template).
# The test binary runs in the background, not `go test`, so that the trap
# stops it when this script stops early.
go test -c -o .data/testdb.test ./internal/testdb/
.data/testdb.test -test.run '^TestNationalTemplate$' -test.timeout 30m >.data/national-template.log 2>&1 &
national=$!
trap 'kill "$national" 2>/dev/null || true' EXIT

# The browser test drives Chromium, and the GraphQL-over-HTTP audit runs
# graphql-http under Node: install what is missing (apt as root), or say
# what to install.
need_apt=()
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "${CHROMIUM:-}" ] || need_apt+=(chromium)
command -v node >/dev/null && command -v npm >/dev/null || need_apt+=(nodejs npm)
# TestNginxExample runs deploy/nginx.conf.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
if [ ${#need_apt[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "test.sh: installing ${need_apt[*]} with apt-get" >&2
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2
	else
		echo "test.sh: missing ${need_apt[*]}: install with sudo apt-get install -y ${need_apt[*]}" >&2
		exit 1
	fi
fi
audit=internal/httpserver/testdata/graphql-http
if [ ! -d "$audit/node_modules" ] || [ "$audit/package-lock.json" -nt "$audit/node_modules" ]; then
	npm ci --prefix "$audit" --no-audit --no-fund >&2
	touch "$audit/node_modules"
fi

go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
# The generated GraphQL code must match the schema: regenerating changes
# nothing in a clean checkout.
if git rev-parse --git-dir >/dev/null 2>&1 && git diff --quiet -- graph/; then
	go run github.com/99designs/gqlgen generate
	if ! git diff --quiet -- graph/; then
		echo "graph/ is out of date with graph/schema: run 'make generate' and commit" >&2
		git diff --stat -- graph/ >&2
		exit 1
	fi
fi
# The national-scale fixtures take minutes on a busy two-core machine: a
# generous deadline, so only a hang fails for time.
status=0
go test -count=1 -timeout 30m ./... "$@" || status=$?
if ! wait "$national"; then
	echo "test.sh: building the national data set failed:" >&2
	cat .data/national-template.log >&2
	status=1
fi
exit "$status"
