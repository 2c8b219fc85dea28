"""Writes Tests/LRPKitTests/Fixtures/random/numpy-random.txt: what numpy's legacy
RandomState(seed) draws, for RandomStateTests.swift (and the language's rand/randn/randint/permutation).

    python3 Tests/oracle/make_random_vectors.py

Needs numpy only (any venv: `python3 -m venv v && v/bin/pip install numpy`). The output is
deterministic. Each line is `NAME SEED v1 v2 ...` with floats written by repr (shortest round trip)
and integers in decimal. A `sequence` case draws several calls from one generator in a row, so the
cached second value of randn's polar Box-Muller pair and the generator state carry across calls.
"""

import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "random", "numpy-random.txt")


def text(values):
    return " ".join(repr(float(v)) if isinstance(v, (float, np.floating)) else str(int(v)) for v in values)


lines = []
for seed in [0, 1, 1234, 4294967295]:
    R = np.random.RandomState
    lines.append(f"rand {seed} " + text(R(seed).rand(500)))
    lines.append(f"randn {seed} " + text(R(seed).randn(501)))           # odd: ends on a fresh pair
    lines.append(f"randint-0-10 {seed} " + text(R(seed).randint(0, 10, 300)))
    lines.append(f"randint-neg5-7 {seed} " + text(R(seed).randint(-5, 7, 300)))
    lines.append(f"randint-0-10000 {seed} " + text(R(seed).randint(0, 10000, 300)))
    lines.append(f"randint-0-2pow40 {seed} " + text(R(seed).randint(0, 2**40, 100)))  # 64-bit draws
    lines.append(f"randint-0-1 {seed} " + text(R(seed).randint(0, 1, 5)))             # no draws
    lines.append(f"permutation-1 {seed} " + text(R(seed).permutation(1)))
    lines.append(f"permutation-10 {seed} " + text(R(seed).permutation(10)))
    lines.append(f"permutation-1000 {seed} " + text(R(seed).permutation(1000)))
    # One generator, several calls: randn(3) leaves a cached value that randn(2) starts with.
    r = R(seed)
    sequence = list(r.randn(3)) + list(r.rand(2)) + list(r.randn(2)) + list(r.randint(0, 100, 3)) \
        + list(r.permutation(5)) + list(r.randn(1))
    lines.append(f"sequence {seed} " + text(sequence))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write("# numpy " + np.__version__ + " RandomState; made by Tests/oracle/make_random_vectors.py\n")
    f.write("\n".join(lines) + "\n")
print("wrote", OUT, len(lines), "cases")
