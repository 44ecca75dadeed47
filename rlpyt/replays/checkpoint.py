"""Naming a replay buffer's arrays for checkpoints, and copying saved arrays
back into them.

A buffer's checkpoint is ``(small, arrays)``: ``small`` a dict of Python
values, ``arrays`` a flat mapping from dotted names to numpy arrays, so that a
checkpoint writer can store each array as it likes (one ``.npy`` file each,
read back memory-mapped) without knowing the buffer's structure.
"""
from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np


def named_arrays(prefix: str, buffer_) -> dict[str, np.ndarray]:
    """The array leaves of a (nested) namedarraytuple of numpy arrays, by
    dotted name (``prefix.field.subfield``); ``None`` fields are left out.
    The arrays are the buffer's own, not copies."""
    return dict(_leaves(prefix, buffer_))


def _leaves(path: str, buffer_) -> Iterator[tuple[str, np.ndarray]]:
    if buffer_ is None:
        return
    if isinstance(buffer_, tuple):
        names = getattr(buffer_, "_fields", range(len(buffer_)))
        for name, value in zip(names, buffer_):
            yield from _leaves(f"{path}.{name}", value)
    else:
        yield path, buffer_


def check_arrays(owner: str, expected: Mapping[str, np.ndarray], given: Mapping[str, np.ndarray]) -> None:
    """Raise ValueError naming the first array of ``expected`` that ``given``
    lacks or holds with another shape or dtype, or the first name of
    ``given`` that ``expected`` does not have."""
    for name, target in expected.items():
        if name not in given:
            raise ValueError(f"{owner}.load_checkpoint_state: array {name!r} is missing from "
                f"the checkpoint")
        source = given[name]
        if source.shape != target.shape or source.dtype != target.dtype:
            raise ValueError(f"{owner}.load_checkpoint_state: array {name!r} has shape "
                f"{source.shape} and dtype {source.dtype} in the checkpoint; this buffer has "
                f"{target.shape} {target.dtype}")
    extra = [name for name in given if name not in expected]
    if extra:
        raise ValueError(f"{owner}.load_checkpoint_state: array {extra[0]!r} in the checkpoint "
            f"is not one of this buffer's")


def copy_arrays(targets: Mapping[str, np.ndarray], sources: Mapping[str, np.ndarray]) -> None:
    """Copy each source array into the target of the same name, in place (the
    targets may live in shared memory that other processes see)."""
    for name, target in targets.items():
        np.copyto(target, sources[name])
