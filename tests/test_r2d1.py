"""R2D1's algorithm: value rescaling, targets against a hand computation on a
sequence with a termination and a truncation inside, arguments refused by
name."""
import numpy as np
import pytest
import torch

from rlpyt.agents.dqn.r2d1_agent import R2d1Agent
from rlpyt.algos.dqn.r2d1 import R2D1, SamplesToBufferRnnTl
from rlpyt.algos.dqn.value_scale import inv_value_rescale, value_rescale
from rlpyt.envs.base import EnvSpaces
from rlpyt.models.pg.lstm import RnnState
from rlpyt.replays.sequence.uniform import UniformSequenceReplayBuffer
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.int_box import IntBox

GAMMA, EPS = 0.9, 1e-3


@pytest.mark.parametrize("eps", [0.0, 1e-3, 0.5])
def test_value_rescale_inverts(eps):
    x = torch.tensor([-3e4, -17.0, -1.0, -0.25, 0.0, 0.3, 2.0, 500.0, 1e6], dtype=torch.float64)
    torch.testing.assert_close(inv_value_rescale(value_rescale(x, eps), eps), x, rtol=1e-9, atol=1e-9)
    torch.testing.assert_close(value_rescale(inv_value_rescale(x, eps), eps), x, rtol=1e-9, atol=1e-9)
    assert float(value_rescale(torch.tensor(3.0), eps)) == pytest.approx(1.0 + eps * 3)


class ObservationQModel(torch.nn.Module):
    """Q(o)[a] = (a + 1) * o, whatever the rnn state (which counts steps)."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, observation, prev_action, prev_reward, init_rnn_state):
        q = observation * torch.tensor([1.0, 2.0]) + self.w
        B = 1 if observation.dim() == 1 else observation.shape[-2]
        T = observation.shape[0] if observation.dim() == 3 else 1
        h = torch.zeros(1, B, 1) if init_rnn_state is None else init_rnn_state.h
        return q, RnnState(h + T, h + T)


def hand_sequence_buffer():
    """One environment, 10 steps: observation t + 1, reward t / 2, a
    termination at step 2 and a truncation at step 5 (final observation 100)."""
    T = 10
    done = np.zeros((T, 1), bool)
    done[[2, 5]] = True
    timeout = np.zeros((T, 1), bool)
    timeout[5] = True
    final = np.zeros((T, 1, 1), np.float32)
    final[5] = 100.0
    state = np.zeros((T, 1, 1, 1), np.float32)
    samples = SamplesToBufferRnnTl(observation=np.arange(1, T + 1, dtype=np.float32).reshape(T, 1, 1),
        action=np.array([0, 1, 0, 1, 1, 0, 1, 0, 1, 0]).reshape(T, 1), reward=(np.arange(T) / 2).astype(np.float32)
        .reshape(T, 1), done=done, timeout=timeout, final_observation=final, prev_rnn_state=RnnState(state, state))
    example = samples[0, 0]._replace(final_observation=None)
    buffer = UniformSequenceReplayBuffer(example=example, size=20, B=1, rnn_state_interval=1, batch_T=6,
        discount=GAMMA, n_step_return=2)
    buffer.append_samples(samples)
    return buffer, samples


def test_targets_match_a_hand_computation_through_a_termination_and_a_truncation():
    buffer, samples = hand_sequence_buffer()
    algo = R2D1(discount=GAMMA, batch_T=5, batch_B=1, warmup_T=1, store_rnn_state_interval=1, n_step_return=2,
        value_scale_eps=EPS, prioritized_replay=False)
    agent = R2d1Agent(ModelCls=ObservationQModel)
    agent.initialize(EnvSpaces(observation=FloatBox(low=0, high=200, shape=(1,)), action=IntBox(low=0, high=2)))
    algo.agent = agent
    q, y, valid = algo.sequence_values(buffer.extract_batch(np.array([0]), np.array([0])))

    def h(x):
        return value_rescale(torch.as_tensor(x, dtype=torch.float64), EPS)

    def h_inv(z):
        return inv_value_rescale(torch.as_tensor(z, dtype=torch.float64), EPS)

    r = samples.reward[:, 0]
    expected = torch.stack([
        h(r[1] + GAMMA * r[2]),  # termination at step 2 ends the window: no bootstrap
        h(r[2]),
        h(r[3] + GAMMA * r[4] + GAMMA ** 2 * h_inv(2.0 * 6)),  # Q at step 5, observation 6
        h(r[4] + GAMMA * r[5] + GAMMA ** 2 * h_inv(2.0 * 100)),  # truncation at 5: its final observation
        h(r[5] + GAMMA * h_inv(2.0 * 100)),
    ]).float()
    torch.testing.assert_close(y[:, 0], expected, rtol=1e-5, atol=1e-5)
    actions = samples.action[1:6, 0]
    torch.testing.assert_close(q[:, 0], torch.tensor((actions + 1) * np.arange(2, 7), dtype=torch.float32))
    assert valid.shape == (5, 1) and bool(valid.all())


def test_arguments_are_refused_by_name():
    with pytest.raises(TypeError, match="batch_T"):
        R2D1(batch_T=2.5)
    with pytest.raises(ValueError, match="warmup_T"):
        R2D1(warmup_T=-1)
    with pytest.raises(ValueError, match="pri_eta"):
        R2D1(pri_eta=1.5)
    buffer, samples = hand_sequence_buffer()
    with pytest.raises(ValueError, match="prev_rnn_state"):
        UniformSequenceReplayBuffer(example=samples[0, 0]._replace(prev_rnn_state=None), size=20, B=1,
            rnn_state_interval=2, batch_T=4)
    with pytest.raises(ValueError, match="batch_T"):
        UniformSequenceReplayBuffer(example=samples[0, 0], size=8, B=1, rnn_state_interval=1, batch_T=8)


@pytest.mark.parametrize("sampler_name", ["cpu", "gpu", "alternating"])
def test_r2d1_trains_with_the_parallel_samplers(sampler_name, data_dir):
    from rlpyt.agents.dqn.r2d1_agent import R2d1AlternatingAgent
    from rlpyt.runners.minibatch_rl import MinibatchRl
    from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
    from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
    from rlpyt.samplers.parallel.gpu.alternating_sampler import AlternatingSampler
    from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
    from tests.memory_env import make_memory_env

    SamplerCls = dict(cpu=CpuSampler, gpu=GpuSampler, alternating=AlternatingSampler)[sampler_name]
    kwargs = dict(CollectorCls=CpuWaitResetCollector) if sampler_name == "cpu" else {}
    sampler = SamplerCls(EnvCls=make_memory_env, env_kwargs=dict(length=3), batch_T=6, batch_B=4,
        max_decorrelation_steps=0, **kwargs)
    AgentCls = R2d1AlternatingAgent if sampler_name == "alternating" else R2d1Agent
    algo = R2D1(batch_T=4, batch_B=4, warmup_T=2, store_rnn_state_interval=2, n_step_return=2, replay_size=400,
        min_steps_learn=48, target_update_interval=2)
    runner = MinibatchRl(algo=algo, agent=AgentCls(model_kwargs=dict(hidden_sizes=[8], lstm_size=8)),
        sampler=sampler, n_steps=5 * 24, seed=2, affinity=dict(workers_cpus=[0, 0], set_affinity=False))
    runner.train()
    assert algo.update_counter >= 3
    assert algo.replay_buffer.start_candidates()[0].size > 0
