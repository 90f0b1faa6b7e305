#!/usr/bin/env bash
# make run: uses DATABASE_URL when set, otherwise a private PostgreSQL in
# .data/dev (installed with apt when missing and run as root); then
# migrates, loads the demo catalog (a no-op when loaded) and serves.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/tthc}

if [ -z "${DATABASE_URL:-}" ]; then
	DATABASE_URL=$(scripts/pg.sh .data/dev tthc)
	export DATABASE_URL
fi
"$bin" migrate
"$bin" seed-demo
exec "$bin" serve
