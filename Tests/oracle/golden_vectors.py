"""Oracle vectors for the golden script networks.lrps: the tutorial MLP's relevance under every
LRP rule lrps offers beyond deep Taylor (lrp0, epsilon, gamma, w^2, flat), computed by the plain
numpy formulas of lrp_oracle.py in float64, for the sample `sample mnist 3 seed=1234`.

    python3 Tests/oracle/golden_vectors.py     (writes Tests/LRPKitTests/Fixtures/oracle/golden/)

Needs numpy only (pip install numpy); see Tests/oracle/README.md for the full oracle venv.
"""
import gzip
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import lrp_oracle as o  # noqa: E402

OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "oracle", "golden")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    count, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)


def main():
    images = read_idx(os.path.join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz"))
    idx = np.random.RandomState(1234).randint(0, 10000, 3)
    X = images[idx].astype(np.float64).reshape(3, 784) / 255.0 * 2.0 - 1.0
    layers = []
    for name in ["l1", "l2", "l3"]:
        W = np.loadtxt(os.path.join(ROOT, "models", "tutorial", "mlp", name + "-W.txt"))
        B = np.loadtxt(os.path.join(ROOT, "models", "tutorial", "mlp", name + "-B.txt"))
        layers += [o.Linear(W, B), o.ReLU()]
    net = o.Network(layers[:-1])  # networks.lrps's net ends with the last linear layer
    Y = net.forward(X)
    labels = np.frombuffer(gzip.open(os.path.join(ROOT, "data", "mnist", "t10k-labels-idx1-ubyte.gz")).read(),
                           np.uint8, offset=8)[idx]
    assert list(labels) == [2, 1, 0]
    T = np.eye(10)[labels]
    ident = {"name": "identity"}
    rules = {
        "lrp0": {"name": "lrp0"},
        "epsilon": {"name": "epsilon", "epsilon": 0.01},
        "gamma": {"name": "gamma", "gamma": 0.25},
        "wsquare": {"name": "wsquare"},
        "flat": {"name": "flat"},
    }
    os.makedirs(OUT, exist_ok=True)
    for key, rule in rules.items():
        R = net.relprop(Y * T, X, [rule, ident, rule, ident, rule])
        np.save(os.path.join(OUT, f"mlp3_{key}.npy"), R.astype(np.float32))
        print(key, R.shape, R.sum(1))


if __name__ == "__main__":
    main()
