"""Checkpoints: everything a run needs to continue, committed atomically.

A checkpoint is a folder ``checkpoint-<itr>-<token>/`` in the run folder
holding ``state.pt`` (``torch.save`` of the small state: models, optimizers,
counters, RNG, environments) and ``arrays/<name>.npy`` (large arrays such as
the replay buffer, each written with ``numpy.save`` straight from memory and
memory-mapped on load), plus ``manifest.json`` (format, sizes, the hash of
``state.pt``). It becomes the run's checkpoint only when the pointer file
``checkpoint.json`` names it, and the pointer is replaced in one
``os.replace`` after every file (and the folder) is fsynced: a process killed
at any moment leaves either the previous checkpoint or the new one, never a
torn one. The previous checkpoint is removed only after the commit (with
``keep=k`` the pointer also lists the k - 1 checkpoints before it, which
stay: data-parallel ranks, whose background commits may finish one or two
checkpoints apart, then always share one they can all load); leftovers of a
killed save are removed by :func:`remove_leftovers`.

Loading checks the pointer's and the manifest's format tag, every file's
size and ``state.pt``'s hash, and raises :class:`CheckpointError` naming the
file that is torn or foreign.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass

import numpy as np
import torch

POINTER = "checkpoint.json"
FORMAT = "rlpyt-checkpoint"
VERSION = 1
_STATE = "state.pt"
_MANIFEST = "manifest.json"
_ARRAYS = "arrays"
_TMP_PREFIX = ".checkpoint-"


class CheckpointError(RuntimeError):
    """A checkpoint file is torn, foreign or missing."""


@dataclass
class Checkpoint:
    """A loaded checkpoint: ``info`` (the pointer's small JSON dict, e.g.
    the iteration and progress.csv rows), ``state`` (what ``state.pt``
    held) and ``arrays`` (name -> read-only memory-mapped array)."""

    info: dict
    state: dict
    arrays: dict


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: str, write) -> int:
    """Open ``path``, let ``write(f)`` fill it, fsync; returns its size."""
    with open(path, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
        return f.tell()


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_array_name(name: str) -> None:
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"save_checkpoint: array name {name!r} must be a plain file name")


def _prepare(run_dir: str, state: dict, arrays: dict) -> tuple[str, bytes, dict]:
    """The part of a save that must happen now, while the run waits: a
    temporary folder with the arrays written (from the live buffers) and the
    state serialized; returns ``(folder, state bytes, sizes)``."""
    tmp = tempfile.mkdtemp(dir=run_dir, prefix=_TMP_PREFIX, suffix=".tmp")
    try:
        if arrays:
            os.mkdir(os.path.join(tmp, _ARRAYS))
        sizes = {}
        for name, array in arrays.items():
            _check_array_name(name)
            rel = os.path.join(_ARRAYS, f"{name}.npy")
            sizes[rel] = _write_synced(os.path.join(tmp, rel),
                lambda f, a=array: np.save(f, np.ascontiguousarray(a), allow_pickle=False))
        if arrays:
            _fsync_dir(os.path.join(tmp, _ARRAYS))
        buffer = io.BytesIO()
        torch.save(state, buffer)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, buffer.getvalue(), sizes


def _pointer(run_dir: str) -> dict | None:
    """The pointer file's contents (None when there is none)."""
    path = os.path.join(run_dir, POINTER)
    return _read_json(path, "checkpoint pointer") if os.path.exists(path) else None


def _entries(pointer: dict | None) -> list[dict]:
    """The pointer's checkpoints, newest first, each ``{folder, info}``."""
    if pointer is None:
        return []
    return [dict(folder=pointer["folder"], info=pointer["info"])] + list(pointer.get("kept", []))


def _commit(run_dir: str, tmp: str, payload: bytes, sizes: dict, info: dict, keep: int = 1) -> str:
    """Write the state, the manifest and the pointer, fsyncing each, and make
    the folder the run's checkpoint (the pointer keeps listing the ``keep - 1``
    checkpoints before it); returns the folder."""
    try:
        sizes = dict(sizes, **{_STATE: _write_synced(os.path.join(tmp, _STATE), lambda f: f.write(payload))})
        arrays = sorted(os.path.splitext(os.path.basename(rel))[0] for rel in sizes if rel != _STATE)
        manifest = dict(format=FORMAT, version=VERSION, sizes=sizes,
            state_sha256=hashlib.sha256(payload).hexdigest(), arrays=arrays)
        _write_synced(os.path.join(tmp, _MANIFEST), lambda f: f.write(json.dumps(manifest).encode()))
        _fsync_dir(tmp)
        name = f"checkpoint-{info.get('itr', 0)}-{os.path.basename(tmp)[len(_TMP_PREFIX):-len('.tmp')]}"
        folder = os.path.join(run_dir, name)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(run_dir)
    kept = _entries(_pointer(run_dir))[:keep - 1]
    pointer = dict(format=FORMAT, version=VERSION, folder=name, info=info, kept=kept)
    pointer_tmp = os.path.join(run_dir, f"{_TMP_PREFIX}pointer.tmp")
    _write_synced(pointer_tmp, lambda f: f.write(json.dumps(pointer).encode()))
    os.replace(pointer_tmp, os.path.join(run_dir, POINTER))
    _fsync_dir(run_dir)
    remove_leftovers(run_dir)
    return folder


