"""Gradient updates per second of every algorithm family: rlpyt eager,
rlpyt compiled (``compile=True``), a bare PyTorch loop of the same update
on fixed tensors, and Stable-Baselines3's update where it has the algorithm.

Families (one torch thread by default):

- ``A2C-CartPole``: rl-zoo's CartPole settings (8 envs x 5 steps, one
  gradient step per batch, ``ent_coef`` 0; separate 64x64 tanh policy and
  value MLPs), with Adam in all three (SB3's ``use_rms_prop=False``: SB3
  defaults to RMSprop) as our compiled whole step needs Adam; "bare"
  includes the batch's discounted returns, which ours computes per update;
- ``PPO-CartPole``: rl-zoo's CartPole settings (8 envs x 32 steps, one
  minibatch of 256, 20 epochs; separate 64x64 tanh policy and value MLPs);
- ``PPO-Atari``: Pong frames (4x104x80), 8 envs x 32 steps, 4 minibatches
  of 64, 4 epochs, the Nature CNN (32-64-64 filters, 512 units) shared by
  the policy and value heads (SB3's ``CnnPolicy``);
- ``DQN-Atari``: batch 32 from a frame replay buffer, the Nature CNN;
- ``SAC`` and ``TD3``: HalfCheetah sizes (17 observations, 6 actions),
  batch 256, 256x256 networks;
- ``R2D1``: benchmarks/r2d1_updates.py's default sizes (no SB3 version).

"ours" is the algorithm's own update (``optimize_agent``: replay sampling,
loss, backward, gradient clipping, optimizer step, target updates,
diagnostics); "bare" is the same update written as a plain PyTorch loop on
fixed random tensors (no replay, no framework: the ceiling any
implementation can approach); "sb3" is SB3's ``train()`` on its own filled
buffer (needs ``pip install stable-baselines3``; ``nan`` without it);
"compiled" is ours with ``compile=True`` (its compile time is printed);
"ours without replay sampling" (replay families) is ours handed one fixed
batch for every update: what our update costs beyond the bare loop's.
An update is one gradient step (of the critic, for SAC and TD3). Each
variant runs about ``--round_seconds`` per round; rounds alternate between
the variants so that all see the same machine load; medians are printed
(a ratio: the median of the rounds' ratios, both sides timed in one round),
then one line per family for scripts:

    RESULT family=SAC ours=.. bare=.. sb3=.. compiled=..   (updates/s)

    python benchmarks/update_speed.py [--families SAC DQN-Atari] [--rounds 5]
        [--round_seconds 0.5] [--no_compile] [--no_sb3] [--threads 1]
"""
from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from typing import Callable

import torch

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.qpg.sac import SAC
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.atari.atari_env import AtariEnv
from rlpyt.envs.gym import GymEnvWrapper, make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from _random_envs import random_box_env
from _update_bare import bare_a2c, bare_dqn, bare_ppo, bare_sac, bare_td3, nature_cnn_torso
from _update_sb3 import sb3_a2c, sb3_dqn, sb3_ppo, sb3_qpg

NATURE_CNN = dict(channels=[32, 64, 64], kernel_sizes=[8, 4, 3], strides=[4, 2, 1], paddings=[0, 0, 0])
ATARI_SHAPE, ATARI_ACTIONS = (4, 104, 80), 6
CHEETAH_OBS, CHEETAH_ACT = 17, 6


def make_random_box_env() -> GymEnvWrapper:
    """``random_box_env()`` wrapped for rlpyt's samplers."""
    return GymEnvWrapper(random_box_env())


def sampled_algo(algo, agent, EnvCls, env_kwargs: dict, batch_T: int, batch_B: int, n_batches: int):
    """``(algo, batches)``: ``algo`` initialized for ``agent`` with a
    SerialSampler's examples and ``n_batches`` of its batches."""
    set_seed(0)
    sampler = SerialSampler(EnvCls=EnvCls, env_kwargs=env_kwargs, batch_T=batch_T, batch_B=batch_B,
        max_decorrelation_steps=0)
    examples = sampler.initialize(agent, seed=0, bootstrap_value=algo.bootstrap_value)
    algo.initialize(agent, n_itr=10 ** 6, batch_spec=sampler.batch_spec, examples=examples)
    agent.sample_mode(0)
    batches = [sampler.obtain_samples(itr)[0] for itr in range(n_batches)]
    sampler.shutdown()
    agent.train_mode(0)
    return algo, batches


