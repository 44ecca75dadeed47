"""Shared-memory sequence replay (R2D1 under AsyncRl): a spawned process
appends while this one samples sequences (and writes priorities); every
sampled sequence must be whole and wholly written.

Each step's data encodes the step s of environment b: observation
``[s + 1, b]`` (frame buffers: the newest frame holds ``s % 200 + 1``),
action ``(s + b) % 4``, reward ``10 s + b`` (the 1-step return), stored rnn
state h ``[s + 1, b]``, c ``[-(s + 1), b]``. A sequence is torn when its
steps do not follow one another, when a step's fields name different steps,
or when its initial rnn state is not its first step's; it reads beyond the
write cursor when a step is at or after the steps written so far.
"""
import numpy as np
import pytest

from rlpyt.algos.dqn.r2d1 import SamplesToBufferRnn
from rlpyt.models.pg.lstm import RnnState
from rlpyt.replays.async_ import async_replay_class
from rlpyt.replays.sequence.frame import (AsyncPrioritizedSequenceReplayFrameBuffer,
    AsyncUniformSequenceReplayFrameBuffer, UniformSequenceReplayFrameBuffer)
from rlpyt.replays.sequence.n_step import PrioritiesSamplesToBuffer
from rlpyt.replays.sequence.prioritized import (AsyncPrioritizedSequenceReplayBuffer,
    PrioritizedSequenceReplayBuffer)
from rlpyt.replays.sequence.uniform import AsyncUniformSequenceReplayBuffer, UniformSequenceReplayBuffer
from rlpyt.utils.shared_array import SharedArray
from replay_concurrency import sample_while_appending

B, BATCH_T, N_FRAMES, INTERVAL, SEQUENCE_T = 2, 4, 4, 2, 6
APPEND_BATCHES = 200


def make_batch(first_step: int, kind: str, input_priorities: bool = False):
    """Steps ``first_step .. first_step + BATCH_T - 1`` of both environments."""
    steps = first_step + np.arange(BATCH_T)[:, None] + np.zeros((1, B), dtype=np.int64)
    envs = np.zeros_like(steps) + np.arange(B)
    if kind == "frame":
        observation = np.zeros((BATCH_T, B, N_FRAMES, 2, 2), dtype=np.uint8)
        for k in range(N_FRAMES):
            back = steps - (N_FRAMES - 1 - k)
            observation[:, :, k, 0, 0] = np.where(back >= 0, back % 200 + 1, 0)
            observation[:, :, k, 0, 1] = envs
    else:
        observation = np.stack([steps + 1, envs], axis=-1).astype(np.float32)
    h = np.stack([steps + 1, envs], axis=-1)[:, :, None, :].astype(np.float32)
    c = np.stack([-(steps + 1), envs], axis=-1)[:, :, None, :].astype(np.float32)
    samples = SamplesToBufferRnn(observation=observation, action=(steps + envs) % 4,
        reward=(10 * steps + envs).astype(np.float32), done=np.zeros_like(steps, dtype=bool),
        prev_rnn_state=RnnState(h, c))
    if not input_priorities:
        return samples
    priorities = (1 + steps % 5).astype(np.float32)
    return PrioritiesSamplesToBuffer(priorities=priorities, samples=samples)


def build(cls, kind: str):
    batch = make_batch(0, kind)
    example = SamplesToBufferRnn(*(None if v is None else v[0, 0] for v in tuple(batch)[:4]),
        prev_rnn_state=RnnState(batch.prev_rnn_state.h[0, 0], batch.prev_rnn_state.c[0, 0]))
    kwargs = dict(alpha=0.6, beta=0.4, input_priorities=True) if "Prioritized" in cls.__name__ else {}
    return cls(example=example, size=64 * B, B=B, rnn_state_interval=INTERVAL, batch_T=SEQUENCE_T,
        discount=0.5, n_step_return=1, **kwargs)