def save_checkpoint(run_dir: str, state: dict, arrays: dict | None = None, info: dict | None = None,
        keep: int = 1) -> str:
    """Write and commit a checkpoint of ``state`` (torch-saveable) and
    ``arrays`` (name -> numpy array) in ``run_dir``; ``info`` (JSON-able)
    goes into the pointer, readable without loading the rest
    (:func:`read_checkpoint_info`). The ``keep - 1`` previous checkpoints
    stay loadable (:func:`load_checkpoint` with ``itr``). Returns the
    checkpoint's folder."""
    tmp, payload, sizes = _prepare(run_dir, state, dict(arrays or {}))
    return _commit(run_dir, tmp, payload, sizes, dict(info or {}), _check_keep(keep))


def _check_keep(keep: int) -> int:
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ValueError(f"checkpoint keep must be an int >= 1, got {keep!r}")
    return keep


class CheckpointWriter:
    """Saves checkpoints as ``save_checkpoint`` does, committing each in a
    background thread: the caller waits only while the arrays are written
    and the state serialized (a consistent snapshot of the run), not for the
    fsyncs and the commit. One commit at a time: the next save, and
    :meth:`wait`, first wait for the previous one and raise its error.
    ``keep`` as in :func:`save_checkpoint`."""

    def __init__(self, keep: int = 1) -> None:
        self._thread = None
        self._error = None
        self.keep = _check_keep(keep)

    def save(self, run_dir: str, state: dict, arrays: dict | None = None, info: dict | None = None) -> None:
        """Snapshot ``state`` and ``arrays`` now; commit in the background."""
        self.wait()
        tmp, payload, sizes = _prepare(run_dir, state, dict(arrays or {}))
        self._thread = threading.Thread(target=self._commit, name="rlpyt-checkpoint",
            args=(run_dir, tmp, payload, sizes, dict(info or {}), self.keep), daemon=True)
        self._thread.start()

    def _commit(self, *args) -> None:
        try:
            _commit(*args)
        except BaseException as error:
            self._error = error

    def wait(self) -> None:
        """Wait for the last commit; raise its error, if it failed."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None:
            raise error


def _read_json(path: str, what: str) -> dict:
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path} is not an rlpyt {what} ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an rlpyt {what} (no format tag {FORMAT!r})")
    if data.get("version") != VERSION:
        raise CheckpointError(f"{path}: {what} version {data.get('version')!r}, this rlpyt reads {VERSION}")
    return data


def read_checkpoint_info(run_dir: str) -> dict | None:
    """The committed checkpoint's ``info`` (None when ``run_dir`` has no
    checkpoint); CheckpointError if the pointer file is foreign."""
    pointer = _pointer(run_dir)
    return None if pointer is None else pointer["info"]


def checkpoint_itrs(run_dir: str) -> list[int]:
    """The iterations of the loadable checkpoints of ``run_dir`` (the
    committed one and those kept before it), newest first."""
    return [int(entry["info"].get("itr", 0)) for entry in _entries(_pointer(run_dir))]


def load_checkpoint(run_dir: str, itr: int | None = None) -> Checkpoint | None:
    """The committed checkpoint of ``run_dir`` (None when it has none), or
    with ``itr`` the kept one of that iteration (CheckpointError when there
    is none), after checking its manifest, file sizes and ``state.pt``'s hash."""
    entries = _entries(_pointer(run_dir))
    if itr is not None:
        entries = [entry for entry in entries if int(entry["info"].get("itr", 0)) == itr]
        if not entries:
            raise CheckpointError(f"{run_dir} has no checkpoint of iteration {itr} "
                f"(it has {checkpoint_itrs(run_dir)})")
    if not entries:
        return None
    entry = entries[0]
    folder = os.path.join(run_dir, str(entry["folder"]))
    manifest = _read_json(os.path.join(folder, _MANIFEST), "checkpoint manifest")
    for rel, size in manifest["sizes"].items():
        path = os.path.join(folder, rel)
        actual = os.path.getsize(path) if os.path.exists(path) else None
        if actual != size:
            raise CheckpointError(f"{path}: checkpoint file is torn or missing "
                f"({actual} bytes, the manifest says {size})")
    state_path = os.path.join(folder, _STATE)
    if _sha256(state_path) != manifest["state_sha256"]:
        raise CheckpointError(f"{state_path}: contents differ from the checkpoint manifest (foreign or corrupt)")
    state = torch.load(state_path, weights_only=False, map_location="cpu")
    arrays = {name: np.load(os.path.join(folder, _ARRAYS, f"{name}.npy"), mmap_mode="r", allow_pickle=False)
        for name in manifest["arrays"]}
    return Checkpoint(info=entry["info"], state=state, arrays=arrays)


def remove_leftovers(run_dir: str) -> None:
    """Remove what a killed save left in ``run_dir``: temporary folders and
    files, and checkpoint folders the pointer does not name."""
    try:
        named = {entry["folder"] for entry in _entries(_pointer(run_dir))}
    except CheckpointError:
        return  # a foreign pointer: touch nothing; loading names it
    for entry in os.listdir(run_dir):
        path = os.path.join(run_dir, entry)
        stale_checkpoint = entry.startswith("checkpoint-") and entry not in named and os.path.isdir(path)
        if entry.startswith(_TMP_PREFIX) or stale_checkpoint:
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
