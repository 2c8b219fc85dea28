#!/usr/bin/env python3
"""Makes the IO test fixtures with numpy (the independent oracle). Run from this folder:
    python3 make_fixtures.py
Outputs: a small LRP Toolbox model and its numpy forward pass, npy files in several dtypes /
versions / orders, and PNG files in formats our writer never produces (16-bit, palette,
gray+alpha), assembled by hand with zlib."""
import struct, zlib
import numpy as np

rng = np.random.RandomState(0)

# --- LRP Toolbox model: conv 3x3x1x2 -> Rect -> SumPool 2 -> conv 2x2x2x3 -> Rect -> MaxPool 2 -> Flatten -> Linear 3x4
c1w = np.round(rng.uniform(-1, 1, (3, 3, 1, 2)), 4); c1b = np.round(rng.uniform(-.5, .5, 2), 4)
c2w = np.round(rng.uniform(-1, 1, (2, 2, 2, 3)), 4); c2b = np.round(rng.uniform(-.5, .5, 3), 4)
lw = np.round(rng.uniform(-1, 1, (3, 4)), 4); lb = np.round(rng.uniform(-.5, .5, 4), 4)

def flat(a):
    return ' '.join(repr(float(v)) for v in a.flatten()) + '\n'

with open('toolbox-small.txt', 'w') as f:
    f.write('Convolution 3 3 1 2 1 1\n' + flat(c1w) + flat(c1b))
    f.write('Rect\n')
    f.write('SumPool 2 2 2 2\n')
    f.write('Convolution 2 2 2 3 1 1\n' + flat(c2w) + flat(c2b))
    f.write('Rect\n')
    f.write('MaxPool 2 2 2 2\n')
    f.write('Flatten\n')
    f.write('Linear 3 4\n' + flat(lw) + flat(lb))

def conv(x, w, b):
    n, h, wd, _ = x.shape; kh, kw, _, o = w.shape
    y = np.zeros((n, h - kh + 1, wd - kw + 1, o))
    for i in range(y.shape[1]):
        for j in range(y.shape[2]):
            y[:, i, j, :] = np.tensordot(x[:, i:i + kh, j:j + kw, :], w, axes=([1, 2, 3], [0, 1, 2]))
    return y + b

def pool(x, reduce, scale=1.0):
    n, h, w, c = x.shape
    windows = x.reshape(n, h // 2, 2, w // 2, 2, c)
    return reduce(windows, axis=(2, 4)) * scale

x = rng.uniform(-1, 1, (2, 8, 8, 1)).astype(np.float32)
h = np.maximum(0, conv(x.astype(np.float64), c1w, c1b))
h = pool(h, np.sum, 1 / np.sqrt(4))
h = np.maximum(0, conv(h, c2w, c2b))
h = pool(h, np.max)
y = h.reshape(2, -1) @ lw + lb
np.save('toolbox-input.npy', x)            # <f4, C order, version 1.0
np.save('toolbox-output.npy', y)           # <f8

# --- npy variants
np.save('numpy-i8.npy', np.array([[1, -2, 3], [40000000000, 5, -6]], dtype='<i8'))
np.save('numpy-u1.npy', np.arange(250, 256, dtype=np.uint8).reshape(2, 3))
np.save('numpy-fortran.npy', np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4)))
with open('numpy-v2.npy', 'wb') as f:
    np.lib.format.write_array(f, np.linspace(-1, 1, 5).astype('<f8'), version=(2, 0))
np.save('numpy-scalar.npy', np.float32(2.5))

# --- PNGs the writer never makes
def png(path, width, height, depth, color_type, rows, extra=b''):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    raw = b''.join(b'\x00' + r for r in rows)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth, color_type, 0, 0, 0))
                + extra + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))

# 16-bit gray 2x2: 0, 65535 / 25700 (=100*257), 51400 (=200*257) -> 8-bit 0 255 / 100 200
png('gray16.png', 2, 2, 16, 0, [struct.pack('>HH', 0, 65535), struct.pack('>HH', 25700, 51400)])
# palette 3x1: red, green-ish, blue
plte = bytes([255, 0, 0, 10, 200, 30, 0, 0, 255])
png('palette.png', 3, 1, 8, 3, [bytes([0, 1, 2])],
    extra=struct.pack('>I', 9) + b'PLTE' + plte + struct.pack('>I', zlib.crc32(b'PLTE' + plte) & 0xffffffff))
# gray+alpha 2x1: (gray 7, alpha 0) -> composited on white 255; (gray 100, alpha 255) -> 100
png('gray-alpha.png', 2, 1, 8, 4, [bytes([7, 0, 100, 255])])

# --- a gzip bomb in miniature: 4 MiB of zeros in a few KiB
import gzip
with gzip.GzipFile('zeros-4mib.gz', 'wb', mtime=0) as f:
    f.write(bytes(4 << 20))
