#!/usr/bin/env python3
"""Makes the PNG fixtures for `load image` / `load images` (ImageFileTests.swift), with a
pure-Python PNG writer (zlib + struct; numpy for the pixel arrays), so every colour type, bit
depth and interlacing is written exactly as the PNG specification says. Run from this folder:

    python3 make_images.py        (needs numpy: python3 -m venv v && v/bin/pip install numpy)

libpng's 8-bit reader misreads 16-bit interlaced files (the loader takes another libpng path for
them); gray16-interlaced-gamma.png, one with a gAMA chunk, is refused. For each FILE.png it writes FILE.expected.txt: the shape H W C and then the pixel values the
loader must give in 0..255 units (8-bit samples as they are; 16-bit samples divided by 257, the
fixtures' 16-bit values are chosen within +-100 of a multiple of 257 so that rounding is not in
question; alpha composited onto white: round(v*a/255 + 255*(255-a)/255)); the loader scales them
by p/255*2-1. Also a small folder tree `folder/` for `load images` (labels from sub-folder names).
"""
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(11)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_rows(samples, depth):
    """samples: H x (W*channels) integers -> filtered (filter 0..4 rotating) scanline bytes."""
    rows = []
    for r, row in enumerate(samples):
        if depth == 16:
            raw = b"".join(struct.pack(">H", int(v)) for v in row)
        elif depth == 8:
            raw = bytes(int(v) for v in row)
        else:
            per = 8 // depth
            out = bytearray()
            for i in range(0, len(row), per):
                byte = 0
                for k in range(per):
                    v = int(row[i + k]) if i + k < len(row) else 0
                    byte |= v << (8 - depth * (k + 1))
                out.append(byte)
            raw = bytes(out)
        rows.append(raw)
    return rows


def filtered(rows, bpp):
    """Applies filter type (row index % 5) to each row, so the decoder's five filters are exercised."""
    out = bytearray()
    prev = bytes(len(rows[0])) if rows else b""
    for r, raw in enumerate(rows):
        ft = r % 5
        line = bytearray()
        for i, x in enumerate(raw):
            a = raw[i - bpp] if i >= bpp else 0
            b = prev[i] if prev else 0
            c = prev[i - bpp] if i >= bpp and prev else 0
            if ft == 0: pred = 0
            elif ft == 1: pred = a
            elif ft == 2: pred = b
            elif ft == 3: pred = (a + b) // 2
            else:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line.append((x - pred) & 0xFF)
        out.append(ft)
        out += line
        prev = raw
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(name, samples, color_type, depth, channels, interlace=False, palette=None, trns=None, gamma=None):
    """samples: H x W x channels integers in the file's sample range."""
    h, w = samples.shape[:2]
    bpp = max(1, depth * channels // 8)
    if interlace:
        data = b""
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size == 0:
                continue
            data += filtered(pack_rows(sub.reshape(sub.shape[0], -1), depth), bpp)
    else:
        data = filtered(pack_rows(samples.reshape(h, -1), depth), bpp)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0))
    if gamma is not None:
        png += chunk(b"gAMA", struct.pack(">I", gamma))
    if palette is not None:
        png += chunk(b"PLTE", bytes(int(v) for v in np.asarray(palette).reshape(-1)))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    png += chunk(b"IDAT", zlib.compress(data, 9)) + chunk(b"IEND", b"")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(png)


def expect(name, values):
    """values: H x W x C in 0..255 units (floats allowed before rounding)."""
    v = np.rint(np.asarray(values, dtype=np.float64)).astype(int)
    h, w, c = v.shape
    with open(os.path.join(HERE, name.replace(".png", ".expected.txt")), "w") as f:
        f.write(f"{h} {w} {c}\n" + " ".join(str(x) for x in v.reshape(-1)) + "\n")


def over_white(v, a):
    return v * a / 255 + 255 * (255 - a) / 255


def wide(shape):
    """16-bit samples near multiples of 257 (k*257 + d, |d| <= 100) and their 8-bit values k."""
    k = rng.randint(0, 256, shape)
    d = rng.randint(-100, 101, shape)
    v = np.clip(k * 257 + d, 0, 65535)
    return v, np.rint(v / 257)


