#!/usr/bin/env bash
# Issue-12 benchmark: attribution methods and pixel flipping, lrps beside Captum / PyTorch on the CPU
# with the same thread count, in one run. Rows (target: lrps at least 3x faster on each):
#   integrated - integrated gradients, 32 steps, baseline 0, all 10,000 digits, tutorial CNN
#   occlusion  - occlusion 4x4 stride 2, baseline 0, the first 1,000 digits, tutorial CNN
#   pixelflip  - pixel flipping, 100 single-pixel steps, all 10,000 digits, tutorial CNN,
#                ranked by a given gradient x input (not timed), perturbed by -1 (PyTorch: the same
#                algorithm batched, Captum has no pixel flipping)
#
#   scripts/bench/methods.sh             # RUNS=3 THREADS=$(nproc) PYTHON=/work/.venv-oracle/bin/python
#   DIGITS=1000 scripts/bench/methods.sh # a quick run on the first 1,000 digits (occlusion: 100)
#
# lrps rows: the whole `lrps` process (release build) minus a process that only loads the data and
# nets (scripts/bench/load-only.lrps), median of RUNS. Captum rows: scripts/bench/methods_captum.py,
# work alone (data loaded beforehand). Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
CAPTUM_RUNS=${CAPTUM_RUNS:-$RUNS}   # Captum's rows take minutes each on all 10,000 digits
DIGITS=${DIGITS:-10000}        # integrated and pixelflip; occlusion takes a tenth
THREADS=${THREADS:-$(nproc)}   # lrps uses every core; torch gets the same count
PYTHON=${PYTHON:-python3}
# BUILD_PATH: where the release build goes (default .build); LRPS is its lrps.
BUILD_PATH=${BUILD_PATH:-.build}
swift build -c release --product lrps --build-path "$BUILD_PATH" >&2
LRPS=$BUILD_PATH/release/lrps
WHOLE="python3 scripts/bench/time-process.py"
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
setup='mnist = load mnist "data/mnist"
cnn = load network "models/tutorial/cnn"'
printf '%s\n' "$setup" > "$tmp/load.lrps"
printf "%s\nA = integrated cnn mnist[0:$DIGITS] pad=2 steps=32 baseline=0\n" "$setup" > "$tmp/integrated.lrps"
printf "%s\nA = occlusion cnn mnist[0:$((DIGITS / 10))] pad=2 window=4 stride=2 baseline=0\n" "$setup" > "$tmp/occlusion.lrps"
printf "%s\nR = gradxinput cnn mnist[0:$DIGITS] pad=2\n" "$setup" > "$tmp/pixelflip-setup.lrps"
printf "%s\nR = gradxinput cnn mnist[0:$DIGITS] pad=2\nP = pixelflip cnn mnist[0:$DIGITS] [R] pad=2 steps=100 patch=1 perturb=-1 random=false\n" "$setup" > "$tmp/pixelflip.lrps"
seconds() { $WHOLE "$1" "$RUNS" -- "$LRPS" "$2" | awk '{print $2}'; }
load=$(seconds load "$tmp/load.lrps")
ig=$(seconds integrated "$tmp/integrated.lrps")
occ=$(seconds occlusion "$tmp/occlusion.lrps")
pfs=$(seconds pixelflip-setup "$tmp/pixelflip-setup.lrps")
pf=$(seconds pixelflip "$tmp/pixelflip.lrps")
ours_ig=$(echo "$ig - $load" | bc -l); ours_occ=$(echo "$occ - $load" | bc -l); ours_pf=$(echo "$pf - $pfs" | bc -l)
theirs=$("$PYTHON" scripts/bench/methods_captum.py --runs "$CAPTUM_RUNS" --threads "$THREADS" --digits "$DIGITS")
echo "$theirs" >&2
echo "| row | lrps (s) | Captum / PyTorch (s) | speed-up | target |"
echo "|---|---|---|---|---|"
for row in integrated occlusion pixelflip; do
  case $row in integrated) ours=$ours_ig;; occlusion) ours=$ours_occ;; pixelflip) ours=$ours_pf;; esac
  t=$(echo "$theirs" | awk -v r=$row '$1 == r {print $2}')
  printf '| %s | %.2f | %s | %s | >= 3x |\n' "$row" "$ours" "${t:-n/a}" "$( [ -n "$t" ] && printf '%.1fx' "$(echo "$t / $ours" | bc -l)" || echo n/a)"
done
echo "(digits $DIGITS, threads $THREADS, lrps runs $RUNS, Captum runs $CAPTUM_RUNS, load average $(cut -d" " -f1-3 /proc/loadavg), $(date -u +%F), loading ($load s) subtracted)"
