"""Writes test vectors for rules taken from zennit, computed by zennit itself (an independent
implementation), to Tests/LRPKitTests/Fixtures/oracle/zennit/ (manifest.json + .npy).

    python Tests/oracle/make_zennit_vectors.py

Needs a Python with torch (CPU) and zennit: `python3 -m venv venv && venv/bin/pip install numpy
torch zennit` (CPU wheels: `--index-url https://download.pytorch.org/whl/cpu` for torch).

Cases: zennit's `ZPlus` (signed-input z+: positive weights on positive inputs plus negative
weights on negative inputs, the positive bias, stabiliser 1e-6 with sign(0) = +1), which is
LRPKit's `Rule.zPlusSigned`, on a Linear layer and on strided / padded Conv2d layers, with inputs
of both signs. Layout on disk is LRPKit's: NHWC, conv weights kh x kw x in x out, linear weights
in x out. Inputs, parameters and relevances are float32; zennit runs in float64 on them and the
expected input relevance is saved as float64. The relevance is `u * Z|Z| / (|Z| + 0.1)` (u uniform
in [0, 1], Z the rule's stabilised denominator) so that Z near 0 does not amplify float32 rounding.
"""

import json
import os
import sys

import numpy as np
import torch
from zennit.rules import ZPlus

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "oracle", "zennit")


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32)


def save(name, array, dtype):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(np.asarray(array).astype(dtype)))
    return name


def zennit_relprop(module, x, relevance):
    """Input relevance of `module` (float64) under zennit's ZPlus: the gradient with its hooks."""
    handles = ZPlus().register(module)
    try:
        x = x.clone().requires_grad_(True)
        y = module(x)
        (r,) = torch.autograd.grad(y, x, grad_outputs=relevance)
    finally:
        handles.remove()
    return r.detach()


def denominator(module, x):
    """zennit's stabilised Z for ZPlus: f(x+; W+, b+) + f(x-; W-, 0), then + 1e-6 * sign (sign(0) = +1)."""
    with torch.no_grad():
        w, b = module.weight, module.bias
        if isinstance(module, torch.nn.Linear):
            z = torch.nn.functional.linear(x.clamp(min=0), w.clamp(min=0), b.clamp(min=0)) \
                + torch.nn.functional.linear(x.clamp(max=0), w.clamp(max=0))
        else:
            conv = lambda inp, weight, bias=None: torch.nn.functional.conv2d(inp, weight, bias, module.stride, module.padding)
            z = conv(x.clamp(min=0), w.clamp(min=0), b.clamp(min=0)) + conv(x.clamp(max=0), w.clamp(max=0))
        return z + 1e-6 * ((z == 0).double() + z.sign())


CASES = [
    # name, kind, sizes
    ("linear", "linear", {"in": 9, "out": 5, "batch": 3}),
    ("conv_k3_s1_p0", "conv", {"in": 2, "out": 3, "kernel": 3, "stride": 1, "padding": 0, "h": 6, "w": 7, "batch": 2}),
    ("conv_k3_s2_p1", "conv", {"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": 1, "h": 7, "w": 6, "batch": 2}),
]


def make(index, name, kind, s):
    rng = np.random.RandomState(1000 + index)
    if kind == "linear":
        w = f32(rng.randn(s["in"], s["out"]) / np.sqrt(s["in"]))          # in x out (LRPKit)
        b = f32(0.1 * rng.randn(s["out"]))
        x = f32(rng.uniform(-1, 1, (s["batch"], s["in"])))
        module = torch.nn.Linear(s["in"], s["out"]).double()
        module.weight.data = torch.from_numpy(w.T.astype(np.float64).copy())
        tx = torch.from_numpy(x.astype(np.float64))
        to_ours = lambda t: t.numpy()
        to_torch = lambda a: torch.from_numpy(np.asarray(a, np.float64))
        spec = {"kind": "linear"}
    else:
        k, ci, co = s["kernel"], s["in"], s["out"]
        w = f32(rng.randn(k, k, ci, co) / np.sqrt(k * k * ci))             # kh x kw x in x out (LRPKit)
        b = f32(0.1 * rng.randn(co))
        x = f32(rng.uniform(-1, 1, (s["batch"], s["h"], s["w"], ci)))    # NHWC
        module = torch.nn.Conv2d(ci, co, k, stride=s["stride"], padding=s["padding"]).double()
        module.weight.data = torch.from_numpy(w.transpose(3, 2, 0, 1).astype(np.float64).copy())
        tx = torch.from_numpy(x.transpose(0, 3, 1, 2).astype(np.float64).copy())
        to_ours = lambda t: t.numpy().transpose(0, 2, 3, 1)
        to_torch = lambda a: torch.from_numpy(np.asarray(a, np.float64).transpose(0, 3, 1, 2).copy())
        spec = {"kind": "conv", "stride": s["stride"], "padding": s["padding"], "padValue": 0.0}
    module.bias.data = torch.from_numpy(b.astype(np.float64))
    z = to_ours(denominator(module, tx))
    r = f32(rng.uniform(0, 1, z.shape) * z * np.abs(z) / (np.abs(z) + 0.1))
    expected = to_ours(zennit_relprop(module, tx, to_torch(r)))
    # Relevance is conserved up to the bias share and the stabiliser: a sanity check of the setup.
    assert np.isfinite(expected).all() and np.abs(expected).max() > 0
    spec.update({"weight": save(f"{name}_weight.npy", w, np.float32), "bias": save(f"{name}_bias.npy", b, np.float32)})
    return {"name": name, "rule": {"name": "zplussigned"}, "layer": spec,
            "input": save(f"{name}_input.npy", x, np.float32),
            "relevance": save(f"{name}_relevance.npy", r, np.float32),
            "relprop": save(f"{name}_relprop.npy", expected, np.float64)}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    import zennit
    manifest = {"generator": "Tests/oracle/make_zennit_vectors.py",
                "zennit": getattr(zennit, "__version__", "unknown"), "torch": torch.__version__,
                "cases": [make(i, *case) for i, case in enumerate(CASES)]}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {len(manifest['cases'])} zennit cases to {OUT}")


if __name__ == "__main__":
    main()
