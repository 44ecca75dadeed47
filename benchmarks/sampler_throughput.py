"""SerialSampler environment steps per second on CartPole-v1, beside the bare loop.

The bare loop is the physical limit of the same work on the same machine:
step the same B Gymnasium environments (gymnasium.make, resetting on
termination or truncation) and run one batched forward pass of the same
model plus action sampling per time step, with nothing else. The two run
one batch each in turn; the ratio is the median of the batch pairs'
ratios (``_timing.paired_rates``).

    python benchmarks/sampler_throughput.py [--seconds 5] [--B 1 8 32]
"""
import argparse
import itertools
from typing import Callable

import gymnasium as gym
import numpy as np
import torch

from _timing import paired_rates
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed

ENV_ID = "CartPole-v1"
BATCH_T = 128


def bare_envs(env_id: str, B: int) -> tuple[list, np.ndarray]:
    """``(envs, observations)``: B raw Gymnasium envs, reset with seeds 0 .. B - 1."""
    envs = [gym.make(env_id, disable_env_checker=True) for _ in range(B)]
    return envs, np.stack([env.reset(seed=i)[0] for i, env in enumerate(envs)]).astype(np.float32)


def bare_act(model: torch.nn.Module, obs: np.ndarray, dummy: torch.Tensor) -> np.ndarray:
    """The bare loop's forward pass and sampling: one action per env
    (``dummy``, made once, stands for the previous action and reward)."""
    pi, _value = model(torch.from_numpy(obs), dummy, dummy)
    return torch.multinomial(pi, 1).squeeze(-1).numpy()


def bare_step(envs: list, obs: np.ndarray, actions: np.ndarray) -> None:
    """The bare loop's environment steps: each env steps (resetting when
    its episode ends) and its observation goes into ``obs``."""
    for b, env in enumerate(envs):
        o, _r, term, trunc, _info = env.step(int(actions[b]))
        if term or trunc:
            o, _ = env.reset()
        obs[b] = o


def bare_loop(B: int, model: torch.nn.Module) -> Callable[[], None]:
    """One batch of BATCH_T steps of B raw Gymnasium envs with one batched
    forward pass per step."""
    envs, obs = bare_envs(ENV_ID, B)
    dummy = torch.zeros(B)

    def rollout() -> None:
        with torch.no_grad():
            for _ in range(BATCH_T):
                bare_step(envs, obs, bare_act(model, obs, dummy))
    return rollout


def serial_sampler(B: int) -> tuple[Callable[[], object], torch.nn.Module, SerialSampler]:
    """``(batch, model, sampler)``: ``batch()`` runs SerialSampler.obtain_samples once."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id=ENV_ID), batch_T=BATCH_T, batch_B=B,
        max_decorrelation_steps=0)
    agent = CategoricalPgAgent()
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    agent.sample_mode(0)
    itrs = itertools.count()
    return (lambda: sampler.obtain_samples(next(itrs))), agent.model, sampler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="sampler time per cell")
    parser.add_argument("--B", type=int, nargs="+", default=[1, 8, 32], help="numbers of environments")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"SerialSampler on {ENV_ID}, batch_T={BATCH_T}, torch threads={args.threads}")
    print(f"{'B':>4} {'sampler steps/s':>16} {'bare loop steps/s':>18} {'ratio':>6}")
    for B in args.B:
        batch, model, sampler = serial_sampler(B)
        rate, bare, ratio = paired_rates(batch, bare_loop(B, model), args.seconds, BATCH_T * B)
        sampler.shutdown()
        print(f"{B:>4} {rate:>16,.0f} {bare:>18,.0f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
