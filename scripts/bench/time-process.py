#!/usr/bin/env python3
"""Times a whole process, start to exit, for end-to-end benchmark rows.

    time-process.py NAME RUNS -- COMMAND [ARGS...]

Prints `NAME median_s min_s cpu_median_s maxrss_MB` (the LRPBench line format); CPU and peak
memory are the child's own (getrusage of children, measured per run).
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 5 or sys.argv[3] != '--':
        sys.exit(__doc__)
    name, runs, command = sys.argv[1], int(sys.argv[2]), sys.argv[4:]
    times, cpu, rss = [], [], 0.0
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        pid = subprocess.Popen(command, stdout=subprocess.DEVNULL).pid
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - t0)
        if status != 0:
            sys.exit('%s: %s exited with status %d' % (name, ' '.join(command), status))
        cpu.append(usage.ru_utime + usage.ru_stime)
        rss = max(rss, usage.ru_maxrss / 1024)
    print('%s %.4f %.4f %.4f %.1f' % (name, statistics.median(times), min(times), statistics.median(cpu), rss))


if __name__ == '__main__':
    main()