def pg_fn(AlgoCls, make_agent: Callable, env: dict, batch_T: int, batch_B: int, compile: bool,
        **algo_kwargs) -> tuple:
    """``(fn, updates per call, algo)``: ``fn`` runs ``optimize_agent`` of
    A2C or PPO on one fixed batch."""
    algo = AlgoCls(compile=compile, **algo_kwargs)
    algo, (samples,) = sampled_algo(algo, make_agent(), batch_T=batch_T, batch_B=batch_B, n_batches=1, **env)
    updates = getattr(algo, "epochs", 1) * getattr(algo, "minibatches", 1)
    return (lambda: algo.optimize_agent(0, samples)), updates, algo


def replay_fn(algo, agent, env: dict, batch_T: int, batch_B: int, n_batches: int) -> tuple:
    """``(fn, 1, algo)``: ``fn(n)`` makes ``n`` updates through ``optimize_agent``
    after filling the replay buffer with ``n_batches`` sampler batches."""
    algo, batches = sampled_algo(algo, agent, batch_T=batch_T, batch_B=batch_B, n_batches=n_batches, **env)
    for samples in batches:
        algo.replay_buffer.append_samples(algo.samples_to_buffer(samples))

    def run(n: int):
        algo.updates_per_optimize = n
        return algo.optimize_agent(n_batches, None)
    return run, 1, algo


CARTPOLE = dict(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"))
PONG = dict(EnvCls=AtariEnv, env_kwargs=dict(game="pong"))
CHEETAH = dict(EnvCls=make_random_box_env, env_kwargs={})
PPO_CARTPOLE = dict(discount=0.98, learning_rate=1e-3, gae_lambda=0.8, minibatches=1, epochs=20,
    entropy_loss_coeff=0.0, ratio_clip=0.2, value_loss_coeff=0.5, clip_grad_norm=0.5)
A2C_CARTPOLE = dict(discount=0.99, learning_rate=7e-4, gae_lambda=1.0, entropy_loss_coeff=0.0,
    value_loss_coeff=0.5, clip_grad_norm=0.5)
PPO_ATARI = dict(discount=0.99, learning_rate=2.5e-4, gae_lambda=0.95, minibatches=4, epochs=4,
    entropy_loss_coeff=0.01, ratio_clip=0.1, value_loss_coeff=0.5, clip_grad_norm=0.5)


def ours_builders() -> dict:
    """Family -> function(compile) -> ``(fn, updates per unit, algo)``; ``fn``
    takes the number of units (A2C and PPO: whole optimize_agent calls)."""
    def repeat(fn):
        return lambda n: [fn() for _ in range(n)]

    def pg(AlgoCls, make_agent, env, batch_T, batch_B, kwargs):
        def build(compile):
            fn, per, algo = pg_fn(AlgoCls, make_agent, env, batch_T, batch_B, compile, **kwargs)
            return repeat(fn), per, algo
        return build

    mlp256 = dict(hidden_sizes=[256, 256])
    return {
        "A2C-CartPole": pg(A2C, CategoricalPgAgent, CARTPOLE, 5, 8, A2C_CARTPOLE),
        "PPO-CartPole": pg(PPO, CategoricalPgAgent, CARTPOLE, 32, 8, PPO_CARTPOLE),
        "PPO-Atari": pg(PPO, lambda: AtariFfAgent(model_kwargs=NATURE_CNN), PONG, 32, 8, PPO_ATARI),
        "DQN-Atari": lambda compile: replay_fn(DQN(batch_size=32, min_steps_learn=0, replay_size=4000,
            learning_rate=1e-4, target_update_interval=1000, compile=compile),
            AtariDqnAgent(model_kwargs=NATURE_CNN), PONG, batch_T=250, batch_B=4, n_batches=2),
        "SAC": lambda compile: replay_fn(SAC(batch_size=256, min_steps_learn=0, replay_size=10_000, compile=compile),
            SacAgent(model_kwargs=mlp256, q_model_kwargs=mlp256), CHEETAH, batch_T=1000, batch_B=1, n_batches=5),
        "TD3": lambda compile: replay_fn(TD3(batch_size=256, min_steps_learn=0, replay_size=10_000,
            compile=compile), Td3Agent(model_kwargs=mlp256, q_model_kwargs=mlp256), CHEETAH, batch_T=1000,
            batch_B=1, n_batches=5),
    }


def bare_builders() -> dict:
    """Family -> function() -> ``(fn, updates per unit)`` of the bare loops."""
    return {
        "A2C-CartPole": lambda: bare_a2c(obs_size=4, n_actions=2, T=5, B=8, clip_grad_norm=0.5),
        "PPO-CartPole": lambda: bare_ppo(make_torso=None, obs_shape=(4,), n_actions=2, batch=256, minibatches=1,
            epochs=20, clip_grad_norm=0.5),
        "PPO-Atari": lambda: bare_ppo(make_torso=nature_cnn_torso, obs_shape=ATARI_SHAPE, n_actions=ATARI_ACTIONS,
            batch=256, minibatches=4, epochs=4, clip_grad_norm=0.5),
        "DQN-Atari": lambda: bare_dqn(obs_shape=ATARI_SHAPE, n_actions=ATARI_ACTIONS, batch=32),
        "SAC": lambda: bare_sac(obs_size=CHEETAH_OBS, action_size=CHEETAH_ACT, batch=256, hidden=256),
        "TD3": lambda: bare_td3(obs_size=CHEETAH_OBS, action_size=CHEETAH_ACT, batch=256, hidden=256),
    }


def sb3_builders() -> dict:
    """Family -> function() -> ``(fn, updates per unit)`` of SB3's updates."""
    return {
        "A2C-CartPole": lambda: sb3_a2c(env_id="CartPole-v1", n_envs=8, n_steps=5, ent_coef=0.0,
            learning_rate=7e-4),
        "PPO-CartPole": lambda: sb3_ppo(env_id="CartPole-v1", policy="MlpPolicy", n_envs=8, n_steps=32,
            batch_size=256, n_epochs=20, gamma=0.98, gae_lambda=0.8, ent_coef=0.0, clip_range=0.2,
            learning_rate=1e-3),
        "PPO-Atari": lambda: sb3_ppo(env_id=None, policy="CnnPolicy", n_envs=8, n_steps=32, batch_size=64,
            n_epochs=4, gamma=0.99, gae_lambda=0.95, ent_coef=0.01, clip_range=0.1, learning_rate=2.5e-4),
        "DQN-Atari": lambda: sb3_dqn(batch_size=32, buffer_size=4000),
        "SAC": lambda: sb3_qpg(name="SAC", batch_size=256, hidden=256),
        "TD3": lambda: sb3_qpg(name="TD3", batch_size=256, hidden=256),
    }


def r2d1_variants(compile: bool, with_bare: bool) -> dict:
    """R2D1's variants from benchmarks/r2d1_updates.py at its default sizes:
    name -> ``(fn(n), updates per unit)``; compile time in ``.compile_s``."""
    import r2d1_updates

    args = argparse.Namespace(batch_B=8, batch_T=20, warmup_T=10, store_rnn_state_interval=10, lstm_size=512,
        sampler_T=40, sampler_B=8, replay_size=4000, cuda=False)
    variants = {}
    torch.manual_seed(0)
    algo = r2d1_updates.build_r2d1(args, r2d1_updates.make_agent(args.lstm_size, False))
    variants["ours"] = (replay_runner(algo), 1)
    fixed = r2d1_updates.build_r2d1(args, r2d1_updates.make_agent(args.lstm_size, False))
    without_replay_sampling(fixed)
    variants["fixed"] = (replay_runner(fixed), 1)
    if with_bare:
        model = r2d1_updates.make_agent(args.lstm_size, False).model
        target = r2d1_updates.make_agent(args.lstm_size, False).target_model
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, eps=1e-3, fused=True)
        batch = r2d1_updates.random_batch(args, torch.device("cpu"))
        variants["bare"] = (lambda n: [r2d1_updates.bare_update(model, target, optimizer, batch, args)
            for _ in range(n)], 1)
    if compile:
        compiled = r2d1_updates.build_r2d1(args, r2d1_updates.make_agent(args.lstm_size, False))
        compiled.compile = True  # build_r2d1 constructs R2D1 itself: switch on, then compile as initialize does
        compiled.compile_update()
        variants["compiled"] = (replay_runner(compiled), 1, compiled)
    return variants


