"""Writes test vectors for rules taken from zennit, computed by zennit itself (an independent
implementation), to Tests/LRPKitTests/Fixtures/oracle/zennit/ (manifest.json + .npy).

    python Tests/oracle/make_zennit_vectors.py

Needs a Python with torch (CPU) and zennit: `python3 -m venv venv && venv/bin/pip install numpy
torch zennit` (CPU wheels: `--index-url https://download.pytorch.org/whl/cpu` for torch).

Rules (`RULES`): zennit's `ZPlus` (signed-input z+: positive weights on positive inputs plus
negative weights on negative inputs, the positive bias, stabiliser 1e-6 with sign(0) = +1), which is
LRPKit's `Rule.zPlusSigned`; zennit's `AlphaBeta(2, 1)` (`Rule.alphaBetaSigned`) and `Gamma(0.25)`
(`Rule.gammaSigned`, split by the sign of the layer's output). Each on a Linear layer and on strided /
padded Conv2d layers (`CASES`), with inputs of both signs. Layout on disk is LRPKit's: NHWC, conv weights kh x kw x in x out, linear weights
in x out. Inputs, parameters and relevances are float32; zennit runs in float64 on them and the
expected input relevance is saved as float64. The relevance is `u * Z prod_k |Z_k| / (|Z_k| + 0.1)` (u uniform
in [0, 1], Z_k the rule's denominators, Z the first) so that a Z near 0 does not amplify float32
rounding.
"""

import json
import os
import sys

import numpy as np
import torch
from zennit.rules import AlphaBeta, Gamma, ZPlus

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "oracle", "zennit")


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32)


def save(name, array, dtype):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(np.asarray(array).astype(dtype)))
    return name


def zennit_relprop(rule, module, x, relevance):
    """Input relevance of `module` (float64) under a zennit rule: the gradient with its hooks."""
    handles = rule.register(module)
    try:
        x = x.clone().requires_grad_(True)
        y = module(x)
        (r,) = torch.autograd.grad(y, x, grad_outputs=relevance)
    finally:
        handles.remove()
    return r.detach()


def forward(module, x, w, b=None):
    if isinstance(module, torch.nn.Linear):
        return torch.nn.functional.linear(x, w, b)
    return torch.nn.functional.conv2d(x, w, b, module.stride, module.padding)


def pos(t):
    return t.clamp(min=0)


def neg(t):
    return t.clamp(max=0)


def denominators(rule, module, x):
    """The rule's denominators Z_k (each: positive-input term with its bias + negative-input term),
    written out independently of zennit's hooks, to shape the relevance."""
    w, b = module.weight, module.bias
    up = lambda t: t + 0.25 * pos(t)
    down = lambda t: t + 0.25 * neg(t)
    pairs = {
        "zplussigned": [(pos, neg)],
        "alphabetasigned(2, 1)": [(pos, neg), (neg, pos)],
        "gammasigned(0.25)": [(up, down), (down, up)],
    }[rule]
    with torch.no_grad():
        zs = [forward(module, pos(x), p(w), p(b)) + forward(module, neg(x), n(w)) for p, n in pairs]
        return [z + 1e-6 * ((z == 0).double() + z.sign()) for z in zs]


RULES = [
    # LRPKit's description of the rule, zennit's rule
    ("zplussigned", lambda: ZPlus()),
    ("alphabetasigned(2, 1)", lambda: AlphaBeta(alpha=2.0, beta=1.0)),
    ("gammasigned(0.25)", lambda: Gamma(gamma=0.25)),
]


CASES = [
    # name, kind, sizes
    ("linear", "linear", {"in": 9, "out": 5, "batch": 3}),
    ("conv_k3_s1_p0", "conv", {"in": 2, "out": 3, "kernel": 3, "stride": 1, "padding": 0, "h": 6, "w": 7, "batch": 2}),
    ("conv_k3_s2_p1", "conv", {"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": 1, "h": 7, "w": 6, "batch": 2}),
]


def make(index, name, kind, s, rule_index, rule, zennit_rule):
    rng = np.random.RandomState(1000 + index + 100 * rule_index)
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
    zs = [to_ours(z) for z in denominators(rule, module, tx)]
    r = f32(rng.uniform(0, 1, zs[0].shape) * zs[0] * np.prod([np.abs(z) / (np.abs(z) + 0.1) for z in zs], axis=0))
    expected = to_ours(zennit_relprop(zennit_rule(), module, tx, to_torch(r)))
    # Relevance is conserved up to the bias share and the stabiliser: a sanity check of the setup.
    assert np.isfinite(expected).all() and np.abs(expected).max() > 0
    if rule_index:
        name = f"{rule.split('(')[0]}_{name}"
    spec.update({"weight": save(f"{name}_weight.npy", w, np.float32), "bias": save(f"{name}_bias.npy", b, np.float32)})
    return {"name": name, "rule": {"name": rule}, "layer": spec,
            "input": save(f"{name}_input.npy", x, np.float32),
            "relevance": save(f"{name}_relevance.npy", r, np.float32),
            "relprop": save(f"{name}_relprop.npy", expected, np.float64)}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    import zennit
    manifest = {"generator": "Tests/oracle/make_zennit_vectors.py",
                "zennit": getattr(zennit, "__version__", "unknown"), "torch": torch.__version__,
                "cases": [make(i, *case, k, *rule) for k, rule in enumerate(RULES) for i, case in enumerate(CASES)]}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {len(manifest['cases'])} zennit cases to {OUT}")


if __name__ == "__main__":
    main()
