"""rlpyt's numpy counterparts of ``rlpyt.utils.tensor``, kept for users'
code (compatibility): indexing, one-hot encoding, masked means and leading
dimensions of numpy arrays."""
from __future__ import annotations

import numpy as np


def select_at_indexes(indexes: np.ndarray, array: np.ndarray) -> np.ndarray:
    """``array`` at ``indexes`` in the dimension after the index dimensions:
    for ``array`` [T, B, A, *rest] and integer ``indexes`` [T, B], returns
    [T, B, *rest] (e.g. the Q-value of each taken action)."""
    indexes = np.asarray(indexes)
    if array.shape[:indexes.ndim] != indexes.shape or array.ndim <= indexes.ndim:
        raise ValueError(f"select_at_indexes: array shape {array.shape} does not start "
            f"with the indexes shape {indexes.shape} followed by the dimension to index")
    return array[tuple(np.indices(indexes.shape, sparse=True)) + (indexes,)]


def to_onehot(indexes: np.ndarray, dim: int, dtype=None) -> np.ndarray:
    """One-hot encoding of integer ``indexes`` in a new last dimension of
    size ``dim``, of ``dtype`` (default: that of ``indexes``)."""
    indexes = np.asarray(indexes)
    dtype = indexes.dtype if dtype is None else dtype
    return (indexes[..., None] == np.arange(dim)).astype(dtype)


def from_onehot(onehot: np.ndarray, dtype=None) -> np.ndarray:
    """The index of the largest entry of the last dimension (the one of a
    one-hot vector), optionally as ``dtype``."""
    return np.asarray(np.argmax(onehot, axis=-1), dtype=dtype)


def valid_mean(array: np.ndarray, valid: np.ndarray | None = None, axis=None) -> np.ndarray:
    """Mean of ``array`` over the entries where the mask ``valid`` is nonzero
    (all entries if None), over ``axis``; 0 where no entry is valid, as the
    torch ``valid_mean``."""
    if valid is None:
        return array.mean(axis=axis)
    valid = np.asarray(valid, dtype=array.dtype)
    return (array * valid).sum(axis=axis) / np.maximum(valid.sum(axis=axis), 1)


def infer_leading_dims(array: np.ndarray, dim: int) -> tuple[int, int, tuple, bool, bool]:
    """Leading dims of ``array`` whose data part has ``dim`` dimensions, as
    rlpyt's numpy version returned them: ``(T, B, shape, has_T, has_B)``,
    with T and B 1 where absent."""
    lead_dim = array.ndim - dim
    if lead_dim not in (0, 1, 2):
        raise ValueError(f"infer_leading_dims: array of shape {array.shape} has {array.ndim} "
            f"dims; expected {dim}, {dim + 1} or {dim + 2} (data dims plus up to [T, B])")
    T, B = array.shape[:2] if lead_dim == 2 else (1, array.shape[0] if lead_dim == 1 else 1)
    return T, B, array.shape[lead_dim:], lead_dim == 2, lead_dim >= 1
