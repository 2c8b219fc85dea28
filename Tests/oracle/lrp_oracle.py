"""Independent numpy oracle for LRPKit.

Written from the spec (Tests/oracle/README.md, /work/shared/docs/tutorial.md), not from the Swift
code. Every function is dtype-generic: it computes in the dtype of its array arguments (float64 for
the committed vectors; float32 only to measure how much single precision changes the figures).

Layers are small classes with three passes:
    forward(X)              -> Y
    gradprop(dY, X)         -> dX   (plain back-propagation)
    relprop(R, X, rule)     -> R_in
Weighted layers (Linear, Convolution, sum/average pooling) expose a "linear map" view:
    core_forward(Xc, W, b)  the layer's forward on its (already padded) input with parameters W, b
    core_grad(S, W)         its transpose, onto the padded input
    pad(X, value)           the layer's input padding (identity unless a padded convolution)
    crop(G)                 undo pad
and every rule is written once against that view (`_linear_rule`).
"""

import numpy as np

STAB = 1e-9  # the tutorial's stabiliser


def sign0(z):
    """+1 where z >= 0, else -1 (sign(0) = +1)."""
    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)


# --------------------------------------------------------------------------------------------
# Rules as plain data: dicts like {"name": "zB", "low": -1, "high": 1} (same as the manifest).
# --------------------------------------------------------------------------------------------

def rule_name(rule):
    return rule["name"]


# --------------------------------------------------------------------------------------------
# Linear maps
# --------------------------------------------------------------------------------------------

class _LinearMap:
    """Base for layers whose forward is (affine) linear in X for fixed parameters."""
    has_bias = True

    def pad(self, X, value):
        return X

    def crop(self, G):
        return G

    def aux_pad_value(self):
        """Pad value used for the ones / L / H helper inputs (see README: same as X's pad)."""
        return 0.0

    def forward(self, X):
        return self.core_forward(self.pad(X, self.pad_value()), self.W, self.b)

    def gradprop(self, dY, X):
        return self.crop(self.core_grad(dY, self.W))

    def pad_value(self):
        return 0.0

    def relprop(self, R, X, rule):
        return _linear_rule(self, R, X, rule)


def _linear_rule(m, R, X, rule):
    """All rules of the spec, on a linear map `m`. Runs on the padded input, crops the result."""
    name = rule_name(rule)
    dt = X.dtype
    W, b = m.W.astype(dt), m.b.astype(dt)
    zero_b = np.zeros_like(b)
    v = m.pad_value()
    Xp = m.pad(X, v)
    aux = m.aux_pad_value()
    f = m.core_forward
    g = m.core_grad
    R = R.astype(dt)

    if name == "zplus":
        V = np.maximum(0, W)
        Z = f(Xp, V, zero_b) + STAB
        S = R / Z
        Rin = Xp * g(S, V)
    elif name == "zB":
        l, h = rule["low"], rule["high"]
        V, U = np.maximum(0, W), np.minimum(0, W)
        Lp = m.pad(np.full_like(X, l), aux)
        Hp = m.pad(np.full_like(X, h), aux)
        Z = f(Xp, W, zero_b) - f(Lp, V, zero_b) - f(Hp, U, zero_b) + STAB
        S = R / Z
        Rin = Xp * g(S, W) - Lp * g(S, V) - Hp * g(S, U)
    elif name == "alphabeta":
        a, bb = rule["alpha"], rule["beta"]
        P, N = np.maximum(STAB, W), np.minimum(-STAB, W)
        # The shift applies to the layer's input; in-layer padding stays the constant pad value.
        Xq = m.pad(X + STAB, v)
        Rin = Xq * (g(a * R / f(Xq, P, zero_b), P) + g(-bb * R / f(Xq, N, zero_b), N))
    elif name in ("lrp0", "epsilon", "gamma"):
        if name == "gamma":
            gm = rule["gamma"]
            Wm, bm = W + gm * np.maximum(0, W), b + gm * np.maximum(0, b)
        else:
            Wm, bm = W, b
        eps = rule["epsilon"] if name == "epsilon" else STAB
        Z = f(Xp, Wm, bm)
        Z = Z + eps * sign0(Z)
        Rin = Xp * g(R / Z, Wm)
    elif name in ("wsquare", "flat"):
        W2 = W * W if name == "wsquare" else np.ones_like(W)
        Op = m.pad(np.ones_like(X), aux)
        Z = f(Op, W2, zero_b) + STAB
        Rin = g(R / Z, W2)
    else:
        raise ValueError(f"rule {name} does not apply to {m.kind}")
    return m.crop(Rin)


