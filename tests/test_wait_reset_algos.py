"""DQN, CategoricalDQN, DDPG, TD3 and SAC train from samplers whose
environments wait for the end of the batch (wait-reset collectors), with every
sampler: the replay buffer's mask is each batch's ``valid_from_done`` and no
drawn transition is a waiting environment's idle step."""
import math

import numpy as np
import pytest

from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.dqn.cat_dqn import CategoricalDQN
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.qpg.ddpg import DDPG
from rlpyt.algos.qpg.sac import SAC
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.algos.utils import valid_from_done
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.collectors import WaitResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.alternating_sampler import AlternatingSampler
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from tests.envs import make_episode_length_env
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)

SMALL = dict(hidden_sizes=[16])
REPLAY = dict(batch_size=16, min_steps_learn=64, replay_size=1000, replay_ratio=8)
N_ITR = 5


def dqn():
    return DQN(**REPLAY, n_step_return=3), DqnAgent(model_kwargs=SMALL), False


def catdqn():
    return CategoricalDQN(**REPLAY, V_min=0, V_max=10, n_step_return=3), CatDqnAgent(model_kwargs=SMALL), False


def ddpg():
    return DDPG(**REPLAY), DdpgAgent(model_kwargs=SMALL, q_model_kwargs=SMALL), True


def td3():
    return TD3(**REPLAY), Td3Agent(model_kwargs=SMALL, q_model_kwargs=SMALL), True


def sac():
    return SAC(**REPLAY), SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL), True


CASES = [(SerialSampler, make) for make in (dqn, catdqn, ddpg, td3, sac)] + \
    [(SamplerCls, make) for SamplerCls in (CpuSampler, GpuSampler, AlternatingSampler) for make in (dqn, sac)]


@pytest.mark.parametrize("SamplerCls,make", CASES, ids=[f"{s.__name__}-{m.__name__}" for s, m in CASES])
def test_replay_algorithms_train_on_wait_reset_samples(SamplerCls, make):
    algo, agent, continuous = make()
    sampler = SamplerCls(EnvCls=make_episode_length_env, env_kwargs=dict(max_length=6, continuous=continuous),
        batch_T=8, batch_B=4, CollectorCls=WaitResetCollector, max_decorrelation_steps=0)
    affinity = {} if SamplerCls is SerialSampler else dict(workers_cpus=[0, 0], set_affinity=False)
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=N_ITR * 32, seed=0,
        log_interval_steps=32, affinity=affinity)
    runner.startup()
    draws = []
    iter_batches = algo.replay_buffer.iter_batches

    def recording(batch_size, n):
        for batch in iter_batches(batch_size, n):
            draws.append(batch)
            yield batch
    algo.replay_buffer.iter_batches = recording
    valid, losses = [], []
    try:
        for itr in range(N_ITR):
            agent.sample_mode(itr)
            samples, _ = sampler.obtain_samples(itr)
            valid.append(valid_from_done(samples.env.done.numpy()) > 0)
            losses += algo.optimize_agent(itr, samples)[0]
    finally:
        sampler.shutdown()
    valid = np.concatenate(valid)
    assert algo.mid_batch_reset is False and 0.4 < valid.mean() < 0.95
    np.testing.assert_array_equal(algo.replay_buffer.samples_valid[:len(valid)], valid)
    assert losses and all(math.isfinite(x) for x in losses)
    assert len(draws) == 3 * 16  # learning from iteration 2 on, 16 updates per iteration
    for batch in draws:
        count, length = batch.agent_inputs.observation[:, 0], batch.agent_inputs.observation[:, 1]
        assert (count < length).all(), "an idle step of a waiting environment was drawn"
