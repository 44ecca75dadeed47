"""Counts as rlpyt's scripts write them (``1e4``) are accepted and stored as
ints in every family; non-integral values and bools are refused by name; and
a run trains the budget it is given."""
import csv
import os

import pytest

from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.dqn.cat_dqn import CategoricalDQN
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.qpg.ddpg import DDPG
from rlpyt.algos.qpg.sac import SAC
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.atari.atari_env import AtariEnv
from rlpyt.envs.gym import make as gym_make
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer
from rlpyt.replays.sum_tree import SumTree
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context

SAMPLER_KWARGS = dict(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=4, batch_B=2)
BUFFER_EXAMPLE = SamplesToBuffer(observation=0.0, action=0, reward=0.0, done=False)

# (constructor, argument, integral float, expected attribute path)
CASES = [
    (DQN, "min_steps_learn", 1e3, "min_steps_learn"),
    (DQN, "replay_size", 1e6, "replay_size"),
    (DQN, "eps_steps", 5e4, "eps_steps"),
    (DQN, "pri_beta_steps", 5e7, "pri_beta_steps"),
    (CategoricalDQN, "target_update_interval", 2e3, "target_update_interval"),
    (DDPG, "batch_size", 1e2, "batch_size"),
    (TD3, "policy_update_interval", 2.0, "policy_update_interval"),
    (SAC, "min_steps_learn", 1e4, "min_steps_learn"),
    (SAC, "n_step_return", 3.0, "n_step_return"),
    (PPO, "minibatches", 4.0, "minibatches"),
    (PPO, "epochs", 1e1, "epochs"),
    (lambda **kw: SerialSampler(**dict(SAMPLER_KWARGS, **kw)), "max_decorrelation_steps", 1e3,
        "max_decorrelation_steps"),
    (lambda **kw: SerialSampler(**dict(SAMPLER_KWARGS, eval_n_envs=1, **kw)), "eval_max_steps", 1e4,
        "eval_max_steps"),
    (lambda **kw: CpuSampler(**dict(SAMPLER_KWARGS, **kw)), "eval_n_envs", 0.0, "eval_n_envs"),
    (lambda **kw: GpuSampler(**dict(SAMPLER_KWARGS, eval_n_envs=1, eval_max_steps=10, **kw)),
        "eval_max_trajectories", 1e2, "eval_max_trajectories"),
    (lambda **kw: MinibatchRl(algo=A2C(), agent=CategoricalPgAgent(), sampler=None, **dict(dict(n_steps=10), **kw)),
        "log_interval_steps", 1e5, "log_interval_steps"),
    (lambda **kw: MinibatchRl(algo=A2C(), agent=CategoricalPgAgent(), sampler=None, **kw), "n_steps", 5e6,
        "n_steps"),
    (lambda **kw: UniformReplayBuffer(example=BUFFER_EXAMPLE, B=2, **kw), "size", 1e3, "T"),
    (lambda **kw: SumTree(**kw), "size", 1.6e1, "size"),
    (CatDqnAgent, "n_atoms", 51.0, "n_atoms"),
    (AtariEnv, "horizon", 27e3, "horizon"),
]


@pytest.mark.parametrize("build,name,value,attribute", CASES)
def test_integral_float_counts_are_stored_as_ints(build, name, value, attribute):
    obj = build(**{name: value})
    stored = getattr(obj, attribute)
    assert type(stored) is int
    assert stored == (int(value) // 2 if attribute == "T" else int(value))


@pytest.mark.parametrize("build,name,value,attribute", CASES)
def test_non_integral_counts_are_refused_by_name(build, name, value, attribute):
    with pytest.raises(TypeError, match=f"{name} must be a whole number .*got 2.5"):
        build(**{name: 2.5})
    with pytest.raises(TypeError, match=f"{name} must be a whole number .*got True"):
        build(**{name: True})


def test_batch_dims_accept_integral_floats():
    sampler = SerialSampler(**dict(SAMPLER_KWARGS, batch_T=5e0, batch_B=2.0))
    assert sampler.batch_spec == (5, 2) and type(sampler.batch_spec.T) is int


def _train(tmp_path, n_steps, log_interval_steps=None):
    """Train A2C on CartPole (8 steps per iteration); returns the runner,
    progress.csv's rows and debug.log's text."""
    kwargs = {} if log_interval_steps is None else dict(log_interval_steps=log_interval_steps)
    runner = MinibatchRl(algo=A2C(), agent=CategoricalPgAgent(model_kwargs=dict(hidden_sizes=[8])),
        sampler=SerialSampler(**SAMPLER_KWARGS), n_steps=n_steps, seed=0, **kwargs)
    with logger_context(str(tmp_path / "budget"), 0, "budget", {}) as run_dir:
        runner.train()
    with open(os.path.join(run_dir, "debug.log")) as f:
        debug_log = f.read()
    with open(os.path.join(run_dir, "progress.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return runner, rows, debug_log


def test_short_run_with_default_log_interval_trains_its_budget(tmp_path):
    runner, rows, debug_log = _train(tmp_path, n_steps=3)
    assert runner.n_itr == 1 and runner.log_interval_itrs == 1
    assert [r["Diagnostics/CumSteps"] for r in rows] == ["8"]
    assert "log_interval_steps (100000) is longer than the run (n_steps 3)" in debug_log


def test_budget_goes_at_most_one_log_interval_beyond_when_it_does_not_divide(tmp_path):
    runner, rows, _ = _train(tmp_path, n_steps=1e2, log_interval_steps=40)
    assert runner.log_interval_itrs == 5 and runner.n_itr == 15  # 13 iterations rounded to 3 intervals
    assert [r["Diagnostics/CumSteps"] for r in rows] == ["40", "80", "120"]


def test_budget_is_exact_when_the_interval_divides_it(tmp_path):
    runner, rows, _ = _train(tmp_path, n_steps=96, log_interval_steps=32)
    assert runner.n_itr == 12
    assert [r["Diagnostics/CumSteps"] for r in rows] == ["32", "64", "96"]
