"""SerialSampler environment steps per second with AtariFfAgent on Pong, beside the bare loop.

The bare loop is the same work with nothing else: step the same B AtariEnv
instances (ale-py plus the same frame skip, max-pool, downsampling and frame
stacking), resetting at game over, and run one batched forward pass of the
same model plus action sampling per time step. The two run one batch each
in turn; the ratio is the median of the batch pairs' ratios
(``_timing.paired_rates``).

    python benchmarks/atari_sampler_throughput.py [--seconds 10] [--B 1 8]
"""
import argparse
import itertools
from typing import Callable

import numpy as np
import torch

from _timing import paired_rates
from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed

GAME = "pong"
BATCH_T = 64


def bare_loop(B: int, model: torch.nn.Module) -> Callable[[], None]:
    """One batch of BATCH_T steps of B AtariEnvs with one batched forward pass per step."""
    envs = [AtariEnv(game=GAME) for _ in range(B)]
    for i, env in enumerate(envs):
        env.seed(i)
    obs = np.stack([env.reset() for env in envs])
    dummy = torch.zeros(B)

    def rollout() -> None:
        with torch.no_grad():
            for _ in range(BATCH_T):
                pi, _value = model(torch.from_numpy(obs), dummy, dummy)
                actions = torch.multinomial(pi, 1).squeeze(-1).numpy()
                for b, env in enumerate(envs):
                    o, _r, _d, info = env.step(actions[b])
                    obs[b] = env.reset() if info.traj_done else o
    return rollout


def serial_sampler(B: int) -> tuple[Callable[[], object], torch.nn.Module, SerialSampler]:
    """``(batch, model, sampler)``: ``batch()`` runs SerialSampler.obtain_samples once."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=AtariEnv, env_kwargs=dict(game=GAME), TrajInfoCls=AtariTrajInfo,
        batch_T=BATCH_T, batch_B=B, max_decorrelation_steps=0)
    agent = AtariFfAgent()
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    agent.sample_mode(0)
    itrs = itertools.count()
    return (lambda: sampler.obtain_samples(next(itrs))), agent.model, sampler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="sampler time per cell")
    parser.add_argument("--B", type=int, nargs="+", default=[1, 8], help="numbers of environments")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"SerialSampler + AtariFfAgent on {GAME}, batch_T={BATCH_T}, torch threads={args.threads}")
    print(f"{'B':>4} {'sampler steps/s':>16} {'bare loop steps/s':>18} {'ratio':>6}")
    for B in args.B:
        batch, model, sampler = serial_sampler(B)
        rate, bare, ratio = paired_rates(batch, bare_loop(B, model), args.seconds, BATCH_T * B)
        sampler.shutdown()
        print(f"{B:>4} {rate:>16,.0f} {bare:>18,.0f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
