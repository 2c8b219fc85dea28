#!/usr/bin/env bash
# Issue-4 benchmark: builds release, times every row (median of $RUNS runs, each row in its own
# process so peak memory is per row) and prints a markdown table beside the same work done, in the
# same run, by the tutorial's numpy algorithm (Tests/oracle/bench_numpy.py) and by zennit on
# PyTorch CPU (Tests/oracle/bench_zennit.py, when installed: scripts/bench/setup-zennit.sh).
#
#   scripts/bench/run.sh                 # everything
#   RUNS=5 NUMPY_RUNS=3 ZENNIT_RUNS=3 NUMPY_SUBSET=500 THREADS=2 SKIP_NUMPY=1 SKIP_ZENNIT=1 scripts/bench/run.sh
#   PYTHON=.venv-bench/bin/python scripts/bench/run.sh   # numpy and zennit from that venv
#
# Every command below prints one line: `name median_s min_s cpu_median_s peak_MB [GFLOP] [notes]`
# (LRPBench rows give the GFLOP of their matrix products; GFLOP/s is that over the wall median,
# beside the machine's large-sgemm rate on the same thread count, `LRPBench peak`).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-5}
NUMPY_RUNS=${NUMPY_RUNS:-3}
ZENNIT_RUNS=${ZENNIT_RUNS:-3}
NUMPY_SUBSET=${NUMPY_SUBSET:-500}   # CNN rows: numpy runs this many digits, times scaled to 10,000
THREADS=${THREADS:-2}
# DATA holds mnist/ and tutorial/{mlp,cnn}/; by default the repository's own copies.
if [ -z "${DATA:-}" ]; then
  DATA=$(mktemp -d)
  trap 'rm -rf "$DATA"' EXIT
  ln -s "$PWD/data/mnist" "$DATA/mnist"
  ln -s "$PWD/models/tutorial" "$DATA/tutorial"
fi
SCRATCH=${SCRATCH:-.build}   # swift build's scratch path for the release build
LRPBENCH=$SCRATCH/release/LRPBench
LRPS=$SCRATCH/release/lrps
PYTHON=${PYTHON:-python3}   # numpy and (when installed) torch + zennit: scripts/bench/setup-zennit.sh
WHOLE="python3 scripts/bench/time-process.py"   # times a whole process, start to exit

# One row per line: name | target (issues 4 and 16; every row also: faster than numpy and zennit) | our command | numpy row | zennit row. Add a row by adding a
# line; leave a baseline empty when it has no counterpart. LRPBench rows time the work alone
# (data loaded beforehand); `lrps` rows time the whole process, loading included.
ROWS=(
  "cnn-deeptaylor|<= 1.0 s, 256 MB; 5x zennit|$LRPBENCH cnn-deeptaylor --runs $RUNS --data $DATA|cnn-deeptaylor|cnn-deeptaylor"
  "mlp-deeptaylor|<= 0.3 s; 2x numpy, 10x zennit|$LRPBENCH mlp-deeptaylor --runs $RUNS --data $DATA|mlp-deeptaylor|mlp-deeptaylor"
  "cnn-forward|<= 0.25 s; 1.5x PyTorch|$LRPBENCH cnn-forward --runs $RUNS --data $DATA|cnn-forward|cnn-forward"
  "cnn-alphabeta|5x zennit|$LRPBENCH cnn-alphabeta --runs $RUNS --data $DATA|cnn-alphabeta|cnn-alphabeta"
  "mlp-forward|2x numpy, 10x zennit|$LRPBENCH mlp-forward --runs $RUNS --data $DATA|mlp-forward|mlp-forward"
  "lrps scripts/tutorial.lrps|<= 0.5 s, 150 MB|$WHOLE tutorial $RUNS -- $LRPS scripts/tutorial.lrps||"
  "lrps scripts/bench/cnn-deeptaylor.lrps||$WHOLE lrps-cnn-deeptaylor $RUNS -- $LRPS scripts/bench/cnn-deeptaylor.lrps||"
  "lrps scripts/bench/mlp-deeptaylor.lrps||$WHOLE lrps-mlp-deeptaylor $RUNS -- $LRPS scripts/bench/mlp-deeptaylor.lrps||"
  "lrps scripts/bench/cnn-errors.lrps||$WHOLE lrps-cnn-errors $RUNS -- $LRPS scripts/bench/cnn-errors.lrps||"
  "lrps scripts/bench/load-only.lrps||$WHOLE lrps-load-only $RUNS -- $LRPS scripts/bench/load-only.lrps||"
)

