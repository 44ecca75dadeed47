"""Where a SerialSampler time step goes, timed inside the sampling loop,
and what two CpuSampler workers could gain at best.

Inside the loop (one batch of batch_T steps after another): the agent's
``step``, the environments' ``step`` through rlpyt's Gym wrapper, the raw
Gymnasium steps inside them, and the rest (the collector's bookkeeping and
resets), per time step of B environments; beside them, for discrete
actions, the same split inside ``sampler_throughput.py``'s bare loop (the
forward pass with the sampling, the environment steps with the resets).
Alone (each in a tight loop): one environment step and the agent's step for
B and B / 2 environments, from which the ideal speedup of two workers of
B / 2 environments each (each runs its own forward pass, as rlpyt's
CpuSampler does) over the serial sampler:
(B x env + agent(B)) / (B / 2 x env + agent(B / 2)), before any
communication. ``benchmarks/sampler_scaling.py`` measures the machine's
two-process ceiling and the samplers' efficiency against it.

    python benchmarks/sampler_breakdown.py [--env CartPole-v1] [--B 8] [--batches 60]
"""
from __future__ import annotations

import argparse
import itertools
import time

import gymnasium as gym
import numpy as np
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from sampler_throughput import bare_act, bare_envs, bare_step

BATCH_T = 32


class Timed:
    """Calls ``fn`` and adds its duration to ``total``."""

    def __init__(self, fn) -> None:
        self.fn = fn
        self.total = 0.0

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        out = self.fn(*args, **kwargs)
        self.total += time.perf_counter() - start
        return out


def make_agent(env):
    """The default agent of the environment's action space."""
    discrete = env.action_space.shape == ()
    return CategoricalPgAgent() if discrete else MujocoFfAgent()


def in_loop(env_id: str, B: int, batches: int) -> dict:
    """Microseconds per time step inside SerialSampler.obtain_samples."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id=env_id), batch_T=BATCH_T, batch_B=B,
        max_decorrelation_steps=0)
    probe = gym_make(id=env_id)
    agent = make_agent(probe)
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    agent.sample_mode(0)
    itrs = itertools.count()
    for _ in range(5):
        sampler.obtain_samples(next(itrs))
    agent_step = agent.step = Timed(agent.step)
    envs = sampler._envs
    wrapped = [Timed(env.step) for env in envs]
    raw = [Timed(env.env.step) for env in envs]
    for env, w, r in zip(envs, wrapped, raw):
        env.step, env.env.step = w, r
    start = time.perf_counter()
    for _ in range(batches):
        sampler.obtain_samples(next(itrs))
    total = time.perf_counter() - start
    sampler.shutdown()
    steps = batches * BATCH_T
    env_total = sum(w.total for w in wrapped)
    raw_total = sum(r.total for r in raw)
    return {"total": total / steps * 1e6, "agent step": agent_step.total / steps * 1e6,
        "env steps (wrapper)": env_total / steps * 1e6, "raw Gymnasium steps": raw_total / steps * 1e6,
        "collector and resets": (total - agent_step.total - env_total) / steps * 1e6}


def bare_in_loop(env_id: str, B: int, batches: int) -> dict | None:
    """Microseconds per time step inside the bare loop of
    ``sampler_throughput.py`` with the same default model: its forward pass
    with the sampling, and its environment steps with their resets. None
    for continuous actions (the bare loop samples discrete ones)."""
    envs, obs = bare_envs(env_id, B)
    if not isinstance(envs[0].action_space, gym.spaces.Discrete):
        return None
    agent = CategoricalPgAgent()
    agent.initialize(gym_make(id=env_id).spaces)
    dummy = torch.zeros(B)
    forward = stepping = 0.0
    steps = batches * BATCH_T
    with torch.no_grad():
        for _ in range(steps):
            start = time.perf_counter()
            actions = bare_act(agent.model, obs, dummy)
            middle = time.perf_counter()
            bare_step(envs, obs, actions)
            stepping += time.perf_counter() - middle
            forward += middle - start
    return {"total": (forward + stepping) / steps * 1e6, "forward and sampling": forward / steps * 1e6,
        "env steps and resets": stepping / steps * 1e6}


def alone(env_id: str, B: int, n: int = 3000) -> dict:
    """Microseconds of one wrapped environment step and of the agent's step
    for B and B / 2 environments, each timed in a tight loop."""
    env = gym_make(id=env_id)
    env.reset(seed=0)
    action = env.action_space.null_value()
    start = time.perf_counter()
    for _ in range(n):
        if env.step(action).done:
            env.reset()
    env_us = (time.perf_counter() - start) / n * 1e6
    agent = make_agent(env)
    agent.initialize(env.spaces)
    agent.sample_mode(0)
    obs_shape, act_shape = env.observation_space.shape, env.action_space.shape
    act_dtype = torch.long if act_shape == () else torch.float32
    agent_us = {}
    with torch.no_grad():
        for b in (B, B // 2):
            inputs = (torch.zeros((b,) + obs_shape), torch.zeros((b,) + act_shape, dtype=act_dtype), torch.zeros(b))
            for _ in range(200):
                agent.step(*inputs)
            start = time.perf_counter()
            for _ in range(n):
                agent.step(*inputs)
            agent_us[b] = (time.perf_counter() - start) / n * 1e6
    return {"env step": env_us, f"agent step B={B}": agent_us[B], f"agent step B={B // 2}": agent_us[B // 2],
        "ideal 2-worker speedup": (B * env_us + agent_us[B]) / (B // 2 * env_us + agent_us[B // 2])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--env", default="CartPole-v1", help="Gymnasium id (discrete or Box actions)")
    parser.add_argument("--B", type=int, default=8, help="environments (even)")
    parser.add_argument("--batches", type=int, default=60, help="sampler batches of 32 steps timed")
    args = parser.parse_args()
    torch.set_num_threads(1)
    np.random.seed(0)
    print(f"SerialSampler on {args.env}, B={args.B}, batch_T={BATCH_T}, 1 torch thread")
    print("inside the loop, us per time step:")
    for name, value in in_loop(args.env, args.B, args.batches).items():
        print(f"  {name:24s} {value:8.1f}")
    bare = bare_in_loop(args.env, args.B, args.batches)
    if bare is not None:
        print("inside the bare loop (sampler_throughput.py's), us per time step:")
        for name, value in bare.items():
            print(f"  {name:24s} {value:8.1f}")
    print("alone:")
    for name, value in alone(args.env, args.B).items():
        print(f"  {name:24s} {value:8.2f}" + (" x" if "speedup" in name else " us"))


if __name__ == "__main__":
    main()
