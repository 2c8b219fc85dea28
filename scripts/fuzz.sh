#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, a separate package) with the fuzzer and address sanitizers
# and runs one of them for SECONDS.
#
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags...]
#   TARGET: one of Fuzz/Sources/Fuzz* (FuzzIDX FuzzNpy FuzzPNG FuzzWeights FuzzToolbox FuzzScript FuzzONNX ...)
# scripts/fuzz-replay.sh (run by scripts/test.sh) replays the committed inputs without fuzzing.
#
# Seeds come from Fuzz/corpus/TARGET (committed); inputs the fuzzer finds interesting go to
# Fuzz/work/TARGET (not committed); crashes, leaks and timeouts to Fuzz/crashes/TARGET/.
# Reproduce one:  Fuzz/.build/release/TARGET Fuzz/crashes/TARGET/crash-...
# The log (with the final execution count) is Fuzz/logs/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))

# SwiftPM links executables with main renamed to TARGET_main (each target defines it and enters
# libFuzzer's driver); gold mislinks the sanitizer runtimes, lld does not.
build=(swift build --package-path Fuzz --scratch-path Fuzz/.build -c release
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -g)
"${build[@]}" --product "$target" 2>&1 | grep -v "Cannot export local symbol" >&2
binary="$("${build[@]}" --show-bin-path)/$target"

mkdir -p "Fuzz/work/$target" "Fuzz/crashes/$target" Fuzz/logs
[ -d "Fuzz/corpus/$target" ] || { echo "fuzz: no seed corpus Fuzz/corpus/$target" >&2; exit 2; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
symbolizer=$(command -v llvm-symbolizer || ls "$(dirname "$(command -v swift)")/llvm-symbolizer" 2>/dev/null || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"

# Scripts stay short so that each run of the evaluator is quick.
max_len=65536
[ "$target" = FuzzScript ] && max_len=4096

# A dictionary of the target's syntax, when there is one (FuzzScript: postfix chains, blocks).
dictionary=()
[ -f "Fuzz/$target.dict" ] && dictionary=(-dict="Fuzz/$target.dict")

set +e
"$binary" "Fuzz/work/$target" "Fuzz/corpus/$target" "${dictionary[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
    -artifact_prefix="Fuzz/crashes/$target/" -print_final_stats=1 "$@" \
    2>&1 | tee "Fuzz/logs/$target.log" | grep -E "^#[0-9]+ *(INITED|DONE)|ERROR|stat::number_of_executed_units|crash-|leak-|timeout-|oom-" 
status=${PIPESTATUS[0]}
set -e
echo "fuzz: $target ran ${seconds}s, exit status $status (log Fuzz/logs/$target.log)"
exit "$status"
