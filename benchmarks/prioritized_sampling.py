"""Prioritized replay throughput at capacity 1M: sampled batches plus priority
updates per second, beside uniform sampling, for batch sizes 32 and 256.

Transitions hold a 4-float observation, so the numbers measure the
sampling machinery (sum tree, index bookkeeping, batch assembly), not the
copying of large observations. The sum tree alone (sample + update, no batch
assembly) is reported too.

    python benchmarks/prioritized_sampling.py [--size 1000000] [--seconds 3]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer  # noqa: E402
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer  # noqa: E402
from rlpyt.replays.samples import SamplesToBufferTl  # noqa: E402

B = 16


def filled(BufferCls, size: int, **kwargs):
    """A full buffer of random transitions."""
    example = SamplesToBufferTl(observation=np.zeros(4, np.float32), action=np.int64(0), reward=np.float32(0),
        done=np.bool_(False), timeout=np.bool_(False), final_observation=None)
    buffer = BufferCls(example=example, size=size, B=B, discount=0.99, n_step_return=3, **kwargs)
    rng = np.random.default_rng(0)
    T = 10_000
    for _ in range(size // (T * B) + 1):
        done = rng.random((T, B)) < 0.005
        buffer.append_samples(SamplesToBufferTl(observation=rng.random((T, B, 4), dtype=np.float32),
            action=rng.integers(0, 4, (T, B)), reward=rng.random((T, B), dtype=np.float32), done=done,
            timeout=done & (rng.random((T, B)) < 0.5), final_observation=np.zeros((T, B, 4), np.float32)))
    return buffer


def rate(fn, seconds: float) -> float:
    """Calls per second, median of 3 timed stretches."""
    rates = []
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            fn()
            n += 1
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    uniform = filled(UniformReplayBuffer, args.size)
    prioritized = filled(PrioritizedReplayBuffer, args.size, alpha=0.6, beta=0.4)
    print(f"capacity {prioritized.size:,} (B={B}); batches per second, median of 3")
    print(f"{'batch':>6} {'uniform sample':>15} {'prioritized sample+update':>26} {'sum tree only':>14}")
    for batch_size in (32, 256):
        priorities = np.random.default_rng(1).random(batch_size)

        def prioritized_step():
            prioritized.sample_batch(batch_size)
            prioritized.update_batch_priorities(priorities)

        def tree_step():
            leaves, _ = prioritized.priority_tree.sample(batch_size)
            prioritized.priority_tree.update(leaves, priorities)

        u = rate(lambda: uniform.sample_batch(batch_size), args.seconds)
        p = rate(prioritized_step, args.seconds)
        t = rate(tree_step, args.seconds)
        print(f"{batch_size:>6} {u:>15,.0f} {p:>26,.0f} {t:>14,.0f}")


if __name__ == "__main__":
    main()
