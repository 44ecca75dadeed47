"""Replay with wait-reset collectors: the steps a done environment idles
through until the end of its batch are marked invalid where the samples are
made (``samples_to_buffer``) and no buffer samples them, builds an n-step
return or a frame stack across them, or gives them a priority."""
import numpy as np
import pytest
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.utils import valid_from_done
from rlpyt.replays.non_sequence.frame import PrioritizedReplayFrameBuffer, UniformReplayFrameBuffer
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer, buffer_example, samples_to_buffer, with_valid
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.buffer import numpify_buffer
from tests.envs import make_episode_length_env

N_STEP, DISCOUNT, N_FRAMES = 3, 0.9, 4
BATCH_T, BATCH_B, RING_T, N_ITR = 6, 3, 20, 14


class UniformModel(torch.nn.Module):
    """Uniform policy over two actions, for observations of ``obs_ndim`` dims."""

    def __init__(self, obs_ndim: int) -> None:
        super().__init__()
        self.obs_ndim = obs_ndim
        self.logits = torch.nn.Parameter(torch.zeros(2))

    def forward(self, observation, prev_action, prev_reward):
        lead = observation.shape[:observation.dim() - self.obs_ndim]
        return torch.softmax(self.logits, -1).expand(lead + (2,)), torch.zeros(lead)


def wait_reset_batches(n_frames=None):
    """``(example, batches)``: the buffer example and N_ITR replay batches
    (copies) of EpisodeLengthEnv sampled with a wait-reset collector."""
    sampler = SerialSampler(EnvCls=make_episode_length_env, env_kwargs=dict(n_frames=n_frames),
        batch_T=BATCH_T, batch_B=BATCH_B, CollectorCls=CpuWaitResetCollector, max_decorrelation_steps=0)
    agent = CategoricalPgAgent(ModelCls=UniformModel, model_kwargs=dict(obs_ndim=1 if n_frames is None else 3))
    examples = sampler.initialize(agent, seed=3)
    assert sampler.mid_batch_reset is False
    batches = []
    for itr in range(N_ITR):
        samples, _ = sampler.obtain_samples(itr)
        batch = numpify_buffer(samples_to_buffer(samples, mid_batch_reset=False))
        batches.append(type(batch)(*(None if f is None else f.copy() for f in batch)))
    sampler.shutdown()
    return buffer_example(examples), batches


def decode(observation, frames):
    """``(count, L, truncates)`` of observations (newest frame of stacks)."""
    obs = observation[:, -1, 0].astype(np.int64) - [1, 0, 0] if frames else observation.astype(np.int64)
    return obs[:, 0], obs[:, 1], obs[:, 2]


def expected_observation(count, length, truncates, frames):
    """What EpisodeLengthEnv returns at ``count`` of an episode."""
    if not frames:
        return np.array([count, length, truncates], dtype=np.float32)
    stack = np.zeros((N_FRAMES, 1, 3), dtype=np.uint8)
    for j in range(N_FRAMES):
        c = count - (N_FRAMES - 1 - j)
        if c >= 0:
            stack[j, 0] = (c + 1, length, truncates)
    return stack


def check_transitions(batch, frames):
    """Every drawn transition is one the environment made: a step before its
    episode's end, its n-step return, done_n, target and stack as they must be."""
    obs = batch.agent_inputs.observation.numpy()
    count, length, truncates = decode(obs, frames)
    assert np.all(count < length), "an idle step of a waiting environment was drawn"
    for j in range(len(count)):
        c, L, tr = int(count[j]), int(length[j]), int(truncates[j])
        np.testing.assert_array_equal(obs[j], expected_observation(c, L, tr, frames))
        k = min(N_STEP, L - c)
        assert batch.return_[j].item() == pytest.approx(sum(DISCOUNT ** i for i in range(k)))
        assert batch.done_n[j].item() == (L - c <= N_STEP)
        assert batch.done[j].item() == (L - c == 1)
        assert batch.timeout_n[j].item() == (L - c <= N_STEP and tr == 1)
        assert batch.agent_inputs.prev_reward[j].item() == (0 if c == 0 else 1)
        if c == 0:
            assert batch.agent_inputs.prev_action[j].item() == 0
        target = batch.target_inputs.observation[j].numpy()
        if L - c > N_STEP:
            np.testing.assert_array_equal(target, expected_observation(c + N_STEP, L, tr, frames))
        elif tr:
            np.testing.assert_array_equal(target, expected_observation(L, L, tr, frames))
            assert batch.bootstrap_steps[j].item() == L - c


BUFFERS = {
    "uniform": (UniformReplayBuffer, None),
    "prioritized": (PrioritizedReplayBuffer, None),
    "frame_uniform": (UniformReplayFrameBuffer, N_FRAMES),
    "frame_prioritized": (PrioritizedReplayFrameBuffer, N_FRAMES),
}


@pytest.mark.parametrize("name", sorted(BUFFERS))
def test_idle_steps_are_never_sampled_nor_read(name):
    BufferCls, n_frames = BUFFERS[name]
    frames = n_frames is not None
    example, batches = wait_reset_batches(n_frames)
    buffer = BufferCls(example=example, size=RING_T * BATCH_B, B=BATCH_B, discount=DISCOUNT,
        n_step_return=N_STEP)
    expected_valid = np.concatenate([valid_from_done(b.done) > 0 for b in batches])
    assert 0.5 < expected_valid.mean() < 0.95  # the environments do wait
    np.random.seed(0)
    for itr, batch in enumerate(batches):
        buffer.append_samples(batch)
        total = (itr + 1) * BATCH_T
        rows = np.arange(total - BATCH_T, total) % buffer.T
        np.testing.assert_array_equal(buffer.samples_valid[rows], batch.valid)
        low, high = buffer.valid_range()
        if high <= low:
            continue
        n_valid = int(expected_valid[low:high].sum())
        T_idxs, B_idxs = buffer.samplable_idxs()
        assert len(T_idxs) == n_valid
        assert np.all(buffer.samples_valid[T_idxs, B_idxs])
        if "prioritized" in name:
            priorities = buffer.priority_tree.get(np.arange(buffer.size))
            assert np.count_nonzero(priorities) == n_valid
            assert set(np.flatnonzero(priorities)) == set(T_idxs * BATCH_B + B_idxs)
        check_transitions(buffer.sample_batch(64), frames)


