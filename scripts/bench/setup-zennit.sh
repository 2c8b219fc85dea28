#!/usr/bin/env bash
# Makes the benchmark-only Python environment for scripts/bench/run.sh's numpy and zennit columns:
#
#   scripts/bench/setup-zennit.sh                    # creates .venv-bench (ignored by git)
#   VENV=/path/to/venv scripts/bench/setup-zennit.sh
#   PYTHON=.venv-bench/bin/python scripts/bench/run.sh
#
# pip packages: numpy, torch, zennit. Not for CI: PyPI's Linux torch wheel pulls the CUDA runtime
# wheels (nvidia-*), several GB, although the benchmark runs on the CPU (where PyTorch's own
# index is reachable, `TORCH_INDEX=https://download.pytorch.org/whl/cpu` takes the CPU-only wheel).
# numpy's wheel brings its own OpenBLAS (a newer one than Debian's, which knows newer CPUs), and
# torch uses MKL / oneDNN: both baselines get kernels for the CPU they run on.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv-bench}
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
if [ -n "${TORCH_INDEX:-}" ]; then
  "$VENV/bin/python" -m pip install torch --index-url "$TORCH_INDEX"
fi
"$VENV/bin/python" -m pip install numpy torch zennit
"$VENV/bin/python" -c 'import numpy, torch, zennit; print("numpy", numpy.__version__, "torch", torch.__version__, "zennit ok")'
echo "now: PYTHON=$VENV/bin/python scripts/bench/run.sh"