def replay_runner(algo) -> Callable:
    """``fn(n)``: ``n`` updates of an initialized replay algorithm through ``optimize_agent``."""
    def run(n: int):
        algo.updates_per_optimize = n
        return algo.optimize_agent(10 ** 6, None)
    return run


def calibrate(fn: Callable, per_unit: int, round_seconds: float) -> int:
    """Units per round so that a round lasts about ``round_seconds``, timed
    after four warm-up units: a compiled variant compiles each of its steps
    at the step's second call, when the optimizer has its state (TD3's
    policy step, every second update, at the third update)."""
    for _ in range(4):
        fn(1)
    start = time.perf_counter()
    fn(2)
    seconds = (time.perf_counter() - start) / 2
    return max(1, round(round_seconds / max(seconds, 1e-6)))


def time_rounds(variants: dict, rounds: int, round_seconds: float) -> dict:
    """Each variant's updates/s in each of ``rounds`` alternating rounds."""
    units = {name: calibrate(fn, per, round_seconds) for name, (fn, per, *_) in variants.items()}
    rates = {name: [] for name in variants}
    for _ in range(rounds):
        for name, (fn, per, *_) in variants.items():
            start = time.perf_counter()
            fn(units[name])
            rates[name].append(units[name] * per / (time.perf_counter() - start))
    return rates


