"""Writes the oracle test vectors to Tests/LRPKitTests/Fixtures/oracle/ (numpy only, deterministic).

    python3 Tests/oracle/make_vectors.py [--mnist DIR] [--models DIR] [--skip-tutorial]

--mnist defaults to the repository's data/mnist (t10k-*-idx?-ubyte.gz) and --models to its
models/tutorial (mlp/ and cnn/ weight folders), so a clean clone regenerates the committed vectors
byte for byte: scripts/check-oracle-vectors.sh shows it.

Per case, the inputs and parameters are drawn (RandomState(seed)), rounded to float32 and saved as
float32; the expected results are computed from those float32 values in float64 and saved as
float64. A case is accepted only if the same oracle run in float32 agrees with the float64 result
to a norm-based relative error below 1e-5 (so a float32 implementation can pass the 1e-4 test);
otherwise the seed is bumped. See README.md for the manifest format and conventions.
"""

import argparse
import gzip
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the worktree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrp_oracle as o  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "LRPKitTests", "Fixtures", "oracle")
F32_TOLERANCE = 1e-5


def rel_err(a, b):
    """max|a-b| / max(max|b|, tiny): the norm-based relative error the Swift tests use."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))


def save(rel, arr, dtype):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(np.asarray(arr).astype(dtype)))
    return rel


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32)


# --------------------------------------------------------------------------------------------
# Layer specs (JSON-able) and their construction in a given dtype
# --------------------------------------------------------------------------------------------

def build(spec, params, dtype):
    k = spec["kind"]
    if k == "linear":
        return o.Linear(params["weight"].astype(dtype), params["bias"].astype(dtype))
    if k == "conv":
        return o.Convolution(params["weight"].astype(dtype), params["bias"].astype(dtype),
                             spec["stride"], spec["padding"], spec["padValue"])
    if k == "sumpool":
        return o.SumPooling(spec["size"], spec["stride"], spec["scale"])
    if k == "avgpool":
        return o.AveragePooling(spec["size"], spec["stride"])
    if k == "maxpool":
        return o.MaxPooling(spec["size"], spec["stride"])
    if k == "relu":
        return o.ReLU()
    if k == "flatten":
        return o.Flatten()
    raise ValueError(k)


def draw_params(spec, rng, in_channels):
    """Random float32-exact parameters for a weighted layer spec (weights ~ N(0, 1/fan_in))."""
    k = spec["kind"]
    if k == "linear":
        fan = spec["in"]
        W = rng.randn(spec["in"], spec["out"]) / np.sqrt(fan)
        b = 0.1 * rng.randn(spec["out"]) if spec.get("bias", True) else np.zeros(spec["out"])
        return {"weight": f32(W), "bias": f32(b)}
    if k == "conv":
        kk, co = spec["kernel"], spec["out"]
        W = rng.randn(kk, kk, in_channels, co) / np.sqrt(kk * kk * in_channels)
        b = 0.1 * rng.randn(co) if spec.get("bias", True) else np.zeros(co)
        return {"weight": f32(W), "bias": f32(b)}
    return {}


def public_spec(spec, files):
    """The manifest's layer object: kind + hyper-parameters + parameter files."""
    s = {k: v for k, v in spec.items() if k not in ("in", "out", "kernel", "bias")}
    s.update(files)
    return s


def draw_input(rng, shape, kind):
    if kind == "pos":
        return f32(rng.uniform(0.0, 1.0, shape))
    return f32(rng.uniform(-1.0, 1.0, shape))


# --------------------------------------------------------------------------------------------
# Per-layer cases
# --------------------------------------------------------------------------------------------

POS_RULES = [{"name": "zplus"}, {"name": "alphabeta", "alpha": 2.0, "beta": 1.0},
             {"name": "alphabeta", "alpha": 1.0, "beta": 0.0}, {"name": "gamma", "gamma": 0.25},
             {"name": "lrp0"}, {"name": "epsilon", "epsilon": 0.1}]
