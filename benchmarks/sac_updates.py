"""SAC gradient updates per second on HalfCheetah-v5 shapes (batch 256,
256x256 policy and Q networks), rlpyt beside Stable-Baselines3 SAC with the
same sizes, with 1 and 2 torch threads.

Both fill their replay buffers with random-action HalfCheetah transitions,
then time ``n_updates`` gradient updates (Q-functions, policy, entropy
temperature, target networks), median of ``--repeats`` timings.

    python benchmarks/sac_updates.py --n_updates 1000 --repeats 3
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.replays.samples import samples_to_buffer
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.serial.sampler import SerialSampler

ENV_ID = "HalfCheetah-v5"
FILL_STEPS = 5000


def rlpyt_updates_per_second(n_updates: int, repeats: int) -> float:
    """Median updates/s of rlpyt's SAC after a random-action replay fill."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id=ENV_ID), batch_T=1000, batch_B=1,
        max_decorrelation_steps=0)
    algo = SAC(batch_size=256, min_steps_learn=0, replay_size=100_000, replay_ratio=256)
    agent = SacAgent()
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=FILL_STEPS, seed=0, log_interval_steps=FILL_STEPS,
        affinity=dict(master_torch_threads=torch.get_num_threads()))
    runner.startup()
    for itr in range(FILL_STEPS // 1000):
        samples, _ = sampler.obtain_samples(itr)
        algo.replay_buffer.append_samples(samples_to_buffer(samples))
    algo.updates_per_optimize = n_updates
    agent.train_mode(0)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        algo.optimize_agent(0, None)
        timings.append(time.perf_counter() - start)
    sampler.shutdown()
    return n_updates / statistics.median(timings)


def sb3_updates_per_second(n_updates: int, repeats: int) -> float:
    """Median updates/s of Stable-Baselines3 SAC (same sizes) after a random fill."""
    import gymnasium
    from stable_baselines3 import SAC as SB3SAC

    env = gymnasium.make(ENV_ID)
    model = SB3SAC("MlpPolicy", env, batch_size=256, buffer_size=100_000, learning_starts=FILL_STEPS,
        policy_kwargs=dict(net_arch=[256, 256]), seed=0, device="cpu", train_freq=1, gradient_steps=1)
    model.learn(FILL_STEPS)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.train(gradient_steps=n_updates, batch_size=256)
        timings.append(time.perf_counter() - start)
    return n_updates / statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n_updates", type=int, default=1000, help="updates per timing")
    parser.add_argument("--repeats", type=int, default=3, help="timings per configuration (median)")
    args = parser.parse_args()
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        ours = rlpyt_updates_per_second(args.n_updates, args.repeats)
        torch.set_num_threads(threads)
        sb3 = sb3_updates_per_second(args.n_updates, args.repeats)
        rows.append((threads, ours, sb3))
    print(f"\nSAC updates/s on {ENV_ID} (batch 256, 256x256 networks), median of {args.repeats}")
    print("| torch threads | rlpyt | SB3 | rlpyt / SB3 |")
    print("|---|---|---|---|")
    for threads, ours, sb3 in rows:
        print(f"| {threads} | {ours:.0f} | {sb3:.0f} | {ours / sb3:.2f}x |")


if __name__ == "__main__":
    main()