swift build -c release --scratch-path "$SCRATCH" --product LRPBench >&2
swift build -c release --scratch-path "$SCRATCH" --product lrps >&2

export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS
numpy() { "$PYTHON" Tests/oracle/bench_numpy.py "$1" --runs "$NUMPY_RUNS" --subset "$NUMPY_SUBSET" --data "$DATA"; }
zennit() { "$PYTHON" Tests/oracle/bench_zennit.py "$1" --runs "$ZENNIT_RUNS" --threads "$THREADS" --data "$DATA"; }
field() { awk -v k="$2" '{ print $k }' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else printf "-" }'; }

# The hardware's attainable rate on the same threads: a large cblas_sgemm, timed in this run.
peak=$($LRPBENCH peak --threads "$THREADS" --runs "$RUNS")
peakMedian=$(field "$peak" 2)

echo "| work (10,000 MNIST test digits) | target | lrps median s | min s | CPU s | peak MB | GFLOP | GFLOP/s | of sgemm peak | numpy s | numpy / lrps | zennit s | zennit / lrps | notes |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name target command numpyRow zennitRow <<<"$row"
  ours=$($command)
  median=$(field "$ours" 2)
  gflop="-"; rate="-"; share="-"
  if [[ "$command" == "$LRPBENCH"* ]]; then
    gflop=$(field "$ours" 6)
    rate=$(awk -v f="$gflop" -v t="$median" 'BEGIN { printf "%.1f", f / t }')
    share=$(awk -v r="$rate" -v p="$peakMedian" 'BEGIN { printf "%.0f %%", 100 * r / p }')
    notes=$(cut -d' ' -f7- <<<"$ours")
  else
    notes=$(cut -d' ' -f6- <<<"$ours")
  fi
  [[ "$notes" == "$ours" ]] && notes=""
  np="-"; npRatio="-"; zn="-"; znRatio="-"
  if [[ -n "$numpyRow" && -z "${SKIP_NUMPY:-}" ]]; then
    line=$(numpy "$numpyRow")
    np=$(field "$line" 2); npRatio=$(ratio "$np" "$median")
    np="$np (CPU $(field "$line" 4))"
    [[ "$line" == *scaled* ]] && np="$np, scaled from ${line##*scaled from }"
  fi
  if [[ -n "$zennitRow" && -z "${SKIP_ZENNIT:-}" ]]; then
    line=$(zennit "$zennitRow")
    if [[ "$line" == *skipped* ]]; then zn="not installed"
    else zn=$(field "$line" 2); znRatio=$(ratio "$zn" "$median"); zn="$zn (CPU $(field "$line" 4))"; fi
  fi
  echo "| $name | $target | $median | $(field "$ours" 3) | $(field "$ours" 4) | $(field "$ours" 5) | $gflop | $rate | $share | $np | $npRatio | $zn | $znRatio | $notes |"
done
echo
echo "Load average at the end (other processes share these cores): $(cut -d" " -f1-3 /proc/loadavg)."
echo "Machine: $(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) cores; $THREADS threads; lrps: median of $RUNS runs; numpy: median of $NUMPY_RUNS runs; zennit: median of $ZENNIT_RUNS runs."
echo "sgemm peak (3072^3 cblas_sgemm, $THREADS BLAS threads, median of $RUNS): $peakMedian GFLOP/s."
$LRPBENCH info | sed 's/^/lrps /'
"$PYTHON" -c 'import numpy; c = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]; print("numpy", numpy.__version__, "BLAS:", c.get("openblas configuration", c.get("name")))' 2>/dev/null || true
"$PYTHON" -c 'import torch; print("torch", torch.__version__, "CPU capability:", torch.backends.cpu.get_cpu_capability(), "threads: set to", '"$THREADS"')' 2>/dev/null || true
