#!/usr/bin/env python3
"""Writes the fuzzers' small seed corpora under Fuzz/corpus/TARGET/ (valid files of each kind,
some gzipped). Deterministic; run from anywhere: python3 Fuzz/make_seeds.py"""
import gzip, io, os, shutil, struct
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "Tests", "LRPKitTests", "Fixtures", "io")


def put(target, name, data):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def idx(array, dtype_code=0x08):
    header = struct.pack(">HBB", 0, dtype_code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def npy(array, **kw):
    buffer = io.BytesIO()
    np.save(buffer, array, **kw)
    return buffer.getvalue()


rng = np.random.RandomState(7)
images = rng.randint(0, 256, size=(3, 4, 5))
put("FuzzIDX", "images.idx", idx(images))
put("FuzzIDX", "labels.idx", idx(np.array([1, 2, 9])))
put("FuzzIDX", "images.idx.gz", gz(idx(images)))
put("FuzzIDX", "empty-dims.idx", idx(np.zeros((0, 2), dtype=np.uint8)))

put("FuzzNpy", "f4.npy", npy(rng.randn(2, 3).astype("<f4")))
put("FuzzNpy", "f8-fortran.npy", npy(np.asfortranarray(rng.randn(3, 2, 2))))
put("FuzzNpy", "u1.npy", npy(np.arange(6, dtype=np.uint8)))
put("FuzzNpy", "i8-big.npy", npy(np.arange(4, dtype=">i8")))
put("FuzzNpy", "f4.npy.gz", gz(npy(np.ones((2, 2), dtype="<f4"))))
for name in ["numpy-v2.npy", "numpy-scalar.npy", "numpy-i8.npy"]:
    put("FuzzNpy", name, open(os.path.join(fixtures, name), "rb").read())

for name in ["gray-alpha.png", "gray16.png", "palette.png"]:
    put("FuzzPNG", name, open(os.path.join(fixtures, name), "rb").read())
put("FuzzPNG", "palette.png.gz", gz(open(os.path.join(fixtures, "palette.png"), "rb").read()))

toolbox = open(os.path.join(fixtures, "toolbox-small.txt"), "rb").read()
put("FuzzToolbox", "small.txt", toolbox)
put("FuzzToolbox", "small.txt.gz", gz(toolbox))
put("FuzzToolbox", "mlp.txt",
    b"Linear 3 2\n0.1 -0.2 0.3 0.4 5e-1 -6.0E-01\n0 1\nRect\nLinear 2 2\n1 0 0 1\n0.5 -0.5\nSoftMax\n")
put("FuzzToolbox", "pool.txt", b"MaxPool 2 2 2 2\nFlatten\nLinear 1 1\n1\n0\n")


def savetxt(array):
    buffer = io.BytesIO()
    np.savetxt(buffer, array)
    return buffer.getvalue()


w = rng.randn(4, 3)
put("FuzzWeights", "matrix", b"l1\0" + savetxt(w) + b"\0" + savetxt(rng.randn(3)))
k = rng.randn(2, 2, 1, 3)
put("FuzzWeights", "kernel", b"c1-2x2x1x3\0" + savetxt(k.reshape(-1)) + b"\0" + savetxt(rng.randn(3)))
put("FuzzWeights", "comments", b"l2\0# header\n1 2\n3 4\n\0 0.5 -0.25\n")

print("seeds written under", os.path.join(here, "corpus"))

# A tiny world for the script fuzzer (its working folder): the paths the golden scripts use, with
# 16 random digits and small networks of the tutorial's architectures, so seeds get past `load`.
world = os.path.join(here, "script-world")
shutil.rmtree(world, ignore_errors=True)
os.makedirs(os.path.join(world, "data", "mnist"))
digits = rng.randint(0, 256, size=(16, 28, 28))
with open(os.path.join(world, "data", "mnist", "t10k-images-idx3-ubyte.gz"), "wb") as f:
    f.write(gz(idx(digits)))
with open(os.path.join(world, "data", "mnist", "t10k-labels-idx1-ubyte.gz"), "wb") as f:
    f.write(gz(idx(rng.randint(0, 10, size=16))))


def layer(folder, name, weight, bias):
    os.makedirs(folder, exist_ok=True)
    np.savetxt(os.path.join(folder, name + "-W.txt"), weight, fmt="%.4f")
    np.savetxt(os.path.join(folder, name + "-B.txt"), bias, fmt="%.4f")


mlp = os.path.join(world, "models", "tutorial", "mlp")
layer(mlp, "l1", rng.randn(784, 6) * 0.05, rng.randn(6) * 0.1)
layer(mlp, "l2", rng.randn(6, 6) * 0.3, rng.randn(6) * 0.1)
layer(mlp, "l3", rng.randn(6, 10) * 0.3, rng.randn(10) * 0.1)
cnn = os.path.join(world, "models", "tutorial", "cnn")
for name, shape in [("c1-5x5x1x2", (5, 5, 1, 2)), ("c2-5x5x2x3", (5, 5, 2, 3)),
                    ("c3-4x4x3x4", (4, 4, 3, 4)), ("c4-1x1x4x10", (1, 1, 4, 10))]:
    layer(cnn, name, (rng.randn(*shape) * 0.2).reshape(-1), rng.randn(shape[3]) * -0.1)
print("script world written under", world)
