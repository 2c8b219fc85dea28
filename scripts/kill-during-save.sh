#!/usr/bin/env bash
# kill -9 during `save` (issue 9, item 13): RUNS times, start lrps saving a 16 MB tensor over and
# over into one file, kill it with SIGKILL after a random delay, and count what is left: the target
# must always be a complete file (old or new), and the temporaries a kill leaves behind
# (.x.npy.lrps-tmp-PID-*) must be gone after the next save into that folder.
#   scripts/kill-during-save.sh [RUNS] [path/to/lrps]      (default 60, .build/debug/lrps)
set -uo pipefail
runs=${1:-60}
lrps=$(realpath "${2:-.build/debug/lrps}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$lrps" -e 'save rand(2048, 2048, seed=1) "x.npy"' || exit 1
size=$(stat -c %s x.npy)
left=0; incomplete=0; sizes=()
for ((i = 1; i <= runs; i++)); do
  "$lrps" -e 'x = rand(2048, 2048, seed=2)
for i in range(1000)
  save x "x.npy"
end' 2>/dev/null &
  pid=$!
  # Start-up and rand take about 1 s in a debug build, each save of 16 MB about 1.4 s.
  sleep "$(( RANDOM % 3 + 1 )).$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  [ "$(stat -c %s x.npy)" = "$size" ] || incomplete=$((incomplete + 1))
  for t in .x.npy.lrps-tmp-*; do
    [ -e "$t" ] || continue
    left=$((left + 1)); sizes+=("$(stat -c %s "$t")")
  done
  # What the next save does with them is checked once at the end; keep them until then.
done
before=$(ls -a | grep -c 'lrps-tmp' || true)
"$lrps" -e 'save ones(2) "y.npy"' || exit 1
after=$(ls -a | grep -c 'lrps-tmp' || true)
echo "kill -9 during save, $runs runs: target incomplete after $incomplete; a temporary was found after kills in $left checks (sizes in bytes: ${sizes[*]:-none})"
echo "temporaries before the next save into the folder: $before; after it: $after"
[ "$incomplete" = 0 ] && [ "$after" = 0 ]
