#!/usr/bin/env python3
"""Writes the corpus of malformed input files and MANIFEST.tsv, which MalformedInputTests reads:
one line per case, `loader<TAB>path<TAB>phrase`: loading `path` (relative to this folder) with
`loader` must throw an LRPError whose message names the file and contains `phrase`.

The phrases are what the loaders promise to say, written here by hand, not copied from their
output. Deterministic; run from anywhere: python3 make_malformed.py. Crash inputs found by the
fuzzers are kept in fuzz-regressions/ and listed in regressions.tsv (merged in here)."""
import gzip, io, os, shutil, struct, zlib
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
manifest = []


def path(relative):
    full = os.path.join(here, relative)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def put(loader, relative, data, phrase, listed=None):
    with open(path(relative), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if listed != "":
        manifest.append((loader, listed or relative, phrase))


def folder(loader, relative, phrase):
    os.makedirs(path(relative + "/x"), exist_ok=True)
    with open(path(relative + "/.keep"), "wb"):
        pass  # git keeps no empty folders
    manifest.append((loader, relative, phrase))


def gz(data):
    return gzip.compress(data, mtime=0)


def be32(*values):
    return b"".join(struct.pack(">I", v) for v in values)


# Start clean, keeping the fuzzers' regression inputs.
for entry in os.listdir(here):
    if entry not in ("make_malformed.py", "fuzz-regressions", "regressions.tsv"):
        full = os.path.join(here, entry)
        shutil.rmtree(full) if os.path.isdir(full) else os.remove(full)

# IDX (MNIST). Loader idx-images / idx-labels check the magic; idx takes any ubyte file.
images = be32(0x803, 2, 3, 4) + bytes(range(24))
put("idx", "idx/empty.idx", b"", "too short for an IDX header")
put("idx", "idx/three-bytes.idx", b"\0\0\x08", "too short for an IDX header")
put("idx", "idx/bad-magic.idx", be32(0x12345678, 1) + b"\0", "bad magic number")
put("idx", "idx/float-elements.idx", be32(0xD01, 1) + b"\0\0\0\0", "not supported")
put("idx", "idx/no-dimensions.idx", be32(0x800), "declares no dimensions")
put("idx-images", "idx/labels-as-images.idx", be32(0x801, 2) + b"\1\2", "expected 0x00000803")
put("idx-images", "idx/truncated-header.idx", be32(0x803, 10) + b"\0\0", "truncated header")
put("idx-images", "idx/truncated-data.idx", images[:-5], "truncated")
put("idx-images", "idx/extra-bytes.idx", images + b"\0\0\0", "3 extra bytes")
put("idx-images", "idx/absurd-2^31x2^31.idx", be32(0x803, 1 << 31, 1 << 31, 1) + b"\0" * 16, "need more bytes than the file")
put("idx-images", "idx/overflow-dims.idx", be32(0x803, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), "need more bytes than the file")
put("idx-labels", "idx/garbage.idx.gz", b"\x1f\x8b\x08\x00" + bytes(range(7, 200)), "corrupt gzip data")
put("idx-labels", "idx/truncated.idx.gz", gz(be32(0x801, 300) + bytes(300))[:30], "gzip data is truncated")
put("idx-labels", "idx/trailing-garbage.idx.gz", gz(be32(0x801, 2) + b"\1\2") + b"junk", "trailing garbage")
put("idx-labels", "idx/empty-member.idx.gz", gz(b""), "too short for an IDX header")
folder("idx-labels", "idx/a-folder.idx", "is not a regular file")

# MNIST folders: both files present, checked against each other.
def mnist(name, image_bytes, label_bytes, phrase):
    put("mnist", f"mnist/{name}/t10k-images-idx3-ubyte", image_bytes, phrase, listed="")
    put("mnist", f"mnist/{name}/t10k-labels-idx1-ubyte", label_bytes, phrase, listed="")
    manifest.append(("mnist", f"mnist/{name}", phrase))

mnist("label-not-a-digit", images, be32(0x801, 2) + b"\3\x0c", "label 12 of image 1 (byte 9) is not a digit")
mnist("count-mismatch", images, be32(0x801, 3) + b"\1\2\3", "holds 3 labels")
mnist("zero-area", be32(0x803, 2, 0, 5), be32(0x801, 2) + b"\1\2", "images of 0x5 pixels")
mnist("overflowing-area", be32(0x803, 0, 0xFFFFFFFF, 0xFFFFFFFF), be32(0x801, 0), "images of 4294967295x4294967295 pixels")
mnist("swapped", be32(0x801, 2) + b"\1\2", images, "bad magic number")
folder("mnist", "mnist/missing-files", "no MNIST t10k images file")

# .npy
def npy_header(header, version=1):
    text = header.encode()
    pad = (64 - (10 + len(text) + 1) % 64) % 64
    text = text + b" " * pad + b"\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(text)) + text

def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()

good = npy(np.arange(6, dtype="<f4").reshape(2, 3))
put("npy", "npy/empty.npy", b"", "bad magic")
put("npy", "npy/bad-magic.npy", b"\x93NUMPZ\x01\x00" + good[8:], "bad magic")
put("npy", "npy/text-file.npy", "just some text\n", "bad magic")
put("npy", "npy/version-9.npy", b"\x93NUMPY\x09\x00" + good[8:], "version 9.0 at byte 6 is not supported")
put("npy", "npy/truncated-header.npy", good[:40], "truncated header")
put("npy", "npy/truncated-v2-length.npy", b"\x93NUMPY\x02\x00\x10", "bad magic")
put("npy", "npy/header-not-text.npy", b"\x93NUMPY\x01\x00\x06\x00\xff\xfe\xfd\xfc\xfb\n", "header is not text")
put("npy", "npy/header-syntax.npy", npy_header("{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }") + bytes(8), "npy header, character")
put("npy", "npy/missing-shape.npy", npy_header("{'descr': '<f4', 'fortran_order': False, }") + bytes(4), "lacks shape")
put("npy", "npy/unicode-dtype.npy", npy_header("{'descr': '<U10', 'fortran_order': False, 'shape': (1,), }") + bytes(40), "dtype '<U10' is not supported")
put("npy", "npy/object-dtype.npy", npy_header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + bytes(8), "dtype '|O' is not supported")
put("npy", "npy/absurd-2^31x2^31.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648, 2147483648), }") + bytes(16), "is absurd")
put("npy", "npy/overflow-shape.npy", npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (999999999999999999, 999999999999999999), }"), "is absurd")
put("npy", "npy/huge-dimension.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000000000000000000000,), }"), "dimension is too large")
put("npy", "npy/negative-dimension.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }"), "expected a dimension")
put("npy", "npy/one-element-not-tuple.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (5), }") + bytes(20), "trailing comma")
put("npy", "npy/truncated-data.npy", good[:-3], "truncated data")
put("npy", "npy/extra-data.npy", good + b"\0\0", "2 extra bytes after the data")
put("npy", "npy/nan.npy", npy(np.array([1, np.nan, 3], dtype="<f4")), "element 1 (file order, at byte 132) is NaN")
put("npy", "npy/inf.npy", npy(np.array([[1, 2], [3, -np.inf]], dtype="<f4")), "element 3 (file order, at byte 140) is infinite")
put("npy", "npy/f8-beyond-float32.npy", npy(np.array([1e300], dtype="<f8")), "beyond float32")
put("npy", "npy/garbage.npy.gz", b"\x1f\x8b" + bytes(range(40)), "corrupt gzip data")
folder("npy", "npy/a-folder.npy", "is not a regular file")

