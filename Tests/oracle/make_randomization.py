#!/usr/bin/env python3
"""Oracle values for the model randomisation check (Tests/LRPKitTests/RandomizationTests.swift).

    python3 Tests/oracle/make_randomization.py      (numpy and scipy: pip install numpy scipy)

- Spearman: scipy.stats.spearmanr (average ranks for ties) of two maps with ties.
- SSIM: scikit-image's structural_similarity defaults written out in numpy (7x7 uniform window,
  sample covariance NP/(NP-1), K1 0.01, K2 0.03, the mean over the windows inside the image:
  skimage crops (7-1)//2 pixels from the SSIM map, so its boundary mode does not matter).
- Randomised weights: the weighted layer j from the top of the tutorial MLP gets
  std(W) * RandomState(seed + j).randn(*W.shape), then std(b) * randn(*b.shape) from the same generator.
Writes Tests/LRPKitTests/Fixtures/randomization.json.
"""
import json
import os

import numpy as np
from scipy.ndimage import uniform_filter
from scipy.stats import spearmanr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ssim(a, b, data_range, win=7):
    a, b = a.astype(np.float64), b.astype(np.float64)
    n = win * win
    norm = n / (n - 1)
    ux, uy = uniform_filter(a, win), uniform_filter(b, win)
    uxx, uyy, uxy = uniform_filter(a * a, win), uniform_filter(b * b, win), uniform_filter(a * b, win)
    vx, vy, vxy = norm * (uxx - ux * ux), norm * (uyy - uy * uy), norm * (uxy - ux * uy)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    pad = (win - 1) // 2
    return float(s[pad:-pad, pad:-pad].mean())


def main():
    rs = np.random.RandomState(42)
    a = np.round(rs.randn(12, 10) * 2) / 2          # rounded: many ties
    b = np.round((a + rs.randn(12, 10)) * 2) / 2
    a, b = a.astype(np.float32), b.astype(np.float32)
    out = {"a": a.ravel().tolist(), "b": b.ravel().tolist(), "height": 12, "width": 10,
           "spearman": float(spearmanr(a.ravel(), b.ravel())[0]), "ssim_range2": ssim(a, b, 2.0),
           "ssim_range5": ssim(a, b, 5.0)}
    seed = 5
    layers = []
    for j, name in enumerate(["l3", "l2"]):
        W = np.loadtxt(os.path.join(ROOT, "models/tutorial/mlp/%s-W.txt" % name), dtype=np.float32)
        B = np.loadtxt(os.path.join(ROOT, "models/tutorial/mlp/%s-B.txt" % name), dtype=np.float32)
        g = np.random.RandomState(seed + j)
        w = (W.astype(np.float64).std() * g.randn(*W.shape)).astype(np.float32)
        bias = (B.astype(np.float64).std() * g.randn(*B.shape)).astype(np.float32)
        layers.append({"name": name, "weight_head": w.ravel()[:20].tolist(), "weight_sum": float(w.astype(np.float64).sum()),
                       "bias": bias.tolist()})
    out["seed"] = seed
    out["mlp_layers_from_top"] = layers
    with open(os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "randomization.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("spearman %.6f ssim %.6f" % (out["spearman"], out["ssim_range2"]))


if __name__ == "__main__":
    main()