BOX_RULES = [{"name": "zB", "low": -1.0, "high": 1.0}, {"name": "lrp0"},
             {"name": "epsilon", "epsilon": 0.1}, {"name": "wsquare"}, {"name": "flat"}]

LAYER_CASES = [
    # name, spec, input shape, [(input kind, rules)]
    ("linear", {"kind": "linear", "in": 7, "out": 5}, (3, 7), [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("linear_nobias", {"kind": "linear", "in": 6, "out": 4, "bias": False}, (2, 6),
     [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("conv_k3_s1_p0", {"kind": "conv", "kernel": 3, "out": 3, "stride": 1, "padding": 0, "padValue": 0.0},
     (2, 6, 6, 2), [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("conv_k3_s2_p1_vm1", {"kind": "conv", "kernel": 3, "out": 3, "stride": 2, "padding": 1, "padValue": -1.0},
     (2, 5, 5, 2), [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("conv_k2_s1_p1_v0", {"kind": "conv", "kernel": 2, "out": 2, "stride": 1, "padding": 1, "padValue": 0.0},
     (2, 4, 5, 3), [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("conv_k3_s2_p0_unused", {"kind": "conv", "kernel": 3, "out": 2, "stride": 2, "padding": 0, "padValue": 0.0},
     (2, 6, 6, 2), [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("conv_k5_s1_p2_vm1", {"kind": "conv", "kernel": 5, "out": 4, "stride": 1, "padding": 2, "padValue": -1.0},
     (2, 6, 6, 1), [("pos", POS_RULES), ("box", BOX_RULES)]),
    ("sumpool_k2_s2_c05", {"kind": "sumpool", "size": 2, "stride": 2, "scale": 0.5}, (2, 4, 6, 3),
     [("pos", [{"name": "zplus"}, {"name": "lrp0"}])]),
    ("sumpool_k3_s1_c03", {"kind": "sumpool", "size": 3, "stride": 1, "scale": 0.3}, (2, 5, 5, 2),
     [("pos", [{"name": "zplus"}, {"name": "lrp0"}])]),
    ("avgpool_k2_s2", {"kind": "avgpool", "size": 2, "stride": 2}, (2, 4, 4, 3),
     [("pos", [{"name": "zplus"}, {"name": "lrp0"}])]),
    ("avgpool_k3_s1", {"kind": "avgpool", "size": 3, "stride": 1}, (2, 5, 4, 2),
     [("pos", [{"name": "zplus"}, {"name": "lrp0"}])]),
    ("maxpool_k2_s2", {"kind": "maxpool", "size": 2, "stride": 2}, (2, 4, 6, 3), [("box", [{"name": "wta"}])]),
    ("maxpool_k3_s2", {"kind": "maxpool", "size": 3, "stride": 2}, (2, 7, 7, 2), [("box", [{"name": "wta"}])]),
    ("relu", {"kind": "relu"}, (3, 4, 5, 2), [("box", [{"name": "identity"}])]),
    ("flatten", {"kind": "flatten"}, (2, 3, 4, 2), [("box", [{"name": "identity"}])]),
]


def run_layer(spec, params, X, dY, R, rules, dtype):
    layer = build(spec, params, dtype)
    X, dY, R = X.astype(dtype), dY.astype(dtype), R.astype(dtype)
    return (layer.forward(X), layer.gradprop(dY, X), [layer.relprop(R, X, r) for r in rules])


def make_layer_case(index, name, spec, shape, kind, rules):
    for seed in range(100 * index + (0 if kind == "pos" else 50), 100 * index + 100):
        rng = np.random.RandomState(seed)
        params = draw_params(spec, rng, shape[-1])
        X = draw_input(rng, shape, kind)
        Y = build(spec, params, np.float64).forward(X.astype(np.float64))
        dY = f32(rng.randn(*Y.shape))
        R = f32(rng.uniform(0.1, 1.0, Y.shape))
        exp = run_layer(spec, params, X, dY, R, rules, np.float64)
        got = run_layer(spec, params, X, dY, R, rules, np.float32)
        errs = [rel_err(exp[0], got[0]), rel_err(exp[1], got[1])] + \
               [rel_err(e, g) for e, g in zip(exp[2], got[2])]
        if max(errs) < F32_TOLERANCE and all(np.isfinite(e).all() for e in exp[2]):
            break
    else:
        raise RuntimeError(f"{name}/{kind}: no well-conditioned seed")
    case = f"{name}_{kind}"
    d = f"layers/{case}/"
    files = {k: save(d + k + ".npy", v, np.float32) for k, v in params.items()}
    entry = {
        "name": case, "seed": seed, "layer": public_spec(spec, files),
        "input": save(d + "input.npy", X, np.float32),
        "forward": save(d + "forward.npy", exp[0], np.float64),
        "gradient": save(d + "gradient.npy", dY, np.float32),
        "gradprop": save(d + "gradprop.npy", exp[1], np.float64),
        "relevance": save(d + "relevance.npy", R, np.float32),
        "relprop": [],
        "float32OracleError": max(errs),
    }
    for r, e in zip(rules, exp[2]):
        tag = "_".join([r["name"]] + [f"{k}{v:g}" for k, v in r.items() if k != "name"])
        entry["relprop"].append({"rule": r, "expected": save(d + f"relprop_{tag}.npy", e, np.float64)})
    return entry


# --------------------------------------------------------------------------------------------
# Whole networks
# --------------------------------------------------------------------------------------------

def conv(k, out, s=1, p=0, v=0.0, bias=True):
    return {"kind": "conv", "kernel": k, "out": out, "stride": s, "padding": p, "padValue": v, "bias": bias}


IDENT, WTA, ZPLUS = {"name": "identity"}, {"name": "wta"}, {"name": "zplus"}
ZB = {"name": "zB", "low": -1.0, "high": 1.0}
AB21 = {"name": "alphabeta", "alpha": 2.0, "beta": 1.0}
EPS = {"name": "epsilon", "epsilon": 0.25}
LRP0 = {"name": "lrp0"}

NET_CASES = [
    ("deeptaylor", (2, 12, 12, 1), "box", False, [
        (conv(3, 4, 1, 1, -1.0), ZB), ({"kind": "relu"}, IDENT),
        ({"kind": "sumpool", "size": 2, "stride": 2, "scale": 0.5}, ZPLUS),
        (conv(3, 6), ZPLUS), ({"kind": "relu"}, IDENT), ({"kind": "maxpool", "size": 2, "stride": 2}, WTA),
        ({"kind": "flatten"}, IDENT), ({"kind": "linear", "in": 24, "out": 5}, ZPLUS)]),
    ("alphabeta", (2, 12, 12, 1), "box", False, [
        (conv(3, 4, 1, 1, -1.0), ZB), ({"kind": "relu"}, IDENT),
        ({"kind": "sumpool", "size": 2, "stride": 2, "scale": 0.5}, ZPLUS),
        (conv(3, 6), AB21), ({"kind": "relu"}, IDENT), ({"kind": "maxpool", "size": 2, "stride": 2}, WTA),
        ({"kind": "flatten"}, IDENT), ({"kind": "linear", "in": 24, "out": 5}, AB21)]),
    ("epsilon", (3, 9, 9, 2), "box", False, [
        (conv(3, 5, 2, 1, 0.0), EPS), ({"kind": "relu"}, IDENT),
        ({"kind": "avgpool", "size": 2, "stride": 1}, EPS), ({"kind": "flatten"}, IDENT),
        ({"kind": "linear", "in": 80, "out": 8}, EPS), ({"kind": "relu"}, IDENT),
        ({"kind": "linear", "in": 8, "out": 4}, EPS)]),
    # Bias-free LRP-0 with zero padding: relevance is conserved (sum R_in = sum R per sample).
    ("lrp0_nobias", (2, 10, 10, 2), "box", True, [
        (conv(3, 4, 1, 1, 0.0, bias=False), LRP0), ({"kind": "relu"}, IDENT),
        ({"kind": "sumpool", "size": 2, "stride": 2, "scale": 0.5}, LRP0),
        (conv(2, 6, bias=False), LRP0), ({"kind": "relu"}, IDENT),
        ({"kind": "maxpool", "size": 2, "stride": 2}, WTA), ({"kind": "flatten"}, IDENT),
        ({"kind": "linear", "in": 24, "out": 3, "bias": False}, LRP0)]),
]


def build_net(specs, params, dtype):
    return o.Network([build(s, p, dtype) for s, p in zip(specs, params)])


def run_net(specs, params, rules, X, dY, R, dtype):
    net = build_net(specs, params, dtype)
    X, dY, R = X.astype(dtype), dY.astype(dtype), R.astype(dtype)
    return net.forward(X), net.gradprop(dY, X), net.relprop(R, X, rules)


def make_net_case(index, name, shape, kind, conserves, layers):
    specs = [s for s, _ in layers]
    rules = [r for _, r in layers]
    for seed in range(1000 + 100 * index, 1100 + 100 * index):
        rng = np.random.RandomState(seed)
        params, ch = [], shape[-1]
        for s in specs:
            params.append(draw_params(s, rng, ch))
            if s["kind"] == "conv":
                ch = s["out"]
        X = draw_input(rng, shape, kind)
        Y = build_net(specs, params, np.float64).forward(X.astype(np.float64))
        dY = f32(rng.randn(*Y.shape))
        R = f32(rng.uniform(0.1, 1.0, Y.shape))
        exp = run_net(specs, params, rules, X, dY, R, np.float64)
        got = run_net(specs, params, rules, X, dY, R, np.float32)
        errs = [rel_err(e, g) for e, g in zip(exp, got)]
        # Non-trivial: some relevance must reach the input.
        if max(errs) < F32_TOLERANCE and np.abs(exp[2]).max() > 1e-3:
            break
    else:
        raise RuntimeError(f"net {name}: no well-conditioned seed")
    d = f"networks/{name}/"
    out_layers = []
    for i, (s, p) in enumerate(zip(specs, params)):
        files = {k: save(d + f"layer{i}_{k}.npy", v, np.float32) for k, v in p.items()}
        out_layers.append(public_spec(s, files))
    entry = {
        "name": name, "seed": seed, "layers": out_layers, "rules": rules,
        "input": save(d + "input.npy", X, np.float32),
        "forward": save(d + "forward.npy", exp[0], np.float64),
        "gradient": save(d + "gradient.npy", dY, np.float32),
        "gradprop": save(d + "gradprop.npy", exp[1], np.float64),
        "relevance": save(d + "relevance.npy", R, np.float32),
        "relprop": save(d + "relprop.npy", exp[2], np.float64),
        "conserves": conserves,
        "float32OracleError": max(errs),
    }
    if conserves:
        sums_in = exp[2].reshape(shape[0], -1).sum(1)
        sums_out = R.astype(np.float64).reshape(shape[0], -1).sum(1)
        assert rel_err(sums_in, sums_out) < 1e-6, (sums_in, sums_out)
    return entry


# --------------------------------------------------------------------------------------------
# Self-checks of the oracle against the tutorial's literal formulas (dense matrices)
# --------------------------------------------------------------------------------------------

def self_check():
    rng = np.random.RandomState(7)
    X, W, b = rng.uniform(-1, 1, (3, 6)), rng.randn(6, 4), rng.randn(4)
    R = rng.uniform(0.1, 1, (3, 4))
    lin = o.Linear(W, b)
    V, U = np.maximum(0, W), np.minimum(0, W)
    Z = X.dot(W) - (-1 * np.ones_like(X)).dot(V) - np.ones_like(X).dot(U) + 1e-9
    S = R / Z
    ref = X * S.dot(W.T) + S.dot(V.T) - S.dot(U.T)
    assert rel_err(lin.relprop(R, X, ZB), ref) < 1e-12
    Xp = np.abs(X)
    ref = Xp * (R / (Xp.dot(V) + 1e-9)).dot(V.T)
    assert rel_err(lin.relprop(R, Xp, ZPLUS), ref) < 1e-12
    # A padded convolution equals an explicitly padded input through an unpadded one (rules that
    # do not use the ones / L / H helpers and do not shift X), cropped.
    Xc, Wc, bc = rng.uniform(0, 1, (2, 5, 5, 2)), rng.randn(3, 3, 2, 3), rng.randn(3)
    Rc = rng.uniform(0.1, 1, (2, 3, 3, 3))
    padded = o.Convolution(Wc, bc, 2, 1, -1.0)
    plain = o.Convolution(Wc, bc, 2, 0, 0.0)
    Xe = np.pad(Xc, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=-1.0)
    for r in (ZPLUS, LRP0, EPS):
        assert rel_err(padded.relprop(Rc, Xc, r), plain.relprop(Rc, Xe, r)[:, 1:-1, 1:-1]) < 1e-12
    # Conservation of z+ / z^B on a bias-free linear layer.
    for r, x in ((ZPLUS, Xp), (ZB, X)):
        Rin = o.Linear(W, 0 * b).relprop(R, x, r)
        assert rel_err(Rin.sum(1), R.sum(1)) < 1e-6


# --------------------------------------------------------------------------------------------
# The tutorial
# --------------------------------------------------------------------------------------------

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    count = int.from_bytes(data[4:8], "big")
    if magic == 0x803:
        rows, cols = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)
    assert magic == 0x801
    return np.frombuffer(data, np.uint8, offset=8)


def tutorial_nets(models, dtype):
    t = models
    mlp = []
    for i, name in enumerate(["l1", "l2", "l3"]):
        W = np.loadtxt(os.path.join(t, "mlp", name + "-W.txt"))
        B = np.loadtxt(os.path.join(t, "mlp", name + "-B.txt"))
        mlp += [o.Linear(W.astype(dtype), B.astype(dtype)), o.ReLU()]
    cnn = []
    for name in ["c1-5x5x1x10", "c2-5x5x10x25", "c3-4x4x25x100", "c4-1x1x100x10"]:
        shape = tuple(int(v) for v in name.split("-")[1].split("x"))
        W = np.loadtxt(os.path.join(t, "cnn", name + "-W.txt")).reshape(shape)
        B = np.loadtxt(os.path.join(t, "cnn", name + "-B.txt"))
        cnn += [o.Convolution(W.astype(dtype), B.astype(dtype)), o.ReLU(), o.SumPooling(2, 2, 0.5)]
    cnn = cnn[:-1]  # no pooling after c4; its ReLU is the appended one
    # Both lists end with the ReLU the tutorial appends for relevance propagation.
    return o.Network(mlp), o.Network(cnn)


MLP_DT = [ZB, IDENT, ZPLUS, IDENT, ZPLUS, IDENT]
CNN_DT = [ZB, IDENT, ZPLUS, ZPLUS, IDENT, ZPLUS, ZPLUS, IDENT, ZPLUS, ZPLUS, IDENT]
CNN_AB = [ZB, IDENT, ZPLUS, AB21, IDENT, ZPLUS, AB21, IDENT, ZPLUS, AB21, IDENT]


def tutorial_maps(Xs, labels, mlp, cnn, dtype):
    """Everything of the tutorial's steps for the sample, in dtype."""
    X = Xs.astype(dtype)
    n = X.shape[0]
    T = np.eye(10, dtype=dtype)[labels]
    Xm = X.reshape(n, 784)
    Xc = np.pad(X, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
    Tc = T.reshape(n, 1, 1, 10)
    out = {}
    out["mlp_logits"] = o.Network(mlp.layers[:-1]).forward(Xm)
    out["cnn_logits"] = o.Network(cnn.layers[:-1]).forward(Xc).reshape(n, 10)
    Ym, Yc = mlp.forward(Xm), cnn.forward(Xc)
    out["mlp_sensitivity"] = mlp.gradprop(T, Xm) ** 2
    out["mlp_deeptaylor"] = mlp.relprop(Ym * T, Xm, MLP_DT)
    out["cnn_sensitivity_full"] = cnn.gradprop(Tc, Xc) ** 2
    out["cnn_deeptaylor_full"] = cnn.relprop(Yc * Tc, Xc, CNN_DT)
    out["cnn_alphabeta_full"] = cnn.relprop(Yc * Tc, Xc, CNN_AB)
    for k in ("cnn_sensitivity", "cnn_deeptaylor", "cnn_alphabeta"):
        out[k] = out[k + "_full"][:, 2:-2, 2:-2, :]
    out["mlp_target"] = (Ym * T).sum(1)
    out["cnn_target"] = (Yc * Tc).reshape(n, 10).sum(1)
    return out


def figures(Xs, m, dtype):
    def gm(x):
        return o.graymap(x)
    return {
        "data": o.mosaic(Xs.astype(dtype), gm),
        "mlp-sensitivity": o.mosaic(m["mlp_sensitivity"].astype(dtype), o.heatmap),
        "mlp-deeptaylor": o.mosaic(m["mlp_deeptaylor"].astype(dtype), o.heatmap),
        "cnn-sensitivity": o.mosaic(m["cnn_sensitivity"].astype(dtype), o.heatmap),
        "cnn-deeptaylor": o.mosaic(m["cnn_deeptaylor"].astype(dtype), o.heatmap),
        "cnn-alphabeta": o.mosaic(m["cnn_alphabeta"].astype(dtype), o.heatmap),
    }


def error_counts(images, labels, mlp, cnn):
    X = images.astype(np.float64) / 255.0 * 2.0 - 1.0
    counts = {"mlp": 0, "mlpWithFinalReLU": 0, "cnn": 0, "cnnWithFinalReLU": 0}
    for start in range(0, X.shape[0], 500):
        x = X[start:start + 500]
        y = labels[start:start + 500]
        ins, out = mlp.forward_all(x.reshape(-1, 784))
        pre = ins[-1]
        counts["mlp"] += int((pre.argmax(1) != y).sum())
        counts["mlpWithFinalReLU"] += int((out.argmax(1) != y).sum())
        xc = np.pad(x[..., None], ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
        ins, out = cnn.forward_all(xc)
        pre = ins[-1].reshape(-1, 10)
        counts["cnn"] += int((pre.argmax(1) != y).sum())
        counts["cnnWithFinalReLU"] += int((out.reshape(-1, 10).argmax(1) != y).sum())
    return counts


def make_tutorial(mnist, models, notes):
    images = read_idx(os.path.join(mnist, "t10k-images-idx3-ubyte.gz"))
    labels_all = read_idx(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz")).astype(int)
    idx = o.randint(1234, 0, 10000, 12)
    assert idx == [int(v) for v in np.random.RandomState(1234).randint(0, 10000, 12)]
    assert idx == [8915, 1318, 7221, 7540, 664, 6137, 6833, 8471, 9449, 7322, 8222, 1182]
    labels = labels_all[idx]
    assert list(labels) == [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 6]
    Xs = (images[idx].astype(np.float64) / 255.0 * 2.0 - 1.0)[..., None]   # 12 x 28 x 28 x 1

    mlp, cnn = tutorial_nets(models, np.float64)
    m = tutorial_maps(Xs, labels, mlp, cnn, np.float64)
    tut_mlp0 = [-1.5467, 9.6836, 21.4397, 9.1516, -2.5577, 1.7512, 1.4682, 3.5962, 1.4475, -2.5014]
    tut_cnn0 = [-3.3709, 4.6261, 30.0149, 6.6108, 2.5873, -8.9452, -1.7391, 8.0377, 2.5111, -9.7981]
    assert np.abs(m["mlp_logits"][0] - tut_mlp0).max() < 1e-4
    assert np.abs(m["cnn_logits"][0] - tut_cnn0).max() < 1e-4
    preds = [5 if i == 11 else int(l) for i, l in enumerate(labels)]
    assert list(m["mlp_logits"].argmax(1)) == preds and list(m["cnn_logits"].argmax(1)) == preds
    tm = [21.4397, 16.2489, 17.6314, 22.6353, 19.4326, 20.7611, 20.4279, 26.8216, 20.3141, 17.9583, 29.404, 15.4139]
    tc = [30.0149, 17.2761, 23.6559, 25.6115, 24.0773, 18.6926, 23.8484, 28.748, 23.1698, 20.8248, 34.286, 11.3998]
    assert np.abs(m["mlp_target"] - tm).max() < 1e-4 and np.abs(m["cnn_target"] - tc).max() < 1e-3
    # Conservation (deep Taylor): input relevance sums to the target logit.
    assert np.abs(m["mlp_deeptaylor"].sum(1) - m["mlp_target"]).max() < 1e-4
    assert np.abs(m["cnn_deeptaylor_full"].reshape(12, -1).sum(1) - m["cnn_target"]).max() < 1e-4
    border = float(m["cnn_deeptaylor_full"].sum() - m["cnn_deeptaylor"].sum())
    assert abs(border - 1.33) < 0.005, border
    notes["cnnDeepTaylorPadBorderRelevance"] = border

    counts = error_counts(images, labels_all, mlp, cnn)
    assert counts["mlp"] == 105 and counts["cnn"] == 76, counts
    figs = figures(Xs, m, np.float64)
    # The data figure rendered (in float64) from pixels first rounded to float32, as a Float32
    # pipeline holds them: numpy's float64 p/255*2-1 puts some values a hair below an integer
    # byte, which float32 rounding moves; see README.
    figs["data-float32-pixels"] = o.mosaic(Xs.astype(np.float32).astype(np.float64), o.graymap)

    # Float32 sensitivity of the figures (reported; not part of the tests).
    mlp32, cnn32 = tutorial_nets(models, np.float32)
    m32 = tutorial_maps(Xs.astype(np.float32), labels, mlp32, cnn32, np.float32)
    f32_all = figures(Xs.astype(np.float32), m32, np.float32)          # float32 maps and render
    f32_maps = figures(Xs, m32, np.float64)                            # float32 maps, float64 render
    f64_map_f32_render = figures(Xs, m, np.float32)                    # float64 maps, float32 render
    diff = {}
    for k, ref in figs.items():
        if k not in f32_all:
            continue
        def count(other):
            d = ref != other
            return {"bytes": int(d.sum()), "pixels": int(d.any(-1).sum()),
                    "maxAbs": int(np.abs(ref.astype(int) - other.astype(int)).max())}
        diff[k] = {"float32Everything": count(f32_all[k]), "float32MapsFloat64Render": count(f32_maps[k]),
                   "float64MapsFloat32Render": count(f64_map_f32_render[k])}
    notes["float32FigureDifferences"] = diff

    # Information: c1 as an in-layer padded convolution (padding 2, padValue -1) under this oracle's
    # helper-padding convention, versus the tutorial's external padding (L = -1, H = 1 on the pad too).
    c1 = cnn.layers[0]
    c1p = o.Convolution(c1.W, c1.b, 1, 2, -1.0)
    cnn_in = o.Network([c1p] + cnn.layers[1:])
    Yc = cnn_in.forward(Xs)
    Tc = np.eye(10)[labels].reshape(12, 1, 1, 10)
    inlayer = cnn_in.relprop(Yc * Tc, Xs, CNN_DT)
    fig_in = o.mosaic(inlayer, o.heatmap)
    notes["inLayerPaddedC1"] = {
        "relErrorVsTutorialCroppedMap": rel_err(inlayer, m["cnn_deeptaylor"]),
        "figurePixelsDiffering": int((fig_in != figs["cnn-deeptaylor"]).any(-1).sum()),
        "relevanceSumMinusTarget": float(np.abs(inlayer.reshape(12, -1).sum(1) - m["cnn_target"]).max()),
    }

    d = "tutorial/"
    entry = {
        "indices": idx, "labels": [int(v) for v in labels], "predictions": preds,
        "input": save(d + "input.npy", Xs, np.float32),
        "mlpLogits": save(d + "mlp_logits.npy", m["mlp_logits"], np.float64),
        "cnnLogits": save(d + "cnn_logits.npy", m["cnn_logits"], np.float64),
        "mlpTargetLogits": [float(v) for v in m["mlp_target"]],
        "cnnTargetLogits": [float(v) for v in m["cnn_target"]],
        "maps": {
            "mlpSensitivity": save(d + "mlp_sensitivity.npy", m["mlp_sensitivity"], np.float32),
            "mlpDeepTaylor": save(d + "mlp_deeptaylor.npy", m["mlp_deeptaylor"], np.float32),
            "cnnSensitivity": save(d + "cnn_sensitivity.npy", m["cnn_sensitivity"], np.float32),
            "cnnDeepTaylor": save(d + "cnn_deeptaylor.npy", m["cnn_deeptaylor"], np.float32),
            "cnnAlphaBeta": save(d + "cnn_alphabeta.npy", m["cnn_alphabeta"], np.float32),
        },
        "figures": {k: save(d + f"figure_{k}.npy", v, np.uint8) for k, v in figs.items()},
        "testErrors": counts,
        "notes": notes,
    }
    return entry


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", default=os.path.join(ROOT, "data", "mnist"), help="folder of the MNIST t10k .gz files")
    ap.add_argument("--models", default=os.path.join(ROOT, "models", "tutorial"), help="folder holding mlp/ and cnn/")
    ap.add_argument("--skip-tutorial", action="store_true")
    args = ap.parse_args()
    self_check()
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "version": 1,
        "generator": "Tests/oracle/make_vectors.py",
        "conventions": {
            "layout": "NHWC; conv weights kh x kw x in x out; linear weights in x out",
            "stabilizer": 1e-9,
            "sign0": "+1 if z >= 0 else -1",
            "convPadding": "rules run on the input padded with padValue; the result is cropped",
            "helperPadding": "the ones (wsquare, flat) and L, H (zB) helper inputs have the unpadded "
                             "input's shape and are padded with the layer's padValue, like X",
            "alphabetaShift": "X' = Xp + 1e-9 on the padded input, pad included",
            "poolingWeight": "sum/avg pooling's weight for the rules is [scale]; bias 0",
            "maxPoolingTies": "gradient/relevance go to the first maximum in row-major window order",
            "dtypes": "inputs/parameters float32; expected forward/gradprop/relprop float64; "
                      "tutorial maps float32; figures uint8",
            "tolerance": "max|a-b| / max(max|b|, tiny) < 1e-4",
        },
        "layers": [],
        "networks": [],
    }
    for i, (name, spec, shape, variants) in enumerate(LAYER_CASES):
        for kind, rules in variants:
            manifest["layers"].append(make_layer_case(i, name, spec, shape, kind, rules))
    for i, (name, shape, kind, conserves, layers) in enumerate(NET_CASES):
        manifest["networks"].append(make_net_case(i, name, shape, kind, conserves, layers))
    if not args.skip_tutorial:
        manifest["tutorial"] = make_tutorial(args.mnist, args.models, {})
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=False)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(OUT) for fn in fns)
    print(f"wrote {len(manifest['layers'])} layer cases, {len(manifest['networks'])} networks, "
          f"{total / 1e6:.2f} MB to {OUT}")
    if "tutorial" in manifest:
        print(json.dumps(manifest["tutorial"]["testErrors"]))
        print(json.dumps(manifest["tutorial"]["notes"], indent=1))


if __name__ == "__main__":
    main()
