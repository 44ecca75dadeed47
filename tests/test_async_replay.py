"""Shared-memory replay buffers: a spawned process appends while this one
samples (and writes priorities); every sampled transition must be whole.

Each step's data encodes the step: observation ``[s + 1, b]`` (frame
buffers: the newest frame holds ``s % 200 + 1``), action ``(s + b) % 4``,
reward ``10 s + b``; a sampled transition is torn when its fields or its
next observation name different steps, and an index beyond what was written
shows as a step that does not follow its neighbours.
"""
import numpy as np
import pytest

from rlpyt.replays.async_ import AsyncReplayBufferMixin, async_replay_class
from rlpyt.replays.non_sequence.frame import AsyncPrioritizedReplayFrameBuffer, UniformReplayFrameBuffer
from rlpyt.replays.non_sequence.prioritized import AsyncPrioritizedReplayBuffer, PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.time_limit import AsyncTlUniformReplayBuffer
from rlpyt.replays.non_sequence.uniform import AsyncUniformReplayBuffer, UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl
from rlpyt.utils.shared_array import SharedArray
from replay_concurrency import sample_while_appending

B, BATCH_T, N_FRAMES, TIMEOUT_EVERY = 2, 4, 4, 7
APPEND_BATCHES = 300


def frame_id(step):
    return np.where(step >= 0, step % 200 + 1, 0)


def make_batch(first_step: int, kind: str):
    """Steps ``first_step .. first_step + BATCH_T - 1`` of both environments."""
    steps = first_step + np.arange(BATCH_T)[:, None] + np.zeros((1, B), dtype=np.int64)
    envs = np.zeros_like(steps) + np.arange(B)
    action = (steps + envs) % 4
    reward = (10 * steps + envs).astype(np.float32)
    if kind == "frame":
        observation = np.zeros((BATCH_T, B, N_FRAMES, 2, 2), dtype=np.uint8)
        for k in range(N_FRAMES):
            observation[:, :, k, 0, 0] = frame_id(steps - (N_FRAMES - 1 - k))
            observation[:, :, k, 0, 1] = envs
        return SamplesToBuffer(observation=observation, action=action, reward=reward,
            done=np.zeros_like(steps, dtype=bool))
    observation = np.stack([steps + 1, envs], axis=-1).astype(np.float32)
    if kind != "tl":
        return SamplesToBuffer(observation=observation, action=action, reward=reward,
            done=np.zeros_like(steps, dtype=bool))
    timeout = steps % TIMEOUT_EVERY == TIMEOUT_EVERY - 1
    final = np.stack([-(steps + 1), envs], axis=-1).astype(np.float32)
    return SamplesToBufferTl(observation=observation, action=action, reward=reward, done=timeout,
        timeout=timeout, final_observation=final)


def example(kind: str):
    batch = make_batch(0, kind)
    fields = {k: (None if v is None else v[0, 0]) for k, v in batch._asdict().items()}
    if kind == "tl":
        fields["final_observation"] = None
    return type(batch)(**fields)


def build(cls, kind: str):
    kwargs = dict(alpha=0.6, beta=0.4) if "Prioritized" in cls.__name__ else {}
    if kind == "tl" and cls.__name__.startswith("Async"):
        kwargs["final_observation_capacity"] = 32  # a truncation every 7 steps: 19 at once
    return cls(example=example(kind), size=64 * B, B=B, discount=0.5, n_step_return=1, **kwargs)


def torn(batch, kind: str) -> list[str]:
    """What is inconsistent in a sampled batch (empty when every transition is whole)."""
    inputs, target = batch.agent_inputs, batch.target_inputs
    problems = []
    if kind == "frame":
        newest = inputs.observation[:, -1, 0, 0].numpy().astype(np.int64)
        env = inputs.observation[:, -1, 0, 1].numpy().astype(np.int64)
        if np.any(newest == 0):
            return ["a never-written step was sampled"]
        for k in range(1, N_FRAMES):
            older = inputs.observation[:, -1 - k, 0, 0].numpy().astype(np.int64)
            expected = (newest - 1 - k) % 200 + 1
            if np.any((older != expected) & (older != 0)):
                problems.append(f"frame {k} back is from another step")
        following = target.observation[:, -1, 0, 0].numpy().astype(np.int64)
        if np.any(following != newest % 200 + 1):
            problems.append("next observation is not the next step's")
        reward_step = (batch.return_.numpy().astype(np.int64) - env) // 10
        if np.any(reward_step % 200 != newest - 1) or np.any(batch.action.numpy() != (reward_step + env) % 4):
            problems.append("reward or action from another step")
        return problems
    step = inputs.observation[:, 0].numpy().astype(np.int64) - 1
    env = inputs.observation[:, 1].numpy().astype(np.int64)
    if np.any(step < 0):
        return ["a never-written step was sampled"]
    if np.any(batch.action.numpy() != (step + env) % 4):
        problems.append("action from another step")
    if np.any(batch.return_.numpy() != 10 * step + env):
        problems.append("reward from another step")
    next_obs = target.observation[:, 0].numpy().astype(np.int64)
    if kind == "tl":
        timeout = batch.timeout_n.numpy()
        if np.any(timeout != (step % TIMEOUT_EVERY == TIMEOUT_EVERY - 1)):
            problems.append("timeout from another step")
        expected_next = np.where(timeout, -(step + 1), step + 2)
    else:
        expected_next = step + 2
    if np.any(next_obs != expected_next):
        problems.append("next observation is not the next step's")
    return problems


