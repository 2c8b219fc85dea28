"""The numbers the golden scripts tutorial.lrps and networks.lrps expect, computed by the numpy
oracle (lrp_oracle.py, float64) instead of copied from lrps's own output.

    python3 Tests/oracle/golden_numbers.py   (writes Tests/LRPKitTests/Fixtures/oracle/golden/numbers.json)

Each entry names a golden script, the line of an `# expect:` text, and the numbers that text must
show, in order. GoldenOracleTests reads every such line and checks each printed number against the
oracle's within half a unit of its last printed digit plus 1e-5 relative (Float32 arithmetic).
Needs numpy only (pip install numpy).
"""
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import lrp_oracle as o  # noqa: E402
from make_vectors import (CNN_DT, IDENT, MLP_DT, error_counts, read_idx,  # noqa: E402
                          tutorial_maps, tutorial_nets)

OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "oracle", "golden", "numbers.json")
MNIST = os.path.join(ROOT, "data", "mnist")
MODELS = os.path.join(ROOT, "models", "tutorial")


def flat(values):
    return [float(v) for v in np.asarray(values, np.float64).ravel()]


def min_max(a):
    return [float(np.min(a)), float(np.max(a))]


def sums(R):
    return flat(R.reshape(R.shape[0], -1).sum(1))


def main():
    images = read_idx(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz"))
    labels_all = read_idx(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz")).astype(int)
    mlp, cnn = tutorial_nets(MODELS, np.float64)   # both end with the ReLU the tutorial appends
    counts = error_counts(images, labels_all, mlp, cnn)

    # tutorial.lrps: `sample mnist 12 seed=1234`, the loaded networks.
    idx = o.randint(1234, 0, 10000, 12)
    labels = labels_all[idx]
    X = (images[idx].astype(np.float64) / 255.0 * 2.0 - 1.0)[..., None]
    m = tutorial_maps(X, labels, mlp, cnn, np.float64)
    full = m["cnn_deeptaylor_full"]
    border = full[:, :2].sum() + full[:, -2:].sum() + full[:, 2:-2, :2].sum() + full[:, 2:-2, -2:].sum()
    tutorial = {
        5: flat(labels),
        18: flat(m["mlp_logits"].argmax(1)),
        20: flat(m["mlp_logits"][0]),
        24: min_max(m["mlp_deeptaylor"]),
        26: sums(m["mlp_deeptaylor"]),
        28: flat(m["mlp_target"]),
        29: [counts["mlp"]],
        35: flat(m["cnn_logits"].argmax(1)),
        37: flat(m["cnn_logits"][0]),
        43: sums(full),
        46: [float(border)],
        51: min_max(m["cnn_alphabeta"]),
        52: [counts["cnn"]],
    }

    # networks.lrps: `sample mnist 3 seed=1234`; networks built from layers, without the final ReLU.
    idx3 = o.randint(1234, 0, 10000, 3)
    X3 = (images[idx3].astype(np.float64) / 255.0 * 2.0 - 1.0)[..., None]
    T3 = np.eye(10)[labels_all[idx3]]
    net = o.Network(mlp.layers[:-1])
    Xm = X3.reshape(3, 784)
    Y = net.forward(Xm)
    rules = lambda rule: [rule, IDENT, rule, IDENT, rule]  # noqa: E731
    deep_taylor = net.relprop(Y * T3, Xm, MLP_DT[:-1])
    c1 = cnn.layers[0]
    cnn_inline = o.Network([o.Convolution(c1.W, c1.b, 1, 2, -1.0)] + cnn.layers[1:-1] + [o.Flatten()])
    Yc = cnn_inline.forward(X3)
    Rc = cnn_inline.relprop(Yc * T3, X3, CNN_DT[:-1] + [IDENT])
    small = o.Network([o.MaxPooling(2, 2), o.AveragePooling(2, 2), o.SumPooling(2, 2, 1.0), o.Flatten()])
    x = np.arange(64, dtype=np.float64).reshape(1, 8, 8, 1)
    y = small.forward(x)
    networks = {
        12: min_max(X3),
        13: min_max(T3),
        15: flat(Y.argmax(1)) + flat(labels_all[idx3]),
        17: min_max(net.gradprop(T3, Xm)),
        25: sums(deep_taylor) + flat((Y * T3).sum(1)),
        34: sums(net.relprop(Y * T3, Xm, rules({"name": "lrp0"}))),
        35: sums(net.relprop(Y * T3, Xm, rules({"name": "wsquare"}))),
        36: sums(net.relprop(Y * T3, Xm, rules({"name": "flat"}))),
        76: flat(Yc[0]),
        79: sums(Rc),
        82: flat(y),
        83: min_max(small.relprop(y, x, [None] * 4)),
        84: [1 - counts["mlp"] / 10000],
    }
    result = {"tutorial.lrps": tutorial, "networks.lrps": networks}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({script: {str(line): values for line, values in lines.items()}
                   for script, lines in result.items()}, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
