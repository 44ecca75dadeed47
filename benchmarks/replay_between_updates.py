"""What replay sampling costs between gradient updates, against alone.

SAC at HalfCheetah sizes (batch 256, 256x256 networks; the replay buffer
filled from random observations, as in benchmarks/update_speed.py). Times,
in one process: a batch drawn alone (``sample_batch`` in a tight loop); a
batch drawn right after each update; and, right after an update, the first
and the second call of one small NumPy operation (``np.random.randint`` of
256 numbers) and of one pure-Python one (a 256-element list). The update's
memory traffic evicts the code and data that run next from the caches, so
whatever runs between updates costs several times what it costs alone;
this is why uniform replay extracts ``optimize_agent``'s batches a group at
a time (``UniformReplay.iter_batches``).

    python benchmarks/replay_between_updates.py [--updates 100]
"""
from __future__ import annotations

import argparse
import collections
import time

import numpy as np
import torch

from update_speed import ours_builders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=100, help="updates per measurement")
    args = parser.parse_args()
    torch.set_num_threads(1)
    _fn, _per, algo = ours_builders()["SAC"](False)
    buffer, opt_info = algo.replay_buffer, collections.defaultdict(list)
    samples = algo.sample_replay_batch()
    for _ in range(10):
        algo.update(samples, opt_info)
    n = args.updates

    start = time.perf_counter()
    for _ in range(n):
        buffer.sample_batch(256)
    alone_us = (time.perf_counter() - start) / n * 1e6

    between = 0.0
    for _ in range(n):
        algo.update(samples, opt_info)
        start = time.perf_counter()
        buffer.sample_batch(256)
        between += time.perf_counter() - start

    ops = {"np.random.randint(0, 1000, 256)": lambda: np.random.randint(0, 1000, size=256),
        "[i for i in range(256)]": lambda: [i for i in range(256)]}
    firsts = {}
    for name, op in ops.items():
        first = second = 0.0
        for _ in range(n):
            algo.update(samples, opt_info)
            t0 = time.perf_counter()
            op()
            t1 = time.perf_counter()
            op()
            second += time.perf_counter() - t1
            first += t1 - t0
        firsts[name] = (first / n * 1e6, second / n * 1e6)

    print("SAC, HalfCheetah sizes, batch 256, 1 torch thread")
    print(f"{'what':55s} {'us':>9s}")
    print(f"{'replay batch, alone':55s} {alone_us:9.1f}")
    print(f"{'replay batch, right after an update':55s} {between / n * 1e6:9.1f}")
    for name, (first, second) in firsts.items():
        print(f"{name + ', 1st call after an update':55s} {first:9.1f}")
        print(f"{name + ', 2nd call':55s} {second:9.1f}")


if __name__ == "__main__":
    main()
