# Two commands set everything up on a fresh Debian/Ubuntu machine:
#   make run    PostgreSQL (or $DATABASE_URL), migrations, demo catalog, server
#   make test   the whole suite against a private, throwaway PostgreSQL
.PHONY: run test build generate check-generate vet fmt bench bench-quick clean

BIN := bin/tthc

build:
	go build -o $(BIN) .

run: build
	scripts/run.sh $(BIN)

test:
	scripts/test.sh

generate:
	go generate ./...

# Fails when the generated GraphQL code is out of date with the schema.
check-generate: generate
	git diff --exit-code -- graph/

vet:
	go vet ./...
	test -z "$$(gofmt -l . | tee /dev/stderr)"

clean:
	rm -rf bin
