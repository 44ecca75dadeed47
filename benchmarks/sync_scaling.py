"""SyncRl scaling on CPU (gloo): environment samples per second and gradient
updates per second of data-parallel training with 1 and 2 ranks, beside the
machine's two-process ceiling measured in the same run.

- PPO with the Atari-sized conv model (AtariFfAgent's AtariFfModel) on a fake
  environment of random 4x104x80 uint8 frames (no emulator: the cost is the
  model's forward and backward passes and the gradient all-reduce);
- SAC on HalfCheetah-v5 (256x256 policy and Q networks, batch 256).

Each rank has its own SerialSampler and per-rank batch (the total batch grows
with the ranks), so perfect scaling doubles both rates: the table's last
column is ``2-rank / (ceiling x 1-rank)`` (1.0 = all the parallelism this
machine offers two busy processes). Rates are timed on rank 0 from the end of
iteration ``--warmup_itrs`` to the end of the run.

    python benchmarks/sync_scaling.py [--itrs 20] [--warmup_itrs 3] [--threads 1] [--runs ppo sac]
"""
from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np
import torch
import torch.distributed as dist

from sampler_scaling import parallel_ceiling
from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import GymEnvWrapper, make as gym_make
from rlpyt.runners.sync_rl import SyncRl, find_free_port
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.logger import use_logger
from rlpyt.utils.logging.loggers import NullLogger

FRAME_SHAPE = (4, 104, 80)
N_FRAMES = 16
EPISODE_STEPS = 1000


class RandomFramesEnv(gym.Env):
    """Atari-shaped fake environment: random uint8 frames (drawn once, then
    cycled), 6 actions, zero reward, episodes of ``EPISODE_STEPS`` steps."""

    def __init__(self) -> None:
        self.observation_space = gym.spaces.Box(0, 255, shape=FRAME_SHAPE, dtype=np.uint8)
        self.action_space = gym.spaces.Discrete(6)
        self.frames = np.random.default_rng(0).integers(0, 256, size=(N_FRAMES, *FRAME_SHAPE), dtype=np.uint8)
        self.t = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start an episode."""
        self.t = 0
        return self.frames[0], {}

    def step(self, action):
        """Next frame; truncated after ``EPISODE_STEPS`` steps."""
        self.t += 1
        return self.frames[self.t % N_FRAMES], 0.0, False, self.t >= EPISODE_STEPS, {}


def make_random_frames_env() -> GymEnvWrapper:
    """``RandomFramesEnv`` as an rlpyt environment."""
    return GymEnvWrapper(RandomFramesEnv())


class TimedSyncRl(SyncRl):
    """SyncRl whose rank 0 records when iteration ``warmup_itrs`` and the last
    iteration ended (after the per-iteration gather, so every rank is there)."""

    def __init__(self, *args, warmup_itrs: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.warmup_itrs = warmup_itrs
        self.timed_start = self.timed_end = 0.0
        self.timed_itrs = 0

    def store_diagnostics(self, itr: int, traj_infos: list, opt_info) -> None:
        """Gather as SyncRl does, then note the time."""
        super().store_diagnostics(itr, traj_infos, opt_info)
        now = time.perf_counter()
        if itr == self.warmup_itrs:
            self.timed_start = now
        self.timed_end = now
        self.timed_itrs = itr - self.warmup_itrs


def ppo_run():
    """``(algo, agent, sampler, fill iterations, updates per iteration)`` of
    PPO with AtariFfModel on random frames (no replay fill)."""
    sampler = SerialSampler(EnvCls=make_random_frames_env, env_kwargs={}, batch_T=16, batch_B=8,
        max_decorrelation_steps=0)
    algo = PPO(minibatches=4, epochs=2)
    return algo, AtariFfAgent(), sampler, 0, algo.minibatches * algo.epochs


def sac_run():
    """``(algo, agent, sampler, fill iterations, updates per iteration)`` of
    SAC on HalfCheetah-v5: 256 steps fill the replay, then replay ratio 256
    makes batch_T x batch_B = 8 updates of batch 256 per iteration and rank."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="HalfCheetah-v5"), batch_T=8, batch_B=1,
        max_decorrelation_steps=0)
    algo = SAC(batch_size=256, min_steps_learn=256, replay_size=100_000, replay_ratio=256)
    updates_per_itr = algo.replay_ratio * sampler.batch_spec.size // algo.batch_size
    return algo, SacAgent(), sampler, algo.min_steps_learn // sampler.batch_spec.size, updates_per_itr


