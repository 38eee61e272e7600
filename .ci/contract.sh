#!/usr/bin/env bash
# make contract: the suite through the ginkgo CLI go.mod pins, then the
# coverage table and the reports' paths, printed whether the suite passed,
# failed or was interrupted; ginkgo's status is kept either way.
# Usage: contract.sh <reports dir> <record file or ""> <ginkgo command> [ginkgo flags...]
set -u
reports=$1 record=$2
shift 2
# The trap lets ginkgo finish its cleanup after a Ctrl-C.
trap : INT
if [ -n "$record" ]; then
	mkdir -p "$(dirname "$record")"
	export CONTRACT_RECORD="$record"
fi
echo "$* ./contract"
status=0
"$@" ./contract || status=$?
if [ -f "$reports/coverage.txt" ]; then echo; cat "$reports/coverage.txt"; fi
echo
echo "Reports:"
for f in junit.xml coverage.json coverage.md coverage.txt; do
	if [ -f "$reports/$f" ]; then echo "  $reports/$f"; fi
done
if [ -n "$record" ] && [ -f "$record" ]; then
	echo "  $record (the recording: make replay HAR=$record)"
fi
exit "$status"
