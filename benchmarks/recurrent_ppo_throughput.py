"""PPO optimization throughput with recurrent agents: batch samples per second
through ``PPO.optimize_agent`` (4 epochs of 4 minibatches over B, so each
sample passes the optimizer 4 times), beside the feed-forward agent on the
same batch.

Batches are sampled once with the serial sampler (mid-batch resets, so the
recurrent forward restarts the rnn state where environments reset); only
optimization is timed. Two workloads: the tests' memory task (vector
observations, default MLP/LSTM models) and Pong (AtariFfAgent /
AtariLstmAgent on 4 x 104 x 80 images).

    python benchmarks/recurrent_ppo_throughput.py [--rounds 5]
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rlpyt.agents.pg.atari import AtariFfAgent, AtariLstmAgent  # noqa: E402
from rlpyt.agents.pg.categorical import CategoricalPgAgent, RecurrentCategoricalPgAgent  # noqa: E402
from rlpyt.algos.pg.ppo import PPO  # noqa: E402
from rlpyt.envs.atari.atari_env import AtariEnv  # noqa: E402
from rlpyt.samplers.serial.sampler import SerialSampler  # noqa: E402
from rlpyt.utils.seed import set_seed  # noqa: E402
from tests.memory_env import make_memory_env  # noqa: E402

WORKLOADS = {
    "memory task": (make_memory_env, dict(length=3), 32, 16, CategoricalPgAgent, RecurrentCategoricalPgAgent),
    "pong": (AtariEnv, dict(game="pong"), 32, 8, AtariFfAgent, AtariLstmAgent),
}


def optimize_rate(EnvCls, env_kwargs, T: int, B: int, AgentCls, rounds: int) -> float:
    """Median batch samples per second through PPO.optimize_agent."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=EnvCls, env_kwargs=env_kwargs, batch_T=T, batch_B=B,
        max_decorrelation_steps=50)
    agent = AgentCls()
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    algo = PPO(minibatches=4, epochs=4)
    algo.initialize(agent, n_itr=10 ** 6, batch_spec=sampler.batch_spec, mid_batch_reset=True)
    agent.sample_mode(0)
    samples, _ = sampler.obtain_samples(0)
    agent.train_mode(0)
    algo.optimize_agent(0, samples)
    times = []
    for itr in range(1, rounds + 1):
        start = time.perf_counter()
        algo.optimize_agent(itr, samples)
        times.append(time.perf_counter() - start)
    sampler.shutdown()
    return T * B / float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed optimize_agent calls; the median is used")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"PPO.optimize_agent, 4 epochs x 4 minibatches, torch threads={args.threads}")
    print(f"{'workload':>12} {'T x B':>7} {'feed-forward samples/s':>23} {'recurrent samples/s':>20} {'ratio':>6}")
    for name, (EnvCls, env_kwargs, T, B, FfCls, RnnCls) in WORKLOADS.items():
        ff = optimize_rate(EnvCls, env_kwargs, T, B, FfCls, args.rounds)
        rnn = optimize_rate(EnvCls, env_kwargs, T, B, RnnCls, args.rounds)
        print(f"{name:>12} {f'{T}x{B}':>7} {ff:>23,.0f} {rnn:>20,.0f} {rnn / ff:>6.2f}")


if __name__ == "__main__":
    main()