class Linear(_LinearMap):
    kind = "linear"

    def __init__(self, W, b):
        self.W, self.b = W, b

    def core_forward(self, X, W, b):
        return X @ W + b

    def core_grad(self, S, W):
        return S @ W.T


def _windows(n_in, k, s):
    return (n_in - k) // s + 1


class Convolution(_LinearMap):
    """NHWC cross-correlation, weights kh x kw x in x out, stride s, padding p filled with pad_value."""
    kind = "conv"

    def __init__(self, W, b, stride=1, padding=0, pad_value=0.0, aux_pad=None):
        self.W, self.b = W, b
        self.stride, self.padding, self.pv = stride, padding, pad_value
        # aux_pad: pad value for the ones / L / H helper inputs; None = the layer's pad value.
        self.aux = pad_value if aux_pad is None else aux_pad

    def pad_value(self):
        return self.pv

    def aux_pad_value(self):
        return self.aux

    def pad(self, X, value):
        p = self.padding
        if p == 0:
            return X
        return np.pad(X, ((0, 0), (p, p), (p, p), (0, 0)), constant_values=value)

    def crop(self, G):
        p = self.padding
        return G if p == 0 else G[:, p:-p, p:-p, :]

    def core_forward(self, X, W, b):
        kh, kw, _, co = W.shape
        s = self.stride
        n, hi, wi, _ = X.shape
        ho, wo = _windows(hi, kh, s), _windows(wi, kw, s)
        Y = np.zeros((n, ho, wo, co), dtype=X.dtype)
        for a in range(kh):
            for c in range(kw):
                patch = X[:, a:a + s * (ho - 1) + 1:s, c:c + s * (wo - 1) + 1:s, :]
                Y += np.einsum("nijc,co->nijo", patch, W[a, c])
        return Y + b

    def core_grad(self, S, W):
        # The padded input's spatial size is not recoverable from S alone for strides that leave
        # rows unused, so it is stored by the caller via _shape.
        kh, kw, ci, _ = W.shape
        s = self.stride
        n, ho, wo, _ = S.shape
        hi, wi = self._in_hw
        G = np.zeros((n, hi, wi, ci), dtype=S.dtype)
        for a in range(kh):
            for c in range(kw):
                G[:, a:a + s * (ho - 1) + 1:s, c:c + s * (wo - 1) + 1:s, :] += \
                    np.einsum("nijo,co->nijc", S, W[a, c])
        return G

    # Record the padded input size before any pass that needs core_grad.
    def forward(self, X):
        self._set_in(X)
        return super().forward(X)

    def gradprop(self, dY, X):
        self._set_in(X)
        return super().gradprop(dY, X)

    def relprop(self, R, X, rule):
        self._set_in(X)
        return super().relprop(R, X, rule)

    def _set_in(self, X):
        self._in_hw = (X.shape[1] + 2 * self.padding, X.shape[2] + 2 * self.padding)


