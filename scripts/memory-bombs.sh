#!/usr/bin/env bash
# The memory bombs of issue 9 (items 5 and 6): small gzipped files that expand to gigabytes, and
# live tensors adding up past the limit. Makes the files (python3, gzip) in a temporary folder and
# prints each case's peak resident memory (/usr/bin/time) and how lrps ended, for two limits.
#   scripts/memory-bombs.sh [path/to/lrps]      (default .build/debug/lrps)
set -uo pipefail
lrps=${1:-.build/debug/lrps}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import gzip, os, struct, sys
d = sys.argv[1]
def npy(descr, shape, fortran=False):
    h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    while (10 + len(h) + 1) % 64: h += ' '
    h += '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode()
zeros = b'\0' * (1 << 24)
for name, header in [('u1.npy.gz', npy('|u1', '(1073741824,)')),
                     ('u1-fortran.npy.gz', npy('|u1', '(32768, 32768)', True))]:
    with gzip.open(os.path.join(d, name), 'wb') as f:
        f.write(header)
        for _ in range(64): f.write(zeros)
n = 1370000  # 28x28 images: just over the 1 GiB per-file cap
os.makedirs(os.path.join(d, 'mnist'))
with gzip.open(os.path.join(d, 'mnist/t10k-images-idx3-ubyte.gz'), 'wb') as f:
    f.write(struct.pack('>IIII', 0x803, n, 28, 28))
    for _ in range(n // 10000): f.write(b'\0' * (784 * 10000))
with gzip.open(os.path.join(d, 'mnist/t10k-labels-idx1-ubyte.gz'), 'wb') as f:
    f.write(struct.pack('>II', 0x801, n) + b'\0' * n)
os.makedirs(os.path.join(d, 'net'))
with gzip.open(os.path.join(d, 'net/l1-W.txt.gz'), 'wb') as f:  # 536 M lines of "0"
    for _ in range(32): f.write(b'0\n' * (1 << 24))
open(os.path.join(d, 'net/l1-B.txt'), 'w').write('0\n')
PY
for limit in 512M 4G; do
  for statement in "x = load tensor \"$dir/u1.npy.gz\"" "x = load tensor \"$dir/u1-fortran.npy.gz\"" \
                   "m = load mnist \"$dir/mnist\"" "n = load network \"$dir/net\"" \
                   'a = zeros(20000,20000); b = a+1; c = a+2; d = a+3'; do
    /usr/bin/time -f "%M %x" -o "$dir/peak" "$lrps" --memory-limit "$limit" -e "$statement" 2>"$dir/err" >/dev/null
    read -r peak status < <(tail -1 "$dir/peak")
    echo "--memory-limit $limit | peak $((peak / 1024)) MiB | status $status | $(grep -m1 'error' "$dir/err" | cut -c1-160) | $statement" | sed "s|$dir/||g"
  done
done
