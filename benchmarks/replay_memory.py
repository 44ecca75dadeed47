"""Memory of the frame replay buffer: bytes stored per transition for 84x84
frames in 4-frame stacks, beside one frame's size, and the capacity that fits
in 8 GiB; the buffer that stores whole stacks for comparison.

Bytes are measured twice: the sum of the buffer's numpy arrays (``nbytes``)
and the growth of the process's resident memory after every page is written.

    python benchmarks/replay_memory.py [--size 200000] [--B 8]
"""
import argparse
import os
import sys

import numpy as np
import psutil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from rlpyt.replays.non_sequence.frame import UniformReplayFrameBuffer  # noqa: E402
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer  # noqa: E402
from rlpyt.replays.samples import SamplesToBufferTl  # noqa: E402

FRAME = (84, 84)
N_FRAMES = 4
GIB = 2 ** 30


def array_bytes(obj) -> int:
    """Bytes of every numpy array reachable from the buffer's attributes."""
    total = 0
    for value in vars(obj).values():
        leaves = [value] if isinstance(value, np.ndarray) else (
            [v for v in value if isinstance(v, np.ndarray)] if isinstance(value, tuple) else [])
        total += sum(leaf.nbytes for leaf in leaves)
    return total


def measure(BufferCls, size: int, B: int) -> tuple[float, float]:
    """(nbytes per transition, resident bytes per transition)."""
    example = SamplesToBufferTl(observation=np.zeros((N_FRAMES,) + FRAME, np.uint8), action=np.int64(0),
        reward=np.float32(0), done=np.bool_(False), timeout=np.bool_(False), final_observation=None)
    process = psutil.Process()
    before = process.memory_info().rss
    buffer = BufferCls(example=example, size=size, B=B, discount=0.99, n_step_return=3)
    for value in vars(buffer).values():  # touch every page, as a full buffer does
        arrays = [value] if isinstance(value, np.ndarray) else (
            [v for v in value if isinstance(v, np.ndarray)] if isinstance(value, tuple) else [])
        for array in arrays:
            array.fill(1)
    rss = process.memory_info().rss - before
    return array_bytes(buffer) / buffer.size, rss / buffer.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--B", type=int, default=8)
    args = parser.parse_args()
    frame_bytes = FRAME[0] * FRAME[1]
    print(f"one frame: {frame_bytes:,} bytes; buffer of {args.size:,} transitions, B={args.B}")
    print(f"{'buffer':<26} {'bytes/transition':>17} {'RSS bytes/transition':>21} {'x one frame':>12} "
        f"{'capacity in 8 GiB':>18}")
    for BufferCls in (UniformReplayFrameBuffer, UniformReplayBuffer):
        nbytes, rss = measure(BufferCls, args.size, args.B)
        print(f"{BufferCls.__name__:<26} {nbytes:>17,.1f} {rss:>21,.1f} {nbytes / frame_bytes:>12.3f} "
            f"{int(8 * GIB / nbytes):>18,}")


if __name__ == "__main__":
    main()
