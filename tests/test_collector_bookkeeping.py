"""The collectors' per-step bookkeeping: the default ``TrajInfo`` gets a
batch's step rewards folded in when a trajectory (or the batch) ends, a
``TrajInfo`` subclass that overrides ``step`` still gets its
per-environment calls, and both paths give identical samples and
trajectory infos. (When the folding was introduced, a hash of every sample
field and trajectory info of these runs was also checked to be bitwise what
the collectors gave before; such a hash depends on the CPU's float kernels,
so it is not kept as a test.)
"""
from __future__ import annotations

import numpy as np
import pytest

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.collections import TrajInfo
from rlpyt.samplers.collectors import ResetCollector, WaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed

# CartPole with a random-ish policy ends episodes by termination and, with a
# 25-step limit, by truncation: B=3 x T=20 over 4 batches crosses both.
ENV_KWARGS = dict(id="CartPole-v1", max_episode_steps=25)
N_BATCHES = 4


class PerStepTrajInfo(TrajInfo):
    """Overrides ``step`` (without changing it), so collectors must call it
    for every environment and step."""

    def step(self, observation, action, reward, done, agent_info, env_info) -> None:
        super().step(observation, action, reward, done, agent_info, env_info)


def _traj_info_repr(info: TrajInfo) -> str:
    """Every key, value and value type of an info, in key order."""
    return repr(sorted((key, type(value).__name__, value) for key, value in info.items()))


def _run(CollectorCls, TrajInfoCls=TrajInfo) -> tuple[list, list, list]:
    """Sample ``N_BATCHES`` batches and evaluate once; returns the sample
    leaves of every batch, the completed infos of every batch with the
    in-progress ones after it, and the eval infos."""
    set_seed(1)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=ENV_KWARGS, batch_T=20, batch_B=3,
        CollectorCls=CollectorCls, TrajInfoCls=TrajInfoCls, max_decorrelation_steps=10,
        eval_n_envs=2, eval_max_steps=80)
    agent = CategoricalPgAgent()
    sampler.initialize(agent, seed=1, bootstrap_value=True, traj_info_kwargs=dict(discount=0.97))
    agent.sample_mode(0)
    leaves, infos = [], []
    for itr in range(N_BATCHES):
        _, completed = sampler.obtain_samples(itr)
        leaves.append([np.array(leaf) for leaf in _leaves(sampler.samples_np)])
        infos.append([_traj_info_repr(i) for i in completed]
            + ["in progress"] + [_traj_info_repr(i) for i in sampler._group.traj_infos])
    eval_infos = [_traj_info_repr(i) for i in sampler.evaluate_agent(N_BATCHES)]
    sampler.shutdown()
    return leaves, infos, eval_infos


def _leaves(tree) -> list:
    """The arrays of a (nested) namedarraytuple, depth first."""
    if isinstance(tree, np.ndarray):
        return [tree]
    return [leaf for field in tree for leaf in _leaves(field)]


@pytest.mark.parametrize("CollectorCls", [ResetCollector, WaitResetCollector])
def test_per_step_and_folded_bookkeeping_agree(CollectorCls):
    folded = _run(CollectorCls)
    per_step = _run(CollectorCls, PerStepTrajInfo)
    assert per_step[1] == folded[1] and per_step[2] == folded[2]
    for batch_a, batch_b in zip(folded[0], per_step[0]):
        for a, b in zip(batch_a, batch_b):
            assert a.dtype == b.dtype and np.array_equal(a, b)


class RecordingTrajInfo(TrajInfo):
    """Appends every ``step`` call's arguments to the list passed as ``log``."""

    def step(self, observation, action, reward, done, agent_info, env_info) -> None:
        super().step(observation, action, reward, done, agent_info, env_info)
        self.log.append((np.array(observation), int(action), reward, done, float(agent_info.value)))


@pytest.mark.parametrize("CollectorCls", [ResetCollector, WaitResetCollector])
def test_step_override_sees_every_stepped_environment(CollectorCls):
    """An override of ``step`` is called per environment and time step (not
    for environments idle until the batch ends), with that step's
    observation, action, reward, done and agent_info."""
    set_seed(2)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=ENV_KWARGS, batch_T=30, batch_B=3,
        CollectorCls=CollectorCls, TrajInfoCls=RecordingTrajInfo, max_decorrelation_steps=0)
    agent = CategoricalPgAgent()
    log = []
    sampler.initialize(agent, seed=2, traj_info_kwargs=dict(log=log))
    agent.sample_mode(0)
    samples, completed = sampler.obtain_samples(0)
    assert completed
    env, agent_samples = samples.env, samples.agent
    idle = np.zeros_like(env.done.numpy())
    if not CollectorCls.mid_batch_reset:
        idle[1:] = np.logical_or.accumulate(env.done.numpy(), axis=0)[:-1]
    expected = [(env.observation[t, b].numpy(), int(agent_samples.action[t, b]), float(env.reward[t, b]),
        bool(env.done[t, b]), float(agent_samples.agent_info.value[t, b]))
        for t in range(30) for b in range(3) if not idle[t, b]]
    assert len(log) == len(expected)
    assert (len(expected) < 90) == (not CollectorCls.mid_batch_reset)  # idle steps only in wait-reset
    for got, want in zip(log, expected):
        assert np.array_equal(got[0], want[0]) and got[1:] == want[1:]


@pytest.mark.parametrize("discount", [1.0, 0.99, 0.5])
def test_step_rewards_is_bitwise_many_steps(discount):
    """Folding a run of rewards at once gives bitwise the info (values and
    types) that one ``step`` call per reward gives, over several runs."""
    rng = np.random.default_rng(0)
    stepped, folded = TrajInfo(discount=discount), TrajInfo(discount=discount)
    for n in (0, 1, 7, 40, 300):
        rewards = rng.normal(size=n) * 10.0 ** rng.integers(-3, 4, size=n)
        rewards[rng.random(n) < 0.3] = 0.0
        for reward in rewards.tolist():
            stepped.step(None, None, reward, False, None, None)
        folded.step_rewards(rewards)
        assert _traj_info_repr(folded) == _traj_info_repr(stepped)
