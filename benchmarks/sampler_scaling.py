"""Environment steps per second of every sampler, with 1 and 2 workers, on
CartPole-v1, Pong (AtariEnv) and HalfCheetah-v5, B = 8 and 16, all in one run.

Beside them, on the same machine and the same environments:
- Gymnasium's AsyncVectorEnv (one process per environment) with one batched
  forward pass of the same model and action sampling per step;
- Stable-Baselines3's SubprocVecEnv rollout collection (PPO.collect_rollouts
  with its default policy for the observation), when stable-baselines3 is
  installed (`pip install stable-baselines3`; a benchmark-only anchor).

Efficiency: each parallel sampler's speedup over the SerialSampler divided
by the machine's measured ceiling for that many worker processes (the work
n busy processes do over one, measured at the start of each round, so
under the load the round's samplers see); 1.0 is all the machine can
give. With ``--rounds`` above 1 the samplers run in alternating rounds and
medians are printed.
The run ends with one line per cell for scripts:

    EFFICIENCY env=pong B=8 sampler=Cpu-2w speedup=.. ceiling=.. efficiency=..

    python benchmarks/sampler_scaling.py [--seconds 3] [--envs cartpole pong halfcheetah] [--B 8 16]
        [--rounds 1] [--no_anchors]
"""
import argparse
import multiprocessing as mp
import statistics
import time

import gymnasium as gym
import numpy as np
import torch

from _timing import steps_per_second
from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.envs.atari.atari_env import AtariEnv
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.alternating_sampler import AlternatingSampler
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed

BATCH_T = 32


class AtariGymEnv(gym.Env):
    """rlpyt's AtariEnv as a Gymnasium env, so the anchors step the very same
    environment (emulator, frame skip, max-pooling, downsampling, stacking)."""

    def __init__(self) -> None:
        self.env = AtariEnv(game="pong")
        space = self.env.observation_space
        self.observation_space = gym.spaces.Box(0, 255, shape=space.shape, dtype=np.uint8)
        self.action_space = gym.spaces.Discrete(int(self.env.action_space.n))

    def reset(self, *, seed=None, options=None):
        """Start a game."""
        return self.env.reset(), {}

    def step(self, action):
        """One agent step (frame_skip emulator frames)."""
        o, r, d, info = self.env.step(int(action))
        return o, r, bool(d and info.traj_done), bool(d and not info.traj_done), {}


ENVS = {
    "cartpole": dict(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), AgentCls=CategoricalPgAgent,
        gym_fn=lambda: gym.make("CartPole-v1"), sb3_policy="MlpPolicy"),
    "pong": dict(EnvCls=AtariEnv, env_kwargs=dict(game="pong"), AgentCls=AtariFfAgent,
        gym_fn=AtariGymEnv, sb3_policy="CnnPolicy"),
    "halfcheetah": dict(EnvCls=gym_make, env_kwargs=dict(id="HalfCheetah-v5"), AgentCls=MujocoFfAgent,
        gym_fn=lambda: gym.make("HalfCheetah-v5"), sb3_policy="MlpPolicy"),
}
SAMPLERS = [("Serial", SerialSampler, 1), ("Cpu", CpuSampler, 1), ("Cpu", CpuSampler, 2),
    ("Gpu", GpuSampler, 1), ("Gpu", GpuSampler, 2), ("Alternating", AlternatingSampler, 2)]


def _spin(n: int) -> None:
    x = 0
    for i in range(n):
        x += i


