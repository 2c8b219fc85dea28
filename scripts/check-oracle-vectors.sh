#!/usr/bin/env bash
# Shows that the committed oracle vectors come from the committed scripts and data: clones this
# repository's HEAD into a temporary folder, runs Tests/oracle/make_vectors.py there with its
# defaults (the clone's data/mnist and models/tutorial), and fails unless the clone is unchanged
# afterwards (every .npy and manifest.json byte-identical).
#
#     bash scripts/check-oracle-vectors.sh [PYTHON]    # default: python3; needs numpy only
#
# A Python with numpy: `python3 -m venv venv && venv/bin/pip install numpy`.
set -euo pipefail
python=${1:-python3}
root=$(cd "$(dirname "$0")/.." && pwd)
clone=$(mktemp -d "${TMPDIR:-/tmp}/lrps-oracle-XXXXXX")
trap 'rm -rf "$clone"' EXIT
git clone --quiet --no-hardlinks "$root" "$clone"
(cd "$clone" && "$python" Tests/oracle/make_vectors.py >/dev/null)
changes=$(git -C "$clone" status --porcelain -- Tests/LRPKitTests/Fixtures/oracle)
if [ -n "$changes" ]; then
  echo "make_vectors.py on a clean clone changed the committed vectors:"
  echo "$changes"
  exit 1
fi
echo "make_vectors.py on a clean clone of $(git -C "$clone" rev-parse --short HEAD) reproduces all $(git -C "$clone" ls-files Tests/LRPKitTests/Fixtures/oracle | wc -l) committed oracle files byte for byte"
