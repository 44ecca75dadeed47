"""A gradient step's mechanics: backward, gradient clipping, the optimizer's
step. Every eager gradient step goes through ``backward_clip_step`` (or,
after a backward of its own, ``clip_step``); the compiled one
(``rlpyt.algos.compiled_step``) clips with ``scale_to_norm`` too."""
from __future__ import annotations

import torch


def backward_clip_step(optimizer: torch.optim.Optimizer, loss: torch.Tensor, params: list,
        clip_grad_norm: float) -> torch.Tensor:
    """Backpropagate ``loss``, clip the gradient norm of ``params`` at
    ``clip_grad_norm`` and step ``optimizer``; returns the norm before
    clipping (a tensor: no synchronisation here)."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    return clip_step(optimizer, params, clip_grad_norm)


def clip_step(optimizer: torch.optim.Optimizer, params: list, clip_grad_norm: float) -> torch.Tensor:
    """Clip the gradient norm of ``params`` at ``clip_grad_norm`` and step
    ``optimizer`` (after a backward that reached them); returns the norm
    before clipping."""
    grad_norm = clip_gradients(params, clip_grad_norm)
    optimizer.step()
    return grad_norm


def clip_gradients(params: list, max_norm: float) -> torch.Tensor:
    """``torch.nn.utils.clip_grad_norm_(params, max_norm)`` (2-norm; the same
    arithmetic, so the same numbers) with less Python per call: gradients of
    one device and dtype, as an agent's are, go straight to the foreach
    kernels that torch's function groups them for; anything else goes
    through torch's function. Returns the norm before clipping."""
    grads = [p.grad for p in params if p.grad is not None]
    first = grads[0] if grads else None
    if first is None or any(type(g) is not torch.Tensor or g.device != first.device or g.dtype != first.dtype
            for g in grads):
        return torch.nn.utils.clip_grad_norm_(params, max_norm)
    return scale_to_norm(grads, max_norm)


def scale_to_norm(grads: list, max_norm: float) -> torch.Tensor:
    """Scale ``grads`` (tensors of one device and dtype) in place so that
    their joint 2-norm is at most ``max_norm``, as ``clip_grad_norm_`` does;
    returns the norm before scaling (traceable by ``torch.compile``)."""
    total_norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads, 2.0)), 2.0)
    torch._foreach_mul_(grads, torch.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0))
    return total_norm
