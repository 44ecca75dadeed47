"""Conv models, running observation statistics and their updates by the PG algorithms."""
import pytest
import torch

from rlpyt.agents.pg.mujoco import MujocoFfAgent, MujocoLstmAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.utils import valid_from_done
from rlpyt.envs.gym import make as gym_make
from rlpyt.models.conv2d import Conv2dHeadModel, Conv2dModel
from rlpyt.models.running_mean_std import RunningMeanStd
from rlpyt.samplers.collections import BatchSpec
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)


@pytest.mark.parametrize("use_maxpool", [False, True])
def test_conv_out_size_matches_the_output(use_maxpool):
    model = Conv2dModel(4, [8, 16, 16], [8, 4, 3], [4, 2, 1], paddings=[0, 1, 0], use_maxpool=use_maxpool)
    out = model(torch.zeros(2, 4, 104, 80))
    assert out[0].numel() == model.conv_out_size(104, 80)
    head = Conv2dHeadModel((4, 104, 80), [8, 16], [8, 4], [4, 2], hidden_sizes=[32], output_size=5)
    assert head(torch.zeros(3, 4, 104, 80)).shape == (3, 5) and head.output_size == 5


def test_conv_bad_arguments_name_the_problem():
    with pytest.raises(ValueError, match="one entry per layer"):
        Conv2dModel(4, [8, 16], [8], [4, 2])
    with pytest.raises(ValueError, match="image_shape must be"):
        Conv2dHeadModel((104, 80), [8], [8], [4], hidden_sizes=[])


def test_running_mean_std_matches_the_whole_data():
    x = torch.randn(1000, 3) * torch.tensor([1.0, 5.0, 0.1]) + torch.tensor([0.0, -3.0, 7.0])
    rms = RunningMeanStd((3,))
    for chunk in (x[:1], x[1:10], x[10:600], x[600:]):
        rms.update(chunk)
    torch.testing.assert_close(rms.mean, x.mean(0), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(rms.var, x.var(0, unbiased=False), atol=1e-4, rtol=1e-4)
    assert float(rms.count) == 1000
    assert set(rms.state_dict()) == {"mean", "var", "count"}
    normalized = rms.normalize(x)
    torch.testing.assert_close(normalized.mean(0), torch.zeros(3), atol=1e-4, rtol=0)


@pytest.mark.parametrize("AgentCls,AlgoCls", [(MujocoFfAgent, PPO), (MujocoLstmAgent, A2C)])
def test_observation_statistics_come_from_sampled_valid_steps_only(AgentCls, AlgoCls):
    T, B = 16, 2
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1", max_episode_steps=20),
        batch_T=T, batch_B=B, CollectorCls=CpuWaitResetCollector, eval_n_envs=1, eval_max_steps=50)
    agent = AgentCls(model_kwargs=dict(normalize_observation=True))
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    algo = AlgoCls(**({"minibatches": 1} if AlgoCls is PPO else {}))
    algo.initialize(agent, n_itr=3, batch_spec=BatchSpec(T, B), mid_batch_reset=False)
    n_valid, observations = 0, []
    for itr in range(3):
        agent.sample_mode(itr)
        samples, _ = sampler.obtain_samples(itr)
        before = agent.model.obs_rms.count.item()
        agent.train_mode(itr)
        algo.optimize_agent(itr, samples)
        valid = valid_from_done(samples.env.done).bool()
        n_valid += int(valid.sum())
        observations.append(samples.env.observation[valid].clone())
        assert agent.model.obs_rms.count.item() == before + int(valid.sum())
    assert n_valid < 3 * T * B  # the wait-reset collector idled some steps
    sampler.evaluate_agent(3)
    rms = agent.model.obs_rms
    assert rms.count.item() == n_valid
    torch.testing.assert_close(rms.mean, torch.cat(observations).mean(0), atol=1e-5, rtol=1e-5)
    assert "obs_rms.mean" in agent.state_dict()
