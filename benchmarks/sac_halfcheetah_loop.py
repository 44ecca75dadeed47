"""SAC on HalfCheetah-v5, the whole training loop (one environment step and
one gradient update per iteration): environment steps per second of rlpyt
eager, rlpyt compiled (``SAC(compile=True)``) and Stable-Baselines3, timed
in one process in alternating rounds (medians), one torch thread.

All three run SB3's SAC defaults, which rl-baselines3-zoo keeps for
HalfCheetah: 256x256 policy and Q networks, batch 256, learning rate 3e-4,
one update per environment step, learning after ``--learning_starts``
steps (the rounds are timed after them). rlpyt: a SerialSampler of one
environment (``batch_T`` 1, as rlpyt's MuJoCo SAC configuration),
``obtain_samples`` then ``SAC.optimize_agent`` per iteration (no logging);
SB3: ``model.learn`` (needs ``pip install stable-baselines3``; ``nan``
without it). Needs MuJoCo (``pip install rlpyt[mujoco]``). Ends with one
line for scripts:

    RESULT family=SAC-HalfCheetah-loop ours=.. sb3=.. compiled=..   (env steps/s)

    python benchmarks/sac_halfcheetah_loop.py [--steps 300] [--rounds 5] [--no_compile]
"""
from __future__ import annotations

import argparse
import math
from typing import Callable

import torch

from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from _timing import alternating_rates, training_loop

ENV_ID = "HalfCheetah-v5"
HIDDEN = dict(hidden_sizes=[256, 256])
REPLAY_SIZE = 100_000


def rlpyt_loop(compile: bool, learning_starts: int) -> tuple[Callable[[int], None], SAC]:
    """``(run, algo)``: ``run(n)`` trains ``n`` iterations (steps) of rlpyt's SAC."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id=ENV_ID), batch_T=1, batch_B=1,
        max_decorrelation_steps=0)
    algo = SAC(batch_size=256, learning_rate=3e-4, replay_ratio=256, min_steps_learn=learning_starts,
        replay_size=REPLAY_SIZE, compile=compile)
    agent = SacAgent(model_kwargs=HIDDEN, q_model_kwargs=HIDDEN)
    examples = sampler.initialize(agent, seed=0)
    algo.initialize(agent, n_itr=10 ** 7, batch_spec=sampler.batch_spec, examples=examples)
    return training_loop(sampler, agent, algo), algo


def sb3_loop(learning_starts: int) -> Callable[[int], None] | None:
    """``run(n)`` trains ``n`` steps of SB3's SAC, or None without SB3."""
    try:
        import gymnasium
        from stable_baselines3 import SAC as SB3SAC
    except ImportError:
        return None
    model = SB3SAC("MlpPolicy", gymnasium.make(ENV_ID), batch_size=256, learning_rate=3e-4,
        learning_starts=learning_starts, buffer_size=REPLAY_SIZE, train_freq=1, gradient_steps=1,
        policy_kwargs=dict(net_arch=[256, 256]), device="cpu", seed=0)
    return lambda n: model.learn(total_timesteps=n, reset_num_timesteps=False)


def main() -> None:
    """Time the loops in alternating rounds; print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=300, help="environment steps per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--learning_starts", type=int, default=1000, help="steps before the first update")
    parser.add_argument("--no_compile", action="store_true", help="skip the compiled loop")
    args = parser.parse_args()
    torch.set_num_threads(1)
    loops = dict(ours=rlpyt_loop(compile=False, learning_starts=args.learning_starts)[0])
    sb3 = sb3_loop(args.learning_starts)
    if sb3 is None:
        print("stable-baselines3 is not installed (pip install stable-baselines3): its column is nan")
    else:
        loops["sb3"] = sb3
    if not args.no_compile:
        loops["compiled"], algo = rlpyt_loop(compile=True, learning_starts=args.learning_starts)
    for run in loops.values():
        run(args.learning_starts + 3)  # filling the buffer, the first updates (and the compilation)
    compile_s = math.nan if args.no_compile else (algo.compile_seconds or math.nan)
    torch.set_num_threads(1)
    rates = alternating_rates(loops, rounds=args.rounds, units=args.steps, steps_per_unit=1)
    rate = {k: rates.get(k, math.nan) for k in ("ours", "sb3", "compiled")}
    print(f"\nSAC {ENV_ID} training loop, env steps/s (one update each), median of {args.rounds} "
        f"alternating rounds of {args.steps} steps, 1 torch thread")
    print("| rlpyt eager | rlpyt compiled | SB3 | eager / SB3 | compiled / SB3 | compile s |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {rate['ours']:,.1f} | {rate['compiled']:,.1f} | {rate['sb3']:,.1f} | "
        f"{rate['ours'] / rate['sb3']:.2f} | {rate['compiled'] / rate['sb3']:.2f} | {compile_s:.1f} |")
    print(f"RESULT family=SAC-HalfCheetah-loop ours={rate['ours']:.1f} sb3={rate['sb3']:.1f} "
        f"compiled={rate['compiled']:.1f}")


if __name__ == "__main__":
    main()
