"""Replay buffer checkpoints: a buffer filled part way, saved array by array
with np.save and loaded memory-mapped (its small dict through JSON) into a
fresh buffer, continues exactly as the original (every array, the counters
and the sampled batches)."""
import json

import numpy as np
import pytest
import torch

from rlpyt.replays.checkpoint import named_arrays
from rlpyt.replays.non_sequence.frame import PrioritizedReplayFrameBuffer, UniformReplayFrameBuffer
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.time_limit import TlPrioritizedReplayBuffer, TlUniformReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl
from rlpyt.utils.collections import namedarraytuple
from tests.test_replay_buffers import example, frame_stream, random_stream

B, T_RING, N_STEPS = 3, 20, 140
FRAME_EXAMPLE = np.zeros((4, 3, 2), np.uint8)  # [n_frames, H, W], as AtariEnv's, with small frames


def chunks(stream, start, stop, size, time_limit):
    """The stream's steps [start, stop) as batches of ``size`` steps."""
    for t in range(start, stop, size):
        fields = {k: v[t:min(t + size, stop)] for k, v in stream.items()}
        if not time_limit:
            del fields["timeout"], fields["final_observation"]
        yield (SamplesToBufferTl if time_limit else SamplesToBuffer)(**fields)


def save_and_load(arrays, tmp_path):
    """Each array through np.save and back as a read-only memory map."""
    loaded = {}
    for name, array in arrays.items():
        path = tmp_path / f"{name}.npy"
        np.save(path, array)
        loaded[name] = np.load(path, mmap_mode="r")
    return loaded


def assert_same_state(a, b):
    small_a, arrays_a = a.checkpoint_state()
    small_b, arrays_b = b.checkpoint_state()
    assert small_a == small_b
    assert arrays_a.keys() == arrays_b.keys()
    for name in arrays_a:
        np.testing.assert_array_equal(arrays_a[name], arrays_b[name], err_msg=name)
        assert arrays_a[name].dtype == arrays_b[name].dtype, name


def assert_same_batch(a, b, batch_size=32, seed=11):
    np.random.seed(seed)
    batch_a = a.sample_batch(batch_size)
    np.random.seed(seed)
    batch_b = b.sample_batch(batch_size)
    leaves_a, leaves_b = named_arrays("batch", batch_a), named_arrays("batch", batch_b)
    assert leaves_a.keys() == leaves_b.keys()
    for name in leaves_a:
        assert torch.equal(leaves_a[name], leaves_b[name]), name


BUFFERS = {
    "uniform": (UniformReplayBuffer, False, False),
    "uniform_tl": (TlUniformReplayBuffer, True, False),
    "prioritized": (PrioritizedReplayBuffer, False, False),
    "prioritized_tl": (TlPrioritizedReplayBuffer, True, False),
    "frame_uniform_tl": (UniformReplayFrameBuffer, True, True),
    "frame_prioritized": (PrioritizedReplayFrameBuffer, False, True),
    "frame_prioritized_tl": (PrioritizedReplayFrameBuffer, True, True),
}


def make(name):
    cls, time_limit, frames = BUFFERS[name]
    obs = FRAME_EXAMPLE if frames else np.zeros(1, np.float32)
    return cls(example=example(time_limit=time_limit, obs=obs), size=T_RING * B, B=B, discount=0.95,
        n_step_return=3)


def make_stream(name, seed=0):
    rng = np.random.default_rng(seed)
    if BUFFERS[name][2]:
        return frame_stream(rng, N_STEPS, B, n_frames=len(FRAME_EXAMPLE))
    return random_stream(rng, N_STEPS, B)


def train_a_little(buffer):
    """Sample and update priorities as an algorithm would, so that the
    checkpoint holds non-default priorities and last sampled leaves."""
    batch = buffer.sample_batch(16)
    if hasattr(buffer, "update_batch_priorities"):
        buffer.update_batch_priorities(batch.return_.abs() + 0.1)
        buffer.set_beta(0.55)


@pytest.mark.parametrize("filled", [13, 70], ids=["before_wrap", "after_wrap"])
@pytest.mark.parametrize("name", list(BUFFERS))
def test_loaded_buffer_continues_exactly(name, filled, tmp_path):
    time_limit = BUFFERS[name][1]
    stream, original = make_stream(name), make(name)
    for samples in chunks(stream, 0, filled, 5, time_limit):
        original.append_samples(samples)
        train_a_little(original)
    small, arrays = original.checkpoint_state()
    if time_limit:
        assert len(arrays["final_observation.index"]) > 0, "the checkpoint should hold truncations"
    restored = make(name)
    restored.load_checkpoint_state(json.loads(json.dumps(small)), save_and_load(arrays, tmp_path))
    assert_same_state(original, restored)
    if hasattr(original, "priority_tree"):
        assert restored.priority_tree.total == original.priority_tree.total
        np.testing.assert_array_equal(restored.priority_tree.tree, original.priority_tree.tree)
        original.update_batch_priorities(np.arange(16.0))
        restored.update_batch_priorities(np.arange(16.0))  # the restored last leaves
    assert_same_batch(original, restored)
    for samples in chunks(stream, filled, N_STEPS, 7, time_limit):
        original.append_samples(samples)
        restored.append_samples(samples)
        assert_same_batch(original, restored, seed=len(samples.reward))
    assert_same_state(original, restored)