def problems_of(batch, kind: str, written: int) -> list[str]:
    """What is wrong with a sampled batch of sequences ([L, n] leading dims)
    when ``written`` steps had been appended by the time it was drawn."""
    step = (batch.return_.numpy().astype(np.int64)) // 10
    env = batch.return_.numpy().astype(np.int64) % 10
    observation = batch.agent_inputs.observation.numpy().astype(np.int64)
    problems = []
    if np.any(observation[..., -1, 0, 0] == 0 if kind == "frame" else observation[..., 0] <= 0):
        return ["a never-written step was sampled"]
    if np.any(step[1:] - step[:-1] != 1) or np.any(env[1:] != env[:-1]):
        problems.append("the steps of a sequence do not follow one another")
    if np.any(step >= written):
        problems.append("a step beyond the write cursor was sampled")
    if np.any(step[0] % INTERVAL != 0):
        problems.append("a sequence starts between stored rnn states")
    if kind == "frame":
        newest, obs_env = observation[..., -1, 0, 0], observation[..., -1, 0, 1]
        if np.any(newest != step % 200 + 1) or np.any(obs_env != env):
            problems.append("observation from another step")
    elif np.any(observation[..., 0] != step + 1) or np.any(observation[..., 1] != env):
        problems.append("observation from another step")
    if np.any(batch.action.numpy() != (step + env) % 4):
        problems.append("action from another step")
    if np.any(batch.agent_inputs.prev_reward.numpy()[1:] != 10 * (step[1:] - 1) + env[1:]):
        problems.append("previous reward from another step")
    h, c = batch.init_rnn_state.h.numpy()[:, 0], batch.init_rnn_state.c.numpy()[:, 0]
    if (np.any(h[:, 0] != step[0] + 1) or np.any(c[:, 0] != -(step[0] + 1))
            or np.any(h[:, 1] != env[0]) or np.any(c[:, 1] != env[0])):
        problems.append("initial rnn state of another step")
    return problems


CASES = [(AsyncUniformSequenceReplayBuffer, "plain"), (AsyncPrioritizedSequenceReplayBuffer, "plain"),
    (AsyncPrioritizedSequenceReplayFrameBuffer, "frame")]


@pytest.mark.parametrize("cls,kind", CASES, ids=[c.__name__ for c, _ in CASES])
def test_concurrent_append_and_sequence_sampling_never_tears(cls, kind):
    buffer = build(cls, kind)
    prioritized = "Prioritized" in cls.__name__
    for k in range(3):
        buffer.append_samples(make_batch(k * BATCH_T, kind, prioritized))
    n_batches = sample_while_appending(buffer, append_after_first, (kind, prioritized, APPEND_BATCHES),
        batch_size=8, problems_of=lambda batch: problems_of(batch, kind, written=buffer._total_T))
    assert buffer._total_T == APPEND_BATCHES * BATCH_T  # the writer's appends are seen here
    versions = buffer.pop_sampled_versions()
    assert len(versions) == n_batches and max(versions) > 0


def append_after_first(buffer, kind: str, prioritized: bool, n_batches: int) -> None:
    """The spawned writer: append batches 3 .. n_batches - 1 (batch k sampled with version k)."""
    for k in range(3, n_batches):
        buffer.append_samples(make_batch(k * BATCH_T, kind, prioritized), version=k)


@pytest.mark.parametrize("kind", ["plain", "frame"])
def test_the_sequence_check_finds_torn_and_unwritten_sequences(kind):
    cls = UniformSequenceReplayFrameBuffer if kind == "frame" else UniformSequenceReplayBuffer
    buffer = build(cls, kind)
    for k in range(6):
        buffer.append_samples(make_batch(k * BATCH_T, kind))
    starts, envs = np.array([2, 4]), np.array([0, 1])
    assert problems_of(buffer.extract_batch(starts, envs), kind, written=24) == []
    assert problems_of(buffer.extract_batch(starts, envs), kind, written=10) == [
        "a step beyond the write cursor was sampled"]
    buffer.samples_prev_rnn_state.h[2, 1, 0, 0] += 1  # as if half of a newer append landed
    assert problems_of(buffer.extract_batch(starts, envs), kind, written=24) == [
        "initial rnn state of another step"]
    buffer.samples.action[5, 0] += 1
    assert "action from another step" in problems_of(buffer.extract_batch(starts, envs), kind, written=24)
    buffer.samples_return_[7, 1] += 20
    assert "the steps of a sequence do not follow one another" in problems_of(
        buffer.extract_batch(starts, envs), kind, written=24)


def test_every_sequence_array_is_shared_rnn_states_included():
    buffer = build(AsyncPrioritizedSequenceReplayBuffer, "plain")
    arrays = buffer._checkpoint_arrays()
    assert {"samples_prev_rnn_state.h", "samples_prev_rnn_state.c", "samples_input_priority",
        "priority_tree.tree", "samples_version"} <= set(arrays)
    assert all(isinstance(a, SharedArray) for a in arrays.values())
    buffer.append_samples(make_batch(0, "plain", input_priorities=True), version=3)
    assert buffer.samples_version[:BATCH_T].tolist() == [3] * BATCH_T


def test_async_sequence_classes_are_found_by_name():
    assert async_replay_class(UniformSequenceReplayBuffer) is AsyncUniformSequenceReplayBuffer
    assert async_replay_class(PrioritizedSequenceReplayBuffer) is AsyncPrioritizedSequenceReplayBuffer
    assert async_replay_class(UniformSequenceReplayFrameBuffer) is AsyncUniformSequenceReplayFrameBuffer
