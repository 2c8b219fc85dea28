#!/usr/bin/env python3
"""Baseline rows of scripts/bench/methods.sh: Captum (and PyTorch for pixel flipping) on the CPU.

    methods_captum.py [--runs N] [--threads T] [--batch B] [--digits D]

Needs numpy, torch and captum (pip install numpy torch captum). The tutorial CNN is rebuilt as in
Tests/oracle/make_methods.py. Prints `ROW median_s min_s cpu_median_s maxrss_MB` per row, the work
alone (data loaded beforehand).
"""
import argparse
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "oracle"))
sys.dont_write_bytecode = True
from bench_common import mnist, report  # noqa: E402
from make_methods import cnn  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--digits", type=int, default=10000, help="integrated and pixelflip; occlusion a tenth")
    args = parser.parse_args()
    from captum.attr import IntegratedGradients, Occlusion, InputXGradient
    torch.set_num_threads(args.threads)
    X, T = mnist(ROOT + "/data")   # reads ROOT/data/mnist/*.gz
    labels = torch.from_numpy(T.argmax(1))
    x = torch.nn.functional.pad(torch.from_numpy(X.reshape(-1, 1, 28, 28)), (2, 2, 2, 2), value=-1.0)
    model = cnn()
    for p in model.parameters():
        p.requires_grad_(False)
    b = args.batch
    d = args.digits

    def integrated():
        ig = IntegratedGradients(model)
        return [ig.attribute(x[k:k + b], baselines=0.0, target=labels[k:k + b], n_steps=32, internal_batch_size=32 * b)
                for k in range(0, d, b)]

    def occlusion():
        occ = Occlusion(model)
        return [occ.attribute(x[k:k + b], sliding_window_shapes=(1, 4, 4), strides=(1, 2, 2), baselines=0.0,
                              target=labels[k:k + b], perturbations_per_eval=225)
                for k in range(0, d // 10, b)]

    relevance = torch.cat([InputXGradient(model).attribute(x[k:k + b], target=labels[k:k + b]) for k in range(0, d, b)])

    def pixelflip(steps=100):
        # The same algorithm as lrps's pixelflip: rank single pixels by relevance (stable, largest
        # first), set the first k to -1 for k = 0..steps, score each copy's label.
        curves = []
        with torch.no_grad():
            for k in range(0, d, b):
                r = relevance[k:k + b].reshape(-1, 32 * 32)
                order = torch.argsort(-r, dim=1, stable=True)[:, :steps]
                n = r.shape[0]
                copies = x[k:k + b].reshape(n, 1, 32 * 32).repeat(1, steps + 1, 1)
                mask = torch.zeros(n, steps + 1, 32 * 32, dtype=torch.bool)
                for s in range(1, steps + 1):
                    mask[:, s:, :].scatter_(2, order[:, s - 1:s].unsqueeze(1).expand(n, steps + 1 - s, 1), True)
                copies[mask] = -1.0
                y = model(copies.reshape(-1, 1, 32, 32)).reshape(n, steps + 1, 10)
                curves.append(y.gather(2, labels[k:k + b].reshape(n, 1, 1).expand(n, steps + 1, 1)))
        return torch.cat(curves)

    report("integrated", integrated, args.runs)
    report("occlusion", occlusion, args.runs)
    report("pixelflip", pixelflip, args.runs)


if __name__ == "__main__":
    sys.exit(main())
