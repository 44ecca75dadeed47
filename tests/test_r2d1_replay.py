"""R2D1's sequence replay: replayed sequences start from the state the agent
had while sampling and reproduce its Q-values; sequences never cross the
write cursor nor start on an invalid step; prioritized sequence sampling
follows the priorities and updates the sampled starts."""
import numpy as np
import pytest
import torch

from rlpyt.agents.dqn.r2d1_agent import R2d1Agent
from rlpyt.algos.dqn.r2d1 import R2D1, SamplesToBufferRnn
from rlpyt.envs.gym import make as gym_make
from rlpyt.models.pg.lstm import RnnState
from rlpyt.replays.samples import with_valid
from rlpyt.replays.sequence.prioritized import PrioritizedSequenceReplayBuffer
from rlpyt.replays.sequence.uniform import UniformSequenceReplayBuffer
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.collectors import ResetCollector, WaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler

pytestmark = pytest.mark.usefixtures("data_dir")


def record_states(agent) -> list:
    """Make ``agent.step`` append the rnn state it starts from ([N, B, H]
    leaves, None for zeros) to the returned list."""
    states, step = [], agent.step

    def recording_step(*args):
        state = agent.prev_rnn_state
        states.append(None if state is None else RnnState(*(x.clone() for x in state)))
        return step(*args)

    agent.step = recording_step
    return states


@pytest.mark.parametrize("CollectorCls", [ResetCollector, WaitResetCollector])
def test_replayed_sequences_start_from_the_sampling_state_and_reproduce_its_q(CollectorCls):
    torch.manual_seed(0)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1", max_episode_steps=9), batch_T=6,
        batch_B=3, max_decorrelation_steps=0, CollectorCls=CollectorCls)
    algo = R2D1(batch_T=5, batch_B=4, warmup_T=3, store_rnn_state_interval=2, n_step_return=2, replay_size=300,
        min_steps_learn=10 ** 6, prioritized_replay=False)
    agent = R2d1Agent(model_kwargs=dict(hidden_sizes=[8], lstm_size=8))
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=10 ** 6, seed=1)
    runner.startup()
    try:
        states = record_states(agent)
        q, done, valid = [], [], []
        for itr in range(10):
            agent.sample_mode(itr)
            samples, _ = sampler.obtain_samples(itr)
            q.append(samples.agent.agent_info.q.clone())
            done.append(samples.env.done.clone())
            algo.replay_buffer.append_samples(algo.samples_to_buffer(samples))
    finally:
        runner.shutdown()
    q = torch.cat(q)
    buffer = algo.replay_buffer
    rows, envs = buffer.start_candidates()
    assert len(rows) > 0 and np.all(rows % 2 == 0)
    if CollectorCls is WaitResetCollector:
        assert not buffer.samples_valid.all()
        assert buffer.samples_valid[rows, envs].all()
    batch = buffer.extract_batch(rows, envs)
    assert bool(batch.reset.any()) and bool(batch.done.any())
    for j, (t, b) in enumerate(zip(rows, envs)):
        for name in ("h", "c"):
            expected = torch.zeros(8) if states[t] is None else getattr(states[t], name)[0, b]
            assert torch.equal(getattr(batch.init_rnn_state, name)[j, 0], expected)
    init = RnnState(*(x.transpose(0, 1) for x in batch.init_rnn_state))
    with torch.no_grad():
        replayed, _ = agent(*batch.agent_inputs, init, batch.reset)
    steps = torch.as_tensor(rows)[None] + torch.arange(buffer.sequence_T)[:, None]
    sampled = q[steps, torch.as_tensor(envs)[None]]
    valid = batch.valid
    assert valid.float().mean() > 0.5
    torch.testing.assert_close(replayed[valid], sampled[valid], rtol=1e-5, atol=1e-6)


