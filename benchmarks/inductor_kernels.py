"""Two elementwise kernels of inductor's CPU code against eager's, on one
hidden layer's activations: where the compiled updates gain and lose.

``compile=True`` generates the updates' kernels with inductor. Two of them
decide how compiled MLP updates fare on the CPU:

- tanh: inductor's default (SLEEF's vectorized tanh) takes several times
  eager's time, and in a tanh MLP (the CartPole PPO model) it is the
  largest kernel of the forward pass; ``rlpyt.algos.compile`` therefore sets
  inductor's ``cpp.use_decompose_tanh`` (tanh from one exponential).
- the ReLU mask: for the backward pass of a ReLU, inductor's forward kernel
  stores a boolean mask of the activations; its vectorized store of that
  mask is slow on this project's CPUs, so compiled ReLU MLPs (SAC, TD3, the
  conv models) lose what compiling saves elsewhere. Shown beside eager's
  ``x <= 0`` and the same kernel unvectorized (``cpp.simdlen`` 1).

Each row is timed in alternating rounds in one process (medians, 1 torch
thread), with a compiled ``x + 1`` of the same tensor: the compiled call's
own overhead, the floor of any compiled elementwise op.

    python benchmarks/inductor_kernels.py [--shape 256 64] [--rounds 5]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import torch


def microseconds(fn: Callable[[], object], n: int = 1000) -> float:
    """Mean microseconds of ``fn()`` over ``n`` calls, after 50 untimed ones."""
    for _ in range(50):
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def less_equal_zero(x: torch.Tensor) -> torch.Tensor:
    """The ReLU backward pass's mask."""
    return x <= 0


def main() -> None:
    """Time the variants in alternating rounds; print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", type=int, nargs="+", default=[256, 64], help="activation shape")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    x = torch.randn(*args.shape)
    variants = {
        "eager tanh": torch.tanh,
        "compiled tanh, inductor's default": torch.compile(torch.tanh),
        "compiled tanh, cpp.use_decompose_tanh": torch.compile(torch.tanh,
            options={"cpp.use_decompose_tanh": True}),
        "eager x <= 0": less_equal_zero,
        "compiled x <= 0, inductor's default": torch.compile(less_equal_zero),
        "compiled x <= 0, unvectorized (cpp.simdlen 1)": torch.compile(less_equal_zero,
            options={"cpp.simdlen": 1}),
        "compiled x + 1 (the compiled call's overhead)": torch.compile(lambda a: a + 1),
    }
    times = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            times[name].append(microseconds(lambda: fn(x)))
    grid = torch.linspace(-20, 20, 100_001)
    print(f"elementwise kernels on a {list(args.shape)} float32 tensor, us per call, median of {args.rounds} "
        f"rounds, 1 torch thread")
    print("| variant | us | max abs difference from eager tanh |")
    print("|---|---:|---:|")
    for name, fn in variants.items():
        diff = f"{(fn(grid) - torch.tanh(grid)).abs().max().item():.1e}" if "tanh" in name else ""
        print(f"| {name} | {statistics.median(times[name]):.1f} | {diff} |")


if __name__ == "__main__":
    main()
