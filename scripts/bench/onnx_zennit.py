#!/usr/bin/env python3
"""Benchmark baseline for scripts/bench/onnx-rescnn.lrps: zennit explains the same residual CNN
(Tests/oracle/onnx/make_onnx_fixtures.py, same weights) on 1,000 random 32x32 RGB images with the
same composite, on the CPU with --threads threads (lrps: the same count of OPENBLAS_NUM_THREADS and
cores). Prints `zennit-rescnn median_s min_s` over --runs runs (the model built and canonized
inside each timed run, as lrps loads inside its whole-process time).

    python3 scripts/bench/onnx_zennit.py [--runs N] [--threads T]
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'Tests', 'oracle', 'onnx'))
import make_onnx_fixtures as fixtures  # noqa: E402
from zennit.attribution import Gradient  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--count', type=int, default=1000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x = torch.rand((args.count, 3, 32, 32), generator=torch.Generator().manual_seed(0)) * 2 - 1
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        model = fixtures.randomise(fixtures.ResCNN(zennit_sum=True), 102)
        with Gradient(model=model, composite=fixtures.composite()) as attributor:
            _, relevance = attributor(x.requires_grad_(True), attr_output=lambda y: y * torch.nn.functional.one_hot(
                y.argmax(1), y.shape[1]).to(y))
        times.append(time.perf_counter() - t0)
    print('zennit-rescnn %.4f %.4f' % (statistics.median(times), min(times)))


if __name__ == '__main__':
    main()