CASES = [(AsyncUniformReplayBuffer, "plain"), (AsyncPrioritizedReplayBuffer, "plain"),
    (AsyncTlUniformReplayBuffer, "tl"), (AsyncPrioritizedReplayFrameBuffer, "frame")]


@pytest.mark.parametrize("cls,kind", CASES, ids=[c.__name__ for c, _ in CASES])
def test_concurrent_append_and_sample_never_tears(cls, kind):
    buffer = build(cls, kind)
    buffer.append_samples(make_batch(0, kind))
    n_batches = sample_while_appending(buffer, append_after_first, (kind, APPEND_BATCHES), batch_size=16,
        problems_of=lambda batch: torn(batch, kind))
    assert buffer._total_T == APPEND_BATCHES * BATCH_T  # the writer's appends are seen here
    versions = buffer.pop_sampled_versions()
    assert len(versions) == n_batches and max(versions) > 0


def append_after_first(buffer, kind: str, n_batches: int) -> None:
    """The spawned writer: append batches 1 .. n_batches - 1 (batch k sampled with version k)."""
    for k in range(1, n_batches):
        buffer.append_samples(make_batch(k * BATCH_T, kind), version=k)


def test_the_tear_check_finds_a_torn_transition():
    buffer = build(UniformReplayBuffer, "plain")
    for k in range(5):
        buffer.append_samples(make_batch(k * BATCH_T, "plain"))
    batch = buffer.extract_batch(np.array([3, 4]), np.array([0, 1]))
    assert torn(batch, "plain") == []
    buffer.samples_return_[4, 1] += 10  # as if half of a newer append landed
    assert torn(buffer.extract_batch(np.array([3, 4]), np.array([0, 1])), "plain") == [
        "reward from another step"]
    buffer.samples.observation[5, 0] = [99, 0]
    assert "next observation is not the next step's" in torn(
        buffer.extract_batch(np.array([4]), np.array([0])), "plain")


def test_every_array_is_shared_and_counters_follow_the_ring():
    buffer = build(AsyncPrioritizedReplayFrameBuffer, "frame")
    arrays = buffer._checkpoint_arrays()
    assert {"samples_frames", "priority_tree.tree", "samples_version"} <= set(arrays)
    assert all(isinstance(a, SharedArray) for a in arrays.values())
    buffer.append_samples(make_batch(0, "frame"), version=3)
    assert (buffer.t, buffer._total_T, buffer._valid_high) == (BATCH_T, BATCH_T, BATCH_T - 1)
    assert buffer._shared_counters.tolist() == [BATCH_T, BATCH_T, BATCH_T - 1]
    assert buffer.samples_version[:BATCH_T].tolist() == [3] * BATCH_T


def test_an_array_left_out_of_the_checkpoint_list_is_refused():
    class WithExtra(UniformReplayBuffer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.extra = np.zeros(3)

    class AsyncWithExtra(AsyncReplayBufferMixin, WithExtra):
        pass

    with pytest.raises(TypeError, match="'extra' is not in _checkpoint_arrays"):
        build(AsyncWithExtra, "plain")


def test_async_version_of_a_class_is_found_by_name():
    assert async_replay_class(UniformReplayBuffer) is AsyncUniformReplayBuffer
    assert async_replay_class(PrioritizedReplayBuffer) is AsyncPrioritizedReplayBuffer
    assert async_replay_class(AsyncUniformReplayBuffer) is AsyncUniformReplayBuffer
    assert async_replay_class(UniformReplayFrameBuffer).__name__ == "AsyncUniformReplayFrameBuffer"

    class Custom(UniformReplayBuffer):
        pass

    with pytest.raises(TypeError, match="no shared-memory version AsyncCustom"):
        async_replay_class(Custom)


def test_checkpoint_round_trip_keeps_final_observations():
    buffer = build(AsyncTlUniformReplayBuffer, "tl")
    for k in range(6):
        buffer.append_samples(make_batch(k * BATCH_T, "tl"), version=k)
    with buffer.rw_lock.write_lock():
        small, arrays = buffer.checkpoint_state()
        arrays = {name: np.array(a) for name, a in arrays.items()}
    assert len(arrays["final_observation.index"]) == len(buffer._final_observation) > 0
    other = build(AsyncTlUniformReplayBuffer, "tl")
    other.load_checkpoint_state(small, arrays)
    assert other._total_T == buffer._total_T and other.t == buffer.t
    assert sorted(other._final_observation) == sorted(buffer._final_observation)
    np.testing.assert_array_equal(other.samples.observation, buffer.samples.observation)
    assert not torn(other.sample_batch(32), "tl")
