"""SAC on Pendulum-v1: environment steps and wall-clock seconds until the
average evaluation return (5 deterministic episodes, every 1000 steps) first
reaches -200, median of 3 seeds; rlpyt beside Stable-Baselines3 SAC with
rl-baselines3-zoo's Pendulum hyperparameters (learning rate 1e-3, otherwise
SB3's defaults: 256x256 networks, batch 256, learning from 100 steps).

rlpyt runs the test suite's settings: 64x64 networks, batch 256, learning
rate 1e-3, learning from 1000 steps, one update per step. One torch thread
for both; wall-clock excludes evaluation.

    python benchmarks/sac_pendulum_solve.py --seeds 0 1 2 --max_steps 20000
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.serial.sampler import SerialSampler

THRESHOLD = -200.0
EVAL_EVERY = 1000


def evaluate(act, seed: int) -> float:
    """Average return of 5 episodes of Pendulum-v1 acting with ``act(obs)``."""
    import gymnasium

    env = gymnasium.make("Pendulum-v1")
    returns = []
    for episode in range(5):
        obs, _ = env.reset(seed=10_000 + 100 * seed + episode)
        total, done = 0.0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(act(obs))
            total += reward
            done = terminated or truncated
        returns.append(total)
    return float(np.mean(returns))


def rlpyt_solve(seed: int, max_steps: int) -> tuple[int | None, float]:
    """(steps, training seconds) until rlpyt's SAC first evaluates at -200."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1"), batch_T=1, batch_B=1,
        max_decorrelation_steps=0)
    algo = SAC(batch_size=256, min_steps_learn=1000, replay_ratio=256, learning_rate=1e-3)
    agent = SacAgent(model_kwargs=dict(hidden_sizes=(64, 64)), q_model_kwargs=dict(hidden_sizes=(64, 64)))
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=max_steps, seed=seed,
        log_interval_steps=max_steps, affinity=dict(master_torch_threads=1))
    runner.startup()

    def act(obs):
        with torch.no_grad():
            o = torch.as_tensor(obs, dtype=torch.float32)
            return agent.step(o, torch.zeros(1), torch.zeros(())).action.numpy()

    train_time = 0.0
    for itr in range(max_steps):
        start = time.perf_counter()
        agent.sample_mode(itr)
        samples, _ = sampler.obtain_samples(itr)
        agent.train_mode(itr)
        algo.optimize_agent(itr, samples)
        train_time += time.perf_counter() - start
        if (itr + 1) % EVAL_EVERY == 0:
            agent.eval_mode(itr)
            if evaluate(act, seed) >= THRESHOLD:
                return itr + 1, train_time
    return None, train_time


def sb3_solve(seed: int, max_steps: int) -> tuple[int | None, float]:
    """(steps, training seconds) until SB3's SAC (rl-zoo settings) first evaluates at -200."""
    import gymnasium
    from stable_baselines3 import SAC as SB3SAC

    model = SB3SAC("MlpPolicy", gymnasium.make("Pendulum-v1"), learning_rate=1e-3, seed=seed, device="cpu")
    train_time, steps = 0.0, 0
    while steps < max_steps:
        start = time.perf_counter()
        model.learn(EVAL_EVERY, reset_num_timesteps=False)
        train_time += time.perf_counter() - start
        steps += EVAL_EVERY
        if evaluate(lambda obs: model.predict(obs, deterministic=True)[0], seed) >= THRESHOLD:
            return steps, train_time
    return None, train_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--max_steps", type=int, default=20_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = {}
    for name, solve in (("rlpyt SAC", rlpyt_solve), ("SB3 SAC (rl-zoo)", sb3_solve)):
        runs = [solve(seed, args.max_steps) for seed in args.seeds]
        results[name] = runs
        print(name, runs, flush=True)
    print(f"\nSAC on Pendulum-v1 to {THRESHOLD:.0f}, median of seeds {args.seeds} (unsolved counts as max_steps)")
    print("| implementation | steps | wall-clock s | per-seed steps |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        steps = [s if s is not None else args.max_steps for s, _ in runs]
        print(f"| {name} | {statistics.median(steps):.0f} | {statistics.median(t for _, t in runs):.1f} | "
            f"{', '.join(str(s) for s, _ in runs)} |")


if __name__ == "__main__":
    main()
