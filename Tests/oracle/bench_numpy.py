#!/usr/bin/env python3
"""Benchmark baseline: the heatmapping.org tutorial's numpy algorithm, timed per issue-4 row.

The layers and rules are written the way the tutorial writes them (modules.py / utils.py):
convolution as a loop over kernel offsets of tensordot products, sum pooling by strided slices,
deep Taylor (z^B first, z+ above, z rule on pools) and LRP-alpha-beta by "forward with modified
parameters, divide, gradprop, multiply". Nothing here is tuned: it is the reference speed.

    bench_numpy.py ROW [--runs N] [--subset K] [--data DIR]

Prints `ROW median_s min_s cpu_median_s maxrss_MB [scaled from K]` like LRPBench. The CNN rows
take minutes over all 10,000 digits (the tutorial's CNN is ~160 s), so by default they run on the
first --subset digits and the times are scaled linearly to 10,000 (the work is per digit).
"""
import argparse
import os
import sys

import numpy

from bench_common import mnist, report

LOWEST, HIGHEST = -1.0, 1.0


class Linear:
    def __init__(self, W, B):
        self.W, self.B = W, B

    def forward(self, X):
        self.X = X
        return numpy.dot(X, self.W) + self.B

    def gradprop(self, DY):
        return numpy.dot(DY, self.W.T)


class NextLinear(Linear):
    def relprop(self, R):  # z+
        V = numpy.maximum(0, self.W)
        Z = numpy.dot(self.X, V) + 1e-9
        S = R / Z
        C = numpy.dot(S, V.T)
        return self.X * C


class FirstLinear(Linear):
    def relprop(self, R):  # z^B
        W, V, U = self.W, numpy.maximum(0, self.W), numpy.minimum(0, self.W)
        X, L, H = self.X, self.X * 0 + LOWEST, self.X * 0 + HIGHEST
        Z = numpy.dot(X, W) - numpy.dot(L, V) - numpy.dot(H, U) + 1e-9
        S = R / Z
        return X * numpy.dot(S, W.T) - L * numpy.dot(S, V.T) - H * numpy.dot(S, U.T)


class ReLU:
    def forward(self, X):
        self.Z = X > 0
        return X * self.Z

    def gradprop(self, DY):
        return DY * self.Z

    def relprop(self, R):
        return R


class Convolution:
    def __init__(self, W, B):
        self.W, self.B = W, B

    def forward(self, X):
        self.X = X
        mb, wx, hx, nx = X.shape
        ww, hw, nx, ny = self.W.shape
        wy, hy = wx - ww + 1, hx - hw + 1
        Y = numpy.zeros([mb, wy, hy, ny], dtype='float32')
        for i in range(ww):
            for j in range(hw):
                Y += numpy.dot(X[:, i:i + wy, j:j + hy, :], self.W[i, j, :, :])
        return Y + self.B

    def gradprop(self, DY):
        mb, wy, hy, ny = DY.shape
        ww, hw, nx, ny = self.W.shape
        DX = self.X * 0
        for i in range(ww):
            for j in range(hw):
                DX[:, i:i + wy, j:j + hy, :] += numpy.dot(DY, self.W[i, j, :, :].T)
        return DX

    def modified(self, W):
        layer = Convolution(W, self.B * 0)
        layer.X = self.X
        return layer


class NextConvolution(Convolution):
    def relprop(self, R):  # z+
        pself = self.modified(numpy.maximum(0, self.W))
        Z = pself.forward(self.X) + 1e-9
        S = R / Z
        C = pself.gradprop(S)
        return self.X * C


class AlphaBetaConvolution(Convolution):
    def relprop(self, R, alpha=2.0, beta=1.0):  # section 3.3, with its stabiliser placement
        pself = self.modified(numpy.maximum(1e-9, self.W))
        nself = self.modified(numpy.minimum(-1e-9, self.W))
        X = self.X + 1e-9
        ZA = pself.forward(X)
        SA = alpha * R / ZA
        ZB = nself.forward(X)
        SB = -beta * R / ZB
        return X * (pself.gradprop(SA) + nself.gradprop(SB))


