#!/usr/bin/env bash
# The job summary: the coverage table, then every failure's reproduction,
# folded.
set -o pipefail
{
	if [ -f "$REPORTS/coverage.md" ]; then
		cat "$REPORTS/coverage.md"
	elif [ "$EXIT_CODE" = 2 ]; then
		echo "### certcontract-contract did not run the suite"
		echo
		echo "A setting or the preflight is wrong: the step's log says which one to fix."
	fi
	if [ -f "$REPORTS/reproductions.txt" ]; then
		echo
		echo "<details><summary>Reproductions of the failures</summary>"
		echo
		echo '```'
		# A job summary holds at most 1 MiB; the artifact holds all of it.
		head -c 500000 "$REPORTS/reproductions.txt"
		echo '```'
		echo "</details>"
	fi
} >>"$GITHUB_STEP_SUMMARY"
