"""DQN on CartPole-v1: steps and training seconds to the first evaluation
return >= 475, median of seeds; optionally the Stable-Baselines3 anchor.

Ours runs examples/dqn_cartpole.py's configuration and reads its progress.csv
(evaluation: 4 greedy episodes every 2,560 steps, its time excluded). With
``--sb3`` the same is measured for Stable-Baselines3's DQN with
rl-baselines3-zoo's CartPole-v1 hyperparameters and the same evaluation
cadence (SB3 is a benchmark-only install, e.g. ``pip install --target
/tmp/sb3pkgs --no-deps stable-baselines3`` and ``PYTHONPATH=/tmp/sb3pkgs``).

    python benchmarks/dqn_cartpole_solve.py [--seeds 0 1 2] [--n_steps 50000] [--sb3]
"""
import argparse
import csv
import os
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from examples.dqn_cartpole import build_and_train  # noqa: E402
from rlpyt.utils.logging import logger  # noqa: E402

SOLVED = 475.0
EVAL_EVERY = 2560
EVAL_EPISODES = 4


def run_ours(seed: int, n_steps: int) -> dict:
    """Train one seed of ours; returns steps/s and time to solve."""
    exp_dir = build_and_train(n_steps=n_steps, seed=seed, run_ID=seed, log_interval_steps=EVAL_EVERY)
    with open(os.path.join(exp_dir, "progress.csv"), newline="") as f:
        rows = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]
    train_time = lambda r: r["Diagnostics/CumTime (s)"] - r["Diagnostics/CumEvalTime (s)"]
    solved = next((r for r in rows if r["ReturnAverage"] >= SOLVED), None)
    last = rows[-1]
    return dict(seed=seed, steps_per_s=last["Diagnostics/CumSteps"] / train_time(last),
        solve_steps=None if solved is None else solved["Diagnostics/CumSteps"],
        solve_s=None if solved is None else train_time(solved))


def run_sb3(seed: int, n_steps: int) -> dict:
    """Train one seed of SB3 DQN (rl-zoo hyperparameters), evaluating greedily."""
    import gymnasium as gym
    import torch
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback

    class Eval(BaseCallback):
        def __init__(self):
            super().__init__()
            self.eval_time, self.solved = 0.0, None
            self.env = gym.make("CartPole-v1")

        def _on_step(self) -> bool:
            if self.num_timesteps % EVAL_EVERY or self.solved is not None:
                return True
            start = time.perf_counter()
            returns = []
            for episode in range(EVAL_EPISODES):
                obs, _ = self.env.reset(seed=10_000 * seed + episode)
                total, done = 0.0, False
                while not done:
                    action, _ = self.model.predict(obs, deterministic=True)
                    obs, r, term, trunc, _ = self.env.step(action)
                    total, done = total + r, term or trunc
                returns.append(total)
            self.eval_time += time.perf_counter() - start
            if np.mean(returns) >= SOLVED:
                self.solved = (self.num_timesteps, time.perf_counter() - self.start - self.eval_time)
            return True

        def _on_training_start(self) -> None:
            self.start = time.perf_counter()

    torch.set_num_threads(1)
    model = DQN("MlpPolicy", "CartPole-v1", learning_rate=2.3e-3, batch_size=64, buffer_size=100_000,
        learning_starts=1000, gamma=0.99, target_update_interval=10, train_freq=256, gradient_steps=128,
        exploration_fraction=0.16, exploration_final_eps=0.04, policy_kwargs=dict(net_arch=[256, 256]),
        seed=seed, device="cpu")
    callback = Eval()
    model.learn(total_timesteps=n_steps, callback=callback)
    total = time.perf_counter() - callback.start - callback.eval_time
    return dict(seed=seed, steps_per_s=n_steps / total,
        solve_steps=None if callback.solved is None else callback.solved[0],
        solve_s=None if callback.solved is None else callback.solved[1])


def report(name: str, results: list) -> None:
    """Print one table and its medians."""
    print(f"\n{name}\n{'seed':>5} {'steps/s':>9} {'steps to 475':>13} {'seconds to 475':>15}")
    for r in results:
        steps = "-" if r["solve_steps"] is None else f"{r['solve_steps']:,.0f}"
        secs = "-" if r["solve_s"] is None else f"{r['solve_s']:.1f}"
        print(f"{r['seed']:>5} {r['steps_per_s']:>9,.0f} {steps:>13} {secs:>15}")
    solved = [r for r in results if r["solve_steps"] is not None]
    median = lambda key, rs: statistics.median(r[key] for r in rs) if rs else float("nan")
    print(f"median: {median('steps_per_s', results):,.0f} steps/s; solved {len(solved)}/{len(results)}; "
        f"{median('solve_steps', solved):,.0f} steps and {median('solve_s', solved):.1f} s to 475")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n_steps", type=int, default=50_000)
    parser.add_argument("--sb3", action="store_true", help="also run the Stable-Baselines3 anchor")
    args = parser.parse_args()
    os.environ.setdefault("RLPYT_DATA_DIR", tempfile.mkdtemp(prefix="rlpyt_bench_"))
    logger.disable()
    report("rlpyt DQN (examples/dqn_cartpole.py)", [run_ours(s, args.n_steps) for s in args.seeds])
    if args.sb3:
        report("Stable-Baselines3 DQN (rl-zoo hyperparameters)", [run_sb3(s, args.n_steps) for s in args.seeds])


if __name__ == "__main__":
    main()