# PNG (libpng's messages follow "not a readable PNG" or "PNG data is damaged").
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(width, height, rows=None, depth=8, color=0, idat=None):
    signature = b"\x89PNG\r\n\x1a\n"
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0))
    if idat is None:
        raw = b"".join(b"\0" + bytes(r) for r in rows)
        idat = zlib.compress(raw)
    return signature + ihdr + chunk(b"IDAT", idat) + chunk(b"IEND", b"")

good_png = png(4, 3, rows=[[0, 64, 128, 255]] * 3)
put("png", "png/empty.png", b"", "not a readable PNG")
put("png", "png/text-file.png", "not a picture\n", "not a readable PNG")
put("png", "png/bad-signature.png", b"\x89PNX" + good_png[4:], "not a readable PNG")
put("png", "png/truncated-header.png", good_png[:20], "not a readable PNG")
put("png", "png/truncated-data.png", good_png[:45], "PNG")
bad_crc = bytearray(good_png); bad_crc[29] ^= 0xFF
put("png", "png/bad-ihdr-crc.png", bytes(bad_crc), "not a readable PNG")
put("png", "png/absurd-2^31x2^31.png", png(0x7FFFFFFF, 0x7FFFFFFF, idat=zlib.compress(b"\0" * 64)), "not a readable PNG")
put("png", "png/claims-16000x16000.png", png(16000, 16000, idat=zlib.compress(b"\0" * 64)), "more than")
put("png", "png/zero-width.png", png(0, 3, idat=zlib.compress(b"\0" * 3)), "not a readable PNG")
put("png", "png/bad-bit-depth.png", png(4, 3, depth=7, idat=zlib.compress(b"\0" * 20)), "not a readable PNG")
put("png", "png/garbage-idat.png", png(4, 3, idat=b"\x78\x9c" + bytes(range(30))), "PNG data is damaged")
put("png", "png/short-idat.png", png(4, 3, idat=zlib.compress(b"\0\0\0\0\0")), "PNG data is damaged")
put("png", "png/garbage.png.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 30, "corrupt gzip data")
folder("png", "png/a-folder.png", "is not a regular file")

# Tutorial weights: a prefix names NAME-W.txt and NAME-B.txt (loader weights, path = prefix).
def weights(name, w, b, phrase, where=None):
    if w is not None:
        put("weights", f"weights/{name}-W.txt", w, phrase, listed="")
    if b is not None:
        put("weights", f"weights/{name}-B.txt", b, phrase, listed="")
    manifest.append(("weights", f"weights/{name}", phrase))

weights("non-numeric", "0.1 0.2\n0.3 abc\n", "0 0\n", "line 2, value 2: 'abc' is not a number")
weights("nan", "0.1 0.2\n0.3 0.4\nnan 1\n", "0 0\n", "line 3, value 1: 'nan' is NaN")
weights("inf", "1 2\n-inf 4\n", "0 0\n", "line 2, value 1: '-inf' is infinite")
weights("beyond-float32", "1 2\n3 1e39\n", "0 0\n", "line 2, value 2: '1e39' is out of float32 range")
weights("nan-bias", "1 2\n3 4\n", "0\nNaN\n", "nan-bias-B.txt: line 2, value 1: 'NaN' is NaN")
weights("ragged", "1 2 3\n4 5\n", "0 0 0\n", "line 2 has 2 values, line 1 has 3: not a matrix")
weights("empty", "", "0\n", "holds no numbers")
weights("only-comments", "# nothing\n# here\n", "0\n", "holds no numbers")
weights("bias-count", "1 2 3\n4 5 6\n", "0 0\n", "holds 2 values, the weights 2x3 need 3")
weights("c1-2x2x1x3", "\n".join(["0.5"] * 5) + "\n", "0 0 0\n", "holds 5 values, the shape 2x2x1x3 in its name needs 12")
weights("c2-65536x65536x65536x65536", "1\n", "1\n", "is too large")
weights("c3-0x2x1x1", "1\n", "1\n", "zero or oversized dimension")
weights("missing-bias", "1 2\n", None, "missing-bias-B.txt: no such file")
weights("binary", bytes(range(1, 64)), "0\n", "is not a number")
put("weights", "weights/garbage-W.txt.gz", b"\x1f\x8b\x08\x00" + bytes(range(50)), "", listed="")
put("weights", "weights/garbage-B.txt", "0\n", "", listed="")
manifest.append(("weights", "weights/garbage", "corrupt gzip data"))
os.makedirs(path("weights/folder-W.txt/x"), exist_ok=True)
open(path("weights/folder-W.txt/.keep"), "wb").close()
put("weights", "weights/folder-B.txt", "0\n", "", listed="")
manifest.append(("weights", "weights/folder", "is not a regular file"))

# Tutorial network folders (loader network).
def network(name, files, phrase):
    for file, text in files.items():
        put("network", f"networks/{name}/{file}", text, phrase, listed="")
    manifest.append(("network", f"networks/{name}", phrase))

network("mlp-mismatch", {"l1-W.txt": "1 2 3 4\n" * 3, "l1-B.txt": "0 0 0 0\n",
                         "l2-W.txt": "1 2\n" * 5, "l2-B.txt": "0 0\n"}, "has 5 rows, the layer before has 4 outputs")
network("mixed", {"l1-W.txt": "1\n", "l1-B.txt": "0\n", "c2-1x1x1x1-W.txt": "1\n", "c2-1x1x1x1-B.txt": "0\n"},
        "mixes convolution weights")
network("cnn-channels", {"c1-1x1x1x2-W.txt": "1\n2\n", "c1-1x1x1x2-B.txt": "0 0\n",
                         "c2-1x1x3x1-W.txt": "1\n2\n3\n", "c2-1x1x3x1-B.txt": "0\n"},
        "takes 3 input channels, the layer before gives 2")
network("kernel-not-4d", {"c1-2x3-W.txt": "1\n" * 6, "c1-2x3-B.txt": "0 0 0\n"}, "c1-2x3-W.txt")
network("seventy-convolutions", {f"c{i:02d}-1x1x1x1-{s}.txt": "1\n" for i in range(70) for s in "WB"},
        "need an input larger than")
network("bad-layer-file", {"l1-W.txt": "1 2\nx 4\n", "l1-B.txt": "0 0\n"}, "l1-W.txt: line 2, value 1: 'x' is not a number")
folder("network", "networks/empty-folder", "holds no tutorial weight files")

# LRP Toolbox text models (loader toolbox).
toolbox = {
    "empty.txt": ("", "holds no layers"),
    "blank-lines.txt": ("\n\n  \n", "holds no layers"),
    "unknown-layer.txt": ("Dense 3 2\n", "line 1: unknown layer type 'Dense'"),
    "missing-numbers.txt": ("Linear 3\n1 2 3\n0\n", "line 1: Linear needs 2 numbers, got 1"),
    "non-integer-size.txt": ("Linear 3 two\n", "line 1: 'two' is not a sensible size"),
    "absurd-2^24x2^24.txt": ("Linear 16777216 16777216\n1\n1\n", "line 1: the shape 16777216x16777216 is too large"),
    "overflowing-size.txt": ("Linear 99999999999999999999 1\n", "is not a sensible size"),
    "negative-size.txt": ("Linear -3 2\n", "'-3' is not a sensible size"),
    "zero-stride.txt": ("Convolution 2 2 1 1 0 0\n1 1 1 1\n0\n", "'0' is not a sensible size"),
    "missing-weights.txt": ("Linear 2 2\n", "line 1: Linear is missing its weight line"),
    "missing-bias.txt": ("Linear 2 2\n1 2 3 4\n", "Linear is missing its bias line"),
    "wrong-count.txt": ("Rect\nLinear 2 3\n1 2 3 4 5\n0 0 0\n", "line 3: Linear weight line holds 5 values, expected 6"),
    "nan-weight.txt": ("Linear 2 2\n1 2 nan 4\n0 0\n", "line 2, value 3: 'nan' is NaN"),
    "inf-bias.txt": ("Linear 2 2\n1 2 3 4\n0 inf\n", "line 3, value 2: 'inf' is infinite"),
    "non-numeric.txt": ("Linear 1 2\n1 0x1G\n0 0\n", "line 2, value 2: '0x1G' is not a number"),
    "unequal-strides.txt": ("Convolution 2 2 1 1 1 2\n1 1 1 1\n0\n", "only equal strides"),
    "non-square-pool.txt": ("SumPool 2 3 2 2\n", "only square pooling"),
    "linear-chain.txt": ("Linear 3 2\n1 2 3 4 5 6\n0 0\nRect\nLinear 4 1\n1 2 3 4\n0\n",
                         "line 5: Linear takes 4 inputs, the Linear on line 1 gives 2"),
    "conv-chain.txt": ("Convolution 1 1 1 2 1 1\n1 2\n0 0\nRect\nSumPool 2 2 2 2\nConvolution 1 1 3 1 1 1\n1 2 3\n0\n",
                       "line 6: Convolution takes 3 channels, the Convolution on line 1 gives 2"),
    "softmax-middle.txt": ("Linear 1 1\n1\n0\nSoftMax\nRect\n", "SoftMax is only supported as the last layer"),
    # A final SoftMax is dropped with a note (ONNXTests.testToolboxFinalSoftMaxIsDropped); two are not.
    "softmax-twice.txt": ("Linear 1 1\n1\n0\nSoftMax\nSoftMax\n", "line 4: SoftMax is only supported as the last layer"),
    "tanh.txt": ("Linear 1 1\n1\n0\nTanh\n", "line 4: Tanh layers are not supported"),
    "rect-with-numbers.txt": ("Rect 3\n", "Rect needs 0 numbers, got 1"),
}
for name, (text, phrase) in toolbox.items():
    put("toolbox", f"toolbox/{name}", text, phrase)
put("toolbox", "toolbox/binary.txt", bytes((i * 37 + 11) % 256 for i in range(200)), "line 1: not an LRP Toolbox model")
put("toolbox", "toolbox/garbage.txt.gz", b"\x1f\x8b\x08\x00" + b"\x01" * 40, "corrupt gzip data")
put("toolbox", "toolbox/truncated.txt.gz", gz((b"Linear 2 2\n" + b"1 2 3 4\n0 0\n") * 50)[:40], "truncated")
folder("toolbox", "toolbox/a-folder.txt", "is not a regular file")

# Inputs that once crashed a fuzzer or hung, kept as regressions (regressions.tsv lists them).
regressions = os.path.join(here, "regressions.tsv")
if os.path.exists(regressions):
    for line in open(regressions):
        if line.strip() and not line.startswith("#"):
            manifest.append(tuple(line.rstrip("\n").split("\t")))

with open(os.path.join(here, "MANIFEST.tsv"), "w") as f:
    f.write("# loader\tpath\tphrase (generated by make_malformed.py)\n")
    for entry in manifest:
        f.write("\t".join(entry) + "\n")
print(len(manifest), "cases")
