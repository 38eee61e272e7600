#!/usr/bin/env bash
# make unit: every test of the main module under the race detector.
#
# go's test cache keys a package's result on its test binary, the flags, and
# the environment variables and files the test process read, so a package
# whose tests only do that is run again exactly when something it depends on
# changed. A package that starts programs (it or its tests import os/exec,
# or its tests take the suite or the emulator from contract/internal/prebuilt)
# runs what the cache cannot see: teeth runs the suite's binary, the docs
# test builds examples/, and so on. Those run every time (-count=1): a cached
# pass would hide a spec that stopped catching its mutation.
set -euo pipefail
go=${GO:-go}
module=$("$go" list -m)
exec_pkgs=() cached_pkgs=()
while IFS='|' read -r pkg imports test_imports; do
	if [[ " $imports " == *" os/exec "* || " $test_imports " == *" os/exec "* ||
		" $test_imports " == *" $module/contract/internal/prebuilt "* ]]; then
		exec_pkgs+=("$pkg")
	else
		cached_pkgs+=("$pkg")
	fi
done < <("$go" list -f '{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}' ./...)

# The programs those tests run, built once for all of them.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$go" test -c -o "$tmp/contract.test" ./contract
"$go" build -o "$tmp/emulator" ./contract/cmd/emulator
export CERTCONTRACT_SUITE_TEST="$tmp/contract.test" CERTCONTRACT_EMULATOR_BIN="$tmp/emulator"

status=0
echo "$go test -race ${cached_pkgs[*]#"$module"/}"
"$go" test -race "${cached_pkgs[@]}" || status=1
echo "$go test -race -count=1 ${exec_pkgs[*]#"$module"/}"
"$go" test -race -count=1 "${exec_pkgs[@]}" || status=1
exit "$status"
