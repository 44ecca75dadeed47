"""The checkpoint file format: committed atomically, never loaded torn or foreign."""
import json
import os

import numpy as np
import pytest
import torch

from rlpyt.utils.checkpoint import (POINTER, CheckpointError, checkpoint_itrs, load_checkpoint,
    read_checkpoint_info, remove_leftovers, save_checkpoint)


def _save(run_dir, itr, value, keep=1):
    arrays = {"replay.samples.observation": np.full((6, 2, 3), value, dtype=np.float32)}
    return save_checkpoint(str(run_dir), state=dict(itr=itr, weights=torch.full((2,), float(value))),
        arrays=arrays, info=dict(itr=itr, progress_rows=itr), keep=keep)


def test_round_trip_with_memory_mapped_arrays(tmp_path):
    _save(tmp_path, 3, 7.0)
    checkpoint = load_checkpoint(str(tmp_path))
    assert checkpoint.info == dict(itr=3, progress_rows=3)
    assert checkpoint.state["itr"] == 3 and torch.equal(checkpoint.state["weights"], torch.full((2,), 7.0))
    array = checkpoint.arrays["replay.samples.observation"]
    assert isinstance(array, np.memmap) and array.shape == (6, 2, 3) and np.all(array == 7.0)
    assert read_checkpoint_info(str(tmp_path)) == dict(itr=3, progress_rows=3)


def test_no_checkpoint_gives_none(tmp_path):
    assert load_checkpoint(str(tmp_path)) is None and read_checkpoint_info(str(tmp_path)) is None


def test_new_checkpoint_replaces_the_previous_only_after_commit(tmp_path):
    first = _save(tmp_path, 1, 1.0)
    second = _save(tmp_path, 2, 2.0)
    assert not os.path.exists(first) and os.path.isdir(second)
    assert load_checkpoint(str(tmp_path)).state["itr"] == 2
    assert sorted(e for e in os.listdir(tmp_path) if e.startswith("checkpoint")) == sorted(
        [POINTER, os.path.basename(second)])


def test_keep_leaves_the_previous_checkpoints_loadable_by_iteration(tmp_path):
    folders = [_save(tmp_path, itr, float(itr), keep=3) for itr in (1, 2, 3, 4)]
    assert not os.path.exists(folders[0]) and all(os.path.isdir(f) for f in folders[1:])
    assert checkpoint_itrs(str(tmp_path)) == [4, 3, 2]
    assert load_checkpoint(str(tmp_path)).state["itr"] == 4
    older = load_checkpoint(str(tmp_path), itr=2)
    assert older.info["itr"] == 2 and np.all(older.arrays["replay.samples.observation"] == 2.0)
    with pytest.raises(CheckpointError, match="no checkpoint of iteration 1 .*\\[4, 3, 2\\]"):
        load_checkpoint(str(tmp_path), itr=1)
    remove_leftovers(str(tmp_path))
    assert checkpoint_itrs(str(tmp_path)) == [4, 3, 2] and all(os.path.isdir(f) for f in folders[1:])
    with pytest.raises(ValueError, match="keep must be an int >= 1, got 0"):
        _save(tmp_path, 5, 5.0, keep=0)


def test_leftovers_of_a_killed_save_are_removed_and_the_committed_one_kept(tmp_path):
    committed = _save(tmp_path, 1, 1.0)
    os.mkdir(tmp_path / ".checkpoint-abc.tmp")  # killed while writing
    os.mkdir(tmp_path / "checkpoint-2-xyz")  # killed between rename and commit
    (tmp_path / ".checkpoint-pointer.tmp").write_text("{")
    remove_leftovers(str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == sorted([POINTER, os.path.basename(committed)])
    assert load_checkpoint(str(tmp_path)).state["itr"] == 1


def test_truncated_array_is_never_loaded(tmp_path):
    folder = _save(tmp_path, 1, 1.0)
    path = os.path.join(folder, "arrays", "replay.samples.observation.npy")
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 8)
    with pytest.raises(CheckpointError, match="replay.samples.observation.npy: checkpoint file is torn"):
        load_checkpoint(str(tmp_path))


def test_state_file_replaced_by_a_foreign_one_is_named(tmp_path):
    folder = _save(tmp_path, 1, 1.0)
    state_path = os.path.join(folder, "state.pt")
    size = os.path.getsize(state_path)
    with open(state_path, "wb") as f:
        f.write(b"x" * size)
    with pytest.raises(CheckpointError, match="state.pt: contents differ from the checkpoint manifest"):
        load_checkpoint(str(tmp_path))


@pytest.mark.parametrize("contents", ["not json", json.dumps(dict(format="other")), ""])
def test_foreign_pointer_is_named(tmp_path, contents):
    (tmp_path / POINTER).write_text(contents)
    with pytest.raises(CheckpointError, match=f"{POINTER} is not an rlpyt checkpoint pointer"):
        load_checkpoint(str(tmp_path))
    remove_leftovers(str(tmp_path))
    assert (tmp_path / POINTER).read_text() == contents  # a foreign file is never deleted


def test_bad_array_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match="array name 'a/b' must be a plain file name"):
        save_checkpoint(str(tmp_path), state={}, arrays={"a/b": np.zeros(2)})
    assert not any(e.startswith(".checkpoint-") for e in os.listdir(tmp_path))