def test_arrays_are_the_buffers_own():
    buffer = make("frame_prioritized_tl")
    _, arrays = buffer.checkpoint_state()
    assert arrays["samples.reward"] is buffer.samples.reward
    assert arrays["samples_frames"] is buffer.samples_frames
    assert arrays["priority_tree.tree"] is buffer.priority_tree.tree
    assert arrays["samples_timeout_n"] is buffer.samples_timeout_n
    assert "samples.observation" not in arrays and "samples.final_observation" not in arrays
    assert arrays["final_observation.value"].shape == (0, 3, 2)


def test_nested_fields_have_dotted_names(tmp_path):
    Obs = namedarraytuple("Obs", ["position", "image"])
    obs_example = Obs(position=np.zeros(2, np.float32), image=np.zeros((2, 2), np.uint8))
    buffer_example = SamplesToBuffer(observation=obs_example, action=np.int64(0), reward=np.float32(0),
        done=False)
    original = UniformReplayBuffer(example=buffer_example, size=20, B=2)
    rng = np.random.default_rng(1)
    original.append_samples(SamplesToBuffer(
        observation=Obs(rng.normal(size=(6, 2, 2)).astype(np.float32),
            rng.integers(0, 256, (6, 2, 2, 2), dtype=np.uint8)),
        action=rng.integers(0, 3, (6, 2)), reward=rng.normal(size=(6, 2)).astype(np.float32),
        done=rng.random((6, 2)) < 0.3))
    small, arrays = original.checkpoint_state()
    assert {"samples.observation.position", "samples.observation.image"} <= arrays.keys()
    restored = UniformReplayBuffer(example=buffer_example, size=20, B=2)
    restored.load_checkpoint_state(small, save_and_load(arrays, tmp_path))
    assert_same_state(original, restored)
    assert_same_batch(original, restored, batch_size=8)


def filled(name):
    buffer = make(name)
    for samples in chunks(make_stream(name), 0, 30, 10, BUFFERS[name][1]):
        buffer.append_samples(samples)
    return buffer


def test_mismatched_array_is_named_and_nothing_changes():
    small, arrays = filled("prioritized_tl").checkpoint_state()
    target = make("prioritized_tl")
    before = {k: v.copy() for k, v in target.checkpoint_state()[1].items()}
    bad = dict(arrays, **{"samples.action": arrays["samples.action"].astype(np.int32)})
    with pytest.raises(ValueError, match="'samples.action'.*int32"):
        target.load_checkpoint_state(small, bad)
    bad = dict(arrays, **{"priority_tree.tree": arrays["priority_tree.tree"][:-1]})
    with pytest.raises(ValueError, match="'priority_tree.tree'"):
        target.load_checkpoint_state(small, bad)
    for name, array in target.checkpoint_state()[1].items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)


def test_missing_and_extra_arrays_are_named():
    small, arrays = filled("frame_uniform_tl").checkpoint_state()
    missing = {k: v for k, v in arrays.items() if k != "samples_frames"}
    with pytest.raises(ValueError, match="'samples_frames' is missing"):
        make("frame_uniform_tl").load_checkpoint_state(small, missing)
    with pytest.raises(ValueError, match="'final_observation.index' is missing"):
        make("frame_uniform_tl").load_checkpoint_state(small,
            {k: v for k, v in arrays.items() if k != "final_observation.index"})
    with pytest.raises(ValueError, match="'extra' in the checkpoint"):
        make("frame_uniform_tl").load_checkpoint_state(small, dict(arrays, extra=np.zeros(1)))
    bad_final = dict(arrays, **{"final_observation.value": np.zeros((1, 3, 3), np.uint8)})
    with pytest.raises(ValueError, match="'final_observation.value'"):
        make("frame_uniform_tl").load_checkpoint_state(small, bad_final)


def test_checkpoint_of_other_settings_is_refused():
    small, arrays = filled("prioritized").checkpoint_state()
    other_n = PrioritizedReplayBuffer(example=example(time_limit=False), size=T_RING * B, B=B,
        discount=0.95, n_step_return=2)
    with pytest.raises(ValueError, match="n_step_return=3.*n_step_return=2"):
        other_n.load_checkpoint_state(small, arrays)
    other_alpha = PrioritizedReplayBuffer(example=example(time_limit=False), size=T_RING * B, B=B,
        discount=0.95, n_step_return=3, alpha=0.5)
    with pytest.raises(ValueError, match="alpha"):
        other_alpha.load_checkpoint_state(small, arrays)
    with pytest.raises(ValueError, match="time_limit"):
        make("prioritized_tl").load_checkpoint_state(small, arrays)