class SumPooling(_LinearMap):
    """y = scale * sum(window); for the rules its weight is the 1-element tensor [scale], bias none."""
    kind = "sumpool"

    def __init__(self, size, stride, scale):
        self.k, self.s = size, stride
        self.W = np.array([scale], dtype=np.float64)
        self.b = np.zeros(1, dtype=np.float64)

    def core_forward(self, X, W, b):
        k, s = self.k, self.s
        n, hi, wi, ch = X.shape
        ho, wo = _windows(hi, k, s), _windows(wi, k, s)
        Y = np.zeros((n, ho, wo, ch), dtype=X.dtype)
        for a in range(k):
            for c in range(k):
                Y += X[:, a:a + s * (ho - 1) + 1:s, c:c + s * (wo - 1) + 1:s, :]
        return Y * W[0].astype(X.dtype) + b[0].astype(X.dtype)

    def core_grad(self, S, W):
        k, s = self.k, self.s
        n, ho, wo, ch = S.shape
        hi, wi = self._in_hw
        G = np.zeros((n, hi, wi, ch), dtype=S.dtype)
        for a in range(k):
            for c in range(k):
                G[:, a:a + s * (ho - 1) + 1:s, c:c + s * (wo - 1) + 1:s, :] += S
        return G * W[0].astype(S.dtype)

    def forward(self, X):
        self._in_hw = X.shape[1:3]
        return super().forward(X)

    def gradprop(self, dY, X):
        self._in_hw = X.shape[1:3]
        return super().gradprop(dY, X)

    def relprop(self, R, X, rule):
        self._in_hw = X.shape[1:3]
        return super().relprop(R, X, rule)


class AveragePooling(SumPooling):
    kind = "avgpool"

    def __init__(self, size, stride):
        super().__init__(size, stride, 1.0 / (size * size))


class MaxPooling:
    """Forward: window max. Gradient and relevance go to the FIRST maximum in row-major window order
    (window row, then window column; channels are independent); overlapping windows accumulate."""
    kind = "maxpool"

    def __init__(self, size, stride):
        self.k, self.s = size, stride

    def _argmax(self, X):
        k, s = self.k, self.s
        n, hi, wi, ch = X.shape
        ho, wo = _windows(hi, k, s), _windows(wi, k, s)
        # stack windows: (k*k, n, ho, wo, ch) in row-major window order
        stack = np.stack([X[:, a:a + s * (ho - 1) + 1:s, c:c + s * (wo - 1) + 1:s, :]
                          for a in range(k) for c in range(k)])
        return stack, np.argmax(stack, axis=0)  # np.argmax returns the first maximum

    def forward(self, X):
        stack, idx = self._argmax(X)
        return np.take_along_axis(stack, idx[None], axis=0)[0]

    def gradprop(self, dY, X):
        k, s = self.k, self.s
        _, idx = self._argmax(X)
        ho, wo = idx.shape[1:3]
        G = np.zeros_like(X, dtype=dY.dtype)
        for a in range(k):
            for c in range(k):
                G[:, a:a + s * (ho - 1) + 1:s, c:c + s * (wo - 1) + 1:s, :] += \
                    np.where(idx == a * k + c, dY, 0)
        return G

    def relprop(self, R, X, rule):
        if rule_name(rule) != "wta":
            raise ValueError("max pooling supports only wta")
        return self.gradprop(R, X)


class ReLU:
    kind = "relu"

    def forward(self, X):
        return np.maximum(0, X)

    def gradprop(self, dY, X):
        return dY * (X > 0)

    def relprop(self, R, X, rule):
        if rule_name(rule) != "identity":
            raise ValueError("relu supports only identity")
        return R


class Flatten:
    kind = "flatten"

    def forward(self, X):
        return X.reshape(X.shape[0], -1)

    def gradprop(self, dY, X):
        return dY.reshape(X.shape)

    def relprop(self, R, X, rule):
        if rule_name(rule) != "identity":
            raise ValueError("flatten supports only identity")
        return R.reshape(X.shape)


