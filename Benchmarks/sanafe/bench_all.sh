#!/bin/bash
# Runs every (workload, timing model, processing_threads) config 3 times,
# each in a fresh Python process; appends one JSON line per run to results.jsonl
set -euo pipefail
cd "$(dirname "$0")"
OUT=${OUT:-results.jsonl}
: > "$OUT"
for rep in 1 2 3; do
  for wl in "784-1000-10:100" "5-200-3:1000"; do
    name=${wl%%:*}; samples=${wl##*:}
    for timing in simple detailed; do
      for th in 1 2; do
        # With 2 processing threads on this 2-core box, libgomp's default
        # (active/spinning) wait policy is pathologically slow and erratic
        # (see results_run1_default_omp.jsonl); use passive waiting for th=2.
        if [ "$th" = 2 ]; then export OMP_WAIT_POLICY=PASSIVE; else unset OMP_WAIT_POLICY; fi
        python run_sanafe.py --workload "$name" --samples "$samples" \
            --steps-per-sample 50 --timing "$timing" --threads "$th" \
            2>>stderr.log | tail -1 | tee -a "$OUT" | cut -c1-160
      done
    done
  done
done
