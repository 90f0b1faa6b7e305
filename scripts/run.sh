#!/usr/bin/env bash
# make run: uses DATABASE_URL when set, otherwise a private PostgreSQL in
# .data/dev (installed with apt when missing and run as root); then
# migrates, loads the demo catalog (a no-op when loaded) and serves.
# Without JWT_HS256_SECRET or JWT_PUBLIC_KEY_FILE it makes a development
# secret, kept in .data/dev/jwt-secret so tokens outlive a restart, and
# prints how to mint the demo users' tokens.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/tthc}

if [ -z "${DATABASE_URL:-}" ]; then
	DATABASE_URL=$(scripts/pg.sh .data/dev tthc)
	export DATABASE_URL
fi
if [ -z "${JWT_HS256_SECRET:-}" ] && [ -z "${JWT_PUBLIC_KEY_FILE:-}" ]; then
	mkdir -p .data/dev
	if [ ! -s .data/dev/jwt-secret ]; then
		head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >.data/dev/jwt-secret
	fi
	JWT_HS256_SECRET=$(cat .data/dev/jwt-secret)
	export JWT_HS256_SECRET
	cat >&2 <<MSG
tthc: development token secret in .data/dev/jwt-secret. Demo users' tokens:
  export JWT_HS256_SECRET=\$(cat .data/dev/jwt-secret)
  $bin token --sub officer.doluong --name "Cán bộ Huyện Đô Lương" --role OFFICER --unit 40-DL
  $bin token --sub reviewer.nghean --name "Chuyên viên Sở Tư pháp Nghệ An" --role REVIEWER --unit 40
  $bin token --sub analyst --name "Chuyên viên phân tích" --role ANALYST
  $bin token --sub admin --name "Quản trị" --role ADMIN
In GraphiQL, add the header {"Authorization": "Bearer <token>"}.
MSG
fi
"$bin" migrate
"$bin" seed-demo
exec "$bin" serve
