#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (XCTest); then the numeric tests
# again under other OpenBLAS kernels and widths of LRPKit's direct convolution (the last printed
# digit and the figures must not depend on the kernel). CI (.ci/run) then replays the committed
# fuzz inputs (scripts/fuzz-replay.sh).
# Ends with one line CI reads: "tests: N passed, N failed, N skipped". Exit status 0 only if the
# suite finished (XCTest printed its "All tests" line) with no failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
swift build --build-tests || exit 1

passed=0 failed=0 skipped=0 status=0

# Runs `swift test` with the given arguments into LOG and adds its counts, taken from XCTest's
# per-test lines (`Test Case '...' passed/failed/skipped`), to the totals. A run whose closing
# suite line is missing (a crash, a hang ended by a signal) fails whatever it counted.
run() {
  local log=$1; shift
  swift test --skip-build --disable-swift-testing "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  local p f s
  p=$(grep -cE "^Test Case '[^']*' passed" "$log")
  f=$(grep -cE "^Test Case '[^']*' failed" "$log")
  s=$(grep -cE "^Test Case '[^']*' skipped" "$log")
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if ! grep -qE "^Test Suite '(All tests|Selected tests)' (passed|failed)" "$log"; then
    echo "test.sh: $log: the suite did not finish (no closing 'Test Suite' line); see above" >&2
    status=1
  elif [ "$code" -ne 0 ] || [ "$f" -ne 0 ]; then
    status=1
  fi
}

run .test.log

# The numeric tests under other kernels. A kernel the CPU cannot run is left out (OpenBLAS would
# quietly fall back); the kernel in use is checked by KernelMatrixTests (LRPS_KERNEL).
# Everything that computes numbers or figures; the 10,000-image error count and the golden scripts
# without network arithmetic are left to the main run to keep the matrix short.
numeric="KernelMatrixTests|OracleTests|FastPathTests|DirectConvolutionTests|BatchingTests|LayerTests|TensorTests|ReadmeExampleTests"
numeric+="|TutorialTests.test(DeepTaylor|Figures|Logits|Sample)|GoldenTests|ReadmeTourTests|PictureTests"
golden=tutorial,oracle,networks
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
for kernel in Prescott Haswell SkylakeX; do
  case $kernel in
    Haswell) has avx2 fma || { echo "test.sh: no AVX2/FMA: Haswell kernels left out"; continue; } ;;
    SkylakeX) has avx512f avx512bw avx512dq avx512vl avx512cd || { echo "test.sh: no AVX-512: SkylakeX kernels left out"; continue; } ;;
  esac
  # LRPKit's own direct convolution at the matching vector width (the main run used the widest).
  case $kernel in Prescott) conv=sse2 ;; Haswell) conv=avx2 ;; SkylakeX) conv=avx512 ;; esac
  echo "test.sh: numeric tests under OPENBLAS_CORETYPE=$kernel LRPS_CONV_KERNEL=$conv"
  OPENBLAS_CORETYPE=$kernel LRPS_CONV_KERNEL=$conv LRPS_KERNEL=$kernel LRPS_GOLDEN=$golden run ".test-$kernel.log" --filter "$numeric"
done

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
