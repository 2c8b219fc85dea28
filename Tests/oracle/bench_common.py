"""Shared by the benchmark baselines (bench_numpy.py, bench_zennit.py): the MNIST test set and the
timing loop that prints one row `name median_s min_s cpu_median_s peak_MB [notes]` for run.sh."""
import gzip
import resource
import statistics
import time

import numpy


def mnist(data):
    """The 10,000 test digits as float32 N x 784 in [-1, 1], and one-hot targets N x 10."""
    with gzip.open(data + '/mnist/t10k-images-idx3-ubyte.gz') as f:
        X = numpy.frombuffer(f.read(), dtype=numpy.uint8, offset=16).astype('float32')
    with gzip.open(data + '/mnist/t10k-labels-idx1-ubyte.gz') as f:
        labels = numpy.frombuffer(f.read(), dtype=numpy.uint8, offset=8)
    X = (X / 255.0 * 2 - 1).reshape([-1, 784]).astype('float32')
    T = (labels[:, None] == numpy.arange(10)[None, :]).astype('float32')
    return X, T


def report(row, work, runs, scale=1.0, note=''):
    """Runs `work` `runs` times and prints the row's medians (times multiplied by `scale`)."""
    times, cpu = [], []
    for _ in range(max(1, runs)):
        t0, c0 = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        del result
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = '%s %.4f %.4f %.4f %.1f' % (row, statistics.median(times) * scale, min(times) * scale,
                                       statistics.median(cpu) * scale, rss)
    print(line + (' ' + note if note else ''))