def sequence_buffer(BufferCls, T_total: int, B: int, valid=None, **kwargs):
    """A sequence buffer holding ``T_total`` steps whose observation is
    ``10 * step + env``, with a done every 7 steps of env 0."""
    example = SamplesToBufferRnn(observation=np.zeros(1, np.float32), action=np.int64(0), reward=np.float32(0),
        done=False, prev_rnn_state=RnnState(np.zeros((1, 2), np.float32), np.zeros((1, 2), np.float32)))
    buffer = BufferCls(example=example, size=kwargs.pop("size", 40 * B), B=B, rnn_state_interval=2, batch_T=4,
        n_step_return=1, discount=0.9, **kwargs)
    for t0 in range(0, T_total, 5):
        steps = np.arange(t0, t0 + 5)[:, None] + np.zeros(B, dtype=np.int64)
        observation = (10 * steps + np.arange(B))[..., None].astype(np.float32)
        state = np.broadcast_to(observation[..., None], (5, B, 1, 2)).copy()
        done = (steps % 7 == 6) & (np.arange(B) == 0)
        samples = SamplesToBufferRnn(observation, np.zeros((5, B), np.int64), np.ones((5, B), np.float32), done,
            RnnState(state, state))
        if valid is not None:
            samples = with_valid(samples, valid(steps))
        buffer.append_samples(samples)
    return buffer


def test_uniform_sequences_never_cross_the_write_cursor_nor_start_invalid():
    np.random.seed(0)
    def valid(steps):
        return ~((steps % 4 == 0) & (np.arange(steps.shape[1]) == 1))

    buffer = sequence_buffer(UniformSequenceReplayBuffer, T_total=95, B=2, valid=valid)
    for _ in range(50):
        batch = buffer.sample_batch(8)
        observation = batch.agent_inputs.observation[..., 0]
        steps = (observation // 10).long()
        assert torch.all(steps[1:] - steps[:-1] == 1)  # consecutive: no jump across the cursor
        assert int(steps.max()) < 95 and int(steps.min()) >= 95 - buffer.T
        assert torch.all(steps[0] % 2 == 0)
        env = observation[0] % 10
        assert not torch.any((env == 1) & (steps[0] % 4 == 0))
        torch.testing.assert_close(batch.init_rnn_state.h[:, 0, 0], observation[0])


def test_prioritized_sampling_follows_priorities_and_updates_the_drawn_starts():
    np.random.seed(1)
    buffer = sequence_buffer(PrioritizedSequenceReplayBuffer, T_total=60, B=3, alpha=0.7, beta=0.5)
    rows, envs = buffer.start_candidates()
    leaves = (rows // 2) * 3 + envs
    tree = buffer.priority_tree
    assert np.allclose(tree.get(leaves), 1.0)
    others = np.setdiff1d(np.arange(tree.size), leaves)
    assert np.all(tree.get(others) == 0)

    def wanted(start_observation):
        return 1 + (start_observation // 10) % 5 + 3 * (start_observation % 10)

    for _ in range(200):
        batch = buffer.sample_batch(6)
        buffer.update_batch_priorities(wanted(batch.agent_inputs.observation[0, :, 0]))
    start_observation = buffer.samples.observation[rows, envs, 0].astype(np.int64)
    np.testing.assert_allclose(tree.get(leaves), wanted(start_observation) ** 0.7, rtol=1e-6)
    assert np.all(tree.get(others) == 0)
    n_draws = 30000
    counts = dict.fromkeys(start_observation.tolist(), 0)
    for _ in range(n_draws // 100):
        batch = buffer.sample_batch(100)
        for o in batch.agent_inputs.observation[0, :, 0].long().tolist():
            counts[o] += 1
    p = wanted(start_observation) ** 0.7
    p = p / p.sum()
    observed = np.array([counts[o] for o in start_observation.tolist()])
    sigma = np.sqrt(n_draws * p * (1 - p))
    assert np.all(np.abs(observed - n_draws * p) < 4.5 * sigma + 1), (observed, n_draws * p)
    weights = buffer.sample_batch(50).is_weights
    assert float(weights.max()) == 1.0 and float(weights.min()) > 0
