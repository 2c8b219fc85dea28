#!/usr/bin/env python3
"""zennit oracle vectors for lrps's composites (Tests/LRPKitTests/CompositeTests.swift).

    /path/to/venv/bin/python Tests/oracle/make_composites.py

Needs numpy, torch (CPU) and zennit:  python3 -m venv V && V/bin/pip install numpy torch zennit
(the tests need none of them). The tutorial's MLP and CNN are rebuilt in PyTorch as in
make_methods.py, except that the CNN's pooling, the tutorial's 0.5 * (2x2 sum), is written as zennit
sees pooling, AvgPool2d(2), with the factor 2 folded into the next convolution's weights (the same
function; zennit's Norm rule on it is the z rule). For each of zennit's composites EpsilonPlus,
EpsilonPlusFlat, EpsilonAlpha2Beta1 and EpsilonGammaBox(low=-1, high=1) the relevance of four test
digits is computed with zennit's Gradient attributor from the output relevance Y * T (the label's
logit), and written to Tests/LRPKitTests/Fixtures/composites/NET-COMPOSITE.npy (N x H x W x 1).
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_digits import digits  # noqa: E402
from make_methods import INDICES, ROOT, mlp, nchw, nhwc, text  # noqa: E402
from zennit.attribution import Gradient  # noqa: E402
from zennit.composites import EpsilonAlpha2Beta1, EpsilonGammaBox, EpsilonPlus, EpsilonPlusFlat  # noqa: E402

OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "composites")


def cnn_avgpool():
    layers, scale = [], 1.0
    for name, (kh, kw, i, o) in [("c1", (5, 5, 1, 10)), ("c2", (5, 5, 10, 25)), ("c3", (4, 4, 25, 100)), ("c4", (1, 1, 100, 10))]:
        conv = nn.Conv2d(i, o, kh)
        W = text("cnn/%s-%dx%dx%dx%d-W.txt" % (name, kh, kw, i, o), [kh, kw, i, o]).permute(3, 2, 0, 1)
        conv.weight.data = (W * scale).contiguous()
        conv.bias.data = text("cnn/%s-%dx%dx%dx%d-B.txt" % (name, kh, kw, i, o), [o])
        layers.append(conv)
        if name != "c4":
            layers += [nn.ReLU(), nn.AvgPool2d(2)]
            scale = 2.0   # 0.5 * sum = 2 * average
    layers.append(nn.Flatten())
    return nn.Sequential(*layers).eval()


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    x28, labels = digits(INDICES)
    manifest = {"labels": labels.tolist(), "cases": []}
    for net_name, model, x in [("mlp", mlp(), x28), ("cnn", cnn_avgpool(), np.pad(x28, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1))]:
        for p in model.parameters():
            p.requires_grad_(False)
        inputs = nchw(x)
        onehot = torch.eye(10)[torch.from_numpy(labels)]
        print(net_name, "logit of digit 0:", float(model(inputs)[0, labels[0]]))
        np.save(os.path.join(OUT, "%s-input.npy" % net_name), x)
        composites = {
            "EpsilonPlus": EpsilonPlus(),
            "EpsilonPlusFlat": EpsilonPlusFlat(),
            "EpsilonAlpha2Beta1": EpsilonAlpha2Beta1(),
            "EpsilonGammaBox": EpsilonGammaBox(low=-1.0, high=1.0),
        }
        for name, composite in composites.items():
            with Gradient(model=model, composite=composite) as attributor:
                _, relevance = attributor(inputs.clone().requires_grad_(True), lambda y: y * onehot)
            file = "%s-%s.npy" % (net_name, name)
            np.save(os.path.join(OUT, file), nhwc(relevance))
            manifest["cases"].append({"net": net_name, "composite": name, "input": "%s-input.npy" % net_name, "expected": file})
            print(net_name, name, "sum of digit 0:", float(relevance[0].sum()))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