RUNS = dict(ppo=ppo_run, sac=sac_run)
ALLREDUCE_REPEATS = 300


def _allreduce_rank(rank: int, init_method: str, sizes: list, out) -> None:
    """One of two gloo ranks all-reducing tensors of ``sizes`` in a loop;
    rank 0 puts the microseconds per all-reduce of each size in ``out``."""
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=2)
    try:
        times = []
        for numel in sizes:
            tensor = torch.zeros(numel)
            for _ in range(20):
                dist.all_reduce(tensor)
            start = time.perf_counter()
            for _ in range(ALLREDUCE_REPEATS):
                dist.all_reduce(tensor)
            times.append((time.perf_counter() - start) / ALLREDUCE_REPEATS * 1e6)
        if rank == 0:
            out.put(times)
    finally:
        dist.destroy_process_group()


def allreduce_microseconds(sizes: list) -> list:
    """The communication limit: microseconds per gloo all-reduce of each of
    ``sizes`` float32 elements between two processes on this machine."""
    context = torch.multiprocessing.get_context("spawn")
    out = context.SimpleQueue()
    init_method = f"tcp://127.0.0.1:{find_free_port()}"
    torch.multiprocessing.start_processes(_allreduce_rank, args=(init_method, sizes, out), nprocs=2,
        start_method="spawn")
    return out.get()


def sac_gradient_sizes() -> tuple[int, int]:
    """Parameters of SAC's Q models together and of its policy, on HalfCheetah-v5."""
    agent = SacAgent()
    env = gym_make(id="HalfCheetah-v5")
    agent.initialize(env.spaces)
    env.close()
    return (sum(p.numel() for p in agent.q_parameters()), sum(p.numel() for p in agent.policy_parameters()))


def measure(run: str, ranks: int, itrs: int, warmup_itrs: int, threads: int) -> tuple[float, float]:
    """``(samples per second over all ranks, updates per second)`` of ``run``
    on ``ranks`` ranks: ``itrs`` iterations after the replay fill, timed
    after ``warmup_itrs`` of them."""
    algo, agent, sampler, fill_itrs, updates_per_itr = RUNS[run]()
    n_steps = ranks * (fill_itrs + itrs) * sampler.batch_spec.size
    affinity = dict(master_torch_threads=threads, set_affinity=False)
    runner = TimedSyncRl(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=0,
        affinity=[affinity] * ranks, log_interval_steps=n_steps, timeout_s=120.0,
        warmup_itrs=fill_itrs + warmup_itrs)
    with use_logger(NullLogger()):
        runner.train()
    seconds = runner.timed_end - runner.timed_start
    samples = runner.timed_itrs * ranks * sampler.batch_spec.size
    return samples / seconds, runner.timed_itrs * updates_per_itr / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--itrs", type=int, default=20, help="iterations per run (after SAC's replay fill)")
    parser.add_argument("--warmup_itrs", type=int, default=3, help="iterations before the timing starts")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per rank")
    parser.add_argument("--runs", nargs="+", default=list(RUNS), choices=list(RUNS))
    args = parser.parse_args()
    if args.itrs <= args.warmup_itrs:
        parser.error("--itrs must exceed --warmup_itrs")
    torch.set_num_threads(args.threads)
    ceiling = parallel_ceiling()
    print(f"Parallel ceiling of this machine: two busy processes do {ceiling:.2f}x the work of one")
    q_size, pi_size = sac_gradient_sizes()
    sac_size = q_size + pi_size + 1
    latency = allreduce_microseconds([1, sac_size])
    print(f"gloo all-reduce between 2 processes: {latency[0]:,.0f} us for 1 float, {latency[1]:,.0f} us "
        f"for one SAC update's gradients (Q-functions, policy and temperature: {sac_size:,} floats, "
        f"one all-reduce)")
    print(f"torch threads per rank: {args.threads}; {args.itrs} iterations, timed after {args.warmup_itrs}")
    print("run | ranks | samples/s | updates/s | samples/s 2-rank / (ceiling x 1-rank)")
    for run in args.runs:
        one_rank = None
        for ranks in (1, 2):
            samples_rate, updates_rate = measure(run=run, ranks=ranks, itrs=args.itrs,
                warmup_itrs=args.warmup_itrs, threads=args.threads)
            ratio = "-" if one_rank is None else f"{samples_rate / (ceiling * one_rank):.2f}"
            one_rank = samples_rate if one_rank is None else one_rank
            print(f"{run} | {ranks} | {samples_rate:,.0f} | {updates_rate:,.1f} | {ratio}", flush=True)


if __name__ == "__main__":
    main()
