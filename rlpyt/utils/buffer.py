"""Operations over (nested) namedarraytuples of arrays, applied leaf by leaf.

A "buffer" is an array, ``None``, or a (named)tuple of buffers. These helpers
build buffers from one example, convert between numpy and torch without
copying, move them between devices, and call a function on every leaf.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from rlpyt.utils.collections import is_namedtuple, namedarraytuple_like
from rlpyt.utils.shared_array import np_mp_array


def buffer_func(buffer_, func: Callable, *args, **kwargs):
    """Apply ``func(leaf, *args, **kwargs)`` to every non-None leaf, keeping the
    (named)tuple structure."""
    if buffer_ is None:
        return None
    if isinstance(buffer_, tuple):
        contents = [buffer_func(b, func, *args, **kwargs) for b in buffer_]
        return type(buffer_)(*contents) if is_namedtuple(buffer_) else tuple(contents)
    return func(buffer_, *args, **kwargs)


def buffer_method(buffer_, method_name: str, *args, **kwargs):
    """Call ``leaf.method_name(*args, **kwargs)`` on every non-None leaf."""
    return buffer_func(buffer_, lambda leaf: getattr(leaf, method_name)(*args, **kwargs))


def _torchify(leaf):
    if isinstance(leaf, np.ndarray):
        return torch.from_numpy(np.asarray(leaf))
    if isinstance(leaf, (np.generic, bool, int, float)):
        return torch.as_tensor(leaf)
    return leaf


def torchify_buffer(buffer_):
    """Torch tensors sharing memory with the numpy leaves (no copy)."""
    return buffer_func(buffer_, _torchify)


def _numpify(leaf):
    if isinstance(leaf, torch.Tensor):
        return leaf.numpy() if leaf.device.type == "cpu" else leaf.cpu().numpy()
    return leaf


def numpify_buffer(buffer_):
    """Numpy arrays of the torch leaves (no copy for CPU tensors)."""
    return buffer_func(buffer_, _numpify)


def buffer_to(buffer_, device: torch.device | str | None = None):
    """Move every tensor leaf to ``device``."""
    return buffer_func(buffer_, lambda leaf: leaf.to(device))


def build_array(example: Any, leading_dims: tuple, share_memory: bool = False) -> np.ndarray:
    """A zero array of shape ``leading_dims + example.shape`` and the example's dtype."""
    example = np.asarray(example)
    if example.dtype.kind not in "biufc":
        raise TypeError(f"build_array: example must be numeric or bool, got dtype {example.dtype} ({example!r})")
    shape = tuple(leading_dims) + example.shape
    if share_memory:
        return np_mp_array(shape, example.dtype)
    return np.zeros(shape, dtype=example.dtype)


def buffer_from_example(example, leading_dims: int | tuple, share_memory: bool = False):
    """A buffer shaped like ``example`` with extra ``leading_dims`` (e.g. [T, B]).

    Namedtuples become namedarraytuples of the same name and fields; ``None``
    leaves stay ``None``. With ``share_memory`` the arrays live in shared memory
    that child processes see, whether forked or spawned.
    """
    if isinstance(leading_dims, int):
        leading_dims = (leading_dims,)
    if example is None:
        return None
    if is_namedtuple(example):
        cls = namedarraytuple_like(example)
        return cls(*(buffer_from_example(v, leading_dims, share_memory) for v in example))
    if isinstance(example, torch.Tensor):
        example = example.detach().cpu().numpy()
    return build_array(example, leading_dims, share_memory)


def _leaves(buffer_, path=""):
    if buffer_ is None:
        return
    if isinstance(buffer_, tuple):
        names = buffer_._fields if is_namedtuple(buffer_) else range(len(buffer_))
        for name, b in zip(names, buffer_):
            yield from _leaves(b, f"{path}.{name}" if path else str(name))
    else:
        yield path, buffer_


def get_leading_dims(buffer_, n_dim: int = 1) -> tuple:
    """The first ``n_dim`` dimensions, which every leaf must share."""
    dims = None
    for path, leaf in _leaves(buffer_):
        lead = tuple(leaf.shape[:n_dim])
        if dims is None:
            dims, first = lead, path
        elif lead != dims:
            raise ValueError(f"get_leading_dims: field '{path}' has leading dims {lead}, "
                f"but '{first}' has {dims}")
    if dims is None:
        raise ValueError("get_leading_dims: buffer has no array leaves")
    return dims
