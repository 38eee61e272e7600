#!/usr/bin/env bash
# make fuzz: every Fuzz function of every module, each for FUZZTIME.
# They are read from the test files: go test -list would link a test binary
# per package only to name them.
# Usage: fuzz.sh <fuzztime> <module dir>...; FUZZFLAGS adds go test flags.
set -euo pipefail
fuzztime=$1
shift
go=${GO:-go}
targets=$(for m in "$@"; do
	"$go" -C "$m" list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./... |
		while read -r pkg dir files; do
			[ -n "$files" ] || continue
			(cd "$dir" && sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*\*testing\.F).*/\1/p' $files) | sed "s|^|$m $pkg |"
		done
done)
[ -n "$targets" ] || { echo "no fuzz targets found" >&2; exit 1; }
echo "$targets" | while read -r m pkg target; do
	echo "--- $target in $pkg for $fuzztime"
	# shellcheck disable=SC2086 # FUZZFLAGS is a list of flags
	"$go" -C "$m" test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" ${FUZZFLAGS:-} "$pkg"
done
