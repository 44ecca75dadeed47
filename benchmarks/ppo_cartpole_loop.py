"""PPO on CartPole-v1, the whole training loop (sampling plus updates):
environment steps per second of rlpyt eager, rlpyt compiled
(``PPO(compile=True)``) and Stable-Baselines3, timed in one process in
alternating rounds (medians), one torch thread.

All three run rl-baselines3-zoo's CartPole settings, as the demo
(examples/ppo_cartpole.py) does: 8 environments x 32 steps per iteration,
20 epochs of one minibatch of 256, GAE lambda 0.8, discount 0.98, learning
rate 1e-3, ratio clip 0.2, separate 64x64 tanh policy and value networks.
rlpyt: ``SerialSampler.obtain_samples`` then ``PPO.optimize_agent`` per
iteration (no logging); SB3: ``model.learn`` (needs ``pip install
stable-baselines3``; ``nan`` without it). Ends with one line for scripts:

    RESULT family=PPO-CartPole-loop ours=.. sb3=.. compiled=..   (env steps/s)

    python benchmarks/ppo_cartpole_loop.py [--itrs 40] [--rounds 5] [--no_compile]
"""
from __future__ import annotations

import argparse
import math
from typing import Callable

import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from _timing import alternating_rates, training_loop

T, B = 32, 8


def rlpyt_loop(compile: bool) -> tuple[Callable[[int], None], PPO]:
    """``(run, algo)``: ``run(n)`` trains ``n`` iterations of rlpyt's PPO."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=T, batch_B=B,
        max_decorrelation_steps=0)
    algo = PPO(discount=0.98, learning_rate=1e-3, gae_lambda=0.8, minibatches=1, epochs=20, ratio_clip=0.2,
        entropy_loss_coeff=0.0, value_loss_coeff=1.0, clip_grad_norm=0.5, normalize_advantage=True,
        compile=compile)
    agent = CategoricalPgAgent()
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    algo.initialize(agent, n_itr=10 ** 6, batch_spec=sampler.batch_spec)
    return training_loop(sampler, agent, algo), algo


def sb3_loop() -> Callable[[int], None] | None:
    """``run(n)`` trains ``n`` iterations of SB3's PPO, or None without SB3."""
    try:
        from stable_baselines3 import PPO as SB3PPO
        from stable_baselines3.common.env_util import make_vec_env
    except ImportError:
        return None
    model = SB3PPO("MlpPolicy", make_vec_env("CartPole-v1", n_envs=B, seed=0), n_steps=T, batch_size=T * B,
        n_epochs=20, gamma=0.98, gae_lambda=0.8, ent_coef=0.0, learning_rate=1e-3, clip_range=0.2,
        device="cpu", seed=0)
    return lambda n: model.learn(total_timesteps=n * T * B, reset_num_timesteps=False)


def main() -> None:
    """Time the loops in alternating rounds; print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--itrs", type=int, default=40, help="iterations (of 256 steps) per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--no_compile", action="store_true", help="skip the compiled loop")
    args = parser.parse_args()
    torch.set_num_threads(1)
    loops = dict(ours=rlpyt_loop(compile=False)[0])
    sb3 = sb3_loop()
    if sb3 is None:
        print("stable-baselines3 is not installed (pip install stable-baselines3): its column is nan")
    else:
        loops["sb3"] = sb3
    compile_s = math.nan
    if not args.no_compile:
        loops["compiled"], algo = rlpyt_loop(compile=True)
    for run in loops.values():
        run(2)  # warm-up (and compilation)
    if not args.no_compile:
        compile_s = algo.compile_seconds or math.nan
    torch.set_num_threads(1)
    rates = alternating_rates(loops, rounds=args.rounds, units=args.itrs, steps_per_unit=T * B)
    rate = {k: rates.get(k, math.nan) for k in ("ours", "sb3", "compiled")}
    print(f"\nPPO CartPole-v1 training loop, env steps/s, median of {args.rounds} alternating rounds of "
        f"{args.itrs} iterations ({args.itrs * T * B} steps), 1 torch thread")
    print("| rlpyt eager | rlpyt compiled | SB3 | eager / SB3 | compiled / SB3 | compile s |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {rate['ours']:,.0f} | {rate['compiled']:,.0f} | {rate['sb3']:,.0f} | {rate['ours'] / rate['sb3']:.2f} | "
        f"{rate['compiled'] / rate['sb3']:.2f} | {compile_s:.1f} |")
    print(f"RESULT family=PPO-CartPole-loop ours={rate['ours']:.1f} sb3={rate['sb3']:.1f} "
        f"compiled={rate['compiled']:.1f}")


if __name__ == "__main__":
    main()
