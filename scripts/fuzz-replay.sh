#!/usr/bin/env bash
# Replays every committed fuzz input through its target, once: Fuzz/corpus/TARGET/* (the seeds
# and what fuzzing kept) and Fuzz/crashes/TARGET/* where committed (inputs that once crashed).
# No fuzzing time: a regression check that the loaders and the interpreter still take them all.
# Builds the fuzz package (Fuzz/, debug, libFuzzer's driver only: scripts/fuzz.sh adds the address
# sanitizer for real fuzzing). Prints "fuzz replay: N inputs, M targets" and fails on any crash.
set -uo pipefail
cd "$(dirname "$0")/.."
build=(swift build --package-path Fuzz --scratch-path Fuzz/.build -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld)
if ! "${build[@]}" > Fuzz/.build-replay.log 2>&1; then
  grep -v "Cannot export local symbol" Fuzz/.build-replay.log | tail -n 30 >&2
  echo "fuzz replay: the fuzz package did not build" >&2; exit 1
fi
bin=$("${build[@]}" --show-bin-path)
inputs=0 targets=0 status=0
for dir in Fuzz/corpus/*/; do
  target=$(basename "$dir")
  files=()
  for f in "$dir"* Fuzz/crashes/"$target"/*; do [ -f "$f" ] && files+=("$f"); done
  [ -x "$bin/$target" ] || { echo "fuzz replay: no target $target for $dir" >&2; status=1; continue; }
  # Given files (not folders), libFuzzer runs each once and stops at the first crash.
  if ! "$bin/$target" -timeout=20 -rss_limit_mb=2048 "${files[@]}" > "Fuzz/.replay-$target.log" 2>&1; then
    tail -n 30 "Fuzz/.replay-$target.log" >&2
    echo "fuzz replay: $target failed on one of its ${#files[@]} inputs (log: Fuzz/.replay-$target.log)" >&2
    status=1
  fi
  inputs=$((inputs + ${#files[@]})) targets=$((targets + 1))
done
echo "fuzz replay: $inputs inputs through $targets targets"
exit "$status"
