"""SerialSampler environment steps per second with AtariFfAgent on Pong, beside the bare loop.

The bare loop is the same work with nothing else: step the same B AtariEnv
instances (ale-py plus the same frame skip, max-pool, downsampling and frame
stacking), resetting at game over, and run one batched forward pass of the
same model plus action sampling per time step.

    python benchmarks/atari_sampler_throughput.py [--seconds 5] [--B 1 8] [--rounds 3]
"""
import argparse
import itertools

import numpy as np
import torch

from _timing import steps_per_second
from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed

GAME = "pong"
BATCH_T = 64


def bare_loop(B: int, model: torch.nn.Module, seconds: float) -> float:
    """Steps per second of B AtariEnvs with one batched forward per step."""
    envs = [AtariEnv(game=GAME) for _ in range(B)]
    for i, env in enumerate(envs):
        env.seed(i)
    obs = np.stack([env.reset() for env in envs])
    dummy = torch.zeros(B)

    def rollout():
        for _ in range(BATCH_T):
            pi, _value = model(torch.from_numpy(obs), dummy, dummy)
            actions = torch.multinomial(pi, 1).squeeze(-1).numpy()
            for b, env in enumerate(envs):
                o, _r, _d, info = env.step(actions[b])
                obs[b] = env.reset() if info.traj_done else o
    with torch.no_grad():
        return steps_per_second(rollout, seconds, BATCH_T * B, warm_up=False)


def serial_sampler(B: int, seconds: float):
    """Steps per second of SerialSampler.obtain_samples, and its agent's model."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=AtariEnv, env_kwargs=dict(game=GAME), TrajInfoCls=AtariTrajInfo,
        batch_T=BATCH_T, batch_B=B, max_decorrelation_steps=0)
    agent = AtariFfAgent()
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    agent.sample_mode(0)
    itrs = itertools.count()
    rate = steps_per_second(lambda: sampler.obtain_samples(next(itrs)), seconds, BATCH_T * B)
    sampler.shutdown()
    return rate, agent.model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per cell")
    parser.add_argument("--B", type=int, nargs="+", default=[1, 8], help="numbers of environments")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are printed")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"SerialSampler + AtariFfAgent on {GAME}, batch_T={BATCH_T}, torch threads={args.threads}")
    print(f"{'B':>4} {'sampler steps/s':>16} {'bare loop steps/s':>18} {'ratio':>6}")
    for B in args.B:
        rates, bares = [], []
        for _ in range(args.rounds):
            rate, model = serial_sampler(B, args.seconds)
            rates.append(rate)
            bares.append(bare_loop(B, model, args.seconds))
        rate, bare = float(np.median(rates)), float(np.median(bares))
        print(f"{B:>4} {rate:>16,.0f} {bare:>18,.0f} {rate / bare:>6.2f}")


if __name__ == "__main__":
    main()
