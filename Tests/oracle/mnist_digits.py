"""A few MNIST test digits from the repository's data/mnist, scaled like lrps (p/255*2-1, float32), N x 28 x 28 x 1,
and their labels. Shared by make_methods.py and make_pixelflip.py."""
import gzip
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def digits(indices):
    with gzip.open(os.path.join(ROOT, "data/mnist/t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(ROOT, "data/mnist/t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    x = (images[indices].astype(np.float64) / 255 * 2 - 1).astype(np.float32)
    return x.reshape(-1, 28, 28, 1), labels[indices].astype(int)
