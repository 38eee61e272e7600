#!/usr/bin/env bash
# make unit: every test of the main module under the race detector.
# Usage: unit.sh [--list]
#
# go's test cache keys a package's result on its test binary, the flags, and
# the environment variables and files inside the module the test process
# read, so a package whose tests only do that is run again exactly when
# something it depends on changed. What a program the test starts reads, the
# cache does not see: the docs test builds examples/, the kit's consumer
# test runs go on a module of its own, and so on. Those packages run every
# time (-count=1), or a cached pass would hide a change the cache cannot see:
# each package that, or whose tests, import os/exec, or a package of this
# module that imports it. contract/internal/prebuilt is the exception: the
# programs it starts (the suite's binary, the emulator, the replay command,
# the Ginkgo CLI) are built below into the module, replaced only when they
# change, and started in an environment the cache keys on, so the tests that
# start programs only through it (teeth, the replay loop, the stranger
# test) are cached until one of those programs changes.
set -euo pipefail
go=${GO:-go}
# Listed first, so that a package go cannot load fails the run here.
listing=$("$go" list -f '{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}' ./...)
module=$("$go" list -m)
starters=" os/exec "
while IFS='|' read -r pkg imports _; do
	if [[ " $imports " == *" os/exec "* && "$pkg" != "$module/contract/internal/prebuilt" ]]; then starters+="$pkg "; fi
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
# --list: print the two halves, a package a line, and run nothing.
if [ "${1:-}" = --list ]; then
	printf 'every time %s\n' "${exec_pkgs[@]}"
	printf 'cached %s\n' "${cached_pkgs[@]}"
	exit 0
fi

# The programs those tests run, built once for all of them into the module
# (go's test cache looks at files there and nowhere else), each kept as it
# is when the new build is byte for byte the same: its date, which the
# cache reads, then changes exactly when it does.
bins="$(pwd)/.cache/prebuilt"
mkdir -p "$bins"
tmp=$(mktemp -d "$bins/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
build() { # build <name> <package> <go command>...: go <command> -o <name> <package>
	"$go" "${@:3}" -o "$tmp/$1" "$2"
	cmp -s "$tmp/$1" "$bins/$1" || mv "$tmp/$1" "$bins/$1"
}
build contract.test ./contract test -c
build emulator ./contract/cmd/emulator build
build replay ./contract/cmd/replay build
build ginkgo github.com/onsi/ginkgo/v2/ginkgo build
export CERTCONTRACT_SUITE_TEST="$bins/contract.test" CERTCONTRACT_EMULATOR_BIN="$bins/emulator" \
	CERTCONTRACT_REPLAY_BIN="$bins/replay" CERTCONTRACT_GINKGO_BIN="$bins/ginkgo"

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
