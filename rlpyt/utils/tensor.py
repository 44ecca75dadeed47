"""Tensor helpers for models that accept [], [B] or [T, B] leading dimensions."""
from __future__ import annotations

import torch


def infer_leading_dims(tensor: torch.Tensor, dim: int) -> tuple[int, int, int, torch.Size]:
    """Leading dims of ``tensor`` whose data part has ``dim`` dimensions.

    Returns ``(lead_dim, T, B, shape)``: lead_dim is 0, 1 or 2 (for [], [B],
    [T, B]), T and B are 1 where absent, shape is the data shape.
    """
    lead_dim = tensor.dim() - dim
    if lead_dim not in (0, 1, 2):
        raise ValueError(f"infer_leading_dims: tensor of shape {tuple(tensor.shape)} has "
            f"{tensor.dim()} dims; expected {dim}, {dim + 1} or {dim + 2} "
            f"(data dims {dim} plus up to two leading dims [T, B])")
    T, B = 1, 1
    if lead_dim == 2:
        T, B = tensor.shape[:2]
    elif lead_dim == 1:
        B = tensor.shape[0]
    return lead_dim, T, B, tensor.shape[lead_dim:]


def restore_leading_dims(tensors, lead_dim: int, T: int = 1, B: int = 1):
    """Reshape outputs of shape [T*B, ...] back to [], [B] or [T, B] leading dims.

    ``tensors`` is a tensor or a tuple/list of tensors (returned as a tuple).
    """
    is_seq = isinstance(tensors, (tuple, list))
    items = tensors if is_seq else (tensors,)
    if lead_dim == 2:
        items = tuple(t.reshape((T, B) + t.shape[1:]) for t in items)
    elif lead_dim == 0:
        if any(t.shape[0] != 1 for t in items):
            raise ValueError("restore_leading_dims: lead_dim 0 expects a batch of one")
        items = tuple(t.squeeze(0) for t in items)
    return tuple(items) if is_seq else items[0]


def select_at_indexes(indexes: torch.Tensor, tensor: torch.Tensor) -> torch.Tensor:
    """``tensor[..., indexes, ...]`` at the dim after the index dims: for
    ``tensor`` [T, B, A, *rest] and ``indexes`` [T, B], returns [T, B, *rest]."""
    lead = indexes.shape
    if tensor.shape[:len(lead)] != lead:
        raise ValueError(f"select_at_indexes: tensor shape {tuple(tensor.shape)} does not "
            f"start with the indexes shape {tuple(lead)}")
    if tensor.dim() == indexes.dim() + 1:
        return tensor.gather(-1, indexes.long().unsqueeze(-1)).squeeze(-1)
    n = indexes.numel()
    flat = tensor.reshape((n,) + tensor.shape[len(lead):])
    selected = flat[torch.arange(n, device=tensor.device), indexes.reshape(n).long()]
    return selected.reshape(lead + selected.shape[1:])


def to_onehot(indexes: torch.Tensor, num: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    """One-hot encoding along a new last dim of size ``num``."""
    dtype = torch.float32 if dtype is None else dtype
    onehot = torch.zeros(indexes.shape + (num,), dtype=dtype, device=indexes.device)
    onehot.scatter_(-1, indexes.unsqueeze(-1).long(), 1)
    return onehot


def from_onehot(onehot: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Indexes of the ones in the last dim."""
    indexes = torch.argmax(onehot, dim=-1)
    return indexes if dtype is None else indexes.to(dtype)


def valid_mean(tensor: torch.Tensor, valid: torch.Tensor | None = None, dim=None) -> torch.Tensor:
    """Mean over the entries where ``valid`` is nonzero (all entries if None).

    With no valid entry the result is 0 rather than nan, so a fully masked
    batch contributes no gradient.
    """
    if valid is None:
        return tensor.mean() if dim is None else tensor.mean(dim=dim)
    valid = valid.to(tensor.dtype)
    if dim is None:
        return (tensor * valid).sum() / valid.sum().clamp(min=1)
    return (tensor * valid).sum(dim=dim) / valid.sum(dim=dim).clamp(min=1)
