"""SerialSampler environment steps per second on CartPole-v1, beside the bare loop.

The bare loop is the physical limit of the same work on the same machine:
step the same B Gymnasium environments (gymnasium.make, resetting on
termination or truncation) and run one batched forward pass of the same
model plus action sampling per time step, with nothing else. Two more bare
loops measure what a training sampler cannot leave out: "keeping samples"
also writes each step's observation, action, reward, done and the policy's
probabilities and value into [T, B] arrays, as a training batch needs;
"through rlpyt's Env" does that while stepping rlpyt's Gym wrapper (one
``EnvStep`` per environment step, rlpyt's environment interface) instead of
the raw Gymnasium environment. All run one batch each in turn; a ratio is
the median of the rounds' ratios (``_timing.interleaved_times``).

    python benchmarks/sampler_throughput.py [--seconds 5] [--B 1 8 32]
"""
import argparse
import itertools
import statistics
from typing import Callable

import gymnasium as gym
import numpy as np
import torch

from _timing import interleaved_times, round_ratio
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


def kept_loop(B: int, model: torch.nn.Module, env_api: bool) -> Callable[[], None]:
    """One batch of the bare loop that also keeps the samples: each step's
    observation, action, reward, done and the policy's probabilities and
    value written into [BATCH_T, B] arrays. With ``env_api`` the
    environments are rlpyt's Gym wrappers (``gym_make``, an ``EnvStep`` per
    step) instead of raw Gymnasium envs."""
    if env_api:
        envs = [gym_make(id=ENV_ID) for _ in range(B)]
        obs = np.stack([env.reset(seed=i) for i, env in enumerate(envs)])

        def env_step(env, a) -> tuple:
            o, r, d, _info = env.step(a)
            return (env.reset() if d else o), r, d
    else:
        envs, obs = bare_envs(ENV_ID, B)

        def env_step(env, a) -> tuple:
            o, r, term, trunc, _info = env.step(int(a))
            d = term or trunc
            return (env.reset()[0] if d else o), r, d
    observation = np.zeros((BATCH_T, *obs.shape), obs.dtype)
    action, reward = np.zeros((BATCH_T, B), np.int64), np.zeros((BATCH_T, B), np.float32)
    done = np.zeros((BATCH_T, B), bool)
    dummy = torch.zeros(B)
    with torch.no_grad():
        pi, v = model(torch.from_numpy(obs), dummy, dummy)
    prob, value = torch.zeros(BATCH_T, *pi.shape), torch.zeros(BATCH_T, *v.shape)

    def rollout() -> None:
        with torch.no_grad():
            for t in range(BATCH_T):
                observation[t] = obs
                pi, v = model(torch.from_numpy(obs), dummy, dummy)
                actions = torch.multinomial(pi, 1).squeeze(-1).numpy()
                action[t] = actions
                prob[t].copy_(pi)
                value[t].copy_(v)
                steps = [env_step(env, a) for env, a in zip(envs, actions)]
                for b, (o, _r, _d) in enumerate(steps):
                    obs[b] = o
                reward[t] = [r for _o, r, _d in steps]
                done[t] = [d for _o, _r, d in steps]
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
    print(f"SerialSampler on {ENV_ID}, batch_T={BATCH_T}, torch threads={args.threads}; "
        "ratio: the sampler's speed over each bare loop's")
    print(f"{'B':>4} {'sampler steps/s':>16} {'bare loop':>10} {'ratio':>6} {'bare keeping samples':>21} "
        f"{'ratio':>6} {'through rlpyt Env':>18} {'ratio':>6}")
    for B in args.B:
        batch, model, sampler = serial_sampler(B)
        times = interleaved_times(dict(ours=batch, bare=bare_loop(B, model),
            kept=kept_loop(B, model, env_api=False), env=kept_loop(B, model, env_api=True)), args.seconds)
        sampler.shutdown()
        rate = {name: BATCH_T * B / statistics.median(t) for name, t in times.items()}
        ratio = {name: round_ratio(times, "ours", name) for name in times}
        print(f"{B:>4} {rate['ours']:>16,.0f} {rate['bare']:>10,.0f} {ratio['bare']:>6.2f} "
            f"{rate['kept']:>21,.0f} {ratio['kept']:>6.2f} {rate['env']:>18,.0f} {ratio['env']:>6.2f}")


if __name__ == "__main__":
    main()
