#!/usr/bin/env bash
# make fuzz: every Fuzz function of every module, each for FUZZTIME.
# go test -list names them, in the packages whose test files declare one
# (listing every package would build every test binary).
# Usage: fuzz.sh <fuzztime> <module dir>...
set -euo pipefail
fuzztime=$1
shift
go=${GO:-go}
targets=$(for m in "$@"; do
	"$go" -C "$m" list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./... |
		while read -r pkg dir files; do
			[ -n "$files" ] && (cd "$dir" && grep -qs '^func Fuzz' $files) || continue
			"$go" -C "$m" test -list '^Fuzz' "$pkg" | grep '^Fuzz' | sed "s|^|$m $pkg |"
		done
done)
[ -n "$targets" ] || { echo "no fuzz targets found" >&2; exit 1; }
echo "$targets" | while read -r m pkg target; do
	echo "--- $target in $pkg for $fuzztime"
	"$go" -C "$m" test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" "$pkg"
done