def test_samples_of_reset_collectors_carry_no_mask_and_all_steps_are_valid():
    example, batches = wait_reset_batches()
    first = batches[0]
    plain = SamplesToBuffer(observation=first.observation, action=first.action, reward=first.reward,
        done=first.done)
    assert with_valid(plain, None) is plain
    marked = with_valid(plain, np.ones((BATCH_T, BATCH_B), bool))
    assert marked._fields == plain._fields + ("valid",) and type(marked).__name__ == "SamplesToBufferValid"
    assert with_valid(marked, first.valid).valid is first.valid
    buffer = UniformReplayBuffer(example=plain[0, 0], size=RING_T * BATCH_B, B=BATCH_B)
    buffer.append_samples(plain)
    assert buffer.samples_valid.all()


def column(valid_rows, T=12, n_frames=None):
    """One environment's T steps, reward 1, no done, invalid at
    ``valid_rows`` (a mask that no collector makes: no done before it).
    Observation: the row, or with ``n_frames`` stacks of frames ``count + 1``,
    the count starting again after each invalid row."""
    valid = np.ones((T, 1), bool)
    valid[valid_rows] = False
    if n_frames is None:
        observation = np.arange(T, dtype=np.float32).reshape(T, 1, 1)
    else:
        count = np.zeros(T, np.int64)
        for t in range(1, T):
            count[t] = 0 if not valid[t - 1, 0] else count[t - 1] + 1
        observation = np.zeros((T, 1, n_frames, 1, 1), np.uint8)
        for j in range(n_frames):
            observation[:, 0, j, 0, 0] = np.maximum(count - (n_frames - 1 - j) + 1, 0)
    samples = SamplesToBuffer(observation=observation, action=np.ones((T, 1), np.int64),
        reward=np.ones((T, 1), np.float32), done=np.zeros((T, 1), bool))
    return with_valid(samples, valid)


def test_returns_windows_stacks_and_previous_inputs_stop_at_an_invalid_step():
    samples = column(valid_rows=[5])
    buffer = UniformReplayBuffer(example=samples[0, 0], size=20, B=1, discount=DISCOUNT, n_step_return=N_STEP)
    buffer.append_samples(samples)
    assert buffer.samplable(np.arange(9), np.zeros(9, int)).tolist() == \
        [True, True, False, False, False, False, True, True, True]
    assert buffer.samples_return_[3, 0] == pytest.approx(1 + DISCOUNT)  # stops before step 5
    assert buffer.samples_return_[4, 0] == pytest.approx(1)
    assert not buffer.samples_done_n[3, 0]
    batch = buffer.extract_batch(np.array([6, 7]), np.array([0, 0]))
    assert batch.agent_inputs.prev_action.tolist() == [0, 1]  # step 5 is not read back
    assert batch.agent_inputs.prev_reward.tolist() == [0, 1]
    np.random.seed(0)
    drawn = buffer.sample_batch(200).agent_inputs.observation[:, 0].numpy()
    assert set(drawn.astype(int)) == {0, 1, 6, 7, 8}

    samples = column(valid_rows=[5], n_frames=N_FRAMES)
    frames = UniformReplayFrameBuffer(example=samples[0, 0], size=20, B=1, discount=DISCOUNT, n_step_return=1)
    frames.append_samples(samples)
    stacks = frames.extract_observation(np.array([4, 7, 9]), np.zeros(3, int))[:, :, 0, 0]
    assert stacks.tolist() == [[2, 3, 4, 5], [0, 0, 1, 2], [1, 2, 3, 4]]


def test_a_buffer_with_nothing_samplable_says_so_and_bad_masks_are_named():
    buffer = UniformReplayBuffer(example=column(valid_rows=[])[0, 0], size=20, B=1, n_step_return=1)
    buffer.append_samples(column(valid_rows=list(range(12))))
    with pytest.raises(ValueError, match="no samplable transitions"):
        buffer.sample_batch(4)
    bad = column(valid_rows=[])._replace(valid=np.ones((12, 1), np.float32))
    with pytest.raises(ValueError, match="valid must be bool"):
        buffer.append_samples(bad)


@pytest.mark.parametrize("name", ["uniform", "prioritized_tl"])
def test_the_mask_is_part_of_a_buffer_checkpoint(name):
    BufferCls = UniformReplayBuffer if name == "uniform" else PrioritizedReplayBuffer
    example, batches = wait_reset_batches()
    original = BufferCls(example=example, size=RING_T * BATCH_B, B=BATCH_B, n_step_return=N_STEP)
    restored = BufferCls(example=example, size=RING_T * BATCH_B, B=BATCH_B, n_step_return=N_STEP)
    for batch in batches[:5]:
        original.append_samples(batch)
    small, arrays = original.checkpoint_state()
    assert arrays["samples_valid"] is original.samples_valid and not original.samples_valid.all()
    restored.load_checkpoint_state(small, {k: np.array(v) for k, v in arrays.items()})
    np.testing.assert_array_equal(restored.samples_valid, original.samples_valid)
    np.testing.assert_array_equal(restored.samplable_idxs(), original.samplable_idxs())
