#!/usr/bin/env bash
# Runs certcontract-contract with the action's inputs (as environment
# variables, so that no input is ever read as shell), and keeps its exit
# status for the action's output: 0 passed, 1 the target broke the
# contract, 2 a setting or the preflight is wrong.
set -o pipefail

args=(--base-url "$BASE_URL" --project-id "$PROJECT_ID" --reports "$REPORTS")
[ -n "$LABELS" ] && args+=(--labels "$LABELS")
[ -n "$STATEFUL_STEPS" ] && args+=(--stateful-steps "$STATEFUL_STEPS")
[ -n "$SEED" ] && args+=(--seed "$SEED")
[ -n "$PROCS" ] && args+=(--procs "$PROCS")
[ "$EXCLUSIVE" = true ] && args+=(--exclusive)
[ "$FAULT_HEADER" = true ] && args+=(--fault-header)
if [ "$RECORD" = true ]; then
	mkdir -p "$REPORTS"
	args+=(--record "$REPORTS/recording.har")
fi
# More flags, split into words on purpose.
read -r -a extra <<<"$ARGS"

status=0
"$RUNNER_BIN" "${args[@]}" "${extra[@]}" || status=$?
echo "exit-code=$status" >>"$GITHUB_OUTPUT"
case $status in
0) ;;
1) echo "::error title=certcontract-contract::$BASE_URL broke the contract: the job summary has the coverage table and a reproduction of each failure ($REPORTS/reproductions.txt)" ;;
2) echo "::error title=certcontract-contract::the suite did not run: the line above says which setting to fix" ;;
*) echo "::error title=certcontract-contract::stopped with exit status $status" ;;
esac
exit "$status"
