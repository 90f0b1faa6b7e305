# Two commands set everything up on a fresh Debian/Ubuntu machine:
#   make run    PostgreSQL (or $DATABASE_URL), migrations, demo catalog, server
#   make test   the whole suite against a private, throwaway PostgreSQL
#   make stop   stops the private PostgreSQL clusters those two started
#   make cluster  primary + streaming replica + two API instances (:8081, :8082)
.PHONY: run test fuzz stop cluster build generate check-generate graphiql vet fmt bench bench-quick clean

BIN := bin/tthc

build:
	go build -o $(BIN) .

run: build
	scripts/run.sh $(BIN)

test:
	scripts/test.sh

# Stops make cluster's API instances, then every private PostgreSQL
# cluster of this checkout (make run's, make test's, make cluster's).
stop:
	scripts/cluster.sh stop
	scripts/stop.sh

# Runs every fuzz target for FUZZTIME (default 30s) each; FUZZ=regexp
# picks some. make test already runs their seeds and testdata/fuzz inputs.
fuzz:
	scripts/fuzz.sh

# The production topology on this machine (data in .data/cluster): a
# PostgreSQL primary, a streaming replica, two API instances reading the
# public catalog from the replica. make stop stops it.
cluster: build
	scripts/cluster.sh up

generate:
	go generate ./...

# Rebuilds the embedded GraphiQL page (internal/graphiql/dist, committed)
# from the npm packages its package-lock.json pins.
graphiql:
	cd internal/graphiql && npm ci --no-audit --no-fund && npm run build

# Fails when the generated GraphQL code is out of date with the schema.
check-generate: generate
	git diff --exit-code -- graph/

vet:
	go vet ./...
	test -z "$$(gofmt -l . | tee /dev/stderr)"

# The load benchmark against PostGraphile v5 and raw SQL (pgbench):
# writes bench/RESULTS.md. See bench/README.md. bench-quick takes under
# three minutes; bench runs 8, 32 and 64 clients on national-scale data and
# a ten-minute memory soak (about 45 minutes, plus a few minutes the first
# time to generate the data).
bench:
	bench/run.sh full

bench-quick:
	bench/run.sh quick

clean:
	rm -rf bin
