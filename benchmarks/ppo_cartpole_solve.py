"""PPO on CartPole-v1: training throughput and time to solve, median of seeds.

Runs the demo's configuration (examples/ppo_cartpole.py, rl-baselines3-zoo's
hyperparameters for CartPole) for each seed and reads its progress.csv:
throughput is environment steps per second of training (sampling plus
optimization, evaluation time excluded); time to solve is the first
evaluation (8 episodes, every 2,560 steps) with an average return >= 475,
in environment steps and in training seconds.

    python benchmarks/ppo_cartpole_solve.py [--seeds 1 2 3 4 5] [--n_steps 100000]
"""
import argparse
import csv
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from examples.ppo_cartpole import build_and_train  # noqa: E402
from rlpyt.utils.logging import logger  # noqa: E402

SOLVED = 475.0


def run(seed: int, n_steps: int) -> dict:
    """Train one seed; returns its throughput and time to solve."""
    exp_dir = build_and_train(n_steps=n_steps, seed=seed, run_ID=seed)
    with open(os.path.join(exp_dir, "progress.csv"), newline="") as f:
        rows = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]
    train_time = lambda r: r["Diagnostics/CumTime (s)"] - r["Diagnostics/CumEvalTime (s)"]
    last = rows[-1]
    solved = next((r for r in rows if r["ReturnAverage"] >= SOLVED), None)
    return dict(seed=seed, steps_per_s=last["Diagnostics/CumSteps"] / train_time(last),
        solve_steps=None if solved is None else solved["Diagnostics/CumSteps"],
        solve_s=None if solved is None else train_time(solved))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--n_steps", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("RLPYT_DATA_DIR", tempfile.mkdtemp(prefix="rlpyt_bench_"))
    logger.disable()
    results = [run(seed, args.n_steps) for seed in args.seeds]
    print(f"{'seed':>5} {'steps/s':>9} {'steps to 475':>13} {'seconds to 475':>15}")
    for r in results:
        steps = "-" if r["solve_steps"] is None else f"{r['solve_steps']:,.0f}"
        secs = "-" if r["solve_s"] is None else f"{r['solve_s']:.1f}"
        print(f"{r['seed']:>5} {r['steps_per_s']:>9,.0f} {steps:>13} {secs:>15}")
    solved = [r for r in results if r["solve_steps"] is not None]
    median = lambda key, rs: statistics.median(r[key] for r in rs) if rs else float("nan")
    print(f"median: {median('steps_per_s', results):,.0f} steps/s; solved {len(solved)}/{len(results)}; "
        f"{median('solve_steps', solved):,.0f} steps and {median('solve_s', solved):.1f} s to 475")


if __name__ == "__main__":
    main()
