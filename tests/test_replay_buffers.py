"""n-step buffers against brute force: returns, done_n, timeouts, wrap-around,
frame stacks, prioritized bookkeeping."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rlpyt.replays.non_sequence.frame import PrioritizedReplayFrameBuffer, UniformReplayFrameBuffer
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.time_limit import TlUniformReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl


def random_stream(rng, n_steps, B, p_done=0.15, p_timeout=0.5):
    """Per-step fields of B independent streams; observations are unique ids,
    final observations their negatives."""
    done = rng.random((n_steps, B)) < p_done
    timeout = done & (rng.random((n_steps, B)) < p_timeout)
    observation = (np.arange(n_steps)[:, None] * B + np.arange(B)).astype(np.float32)[..., None]
    return dict(observation=observation, action=rng.integers(0, 5, (n_steps, B)),
        reward=rng.normal(size=(n_steps, B)).astype(np.float32), done=done, timeout=timeout,
        final_observation=-1 - observation)


def brute_force(stream, s, b, n, discount):
    """(return, done_n, timeout_n, bootstrap observation, bootstrap steps) of step s."""
    ret = 0.0
    for i in range(n):
        ret += discount ** i * stream["reward"][s + i, b]
        if stream["done"][s + i, b]:
            timeout = bool(stream["timeout"][s + i, b])
            return ret, True, timeout, stream["final_observation"][s + i, b], i + 1
    return ret, False, False, stream["observation"][s + n, b], n


def append_in_chunks(buffer, stream, chunks, time_limit=True):
    start = 0
    for T in chunks:
        fields = {k: v[start:start + T] for k, v in stream.items()}
        if time_limit:
            buffer.append_samples(SamplesToBufferTl(**fields))
        else:
            del fields["timeout"], fields["final_observation"]
            buffer.append_samples(SamplesToBuffer(**fields))
        start += T
    return start


def example(time_limit=True, obs=np.zeros(1, np.float32)):
    fields = dict(observation=obs, action=np.int64(0), reward=np.float32(0), done=False)
    return SamplesToBufferTl(**fields, timeout=False, final_observation=None) if time_limit \
        else SamplesToBuffer(**fields)


def valid_steps(buffer, total):
    low, high = buffer.valid_range()
    assert low >= max(total - buffer.T, 0) and high == total - buffer.n_step_return
    return np.arange(low, high)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2 ** 31), n=st.integers(1, 4), B=st.integers(1, 3),
    T_ring=st.integers(8, 20), chunk=st.integers(1, 7))
def test_n_step_returns_and_targets_match_brute_force(seed, n, B, T_ring, chunk):
    rng = np.random.default_rng(seed)
    discount = 0.9
    buffer = UniformReplayBuffer(example=example(), size=T_ring * B, B=B, discount=discount, n_step_return=n)
    stream = random_stream(rng, 80, B)
    total = append_in_chunks(buffer, stream, [chunk] * (60 // chunk))
    steps = valid_steps(buffer, total)  # wraps around the ring several times
    assert buffer.full and len(steps) == buffer.T - n - buffer.off_forward
    for b in range(B):
        batch = buffer.extract_batch(steps % buffer.T, np.full(len(steps), b))
        for j, s in enumerate(steps):
            ret, done_n, timeout_n, boot_obs, boot_steps = brute_force(stream, s, b, n, discount)
            assert batch.return_[j].item() == pytest.approx(ret, rel=1e-5, abs=1e-5)
            assert batch.done_n[j].item() == done_n and batch.timeout_n[j].item() == timeout_n
            assert batch.agent_inputs.observation[j].item() == stream["observation"][s, b, 0]
            assert batch.action[j].item() == stream["action"][s, b]
            if not done_n or timeout_n:
                assert batch.target_inputs.observation[j].item() == boot_obs[0]
                assert batch.bootstrap_steps[j].item() == boot_steps
            prev_done = stream["done"][s - 1, b]
            assert batch.agent_inputs.prev_action[j].item() == (0 if prev_done else stream["action"][s - 1, b])


def test_truncation_bootstraps_from_final_observation_and_termination_does_not():
    """Episodes of 3 steps: in env 0 truncated, in env 1 terminated."""
    n, T = 3, 12
    done = np.tile([False, False, True], 4)[:, None].repeat(2, 1)
    timeout = done & np.array([True, False])
    observation = np.tile([0.0, 1.0, 2.0], 4)[:, None, None].repeat(2, 1).astype(np.float32)
    fields = dict(observation=observation, action=np.zeros((T, 2), np.int64),
        reward=np.ones((T, 2), np.float32), done=done, timeout=timeout, final_observation=observation + 1)
    buffer = UniformReplayBuffer(example=example(), size=40, B=2, discount=0.5, n_step_return=n)
    buffer.append_samples(SamplesToBufferTl(**fields))
    batch = buffer.extract_batch(np.array([1, 1]), np.array([0, 1]))  # observation 1: two steps left
    assert batch.return_.tolist() == [1.5, 1.5]
    assert batch.done_n.tolist() == [True, True] and batch.timeout_n.tolist() == [True, False]
    assert batch.target_inputs.observation[0].item() == 3.0  # true final observation, not the reset's 0
    assert batch.bootstrap_steps[0].item() == 2


def test_without_timeout_field_truncation_is_terminal_and_tl_buffers_refuse():
    rng = np.random.default_rng(0)
    stream = random_stream(rng, 30, 1, p_timeout=1.0)
    buffer = UniformReplayBuffer(example=example(time_limit=False), size=40, B=1, n_step_return=2)
    append_in_chunks(buffer, stream, [30], time_limit=False)
    batch = buffer.sample_batch(16)
    assert "timeout_n" not in batch._fields
    with pytest.raises(ValueError, match="timeout"):
        TlUniformReplayBuffer(example=example(time_limit=False), size=40, B=1)


def test_final_observations_are_forgotten_when_overwritten():
    rng = np.random.default_rng(1)
    stream = random_stream(rng, 200, 2, p_done=0.3, p_timeout=1.0)
    buffer = UniformReplayBuffer(example=example(), size=20, B=2, n_step_return=2)
    append_in_chunks(buffer, stream, [5] * 40)
    assert len(buffer._final_observation) == buffer.samples.timeout.sum()



def _leaves(batch):
    """The tensors of a (nested) batch, depth first."""
    return [leaf for field in batch for leaf in (_leaves(field) if isinstance(field, tuple) else [field])]


@pytest.mark.parametrize("n_batches", [1, 8, 11])
def test_uniform_iter_batches_are_the_successive_sample_batch_calls(n_batches):
    """Extracted a group at a time, the batches are those of as many
    sample_batch calls from the same random state: the same draws (time
    limits, n-step windows, final observations included) in the same order."""
    rng = np.random.default_rng(4)
    stream = random_stream(rng, 60, 3, p_done=0.2)
    buffers = [TlUniformReplayBuffer(example=example(), size=90, B=3, n_step_return=3) for _ in range(2)]
    for buffer in buffers:
        append_in_chunks(buffer, stream, [6] * 10)
    np.random.seed(5)
    expected = [buffers[0].sample_batch(7) for _ in range(n_batches)]
    state_after_calls = np.random.get_state()[1].copy()
    np.random.seed(5)
    got = list(buffers[1].iter_batches(7, n_batches))
    assert len(got) == n_batches and buffers[1].extract_group < 11
    assert np.array_equal(np.random.get_state()[1], state_after_calls)  # the same numbers drawn in all
    assert n_batches == 1 or any(batch.timeout_n.any() for batch in expected)
    for want, have in zip(expected, got):
        assert type(have) is type(want)
        assert all(torch.equal(a, b) for a, b in zip(_leaves(want), _leaves(have)))


def test_prioritized_iter_batches_draw_each_batch_after_the_update_before_it():
    rng = np.random.default_rng(3)
    stream = random_stream(rng, 30, 1, p_done=0.0)
    buffer = PrioritizedReplayBuffer(example=example(), size=50, B=1, n_step_return=1, alpha=1.0)
    append_in_chunks(buffer, stream, [30])
    batches = buffer.iter_batches(16, 2)
    first = next(batches)
    drawn = first.agent_inputs.observation[:, 0]
    priorities = np.zeros(16)
    priorities[0] = 1e9  # the first drawn transition outweighs all others
    buffer.update_batch_priorities(priorities)
    second = next(batches)
    assert (second.agent_inputs.observation[:, 0] == drawn[0]).all()


# ---- frame buffers -------------------------------------------------------------------------------

def frame_stream(rng, n_steps, B, n_frames, p_done=0.12):
    """Zero-padded frame stacks of random episodes, as an Atari env returns them."""
    frames = rng.integers(1, 256, size=(n_steps + 1, B, 3, 2), dtype=np.uint8)
    done = rng.random((n_steps, B)) < p_done
    timeout = done & (rng.random((n_steps, B)) < 0.5)
    observation = np.zeros((n_steps, B, n_frames, 3, 2), np.uint8)
    final = np.zeros_like(observation)
    stack = np.zeros((B, n_frames, 3, 2), np.uint8)
    stack[:, -1] = frames[0]
    for t in range(n_steps):
        observation[t] = stack
        nxt = np.concatenate([stack[:, 1:], frames[t + 1][:, None]], axis=1)
        final[t] = nxt
        for b in range(B):
            if done[t, b]:
                nxt[b] = 0
                nxt[b, -1] = frames[t + 1, b]  # the reset observation's frame
        stack = nxt
    return dict(observation=observation, action=rng.integers(0, 4, (n_steps, B)),
        reward=rng.normal(size=(n_steps, B)).astype(np.float32), done=done, timeout=timeout,
        final_observation=final)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 31), n=st.integers(1, 3), n_frames=st.integers(2, 4),
    chunk=st.integers(1, 9), prioritized=st.booleans())
def test_frame_buffer_rebuilds_the_stacks_a_naive_buffer_stores(seed, n, n_frames, chunk, prioritized):
    rng = np.random.default_rng(seed)
    B, T_ring = 2, 16
    stream = frame_stream(rng, 90, B, n_frames)
    obs_example = np.zeros((n_frames, 3, 2), np.uint8)
    kwargs = dict(example=example(obs=obs_example), size=T_ring * B, B=B, discount=0.9, n_step_return=n)
    frame_cls = PrioritizedReplayFrameBuffer if prioritized else UniformReplayFrameBuffer
    frames, naive = frame_cls(**kwargs), UniformReplayBuffer(**kwargs)
    for T in [chunk] * (80 // chunk):  # wraps several times; first batch checks the stacking
        start = naive._total_T
        fields = SamplesToBufferTl(**{k: v[start:start + T] for k, v in stream.items()})
        frames.append_samples(fields)
        naive.append_samples(fields)
        low, high = frames.valid_range()
        if high <= low:
            continue
        T_idxs = np.arange(low, high).repeat(B) % T_ring
        B_idxs = np.tile(np.arange(B), high - low)
        got, want = frames.extract_batch(T_idxs, B_idxs), naive.extract_batch(T_idxs, B_idxs)
        for name in ("return_", "done_n", "timeout_n", "bootstrap_steps"):
            np.testing.assert_array_equal(getattr(got, name).numpy(), getattr(want, name).numpy(), err_msg=name)
        for name in ("agent_inputs", "target_inputs"):
            for field, g, w in zip(want.agent_inputs._fields, getattr(got, name), getattr(want, name)):
                np.testing.assert_array_equal(g.numpy(), w.numpy(), err_msg=f"{name}.{field}")


def test_frame_buffer_refuses_observations_that_are_not_shifted_stacks():
    rng = np.random.default_rng(0)
    stream = frame_stream(rng, 10, 1, 3)
    stream["observation"] = stream["observation"][:, :, ::-1].copy()  # newest frame first
    buffer = UniformReplayFrameBuffer(example=example(obs=np.zeros((3, 3, 2), np.uint8)), size=20, B=1)
    with pytest.raises(ValueError, match="ReplayBufferCls"):
        buffer.append_samples(SamplesToBufferTl(**stream))
    with pytest.raises(ValueError, match="stacked uint8"):
        UniformReplayFrameBuffer(example=example(), size=20, B=1)


# ---- prioritized ---------------------------------------------------------------------------------

def test_prioritized_priorities_follow_the_valid_range_through_wrap_around():
    """Brute force: a step gets default_priority ** alpha when it becomes
    sampleable, its updated priority when drawn, zero when not sampleable."""
    rng = np.random.default_rng(2)
    B, T_ring, n = 2, 10, 2
    stream = random_stream(rng, 100, B)
    buffer = PrioritizedReplayBuffer(example=example(), size=T_ring * B, B=B, n_step_return=n,
        alpha=0.5, default_priority=4.0)
    brute = np.zeros((T_ring, B))
    prev_high = 0
    for chunk in [3, 4, 1, 7, 5, 3, 6, 9, 2]:
        append_in_chunks(buffer, {k: v[buffer._total_T:] for k, v in stream.items()}, [chunk])
        low, high = buffer.valid_range()
        brute[np.arange(max(prev_high, low), high) % T_ring] = 2.0  # default_priority ** alpha
        valid = np.zeros(T_ring, bool)
        valid[np.arange(low, high) % T_ring] = True
        brute[~valid] = 0.0
        prev_high = max(high, 0)
        if high > low:
            batch = buffer.sample_batch(8)
            buffer.update_batch_priorities(np.full(8, 9.0))  # -> 3.0
            brute.reshape(-1)[buffer._last_leaves] = 3.0
            assert np.all(valid[buffer._last_leaves // B])
            assert batch.is_weights.shape == (8,)
        np.testing.assert_allclose(buffer.priority_tree.get(np.arange(T_ring * B)), brute.reshape(-1))
    assert buffer.full


def test_importance_weights_are_normalised_by_the_batch_max():
    rng = np.random.default_rng(3)
    stream = random_stream(rng, 30, 1, p_done=0.0)
    buffer = PrioritizedReplayBuffer(example=example(), size=50, B=1, n_step_return=1, alpha=1.0, beta=1.0)
    append_in_chunks(buffer, stream, [30])
    leaves = np.arange(28)
    buffer._last_leaves = leaves
    buffer.update_batch_priorities(np.arange(1, 29, dtype=float))
    batch = buffer.sample_batch(64)
    p = buffer.priority_tree.get(buffer._last_leaves)
    expected = (1 / p) / (1 / p).max()
    np.testing.assert_allclose(batch.is_weights.numpy(), expected, rtol=1e-6)
    assert batch.is_weights.max().item() == 1.0
