"""Start-up cost: seconds for a fresh Python process to import what a training
script imports, beside the floor, the same process importing torch, numpy and
gymnasium alone. Every spawned process pays it: a SyncRl rank, an AsyncRl
sampler, a GPU sampler's worker, each run the launcher starts.

    python benchmarks/import_time.py [--rounds 5]

Medians of alternating rounds; each cell is one process, timed from outside
(interpreter start-up included).
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOOR = ["torch", "numpy", "gymnasium"]
SCRIPT = FLOOR + ["rlpyt.algos.pg.ppo", "rlpyt.algos.dqn.r2d1", "rlpyt.algos.qpg.sac", "rlpyt.runners.minibatch_rl",
    "rlpyt.runners.sync_rl", "rlpyt.runners.async_rl", "rlpyt.samplers.parallel.cpu.sampler"]
CASES = dict(floor=FLOOR, script=SCRIPT, script_with_compiler=SCRIPT + ["torch._dynamo"])


def process_seconds(modules: list) -> float:
    """Wall seconds of ``python -c 'import <modules>'``."""
    code = "".join(f"import {m}\n" for m in modules)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env=dict(os.environ, PYTHONPATH=REPO))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; medians are printed")
    args = parser.parse_args()
    times = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, modules in CASES.items():
            times[name].append(process_seconds(modules))
    floor = float(np.median(times["floor"]))
    print(f"{'imports':<22} {'seconds':>8} {'x floor':>8}")
    for name in CASES:
        seconds = float(np.median(times[name]))
        print(f"{name:<22} {seconds:>8.2f} {seconds / floor:>8.2f}")


if __name__ == "__main__":
    main()
