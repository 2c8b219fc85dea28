#!/usr/bin/env bash
# Installs the C libraries lrps links (Debian/Ubuntu packages) when any is missing.
# Safe to run repeatedly; does nothing when all are present.
set -euo pipefail
packages=(libopenblas-dev libpng-dev zlib1g-dev libedit-dev libzmq3-dev pkg-config
          python3-jupyter-client jupyter-nbconvert python3-nbformat)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: the Swift toolchain is not on PATH (see swift.org)" >&2; exit 1; }
