"""AsyncRl against the synchronous runner, with the same samples and updates.

For DQN on Pong (AtariDqnAgent, replay ratio 8) and SAC on HalfCheetah-v5,
all in one run on this machine:

- sync: MinibatchRl with the SerialSampler (sample, then optimize);
- async: AsyncRl with the AsyncSerialSampler (both at once, two processes);
- S: the time to sample the run's steps alone (SerialSampler batches);
- O: the time for the run's updates alone (from a filled replay buffer);
- the machine's two-process ceiling (benchmarks/sampler_scaling.py):
  how much more work two busy processes do than one.

Each runner samples ``--n_steps`` steps and makes ``replay_ratio x (n_steps -
min_steps_learn) / batch_size`` updates. The table gives wall-clock times,
environment steps/s and updates/s, the realised replay ratio, and async /
max(S, O) (target <= 1.25: the two sides overlap; sync takes about S + O).
``--solve_seeds k`` adds the time to reach 475 on CartPole-v1 with async and
synchronous DQN, median of k seeds (minutes per seed).

    python benchmarks/async_throughput.py [--cases pong halfcheetah] [--n_steps 2000] [--solve_seeds 0]
"""
from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time

import torch

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.atari.atari_env import AtariEnv
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.async_rl import AsyncRl, AsyncRlEval
from rlpyt.runners.minibatch_rl import MinibatchRl, MinibatchRlEval
from rlpyt.samplers.async_.serial_sampler import AsyncSerialSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context
from sampler_scaling import parallel_ceiling

AFFINITY = dict(master_torch_threads=1, set_affinity=False)
CASES = dict(
    pong=dict(EnvCls=AtariEnv, env_kwargs=dict(game="pong"), batch_T=4, batch_B=4,
        AlgoCls=DQN, algo_kwargs=dict(replay_ratio=8, batch_size=32, min_steps_learn=500, replay_size=20_000),
        AgentCls=AtariDqnAgent),
    halfcheetah=dict(EnvCls=gym_make, env_kwargs=dict(id="HalfCheetah-v5"), batch_T=8, batch_B=1,
        AlgoCls=SAC, algo_kwargs=dict(replay_ratio=64, batch_size=64, min_steps_learn=500, replay_size=20_000),
        AgentCls=SacAgent),
)


def build(case: dict, SamplerCls, RunnerCls, n_steps: int, seed: int = 0):
    """A runner of ``case`` sampling ``n_steps`` steps, logging once at the end."""
    sampler = SamplerCls(EnvCls=case["EnvCls"], env_kwargs=case["env_kwargs"], batch_T=case["batch_T"],
        batch_B=case["batch_B"], max_decorrelation_steps=0)
    algo = case["AlgoCls"](**case["algo_kwargs"])
    return RunnerCls(algo=algo, agent=case["AgentCls"](), sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=n_steps, affinity=AFFINITY)


def timed_train(runner) -> float:
    """Wall-clock seconds of ``runner.train()`` (logging to a temporary folder)."""
    with tempfile.TemporaryDirectory() as log_dir:
        with logger_context(log_dir, 0, "bench", {}, override_prefix=True):
            start = time.perf_counter()
            runner.train()
            return time.perf_counter() - start


def sample_alone(case: dict, n_steps: int) -> float:
    """S: seconds to sample ``n_steps`` steps with the SerialSampler alone."""
    runner = build(case, SerialSampler, MinibatchRl, n_steps)
    sampler, agent = runner.sampler, runner.agent
    sampler.initialize(agent, seed=0)
    agent.sample_mode(0)
    n_itr = n_steps // sampler.batch_spec.size
    start = time.perf_counter()
    for itr in range(n_itr):
        sampler.obtain_samples(itr)
    seconds = time.perf_counter() - start
    sampler.shutdown()
    return seconds


def optimize_alone(sync_runner, n_updates: int) -> float:
    """O: seconds for ``n_updates`` updates from the sync run's filled replay buffer."""
    algo = sync_runner.algo
    algo.updates_per_optimize = n_updates
    sync_runner.agent.train_mode(0)
    start = time.perf_counter()
    algo.optimize_agent(algo.min_itr_learn + 1)
    return time.perf_counter() - start


