"""Model helpers."""
from __future__ import annotations

import math

import torch


def orthogonal_init(module: torch.nn.Module, gain: float = math.sqrt(2)) -> None:
    """Orthogonal weights with ``gain`` and zero biases for every Linear in ``module``."""
    for layer in module.modules():
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.orthogonal_(layer.weight, gain=gain)
            torch.nn.init.zeros_(layer.bias)


def last_linear(module: torch.nn.Module) -> torch.nn.Linear:
    """The last Linear layer of ``module``."""
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError(f"last_linear: {type(module).__name__} has no Linear layer")
    return linears[-1]


@torch.no_grad()
def lerp_tensors(targets: list, sources: list, tau: float = 1.0) -> None:
    """Move each floating-point tensor of ``targets`` toward its partner in
    ``sources``, ``tau * new + (1 - tau) * old``, in one multi-tensor call;
    other tensors are copied (tau = 1 copies everything)."""
    if not 0 < tau <= 1:
        raise ValueError(f"lerp_tensors: tau must be in (0, 1], got {tau}")
    if len(targets) != len(sources):
        raise ValueError(f"lerp_tensors: {len(targets)} targets but {len(sources)} sources")
    floats = [(t, s) for t, s in zip(targets, sources) if t.is_floating_point()]
    if floats:
        torch._foreach_lerp_([t for t, _ in floats], [s if s.device == t.device else s.to(t.device)
            for t, s in floats], tau)
    for t, s in zip(targets, sources):
        if not t.is_floating_point():
            t.copy_(s)


def update_state_dict(model: torch.nn.Module, state_dict: dict, tau: float = 1.0) -> None:
    """Move ``model``'s parameters and buffers toward ``state_dict``:
    ``tau * new + (1 - tau) * old`` (tau = 1 copies; a target network's soft update)."""
    own = model.state_dict(keep_vars=True)
    missing = sorted(set(own) - set(state_dict))
    if missing:
        raise KeyError(f"update_state_dict: state_dict lacks {missing}")
    lerp_tensors([v.data for v in own.values()], [state_dict[k] for k in own], tau)


def module_tensors(target: torch.nn.Module, source: torch.nn.Module) -> tuple[list, list]:
    """``(targets, sources)``: the parameters and buffers of ``target`` and of
    ``source`` in registration order (the target is a copy of the source),
    as ``lerp_tensors`` takes them; a caller may keep them while neither
    module moves (``module.to`` replaces buffers)."""
    return [*target.parameters(), *target.buffers()], [*source.parameters(), *source.buffers()]


def update_module(target: torch.nn.Module, source: torch.nn.Module, tau: float = 1.0) -> None:
    """``update_state_dict(target, source.state_dict(), tau)`` without building
    state dicts: parameters and buffers are matched in registration order (the
    target is a copy of the source)."""
    lerp_tensors(*module_tensors(target, source), tau)


DDP_PREFIX = "module."
"""What DistributedDataParallel puts before every key of the wrapped model's state."""


def strip_ddp_state_dict(state_dict: dict) -> dict:
    """``state_dict`` with the ``module.`` prefix that DistributedDataParallel
    puts before every key removed, so that the state of a data-parallel model
    loads into a plain one (keys without the prefix are kept as they are)."""
    return type(state_dict)((k[len(DDP_PREFIX):] if k.startswith(DDP_PREFIX) else k, v)
        for k, v in state_dict.items())
