#!/usr/bin/env python3
"""Captum oracle vectors for lrps's attribution methods (Tests/LRPKitTests/MethodsTests.swift).

    /path/to/venv/bin/python Tests/oracle/make_methods.py

Needs a venv with numpy, torch (CPU) and captum:  python3 -m venv V && V/bin/pip install numpy torch captum
(the tests themselves need none of them: they read the committed .npy files).

The tutorial's MLP and CNN (models/tutorial/, NHWC text weights) are rebuilt in PyTorch (NCHW; with
one input channel the flattened pixel order is the same). Four MNIST test digits (the tutorial's
seed-1234 sample's first four: indices 8915, 1318, 7221, 7540) are scaled to [-1, 1] as float32; the
CNN sees them padded by 2 pixels of -1. For each net and method Captum's attribution of the label's
score is written to Tests/LRPKitTests/Fixtures/methods/NET-CASE.npy (N x H x W x 1, float32), and the
cases with their parameters to manifest.json. SmoothGrad is Captum's NoiseTunnel with the noise given
explicitly: torch.normal is replaced by the noise lrps draws, numpy's RandomState(seed + i).randn(
samples, H, W, 1) * sigma for digit i.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn
sys.dont_write_bytecode = True  # keep the worktree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_digits import digits  # noqa: E402
from captum.attr import IntegratedGradients, InputXGradient, NoiseTunnel, Occlusion, Saliency

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "methods")
INDICES = [8915, 1318, 7221, 7540]




def text(path, shape):
    return torch.from_numpy(np.loadtxt(os.path.join(ROOT, "models/tutorial", path), dtype=np.float32).reshape(shape))


class SumPool(nn.Module):
    """The tutorial's 0.5 * (2x2 window sum)."""
    def forward(self, x):
        return nn.functional.avg_pool2d(x, 2) * 2.0


def mlp():
    layers = [nn.Flatten()]
    for k, (name, (i, o)) in enumerate([("l1", (784, 300)), ("l2", (300, 100)), ("l3", (100, 10))]):
        lin = nn.Linear(i, o)
        lin.weight.data = text("mlp/%s-W.txt" % name, [i, o]).t().contiguous()
        lin.bias.data = text("mlp/%s-B.txt" % name, [o])
        layers += [lin] + ([nn.ReLU()] if k < 2 else [])
    return nn.Sequential(*layers).eval()


def cnn():
    layers = []
    for name, (kh, kw, i, o) in [("c1", (5, 5, 1, 10)), ("c2", (5, 5, 10, 25)), ("c3", (4, 4, 25, 100)), ("c4", (1, 1, 100, 10))]:
        conv = nn.Conv2d(i, o, kh)
        conv.weight.data = text("cnn/%s-%dx%dx%dx%d-W.txt" % (name, kh, kw, i, o), [kh, kw, i, o]).permute(3, 2, 0, 1).contiguous()
        conv.bias.data = text("cnn/%s-%dx%dx%dx%d-B.txt" % (name, kh, kw, i, o), [o])
        layers.append(conv)
        if name != "c4":
            layers += [nn.ReLU(), SumPool()]
    layers.append(nn.Flatten())
    return nn.Sequential(*layers).eval()


def nchw(x):
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(a):
    return a.detach().numpy().transpose(0, 2, 3, 1).astype(np.float32)


def smooth_noise(shape, sigma, samples, seed):
    """lrps's SmoothGrad noise: digit i gets RandomState(seed + i).randn(samples, *shape[1:]) * sigma."""
    parts = [np.random.RandomState(seed + i).randn(samples, *shape[1:]) * sigma for i in range(shape[0])]
    return np.concatenate(parts).astype(np.float32)


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    x28, labels = digits(INDICES)
    manifest = {"indices": INDICES, "labels": labels.tolist(), "cases": []}
    for net_name, model, x in [("mlp", mlp(), x28), ("cnn", cnn(), np.pad(x28, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1))]:
        for p in model.parameters():
            p.requires_grad_(False)
        inputs = nchw(x)
        target = torch.from_numpy(labels)
        # The models reproduce the tutorial's logits (sample 0: 21.4397 MLP, 30.0149 CNN).
        print(net_name, "logit of digit 0:", float(model(inputs)[0, labels[0]]))
        cases = []
        cases.append(({"method": "gradient", "abs": False}, Saliency(model).attribute(inputs, target=target, abs=False)))
        cases.append(({"method": "gradient", "abs": True}, Saliency(model).attribute(inputs, target=target)))
        cases.append(({"method": "gradxinput"}, InputXGradient(model).attribute(inputs, target=target)))
        for steps, baseline in [(1, 0.0), (7, -1.0), (32, 0.0)]:
            a = IntegratedGradients(model).attribute(inputs, baselines=baseline, target=target, n_steps=steps)
            cases.append(({"method": "integrated", "steps": steps, "baseline": baseline}, a))
        # A tensor baseline: a blurred-looking constant ramp, one sample's shape.
        ramp = np.linspace(-1, 0, x.shape[1] * x.shape[2], dtype=np.float32).reshape(1, x.shape[1], x.shape[2], 1)
        np.save(os.path.join(OUT, "%s-ramp.npy" % net_name), ramp[0])
        a = IntegratedGradients(model).attribute(inputs, baselines=nchw(ramp), target=target, n_steps=16)
        cases.append(({"method": "integrated", "steps": 16, "baseline": "%s-ramp.npy" % net_name}, a))
        for base, inner in [("gradient", Saliency(model)), ("gradxinput", InputXGradient(model))]:
            sigma, samples, seed = 0.3, 6, 7
            noise = smooth_noise(x.shape, sigma, samples, seed)
            original = torch.normal
            torch.normal = lambda mean, std, *a, **k: nchw(noise)
            try:
                kwargs = {"abs": False} if base == "gradient" else {}
                a = NoiseTunnel(inner).attribute(inputs, nt_type="smoothgrad", nt_samples=samples, stdevs=sigma, target=target, **kwargs)
            finally:
                torch.normal = original
            cases.append(({"method": "smoothgrad", "of": base, "sigma": sigma, "samples": samples, "seed": seed}, a))
        for window, stride, baseline in [(4, 2, 0.0), (5, 3, -1.0)]:
            a = Occlusion(model).attribute(inputs, sliding_window_shapes=(1, window, window), strides=(1, stride, stride),
                                           baselines=baseline, target=target)
            cases.append(({"method": "occlusion", "window": window, "stride": stride, "baseline": baseline}, a))
        np.save(os.path.join(OUT, "%s-input.npy" % net_name), x)
        for k, (params, a) in enumerate(cases):
            name = "%s-%02d-%s.npy" % (net_name, k, params["method"])
            np.save(os.path.join(OUT, name), nhwc(a))
            manifest["cases"].append(dict(params, net=net_name, input="%s-input.npy" % net_name, expected=name))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", len(manifest["cases"]), "cases to", OUT)


if __name__ == "__main__":
    sys.exit(main())
