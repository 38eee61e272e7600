#!/usr/bin/env bash
# make unit: every test of the main module under the race detector.
# Usage: unit.sh [--list]
#
# go's test cache keys a package's result on its test binary, the flags, and
# the environment variables and files the test process read, so a package
# whose tests only do that is run again exactly when something it depends on
# changed. A package that starts programs runs what the cache cannot see:
# teeth runs the suite's binary, the docs test builds examples/, and so on.
# Those run every time (-count=1), or a cached pass would hide a spec that
# stopped catching its mutation: each package that, or whose tests, import
# os/exec, or a package of this module that imports it (such as
# contract/internal/prebuilt, which hands tests the suite and the emulator).
set -euo pipefail
go=${GO:-go}
# Listed first, so that a package go cannot load fails the run here.
listing=$("$go" list -f '{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}' ./...)
starters=" os/exec "
while IFS='|' read -r pkg imports _; do
	if [[ " $imports " == *" os/exec "* ]]; then starters+="$pkg "; fi
done <<<"$listing"
exec_pkgs=() cached_pkgs=()
while IFS='|' read -r pkg imports test_imports; do
	starts=no
	for p in $imports $test_imports; do
		if [[ "$starters" == *" $p "* ]]; then starts=yes; fi
	done
	if [[ "$starters" == *" $pkg "* ]]; then starts=yes; fi
	if [ "$starts" = yes ]; then exec_pkgs+=("$pkg"); else cached_pkgs+=("$pkg"); fi
done <<<"$listing"
module=$("$go" list -m)
# --list: print the two halves, a package a line, and run nothing.
if [ "${1:-}" = --list ]; then
	printf 'every time %s\n' "${exec_pkgs[@]}"
	printf 'cached %s\n' "${cached_pkgs[@]}"
	exit 0
fi

# The programs those tests run, built once for all of them.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$go" test -c -o "$tmp/contract.test" ./contract
"$go" build -o "$tmp/emulator" ./contract/cmd/emulator
export CERTCONTRACT_SUITE_TEST="$tmp/contract.test" CERTCONTRACT_EMULATOR_BIN="$tmp/emulator"

# Both halves run even when the first fails, so that one run reports every
# failure; without a package, go test would test the current directory.
status=0
if [ ${#cached_pkgs[@]} -gt 0 ]; then
	echo "$go test -race ${cached_pkgs[*]#"$module"/}"
	"$go" test -race "${cached_pkgs[@]}" || status=1
fi
if [ ${#exec_pkgs[@]} -gt 0 ]; then
	echo "$go test -race -count=1 ${exec_pkgs[*]#"$module"/}"
	"$go" test -race -count=1 "${exec_pkgs[@]}" || status=1
fi
exit "$status"