def throughput(name: str, n_steps: int) -> dict:
    """Every number of the table for one case."""
    case = CASES[name]
    torch.set_num_threads(1)
    sync = build(case, SerialSampler, MinibatchRl, n_steps)
    sync_s = timed_train(sync)
    sync_updates = sync.algo.update_counter
    steps = sync._cum_steps
    asynchronous = build(case, AsyncSerialSampler, AsyncRl, n_steps)
    async_s = timed_train(asynchronous)
    async_updates = asynchronous.algo.update_counter
    learn = case["algo_kwargs"]["min_steps_learn"]
    ratio = async_updates * case["algo_kwargs"]["batch_size"] / (asynchronous._cum_steps - learn)
    S = sample_alone(case, n_steps)
    O = optimize_alone(sync, async_updates)
    return dict(name=name, steps=steps, sync_updates=sync_updates, async_updates=async_updates, sync_s=sync_s,
        async_s=async_s, S=S, O=O, ratio=ratio, target_ratio=case["algo_kwargs"]["replay_ratio"])


def time_to_solve(RunnerCls, SamplerCls, seed: int, n_steps: int = 50_000) -> float:
    """Seconds until an evaluation of DQN on CartPole-v1 reaches 475 (inf if never)."""
    sampler = SamplerCls(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=64, batch_B=4,
        max_decorrelation_steps=0, eval_n_envs=4, eval_max_steps=2000, eval_max_trajectories=4)
    algo = DQN(discount=0.99, batch_size=64, min_steps_learn=1000, replay_size=100_000, replay_ratio=16,
        learning_rate=2.3e-3, target_update_interval=128, optim_kwargs={}, eps_steps=int(0.16 * n_steps),
        n_step_return=3, double_dqn=True)
    agent = DqnAgent(model_kwargs=dict(hidden_sizes=(64, 64)), eps_final=0.04, eps_eval=0.0)
    runner = RunnerCls(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=2560, affinity=AFFINITY)
    with tempfile.TemporaryDirectory() as log_dir:
        with logger_context(log_dir, 0, "solve", {}, override_prefix=True) as run_dir:
            runner.train()
        with open(f"{run_dir}/progress.csv") as f:
            for row in csv.DictReader(f):
                if float(row["ReturnAverage"]) >= 475:
                    return float(row["Diagnostics/CumTime (s)"])
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=["pong", "halfcheetah"])
    parser.add_argument("--n_steps", type=int, default=2000, help="environment steps per run")
    parser.add_argument("--solve_seeds", type=int, default=0, help="CartPole time-to-475 seeds (0: skip)")
    args = parser.parse_args()
    print(f"Two-process ceiling of this machine: {parallel_ceiling():.2f}x the work of one process")
    header = (f"{'case':<12}{'steps':>7}{'updates':>9}{'sync s':>8}{'async s':>8}{'S s':>7}{'O s':>7}"
        f"{'sync st/s':>10}{'async st/s':>11}{'sync up/s':>10}{'async up/s':>11}{'ratio':>12}{'async/max(S,O)':>16}")
    print(header)
    for name in args.cases:
        r = throughput(name, args.n_steps)
        print(f"{r['name']:<12}{r['steps']:>7}{r['async_updates']:>9}{r['sync_s']:>8.1f}{r['async_s']:>8.1f}"
            f"{r['S']:>7.1f}{r['O']:>7.1f}{r['steps'] / r['sync_s']:>10.0f}{r['steps'] / r['async_s']:>11.0f}"
            f"{r['sync_updates'] / r['sync_s']:>10.1f}{r['async_updates'] / r['async_s']:>11.1f}"
            f"{r['ratio']:>7.2f}/{r['target_ratio']:<4}{r['async_s'] / max(r['S'], r['O']):>16.2f}", flush=True)
    if args.solve_seeds:
        for label, RunnerCls, SamplerCls in (("sync", MinibatchRlEval, SerialSampler),
                ("async", AsyncRlEval, AsyncSerialSampler)):
            times = [time_to_solve(RunnerCls, SamplerCls, seed) for seed in range(args.solve_seeds)]
            print(f"CartPole-v1 DQN to 475, {label}: median {statistics.median(times):.1f} s "
                f"over seeds {list(range(args.solve_seeds))}: {[round(t, 1) for t in times]}", flush=True)


if __name__ == "__main__":
    main()
