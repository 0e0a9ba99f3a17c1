#!/usr/bin/env bash
# The worker-pool fault tests, over and over: their bugs have been races (a result lost with its worker, a task
# counted twice), which one run catches only by luck. Usage:
#   npm run stress -w @twinflow/stream [-- RUNS [--load]]
# RUNS defaults to 20. --load runs a busy loop on every core meanwhile, as a busy CI machine would.
# Prints one line per run and the tally; exits 1 if any run failed (its output is kept in a temporary file).
set -u
runs=${1:-20}
load=${2:-}
cd "$(dirname "$0")/.."
hogs=()
if [ "$load" = "--load" ]; then
  for _ in $(seq "$(nproc)"); do node -e 'for (;;) {}' & hogs+=($!); done
fi
trap 'for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done' EXIT
failed=0
for i in $(seq "$runs"); do
  log=$(mktemp -t twinflow-stress-XXXX.log)
  if npx ava test/faults.test.ts >"$log" 2>&1; then
    echo "run $i: $(grep -Eo '[0-9]+ tests? passed' "$log")"
    rm -f "$log"
  else
    failed=$((failed + 1))
    echo "run $i: FAILED (output in $log)"
  fi
done
echo "stress: $((runs - failed)) of $runs runs passed${load:+ (with a busy loop on every core)}"
[ "$failed" -eq 0 ]
