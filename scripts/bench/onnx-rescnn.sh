#!/usr/bin/env bash
# Issue 13's benchmark row: the residual CNN (ONNX from PyTorch) explained on 1,000 32x32 RGB
# images, lrps beside zennit, the same thread count for both. For scripts/bench/run.sh (owned by
# the perf helper) or on its own:
#
#   bash scripts/bench/onnx-rescnn.sh [THREADS] [RUNS]     # needs a release build and torch+zennit
#
# Prints `lrps-onnx-rescnn median_s min_s cpu_s maxrss_MB` (whole process, loading and the random
# images included) and `zennit-rescnn median_s min_s` (model setup included).
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-2}
RUNS=${2:-3}
PYTHON=${PYTHON:-python3}
[ -x .build/release/lrps ] || swift build -c release --product lrps >&2
OPENBLAS_NUM_THREADS=$THREADS taskset -c 0-$((THREADS - 1)) \
  python3 scripts/bench/time-process.py lrps-onnx-rescnn "$RUNS" -- .build/release/lrps scripts/bench/onnx-rescnn.lrps
"$PYTHON" scripts/bench/onnx_zennit.py --threads "$THREADS" --runs "$RUNS" || echo "zennit-rescnn skipped (torch or zennit missing)"
