#!/usr/bin/env python3
"""Benchmark baseline: the same issue-4 rows with zennit on PyTorch (CPU), when installed.

    bench_zennit.py ROW [--runs N] [--threads T] [--batch B] [--data DIR]

Deep Taylor as zennit composites: ZBox(-1, 1) on the first weighted layer, ZPlus above, Norm (the
z rule) on the pools, Pass on ReLUs; alpha-beta as AlphaBeta(2, 1) above. The tutorial's pooling
`0.5 * sum` is `AvgPool2d(2) * 2`: the factor 2 is folded into the next layer's weights (the same
outputs; the Norm rule is invariant to the pool's scale). Prints `ROW median_s min_s cpu_median_s
maxrss_MB` like LRPBench, or `ROW skipped (reason)` when torch or zennit cannot be imported
(scripts/bench/setup-zennit.sh installs them).
"""
import argparse
import os
import sys

import numpy

from bench_common import mnist, report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('row')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--batch', type=int, default=100, help='must divide 10,000 (ZBox bounds are per batch)')
    parser.add_argument('--data', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data'))
    args = parser.parse_args()
    try:
        import torch
        from torch import nn
        from zennit.attribution import Gradient
        from zennit.composites import SpecialFirstLayerMapComposite
        from zennit.rules import AlphaBeta, Norm, Pass, ZBox, ZPlus
        from zennit.types import Activation, AvgPool, Convolution, Linear
    except ImportError as error:
        print('%s skipped (%s)' % (args.row, error))
        return
    torch.set_num_threads(args.threads)

    X, T = mnist(args.data)
    T = torch.from_numpy(T)

    def text(path, shape):
        return torch.from_numpy(numpy.loadtxt(path, dtype='float32').reshape(shape))

    row = args.row
    if row.startswith('mlp'):
        d = args.data + '/tutorial/mlp/'
        layers = []
        for name, (i, o) in [('l1', (784, 300)), ('l2', (300, 100)), ('l3', (100, 10))]:
            lin = nn.Linear(i, o)
            lin.weight.data = text(d + name + '-W.txt', [i, o]).t().contiguous()
            lin.bias.data = text(d + name + '-B.txt', [o])
            layers += [lin, nn.ReLU()]
        x = torch.from_numpy(X.reshape(10000, 784))
    else:
        d = args.data + '/tutorial/cnn/'
        layers = []
        scale = 1.0
        for name, (kh, kw, i, o) in [('c1', (5, 5, 1, 10)), ('c2', (5, 5, 10, 25)), ('c3', (4, 4, 25, 100)), ('c4', (1, 1, 100, 10))]:
            conv = nn.Conv2d(i, o, kh)
            W = text('%s%s-%dx%dx%dx%d-W.txt' % (d, name, kh, kw, i, o), [kh, kw, i, o])
            conv.weight.data = (W.permute(3, 2, 0, 1) * scale).contiguous()  # out x in x kh x kw
            conv.bias.data = text('%s%s-%dx%dx%dx%d-B.txt' % (d, name, kh, kw, i, o), [o])
            layers += [conv, nn.ReLU()]
            if name != 'c4':
                layers.append(nn.AvgPool2d(2))
                scale = 2.0  # 0.5 * sum = 2 * average
        x = nn.functional.pad(torch.from_numpy(X.reshape(10000, 1, 28, 28)), (2, 2, 2, 2), value=-1.0)
        T = T.reshape(10000, 10, 1, 1)
    model = nn.Sequential(*layers).eval()
    for p in model.parameters():
        p.requires_grad_(False)

    def work():
        outs = []
        if row.endswith('forward'):
            with torch.no_grad():
                for k in range(0, 10000, args.batch):
                    outs.append(model(x[k:k + args.batch]))
            return torch.cat(outs)
        b = args.batch
        low, high = torch.full((b,) + tuple(x.shape[1:]), -1.0), torch.full((b,) + tuple(x.shape[1:]), 1.0)
        rest = AlphaBeta(alpha=2, beta=1) if row == 'cnn-alphabeta' else ZPlus()
        composite = SpecialFirstLayerMapComposite(
            layer_map=[(Activation, Pass()), (AvgPool, Norm()), (Convolution, rest), (Linear, rest)],
            first_map=[(Linear, ZBox(low=low, high=high))])
        with Gradient(model=model, composite=composite) as attributor:
            for k in range(0, 10000, b):
                t = T[k:k + b]
                _, relevance = attributor(x[k:k + b], lambda y: y * t)
                outs.append(relevance)
        return torch.cat(outs)

    report(row, work, args.runs)


if __name__ == '__main__':
    sys.exit(main())