def parallel_ceiling(n_procs: int = 2, n: int = 10_000_000, rounds: int = 3) -> float:
    """Work done per second by ``n_procs`` busy processes over one (median
    of ``rounds``): the most any ``n_procs``-process sampler can gain here."""
    if n_procs == 1:
        return 1.0
    ratios = []
    for _ in range(rounds):
        start = time.perf_counter()
        _spin(n)
        one = time.perf_counter() - start
        procs = [mp.get_context("fork").Process(target=_spin, args=(n,)) for _ in range(n_procs)]
        start = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        ratios.append(n_procs * one / (time.perf_counter() - start))
    return sorted(ratios)[len(ratios) // 2]


def rlpyt_rate(spec: dict, SamplerCls, n_workers: int, B: int, seconds: float):
    """A sampler's steps per second, and its agent (for the anchors' model)."""
    set_seed(0)
    sampler = SamplerCls(EnvCls=spec["EnvCls"], env_kwargs=spec["env_kwargs"], batch_T=BATCH_T, batch_B=B,
        max_decorrelation_steps=0)
    agent = spec["AgentCls"]()
    affinity = dict(workers_cpus=list(range(n_workers)), master_torch_threads=1, set_affinity=False)
    sampler.initialize(agent, affinity=None if SamplerCls is SerialSampler else affinity, seed=0)
    agent.sample_mode(0)
    itr = iter(range(10 ** 9))
    try:
        return steps_per_second(lambda: sampler.obtain_samples(next(itr)), seconds, BATCH_T * B), agent
    finally:
        sampler.shutdown()


def async_vector_rate(spec: dict, agent, B: int, seconds: float) -> float:
    """Gymnasium AsyncVectorEnv with one batched forward of the agent per step."""
    envs = gym.vector.AsyncVectorEnv([spec["gym_fn"]] * B)
    obs, _ = envs.reset(seed=0)
    prev_action = torch.as_tensor(np.stack([agent.env_spaces.action.null_value()] * B))
    prev_reward = torch.zeros(B)

    def rollout():
        nonlocal obs
        for _ in range(BATCH_T):
            action = agent.step(torch.as_tensor(obs), prev_action, prev_reward).action.numpy()
            obs, _r, _te, _tr, _info = envs.step(action)
    try:
        return steps_per_second(rollout, seconds, BATCH_T * B)
    finally:
        envs.close()


def sb3_rate(spec: dict, B: int, seconds: float) -> float | None:
    """Stable-Baselines3 SubprocVecEnv rollout collection, or None without SB3."""
    try:
        from stable_baselines3 import PPO
        from stable_baselines3.common.vec_env import SubprocVecEnv
    except ImportError:
        return None
    venv = SubprocVecEnv([spec["gym_fn"]] * B)
    model = PPO(spec["sb3_policy"], venv, n_steps=BATCH_T, batch_size=BATCH_T * B, device="cpu", seed=0)
    _total, callback = model._setup_learn(total_timesteps=10 ** 9, callback=None)
    callback.on_training_start(locals(), globals())
    try:
        return steps_per_second(lambda: model.collect_rollouts(venv, callback, model.rollout_buffer, BATCH_T),
            seconds, BATCH_T * B)
    finally:
        venv.close()


def cell_rounds(spec: dict, B: int, args) -> list[dict]:
    """One dict per round: steps/s of every sampler (by name, "Cpu-2w", ...)
    and anchor, and "ceiling-<n>" for n worker processes, measured just
    before that round's samplers (so under the same load)."""
    rounds = []
    for _ in range(args.rounds):
        row = {f"ceiling-{w}": parallel_ceiling(w, rounds=1) for w in sorted({w for _, _, w in SAMPLERS})}
        agent = None
        for name, SamplerCls, workers in SAMPLERS:
            row[f"{name}-{workers}w"], agent = rlpyt_rate(spec, SamplerCls, workers, B, args.seconds)
        if not args.no_anchors:
            row["AsyncVectorEnv"] = async_vector_rate(spec, agent, B, args.seconds)
            row["SB3 SubprocVecEnv"] = sb3_rate(spec, B, args.seconds)
        rounds.append(row)
    return rounds


def median_of(rounds: list[dict], key: str) -> float | None:
    """Median of ``key`` over the rounds that have it (None if none has)."""
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> None:
    """Measure every sampler with its ceilings; print steps/s, then efficiencies."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per cell")
    parser.add_argument("--envs", nargs="+", default=list(ENVS), choices=list(ENVS))
    parser.add_argument("--B", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds per cell (median)")
    parser.add_argument("--no_anchors", action="store_true", help="skip AsyncVectorEnv and SB3")
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = [f"{name}-{w}w" for name, _, w in SAMPLERS]
    anchors = ["AsyncVectorEnv", "SB3 SubprocVecEnv"]
    print(" | ".join(["env", "B", "ceiling 2 procs"] + names + anchors))
    efficiencies = []
    for env_name in args.envs:
        for B in args.B:
            rounds = cell_rounds(ENVS[env_name], B, args)
            cells = [median_of(rounds, "ceiling-2")] + [median_of(rounds, k) for k in names + anchors]
            print(" | ".join([env_name, str(B), f"{cells[0]:.2f}"]
                + ["-" if c is None else f"{c:,.0f}" for c in cells[1:]]), flush=True)
            for (name, _cls, workers), key in zip(SAMPLERS, names):
                if name != "Serial":
                    speedups = [r[key] / r["Serial-1w"] for r in rounds]
                    ceilings = [r[f"ceiling-{workers}"] for r in rounds]
                    efficiencies.append((env_name, B, key, statistics.median(speedups), statistics.median(ceilings),
                        statistics.median(s / c for s, c in zip(speedups, ceilings))))
    print("\nEfficiency = speedup over Serial / ceiling for the sampler's worker count, each round's own "
        "(median of rounds; in brackets the median speedup and ceiling)")
    print(" | ".join(["env", "B"] + names[1:]))
    for env_name in args.envs:
        for B in args.B:
            row = [e for e in efficiencies if e[0] == env_name and e[1] == B]
            print(" | ".join([env_name, str(B)] + [f"{e:.2f} ({s:.2f}x / {c:.2f})" for *_, s, c, e in row]))
    for env_name, B, key, speedup, ceiling, efficiency in efficiencies:
        print(f"EFFICIENCY env={env_name} B={B} sampler={key} speedup={speedup:.3f} ceiling={ceiling:.3f} "
            f"efficiency={efficiency:.3f}")


if __name__ == "__main__":
    main()