H, W = 7, 5  # odd sizes: partial bytes at low bit depths, empty Adam7 passes

for depth in [1, 2, 4, 8]:
    g = rng.randint(0, 2 ** depth, (H, W, 1))
    for interlace in [False, True]:
        name = f"gray{depth}{'-interlaced' if interlace else ''}.png"
        write_png(name, g, 0, depth, 1, interlace)
        expect(name, g * 255 / (2 ** depth - 1))
g16, g16_8 = wide((H, W, 1))
write_png("gray16.png", g16, 0, 16, 1)
expect("gray16.png", g16_8)
write_png("gray16-interlaced.png", g16, 0, 16, 1, interlace=True)
expect("gray16-interlaced.png", g16_8)
write_png("gray16-interlaced-gamma.png", g16, 0, 16, 1, interlace=True, gamma=45455)

ga = np.concatenate([rng.randint(0, 256, (H, W, 1)), rng.randint(0, 256, (H, W, 1))], axis=2)
ga[0, 0, 1], ga[0, 1, 1] = 0, 255
write_png("gray-alpha8.png", ga, 4, 8, 2)
expect("gray-alpha8.png", over_white(ga[..., :1], ga[..., 1:]))

rgb = rng.randint(0, 256, (H, W, 3))
write_png("rgb8.png", rgb, 2, 8, 3)
expect("rgb8.png", rgb)
write_png("rgb8-interlaced.png", rgb, 2, 8, 3, interlace=True)
expect("rgb8-interlaced.png", rgb)
rgb16, rgb16_8 = wide((H, W, 3))
write_png("rgb16.png", rgb16, 2, 16, 3)
expect("rgb16.png", rgb16_8)
write_png("rgb16-interlaced.png", rgb16, 2, 16, 3, interlace=True)
expect("rgb16-interlaced.png", rgb16_8)
# 16-bit gray+alpha, interlaced: alpha 0 and 65535 only, so compositing onto white is exact.
ga16 = np.concatenate([g16, rng.choice([0, 65535], (H, W, 1))], axis=2)
write_png("gray-alpha16-interlaced.png", ga16, 4, 16, 2, interlace=True)
expect("gray-alpha16-interlaced.png", np.where(ga16[..., 1:] == 0, 255, g16_8))

rgba = rng.randint(0, 256, (H, W, 4))
rgba[0, 0, 3], rgba[0, 1, 3] = 0, 255
write_png("rgba8.png", rgba, 6, 8, 4)
expect("rgba8.png", over_white(rgba[..., :3], rgba[..., 3:]))

for depth in [1, 2, 4, 8]:
    n = 2 ** depth
    palette = rng.randint(0, 256, (n, 3))
    idx = rng.randint(0, n, (H, W, 1))
    write_png(f"palette{depth}.png", idx, 3, depth, 1, palette=palette)
    expect(f"palette{depth}.png", palette[idx[..., 0]])
# A palette with transparency (tRNS): entry 0 fully transparent, entry 1 half.
palette = rng.randint(0, 256, (4, 3))
alpha = np.array([0, 128, 255, 255])
idx = rng.randint(0, 4, (H, W, 1))
write_png("palette-alpha.png", idx, 3, 2, 1, palette=palette, trns=bytes([0, 128]))
expect("palette-alpha.png", over_white(palette[idx[..., 0]], alpha[idx[..., 0]][..., None]))

# Not PNGs, or broken ones.
with open(os.path.join(HERE, "rgb8.png"), "rb") as f:
    whole = f.read()
with open(os.path.join(HERE, "truncated.png"), "wb") as f:
    f.write(whole[: len(whole) // 2])

# `load images`: two classes in sub-folders named by their labels, 3x4 gray images.
for label, count in [("0", 2), ("3", 1)]:
    os.makedirs(os.path.join(HERE, "folder", label), exist_ok=True)
    for k in range(count):
        px = rng.randint(0, 256, (3, 4, 1))
        write_png(f"folder/{label}/{k}.png", px, 0, 8, 1)
        expect(f"folder/{label}/{k}.png", px)
print("written to", HERE)
