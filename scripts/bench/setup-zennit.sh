#!/usr/bin/env bash
# Optional: installs zennit and PyTorch from PyPI for the zennit column of scripts/bench/run.sh.
# Only PyPI is reachable here, and PyPI's Linux torch wheel pulls the CUDA runtime wheels
# (nvidia-*), several GB in all, although the benchmark runs on the CPU. Hence opt-in.
set -euo pipefail
python3 -m pip install --upgrade torch zennit
python3 -c 'import torch, zennit; print("torch", torch.__version__, "zennit ok")'