DEFAULT_RULES = {"linear": {"name": "lrp0"}, "conv": {"name": "lrp0"},
                 "sumpool": {"name": "zplus"}, "avgpool": {"name": "zplus"},
                 "maxpool": {"name": "wta"}, "relu": {"name": "identity"},
                 "flatten": {"name": "identity"}}


class Network:
    def __init__(self, layers):
        self.layers = layers

    def forward_all(self, X):
        """Returns the list of layer inputs and the output."""
        inputs = []
        for layer in self.layers:
            inputs.append(X)
            X = layer.forward(X)
        return inputs, X

    def forward(self, X):
        return self.forward_all(X)[1]

    def gradprop(self, dY, X):
        inputs, _ = self.forward_all(X)
        for layer, x in zip(reversed(self.layers), reversed(inputs)):
            dY = layer.gradprop(dY, x)
        return dY

    def relprop(self, R, X, rules):
        """rules: one entry per layer (None = DEFAULT_RULES of its kind)."""
        inputs, _ = self.forward_all(X)
        for layer, x, rule in zip(reversed(self.layers), reversed(inputs), reversed(rules)):
            R = layer.relprop(R, x, rule if rule is not None else DEFAULT_RULES[layer.kind])
        return R


# --------------------------------------------------------------------------------------------
# Rendering (tutorial.md "Figures"), computed in the dtype of x.
# --------------------------------------------------------------------------------------------

def graymap(x):
    return np.stack([x, x, x], axis=-1) * 0.5 + 0.5


def heatmap(x):
    p = np.maximum(x, 0)
    n = np.maximum(-x, 0)
    pos = x >= 0
    a = np.clip(p - 0.3, 0, 0.7) / 0.7
    r_pos = 0.9 - a * 0.5
    gb_pos = 0.9 - np.clip(p, 0, 0.3) / 0.3 * 0.5 - a * 0.4
    c = np.clip(n - 0.3, 0, 0.7) / 0.7
    rg_neg = 0.9 - np.clip(n, 0, 0.3) / 0.3 * 0.5 - c * 0.4
    b_neg = 0.9 - c * 0.5
    R = np.where(pos, r_pos, rg_neg)
    G = np.where(pos, gb_pos, rg_neg)
    B = np.where(pos, gb_pos, b_neg)
    return np.stack([R, G, B], axis=-1)


def mosaic(x, colormap):
    """x: N x 28 x 28 (or N x 784 / N x 28 x 28 x 1). Returns uint8 64 x 64N x 3."""
    x = x.reshape(x.shape[0], 28, 28)
    x = x / np.abs(x).max()
    rgb = colormap(x)                                       # N x 28 x 28 x 3
    rgb = np.pad(rgb, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=1.0)
    row = np.concatenate(list(rgb), axis=1)                 # 32 x 32N x 3
    row = row.repeat(2, axis=0).repeat(2, axis=1)           # 64 x 64N x 3
    return np.trunc(row * 255).astype(np.uint8)


# --------------------------------------------------------------------------------------------
# MT19937 and numpy's legacy bounded randint (masked rejection), written from the algorithm.
# --------------------------------------------------------------------------------------------

class MT19937:
    def __init__(self, seed):
        self.mt = [0] * 624
        self.mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            prev = self.mt[i - 1]
            self.mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        self.index = 624

    def _twist(self):
        mt = self.mt
        for i in range(624):
            y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7FFFFFFF)
            mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
        self.index = 0

    def next_u32(self):
        if self.index >= 624:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y & 0xFFFFFFFF


def randint(seed, low, high, count):
    """numpy RandomState(seed).randint(low, high, count) for a range below 2**32."""
    rng = MT19937(seed)
    rng_range = high - 1 - low
    mask = rng_range
    for shift in (1, 2, 4, 8, 16):
        mask |= mask >> shift
    out = []
    while len(out) < count:
        v = rng.next_u32() & mask
        if v <= rng_range:
            out.append(low + v)
    return out
