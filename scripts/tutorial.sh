#!/usr/bin/env bash
# Installs what is missing, builds lrps, and replays the whole tutorial (figures in out/tutorial/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product lrps
.build/release/lrps scripts/tutorial.lrps