def ratio(rates: dict, name: str, over: str) -> float:
    """The median over rounds of ``name``'s rate / ``over``'s in the same
    round (nan where either is missing): both sides of each ratio ran in
    one round, at one moment of this VM's drifting speed."""
    if name not in rates or over not in rates:
        return math.nan
    return statistics.median(a / b for a, b in zip(rates[name], rates[over]))


def family_variants(family: str, args) -> dict:
    """name -> ``(fn(n), updates per unit[, algo])`` for one family."""
    if family == "R2D1":
        return r2d1_variants(compile=not args.no_compile, with_bare=True)
    variants = {}
    ours = ours_builders()[family]
    fn, per, _algo = ours(False)
    variants["ours"] = (fn, per)
    if hasattr(_algo, "replay_buffer"):
        fn, per, fixed = ours(False)
        without_replay_sampling(fixed)
        variants["fixed"] = (fn, per)
    bare_fn, bare_per = bare_builders()[family]()
    variants["bare"] = (lambda n: [bare_fn() for _ in range(n)], bare_per)
    if not args.no_sb3 and sb3_available():
        sb3_fn, sb3_per = sb3_builders()[family]()
        variants["sb3"] = (lambda n: [sb3_fn() for _ in range(n)], sb3_per)
    if not args.no_compile:
        fn, per, algo = ours(True)
        variants["compiled"] = (fn, per, algo)
    return variants


def without_replay_sampling(algo) -> None:
    """Give ``algo`` one fixed batch, drawn once from its replay buffer, for
    every update: ours without the replay sampling, the one part of our
    update that the bare loop does not do."""
    batch = algo.replay_buffer.sample_batch(algo.replay_batch_size)
    algo.replay_buffer.iter_batches = lambda batch_size, n: itertools.repeat(batch, n)


def sb3_available() -> bool:
    """Whether stable-baselines3 can be imported."""
    try:
        import stable_baselines3  # noqa: F401
    except ImportError:
        return False
    return True


def fmt(x: float) -> str:
    """A rate for the table."""
    return "nan" if math.isnan(x) else f"{x:,.1f}"


def main() -> None:
    """Build every family's variants, time them in alternating rounds, print the table and RESULT lines."""
    families = ["A2C-CartPole", "PPO-CartPole", "PPO-Atari", "DQN-Atari", "SAC", "TD3", "R2D1"]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", nargs="+", default=families, choices=families)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--round_seconds", type=float, default=0.5, help="seconds per variant per round")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--no_compile", action="store_true", help="skip the compiled variant")
    parser.add_argument("--no_sb3", action="store_true", help="skip Stable-Baselines3")
    args = parser.parse_args()
    if not args.no_sb3 and not sb3_available():
        print("stable-baselines3 is not installed (pip install stable-baselines3): its column is nan")
    rows = []
    for family in args.families:
        torch.set_num_threads(args.threads)
        variants = family_variants(family, args)
        torch.set_num_threads(args.threads)
        rates = time_rounds(variants, args.rounds, args.round_seconds)
        algo = variants.get("compiled", (None, None, None))[2]
        medians = {k: statistics.median(rates[k]) if k in rates else math.nan
            for k in ("ours", "bare", "sb3", "compiled")}
        ratios = {(a, b): ratio(rates, a, b) for a, b in (("ours", "bare"), ("fixed", "bare"), ("ours", "sb3"),
            ("compiled", "bare"), ("compiled", "sb3"))}
        rows.append((family, medians, ratios, float(algo.compile_seconds or 0.0) if algo is not None else math.nan))
        print(f"{family}: done", flush=True)
    print(f"\nGradient updates/s, {args.threads} torch thread(s), median of {args.rounds} alternating rounds "
        "(ratios: median of the rounds' ratios)")
    print("| family | ours | bare loop | ours / bare | ours without replay sampling / bare | SB3 | ours / SB3 | "
        "compiled | compiled / bare | compiled / SB3 | compile s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for family, r, q, seconds in rows:
        print(f"| {family} | {fmt(r['ours'])} | {fmt(r['bare'])} | {q['ours', 'bare']:.2f} | "
            f"{q['fixed', 'bare']:.2f} | {fmt(r['sb3'])} | {q['ours', 'sb3']:.2f} | {fmt(r['compiled'])} | "
            f"{q['compiled', 'bare']:.2f} | {q['compiled', 'sb3']:.2f} | {seconds:.1f} |")
    for family, r, _, _ in rows:
        print(f"RESULT family={family} " + " ".join(f"{k}={r[k]:.1f}" for k in ("ours", "bare", "sb3", "compiled")))


if __name__ == "__main__":
    main()
