#!/usr/bin/env bash
# make fuzz: runs every fuzz target in the module (each func Fuzz... in a
# _test.go file) for FUZZTIME (default 30s) each, one after the other.
# A failing input is written to the package's testdata/fuzz/<Target>/;
# once fixed, commit it: make test runs it from then on as a regression
# test, together with each target's seeds. FUZZ narrows the run to targets
# matching a regular expression, e.g. FUZZ=Legal make fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
filter=${FUZZ:-.}
failed=()
while read -r file target; do
	[[ $target =~ $filter ]] || continue
	pkg=./$(dirname "$file")
	echo "== $pkg $target ($fuzztime)"
	if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"; then
		failed+=("$pkg $target")
	fi
done < <(git ls-files -co --exclude-standard -- '*_test.go' |
	xargs -r grep -o -H -e '^func Fuzz[A-Za-z0-9_]*' | sed 's/:func / /' | sort)

if [ ${#failed[@]} -gt 0 ]; then
	printf 'fuzzing found failures in:\n' >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
