"""Replay-based agents (SAC, DQN) with every sampler: the exploration schedule
that the algorithm sets after the workers started reaches the workers'
copies of the agent, and training runs."""
import math

import pytest
import torch

from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.alternating_sampler import AlternatingSampler
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from tests.envs import make_counting_env
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)

SAMPLERS = [SerialSampler, CpuSampler, GpuSampler, AlternatingSampler]
SMALL = dict(hidden_sizes=[16])


def started_runner(SamplerCls, algo, agent, EnvCls, env_kwargs):
    sampler = SamplerCls(EnvCls=EnvCls, env_kwargs=env_kwargs, batch_T=8, batch_B=4, max_decorrelation_steps=0)
    affinity = {} if SamplerCls is SerialSampler else dict(workers_cpus=[0, 0], set_affinity=False)
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=10 * 32, seed=0,
        log_interval_steps=32, affinity=affinity)
    runner.startup()
    return runner


@pytest.mark.parametrize("SamplerCls", SAMPLERS)
def test_sac_explores_with_pretrain_std_until_learning_starts_then_trains(SamplerCls):
    algo = SAC(batch_size=16, min_steps_learn=64, replay_size=1000, replay_ratio=8)
    agent = SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL, pretrain_std=0.75)
    runner = started_runner(SamplerCls, algo, agent, gym_make, dict(id="Pendulum-v1"))
    assert algo.min_itr_learn == 2
    try:
        for itr in range(4):
            agent.sample_mode(itr)
            samples, _ = runner.sampler.obtain_samples(itr)
            log_std = samples.agent.agent_info.dist_info.log_std
            pretraining = torch.allclose(log_std, torch.full_like(log_std, math.log(0.75)))
            assert pretraining == (itr < 2), (itr, log_std[0])
            opt_info = algo.optimize_agent(itr, samples)
            assert len(opt_info.q1Loss) == (0 if itr < 2 else 16)
            assert all(math.isfinite(x) for x in opt_info.q1Loss + opt_info.piLoss)
    finally:
        runner.sampler.shutdown()


class PreferActionZero(torch.nn.Module):
    """Q-values (1, 0) everywhere: greedy actions are all 0."""

    def __init__(self) -> None:
        super().__init__()
        self.q = torch.nn.Parameter(torch.tensor([1.0, 0.0]))

    def forward(self, observation, prev_action, prev_reward):
        return self.q * torch.ones(observation.shape[:-1] + (1,))


@pytest.mark.parametrize("SamplerCls", SAMPLERS)
def test_dqn_workers_follow_the_epsilon_schedule_the_algorithm_sets(SamplerCls):
    # Built with a schedule that is greedy from iteration 1 on; DQN moves the
    # decay past min_steps_learn (iteration 8), so iterations 0-3 are random.
    agent = DqnAgent(ModelCls=PreferActionZero, eps_init=1.0, eps_final=0.0, eps_itr_min=0, eps_itr_max=1)
    algo = DQN(batch_size=8, min_steps_learn=256, replay_size=1000, eps_steps=512)
    runner = started_runner(SamplerCls, algo, agent, make_counting_env, {})
    try:
        actions = []
        for itr in range(4):
            agent.sample_mode(itr)
            samples, _ = runner.sampler.obtain_samples(itr)
            actions.append(samples.agent.action.clone())
    finally:
        runner.sampler.shutdown()
    share_of_zero = torch.cat(actions[1:]).float().eq(0).float().mean().item()
    assert 0.3 < share_of_zero < 0.7, share_of_zero
