#!/usr/bin/env python3
"""Pixel-flipping oracle: a small numpy implementation of evaluation by perturbation (Samek et al.
2017) on the tutorial's MLP and CNN, for Tests/LRPKitTests/PerturbationTests.swift.

    python3 Tests/oracle/make_pixelflip.py        (numpy only)

Written from docs/language.md's definition, not from the Swift code: the image (H x W x C) is cut
into patch x patch tiles from the top-left, row-major; tiles are ranked by their summed relevance,
largest first, ties by position (argsort(-sums, kind="stable")), or by
RandomState(seed + i).permutation(tiles) for digit i; step k replaces the k-th ranked tile by the
constant or by digit i's noise image low + (high - low) * RandomState(seed + i).rand(H, W, C); the
curve is the label's score after 0..steps steps (float64 forward through lrp_oracle.py's layers).
AOPC = mean_k (mean curve[0] - mean curve[k]).

The heatmaps are gradient x input from the oracle, rounded to multiples of 1/64 and stored as
float32, so tile sums are exact in any summation order (and ties occur and are tested).
Output: Tests/LRPKitTests/Fixtures/pixelflip/ (manifest.json + .npy).
"""
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrp_oracle as o  # noqa: E402
from mnist_digits import digits  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "pixelflip")
INDICES = [8915, 1318, 7221]




def text(path, shape=None):
    a = np.loadtxt(os.path.join(ROOT, "models/tutorial", path), dtype=np.float32).astype(np.float64)
    return a.reshape(shape) if shape else a


def mlp():
    layers = [o.Flatten()]
    for k, name in enumerate(["l1", "l2", "l3"]):
        layers.append(o.Linear(text("mlp/%s-W.txt" % name), text("mlp/%s-B.txt" % name)))
        if k < 2:
            layers.append(o.ReLU())
    return o.Network(layers)


def cnn():
    layers = []
    for name, shape in [("c1", (5, 5, 1, 10)), ("c2", (5, 5, 10, 25)), ("c3", (4, 4, 25, 100)), ("c4", (1, 1, 100, 10))]:
        tag = "%s-%dx%dx%dx%d" % ((name,) + shape)
        layers.append(o.Convolution(text("cnn/%s-W.txt" % tag, shape), text("cnn/%s-B.txt" % tag)))
        if name != "c4":
            layers += [o.ReLU(), o.SumPooling(2, 2, 0.5)]
    layers.append(o.Flatten())
    return o.Network(layers)


def curves(net, X, T, R, patch, steps, value=None, noise=None, random_seed=None):
    n, h, w, c = X.shape
    tiles = [(y, x) for y in range(0, h, patch) for x in range(0, w, patch)]
    out = np.zeros((n, steps + 1))
    for i in range(n):
        if random_seed is not None:
            order = np.random.RandomState(random_seed + i).permutation(len(tiles))
        else:
            sums = np.array([R[i, y:y + patch, x:x + patch, :].astype(np.float64).sum() for (y, x) in tiles])
            order = np.argsort(-sums, kind="stable")
        if noise is not None:
            low, high, seed = noise
            replacement = (low + (high - low) * np.random.RandomState(seed + i).rand(h, w, c)).astype(np.float32)
        else:
            replacement = np.full((h, w, c), value, np.float32)
        image = X[i].copy()
        batch = [image.copy()]
        for k in range(steps):
            y, x = tiles[order[k]]
            image[y:y + patch, x:x + patch, :] = replacement[y:y + patch, x:x + patch, :]
            batch.append(image.copy())
        scores = net.forward(np.array(batch, np.float64))
        out[i] = scores[:, T[i]]
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    x28, labels = digits(INDICES)
    manifest = {"labels": labels.tolist(), "cases": []}
    for net_name, net, X in [("mlp", mlp(), x28), ("cnn", cnn(), np.pad(x28, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1))]:
        onehot = np.eye(10)[labels]
        G = net.gradprop(onehot, X.astype(np.float64))
        R = (np.round(X * G * 64) / 64).astype(np.float32)
        np.save(os.path.join(OUT, "%s-input.npy" % net_name), X)
        np.save(os.path.join(OUT, "%s-heatmap.npy" % net_name), R)
        settings = [
            {"patch": 1, "steps": 30, "value": -1.0},
            {"patch": 2, "steps": 40, "low": -1.0, "high": 1.0, "seed": 3},
            {"patch": 3, "steps": 25, "value": 0.0, "random": 11},
        ]
        for k, s in enumerate(settings):
            noise = (s["low"], s["high"], s["seed"]) if "low" in s else None
            c = curves(net, X, labels, R, s["patch"], s["steps"], value=s.get("value"), noise=noise, random_seed=s.get("random"))
            mean = c.mean(axis=0)
            aopc = float(np.mean(mean[0] - mean))
            name = "%s-%d-curves.npy" % (net_name, k)
            np.save(os.path.join(OUT, name), c)
            manifest["cases"].append(dict(s, net=net_name, input="%s-input.npy" % net_name,
                                          heatmap="%s-heatmap.npy" % net_name, curves=name, aopc=aopc))
            print(net_name, s, "AOPC %.4f" % aopc)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
