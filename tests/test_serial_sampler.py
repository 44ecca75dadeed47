"""SerialSampler with the test env: buffer contents, resets, bootstrapping, eval."""
import numpy as np
import pytest
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector, CpuWaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from tests.envs import make_counting_env
from tests.models import ConstantPgModel


def make_sampler(T=6, B=2, collector=CpuResetCollector, **env_kwargs):
    return SerialSampler(EnvCls=make_counting_env, env_kwargs=env_kwargs, batch_T=T, batch_B=B,
        CollectorCls=collector, max_decorrelation_steps=0, eval_n_envs=1, eval_max_steps=50)


def init(sampler, bootstrap=True, seed=0):
    set_seed(seed)
    agent = CategoricalPgAgent(ModelCls=ConstantPgModel)
    sampler.initialize(agent, seed=seed, bootstrap_value=bootstrap, traj_info_kwargs=dict(discount=0.9))
    return agent


def test_buffer_contents_with_mid_batch_reset():
    sampler = make_sampler(truncate_at=4)
    init(sampler)
    samples, traj_infos = sampler.obtain_samples(0)
    obs = samples.env.observation[:, 0, 0].tolist()
    assert obs == [0, 1, 2, 3, 0, 1]
    assert samples.env.done[:, 0].tolist() == [False, False, False, True, False, False]
    assert samples.env.env_info.timeout[:, 0].tolist() == [False, False, False, True, False, False]
    assert samples.env.env_info.count[:, 0].tolist() == [1, 2, 3, 4, 1, 2]
    assert samples.env.prev_reward[:, 0].tolist() == [0, 1, 1, 1, 0, 1]
    assert samples.env.final_observation[3, 0, 0] == 4  # before the reset to 0
    # previous action is the action taken one step before, null after a reset
    act, prev = samples.agent.action[:, 0], samples.agent.prev_action[:, 0]
    assert prev[1:4].tolist() == act[0:3].tolist() and prev[4] == 0 and prev[5] == act[4]
    assert len(traj_infos) == 2 and all(t.Length == 4 and t.Return == 4 for t in traj_infos)
    assert traj_infos[0].DiscountedReturn == pytest.approx(1 + 0.9 + 0.81 + 0.729)
    obs_next = sampler.obtain_samples(1)[0].env.observation[:, 0, 0].tolist()
    assert obs_next == [2, 3, 0, 1, 2, 3]


def test_truncation_bootstraps_and_termination_does_not():
    """Reward 1 forever with discount 0.9 has value 10; a constant-value-10
    model makes every bootstrapped return exactly 10, through truncations."""
    sampler = make_sampler(T=9, truncate_at=4)
    agent = init(sampler)
    algo = A2C(discount=0.9)
    algo.initialize(agent, n_itr=1, batch_spec=sampler.batch_spec, mid_batch_reset=True)
    samples, _ = sampler.obtain_samples(0)
    assert samples.agent.timeout_value[3, 0] == pytest.approx(10.0)
    return_, advantage, valid = algo.process_returns(samples)
    np.testing.assert_allclose(return_.numpy(), 10.0, rtol=1e-6)
    assert valid is None

    terminating = make_sampler(T=9, terminate_at=4)
    agent = init(terminating)
    algo.initialize(agent, n_itr=1, batch_spec=terminating.batch_spec, mid_batch_reset=True)
    samples, _ = terminating.obtain_samples(0)
    return_, _, _ = algo.process_returns(samples)
    np.testing.assert_allclose(return_[:4, 0].numpy(), [3.439, 2.71, 1.9, 1.0], rtol=1e-5)
    assert samples.agent.timeout_value.abs().sum() == 0


class AlternatingLengths:
    """Env factory: episodes of 4 steps for even-numbered envs, 5 for odd."""

    def __init__(self):
        self.n = 0

    def __call__(self):
        self.n += 1
        return make_counting_env(terminate_at=4 if self.n % 2 else 5)


def test_wait_reset_collector_idles_until_batch_end():
    sampler = SerialSampler(EnvCls=AlternatingLengths(), env_kwargs={}, batch_T=6, batch_B=2,
        CollectorCls=CpuWaitResetCollector, max_decorrelation_steps=0)
    agent = init(sampler)
    assert sampler.mid_batch_reset is False
    samples, traj_infos = sampler.obtain_samples(0)
    assert samples.env.done[:, 0].tolist() == [False, False, False, True, True, True]
    assert samples.env.reward[:, 0].tolist() == [1, 1, 1, 1, 0, 0]
    assert samples.env.done[:, 1].tolist() == [False, False, False, False, True, True]
    assert samples.env.reward[:, 1].tolist() == [1, 1, 1, 1, 1, 0]
    assert samples.env.env_info.count[:, 1].tolist() == [1, 2, 3, 4, 5, 0]
    assert len(traj_infos) == 2
    algo = A2C(discount=0.9)
    algo.initialize(agent, n_itr=1, batch_spec=sampler.batch_spec, mid_batch_reset=False)
    _, _, valid = algo.process_returns(samples)
    assert valid[:, 0].tolist() == [1, 1, 1, 1, 0, 0]
    samples, _ = sampler.obtain_samples(1)
    assert samples.env.observation[:, 0, 0].tolist() == [0, 1, 2, 3, 4, 4]
    assert samples.env.prev_reward[0, 0] == 0


def test_same_seed_same_samples():
    def run(seed):
        sampler = SerialSampler(EnvCls=make_counting_env, env_kwargs=dict(truncate_at=5),
            batch_T=8, batch_B=3, max_decorrelation_steps=7)
        set_seed(seed)
        agent = CategoricalPgAgent()
        sampler.initialize(agent, seed=seed, bootstrap_value=True)
        out = [sampler.obtain_samples(i)[0] for i in range(3)]
        return [(s.agent.action.clone(), s.env.observation.clone(), s.agent.agent_info.value.clone()) for s in out]
    a, b, c = run(3), run(3), run(4)
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            assert torch.equal(u, v)
    assert any(not torch.equal(x[0], y[0]) for x, y in zip(a, c))


def test_decorrelation_spreads_episode_phases():
    sampler = SerialSampler(EnvCls=make_counting_env, env_kwargs=dict(terminate_at=50),
        batch_T=1, batch_B=8, max_decorrelation_steps=40)
    init(sampler)
    samples, _ = sampler.obtain_samples(0)
    assert len(set(samples.env.observation[0, :, 0].tolist())) > 3


def test_evaluate_agent_returns_completed_trajectories():
    sampler = make_sampler(truncate_at=7)
    init(sampler)
    infos = sampler.evaluate_agent(0)
    assert len(infos) == 7 and all(t.Length == 7 for t in infos)
    no_eval = SerialSampler(EnvCls=make_counting_env, env_kwargs={}, batch_T=2, batch_B=1)
    init(no_eval)
    with pytest.raises(RuntimeError, match="eval_n_envs"):
        no_eval.evaluate_agent(0)
