"""rlpyt's small array helpers, kept for users' code (compatibility).

Minibatch index iteration, allocation of a numpy array or a torch tensor by
dtype, and cutting sequences out of [T, B] ring-buffer data.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import torch

from rlpyt.utils.checks import check_count


def iterate_mb_idxs(data_length: int, minibatch_size: int, shuffle: bool = False
        ) -> Iterator[slice | np.ndarray]:
    """Indexes of consecutive minibatches of ``minibatch_size`` over
    ``data_length`` items, for ``for idxs in iterate_mb_idxs(...)``.

    Without ``shuffle`` each is a ``slice``; with it, an index array drawn from
    one permutation (numpy's global generator, so ``set_seed`` fixes it). As
    in rlpyt only full minibatches are yielded: each index appears at most
    once, and every index exactly once when ``minibatch_size`` divides
    ``data_length``.
    """
    data_length = check_count("iterate_mb_idxs", "data_length", data_length)
    minibatch_size = check_count("iterate_mb_idxs", "minibatch_size", minibatch_size, low=1)
    starts = range(0, data_length - minibatch_size + 1, minibatch_size)
    if not shuffle:
        return (slice(start, start + minibatch_size) for start in starts)
    order = np.random.permutation(data_length)
    return (order[start:start + minibatch_size] for start in starts)

def _allocate(torch_fn: Callable, numpy_fn: Callable, shape, dtype):
    """A tensor from ``torch_fn`` when torch takes ``dtype``, else an ndarray."""
    try:
        return torch_fn(shape, dtype=dtype)
    except TypeError:
        return numpy_fn(shape, dtype=dtype)


def zeros(shape, dtype) -> torch.Tensor | np.ndarray:
    """Zeros as a torch tensor for a dtype torch accepts (a ``torch.dtype``,
    or Python's ``bool``/``int``/``float``), else as a numpy array, so that
    code can allocate like the data it was given."""
    return _allocate(torch.zeros, np.zeros, shape, dtype)


def empty(shape, dtype) -> torch.Tensor | np.ndarray:
    """Uninitialized memory, a tensor or an ndarray by ``dtype`` as ``zeros``."""
    return _allocate(torch.empty, np.empty, shape, dtype)


def extract_sequences(array_or_tensor: np.ndarray | torch.Tensor, T_idxs: Sequence[int],
        B_idxs: Sequence[int], T: int) -> np.ndarray | torch.Tensor:
    """Sequences of ``T`` steps from [T_total, B, ...] data, starting at rows
    ``T_idxs`` in columns ``B_idxs``; returns [T, len(B_idxs), ...] (a copy).

    Time indexes wrap around modulo T_total, as in a ring buffer, so a start
    near the end (or a negative start) continues at the other end.
    """
    T = check_count("extract_sequences", "T", T, low=1)
    t = (np.asarray(T_idxs)[None, :] + np.arange(T)[:, None]) % len(array_or_tensor)
    b = np.asarray(B_idxs)[None, :]
    if isinstance(array_or_tensor, torch.Tensor):
        device = array_or_tensor.device
        t, b = torch.as_tensor(t, device=device), torch.as_tensor(b, device=device)
    return array_or_tensor[t, b]