class FirstConvolution(Convolution):
    def relprop(self, R):  # z^B
        iself = self.modified(self.W)
        nself = self.modified(numpy.minimum(0, self.W))
        pself = self.modified(numpy.maximum(0, self.W))
        X, L, H = self.X, self.X * 0 + LOWEST, self.X * 0 + HIGHEST
        Z = iself.forward(X) - pself.forward(L) - nself.forward(H) + 1e-9
        S = R / Z
        return X * iself.gradprop(S) - L * pself.gradprop(S) - H * nself.gradprop(S)


class Pooling:
    def forward(self, X):
        self.X = X
        return 0.5 * (X[:, ::2, ::2, :] + X[:, ::2, 1::2, :] + X[:, 1::2, ::2, :] + X[:, 1::2, 1::2, :])

    def gradprop(self, DY):
        DX = self.X * 0
        for i, j in [(0, 0), (0, 1), (1, 0), (1, 1)]:
            DX[:, i::2, j::2, :] += DY * 0.5
        return DX

    def relprop(self, R):  # z rule
        Z = self.forward(self.X) + 1e-9
        S = R / Z
        C = self.gradprop(S)
        return self.X * C


class Network:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def relprop(self, R):
        for layer in self.layers[::-1]:
            R = layer.relprop(R)
        return R


def load_text(path, shape):
    return numpy.loadtxt(path, dtype='float32').reshape(shape)


def mlp(data, alphabeta=False):
    d = data + '/tutorial/mlp/'
    return Network([
        FirstLinear(load_text(d + 'l1-W.txt', [784, 300]), load_text(d + 'l1-B.txt', [300])), ReLU(),
        NextLinear(load_text(d + 'l2-W.txt', [300, 100]), load_text(d + 'l2-B.txt', [100])), ReLU(),
        NextLinear(load_text(d + 'l3-W.txt', [100, 10]), load_text(d + 'l3-B.txt', [10])), ReLU(),
    ])


def cnn(data, alphabeta=False):
    d = data + '/tutorial/cnn/'
    Next = AlphaBetaConvolution if alphabeta else NextConvolution

    def conv(cls, name, shape):
        return cls(load_text(d + name + '-W.txt', shape), load_text(d + name + '-B.txt', [shape[3]]))
    return Network([
        conv(FirstConvolution, 'c1-5x5x1x10', [5, 5, 1, 10]), ReLU(), Pooling(),
        conv(Next, 'c2-5x5x10x25', [5, 5, 10, 25]), ReLU(), Pooling(),
        conv(Next, 'c3-4x4x25x100', [4, 4, 25, 100]), ReLU(), Pooling(),
        conv(Next, 'c4-1x1x100x10', [1, 1, 100, 10]), ReLU(),
    ])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('row')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--subset', type=int, default=500, help='digits for the CNN rows (times scaled to 10,000)')
    parser.add_argument('--data', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data'))
    parser.add_argument('--batch', type=int, default=0, help='digits per call (0: all at once, as the tutorial)')
    args = parser.parse_args()

    X, T = mnist(args.data)
    row = args.row
    if row.startswith('cnn'):
        n = min(args.subset, 10000)
        net = cnn(args.data, alphabeta=row == 'cnn-alphabeta')
        X = numpy.pad(X[:n].reshape([n, 28, 28, 1]), ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=LOWEST)
        T = T[:n].reshape([n, 1, 1, 10])
    elif row.startswith('mlp'):
        n = 10000
        net = mlp(args.data)
    else:
        sys.exit('unknown row ' + row)
    batch = args.batch or n

    def work():
        out = []
        for k in range(0, n, batch):
            Y = net.forward(X[k:k + batch])
            out.append(Y if row.endswith('forward') else net.relprop(Y * T[k:k + batch]))
        return numpy.concatenate(out)

    scale = 10000 / n
    report(row, work, args.runs, scale, 'scaled from %d' % n if scale != 1 else '')


if __name__ == '__main__':
    main()
