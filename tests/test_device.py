"""Every algorithm's update, the GpuSampler and SyncRl on a device given by
the affinity's ``cuda_idx``. Each test runs on the CPU here and again on
CUDA (marked ``gpu``, skipped without a CUDA device; benchmarks/gpu_check.sh
runs them on a lent GPU machine), so the CUDA variants check the same
numbers as the CPU ones that CI runs."""
import pytest
import torch

from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.envs.gym import make as gym_make
from tests.sync_rl_helpers import ONE_THREAD, StateSavingSyncRl, algo_agent_sampler
from tests.test_sync_rl import assert_bitwise_equal, flat_state, load_rank_states

pytestmark = pytest.mark.usefixtures("data_dir")

CUDA = pytest.param("cuda", marks=[pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")])
DEVICES = ["cpu", CUDA]
FAMILIES = ["a2c", "ppo", "ppo_lstm", "dqn", "catdqn", "r2d1", "sac", "ddpg", "td3"]


def affinity(device: str) -> dict:
    """One-thread affinity, on CUDA device 0 for ``device == "cuda"``."""
    return dict(ONE_THREAD, cuda_idx=0 if device == "cuda" else None)


def assert_trained_on(agent, algo, device: str) -> None:
    """The agent's parameters and the optimizer's state live on ``device``,
    are finite, and the optimizer stepped."""
    for name, param in agent.named_parameters():
        assert param.device.type == device and torch.isfinite(param).all(), name
    optim = flat_state(algo.optim_state_dict())
    steps = [float(v) for k, v in optim.items() if k.endswith("/step")]
    assert steps and all(step > 0 for step in steps)
    moments = [v for k, v in optim.items() if k.endswith("/exp_avg") or k.endswith("/square_avg")]
    assert moments and all(m.device.type == device for m in moments)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", FAMILIES)
def test_every_algorithm_updates_on_the_device(name, device):
    algo, agent, sampler = algo_agent_sampler(name)
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=128, seed=1,
        affinity=affinity(device), log_interval_steps=128)
    runner.train()
    assert_trained_on(agent, algo, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["ppo", "dqn"])
def test_gpu_sampler_acts_with_the_agent_on_the_device(name, device):
    algo, agent, _ = algo_agent_sampler(name)
    sampler = GpuSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=8, batch_B=2,
        max_decorrelation_steps=0)
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=128, seed=1,
        affinity=dict(affinity(device), workers_cpus=[0, 0]), log_interval_steps=128)
    runner.train()
    assert_trained_on(agent, algo, device)


@pytest.mark.parametrize("device", DEVICES)
def test_sync_rl_one_rank_on_the_device_default_backend(device, tmp_path):
    """World size 1: NCCL on CUDA (gloo on the CPU)."""
    algo, agent, sampler = algo_agent_sampler("sac")
    runner = StateSavingSyncRl(algo=algo, agent=agent, sampler=sampler, n_steps=96, seed=3,
        affinity=[affinity(device)], log_interval_steps=32, state_dir=str(tmp_path))
    runner.train()
    state = torch.load(tmp_path / "rank0.pt", weights_only=False)
    assert all(torch.isfinite(v).all() for v in flat_state(state["agent"]).values() if v.is_floating_point())
    assert_trained_on(agent, algo, device)


@pytest.mark.parametrize("device", DEVICES)
def test_sync_rl_two_gloo_ranks_share_the_device_and_stay_equal(device, tmp_path):
    algo, agent, sampler = algo_agent_sampler("dqn")
    runner = StateSavingSyncRl(algo=algo, agent=agent, sampler=sampler, n_steps=128, seed=3,
        affinity=[affinity(device)] * 2, backend="gloo", log_interval_steps=64, state_dir=str(tmp_path))
    runner.train()
    rank0, rank1 = load_rank_states(tmp_path)
    assert_bitwise_equal(rank0, rank1)
    assert_trained_on(agent, algo, device)
