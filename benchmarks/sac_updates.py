"""SAC gradient updates per second on HalfCheetah-v5 shapes (batch 256,
256x256 policy and Q networks), rlpyt beside Stable-Baselines3 SAC with the
same sizes, with 1 and 2 torch threads. A third column is a bare PyTorch loop
making the same update on random tensors (no replay, no framework): the
ceiling that framework overhead alone can approach, since the matrix
products are the same for every implementation.

Both fill their replay buffers with random-action HalfCheetah transitions,
then time ``n_updates`` gradient updates (Q-functions, policy, entropy
temperature, target networks) in alternating rounds (so that both see the
same load on a shared machine), median of ``--rounds``.

    python benchmarks/sac_updates.py --n_updates 300 --rounds 7
"""
from __future__ import annotations

import argparse
import copy
import math
import statistics
import time

import torch

from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.replays.samples import samples_to_buffer
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.serial.sampler import SerialSampler

ENV_ID = "HalfCheetah-v5"
FILL_STEPS = 5000


def rlpyt_update_fn(n_updates: int):
    """A function making ``n_updates`` of rlpyt's SAC after a random-action replay fill."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id=ENV_ID), batch_T=1000, batch_B=1,
        max_decorrelation_steps=0)
    algo = SAC(batch_size=256, min_steps_learn=0, replay_size=100_000, replay_ratio=256)
    agent = SacAgent()
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=FILL_STEPS, seed=0, log_interval_steps=FILL_STEPS,
        affinity=dict(master_torch_threads=torch.get_num_threads()))
    runner.startup()
    for itr in range(FILL_STEPS // 1000):
        samples, _ = sampler.obtain_samples(itr)
        algo.replay_buffer.append_samples(samples_to_buffer(samples))
    sampler.shutdown()
    algo.updates_per_optimize = n_updates
    agent.train_mode(0)
    return lambda: algo.optimize_agent(0, None)


def sb3_update_fn(n_updates: int):
    """A function making ``n_updates`` of Stable-Baselines3 SAC (same sizes) after a random fill."""
    import gymnasium
    from stable_baselines3 import SAC as SB3SAC

    env = gymnasium.make(ENV_ID)
    model = SB3SAC("MlpPolicy", env, batch_size=256, buffer_size=100_000, learning_starts=FILL_STEPS,
        policy_kwargs=dict(net_arch=[256, 256]), seed=0, device="cpu", train_freq=1, gradient_steps=1)
    model.learn(FILL_STEPS)
    return lambda: model.train(gradient_steps=n_updates, batch_size=256)


def bare_update_fn(n_updates: int, obs_size: int = 17, action_size: int = 6, batch: int = 256, hidden: int = 256):
    """A function making ``n_updates`` SAC updates in plain PyTorch on random
    tensors: twin Q, tanh-squashed Gaussian policy, learned temperature,
    soft target update (the same matrix products as a framework's update)."""
    def mlp(inputs: int, outputs: int) -> torch.nn.Module:
        return torch.nn.Sequential(torch.nn.Linear(inputs, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, outputs))

    pi = mlp(obs_size, 2 * action_size)
    qs = torch.nn.ModuleList([mlp(obs_size + action_size, 1) for _ in range(2)])
    target_qs = copy.deepcopy(qs).requires_grad_(False)
    log_alpha = torch.zeros((), requires_grad=True)
    pi_opt, q_opt, alpha_opt = (torch.optim.Adam(p, lr=3e-4, fused=True) for p in (pi.parameters(), qs.parameters(), [log_alpha]))
    q_params, target_params = list(qs.parameters()), list(target_qs.parameters())
    obs, next_obs = torch.randn(batch, obs_size), torch.randn(batch, obs_size)
    action, reward, not_done = torch.rand(batch, action_size) * 2 - 1, torch.randn(batch), torch.ones(batch)

    def sample(observation):
        mean, log_std = pi(observation).chunk(2, dim=-1)
        log_std = log_std.clamp(-20, 2)
        z = mean + log_std.exp() * torch.randn_like(mean)
        log_pi = (-0.5 * ((z - mean) / log_std.exp()) ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)
        log_pi = log_pi - (2 * (math.log(2) - z - torch.nn.functional.softplus(-2 * z))).sum(-1)
        return torch.tanh(z), log_pi

    def q_values(models, observation, act):
        x = torch.cat([observation, act], dim=-1)
        return [m(x).squeeze(-1) for m in models]

    def update():
        alpha = log_alpha.exp().detach()
        with torch.no_grad():
            next_action, next_log_pi = sample(next_obs)
            next_q = torch.minimum(*q_values(target_qs, next_obs, next_action)) - alpha * next_log_pi
            y = reward + 0.99 * not_done * next_q
        q_loss = sum(0.5 * ((q - y) ** 2).mean() for q in q_values(qs, obs, action))
        q_opt.zero_grad()
        q_loss.backward()
        q_opt.step()
        new_action, log_pi = sample(obs)
        qs.requires_grad_(False)
        pi_loss = (alpha * log_pi - torch.minimum(*q_values(qs, obs, new_action))).mean()
        qs.requires_grad_(True)
        pi_opt.zero_grad()
        pi_loss.backward()
        pi_opt.step()
        alpha_loss = -(log_alpha * (log_pi.detach() - action_size)).mean()
        alpha_opt.zero_grad()
        alpha_loss.backward()
        alpha_opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(target_params, q_params, 0.005)

    def run():
        for _ in range(n_updates):
            update()
    return run


def updates_per_second(update_fns: dict, n_updates: int, rounds: int) -> dict:
    """Median updates/s of each function, timed in alternating rounds so that
    both see the same machine load."""
    timings = {name: [] for name in update_fns}
    for fn in update_fns.values():
        fn()  # warm-up
    for _ in range(rounds):
        for name, fn in update_fns.items():
            start = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - start)
    return {name: n_updates / statistics.median(t) for name, t in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n_updates", type=int, default=1000, help="updates per timing")
    parser.add_argument("--rounds", type=int, default=5, help="alternating timings per configuration (median)")
    args = parser.parse_args()
    update_fns = dict(rlpyt=rlpyt_update_fn(args.n_updates), sb3=sb3_update_fn(args.n_updates),
        bare=bare_update_fn(args.n_updates))
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        rate = updates_per_second(update_fns, args.n_updates, args.rounds)
        rows.append((threads, rate["rlpyt"], rate["sb3"], rate["bare"]))
    print(f"\nSAC updates/s on {ENV_ID} (batch 256, 256x256 networks), median of {args.rounds} alternating rounds")
    print("| torch threads | rlpyt | SB3 | rlpyt / SB3 | bare PyTorch loop | bare / SB3 |")
    print("|---|---|---|---|---|---|")
    for threads, ours, sb3, bare in rows:
        print(f"| {threads} | {ours:.0f} | {sb3:.0f} | {ours / sb3:.2f}x | {bare:.0f} | {bare / sb3:.2f}x |")


if __name__ == "__main__":
    main()
