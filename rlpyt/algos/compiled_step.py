"""The gradient step as one compiled graph (``compile=True`` on the CPU).

On the CPU a small model's gradient step is mostly per-call overhead: the
compiled loss's guards and autograd wrappers, the backward pass's engine,
the gradient clipping's and the optimizer's Python. ``CompiledGradientStep``
puts the loss, its gradients (``torch.autograd.grad``, traced by TorchDynamo
with its ``trace_autograd_ops`` option, set only around each call) and their
clipping in one ``torch.compile`` graph, then updates the parameters with
ATen's fused Adam (AdamW) kernel on the optimizer's own state: the kernel,
arguments and state that ``torch.optim.Adam(fused=True).step()`` uses,
without its Python. (In the graph, the optimizer's step either breaks it, as
``Optimizer.step`` does on purpose, or, as the functional fused Adam, copies
every parameter and moment: 17% of an Atari DQN update.) One guard check,
one generated function and one kernel call per step
(benchmarks/ppo_cartpole_loop.py, benchmarks/update_speed.py).

It serves the algorithms with one loss and one optimizer (PPO, DQN,
CategoricalDQN, R2D1) through ``RlAlgorithm.loss_step``, for Adam and AdamW
with one parameter group and neither ``amsgrad``, ``maximize`` nor
``differentiable`` (``unsupported``); anything else keeps the compiled loss
with an eager backward and step (``rlpyt.algos.compile``), as do CUDA (CUDA
graphs there) and data-parallel training (DistributedDataParallel averages
gradients in hooks of the backward pass that ``torch.autograd.grad`` does
not run). The first step of a run, before the optimizer has created its
state, is eager.
"""
from __future__ import annotations

import time
from typing import Callable

import torch

from rlpyt.algos.compile import cpu_inductor_options
from rlpyt.algos.gradients import scale_to_norm
from rlpyt.utils.logging import logger

_ADAMS = (torch.optim.Adam, torch.optim.AdamW)


def unsupported(optimizer: torch.optim.Optimizer) -> str | None:
    """Why ``optimizer``'s step cannot go in the compiled graph, or None."""
    if type(optimizer) not in _ADAMS:
        return f"{type(optimizer).__name__} is not Adam or AdamW"
    if len(optimizer.param_groups) != 1:
        return f"{len(optimizer.param_groups)} parameter groups (one is supported)"
    group = optimizer.param_groups[0]
    for flag in ("amsgrad", "maximize", "differentiable"):
        if group.get(flag):
            return f"{flag}=True"
    if any(p.device.type != "cpu" for p in group["params"]):
        return "parameters off the CPU"
    return None


class CompiledGradientStep:
    """``step(*inputs) -> (outputs, grad_norm)``: ``loss(*inputs)`` (first
    output the loss, returned detached) and the gradients of the optimizer's
    parameters, clipped to ``clip_grad_norm``, as one compiled graph, then
    the optimizer's fused Adam update. ``ready()`` says whether the optimizer
    has its state (the caller steps eagerly until it has). The first call
    compiles, and its duration is logged and kept in ``compile_seconds``;
    ``calls`` counts the compiled steps."""

    def __init__(self, loss: Callable, optimizer: torch.optim.Optimizer, clip_grad_norm: float,
            name: str) -> None:
        self.name = name
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.compile_seconds = None
        self.calls = 0
        self._loss = loss
        self._params = list(optimizer.param_groups[0]["params"])
        self._decoupled = bool(optimizer.param_groups[0].get("decoupled_weight_decay",
            isinstance(optimizer, torch.optim.AdamW)))
        self._compiled = torch.compile(self._step, options=cpu_inductor_options())
        from torch._dynamo import config  # here, not at the top: seconds of imports that runs without compile skip
        self._dynamo_config = config

    def ready(self) -> bool:
        """Whether every parameter has its optimizer state (after the first step)."""
        state = self.optimizer.state
        return all(p in state for p in self._params)

    def __call__(self, *inputs) -> tuple:
        """``(outputs, grad_norm)`` of one compiled gradient step."""
        config = self._dynamo_config
        tracing = config.trace_autograd_ops
        config.trace_autograd_ops = True  # torch.autograd.grad in the graph
        try:
            start = time.perf_counter()
            *outputs, grad_norm, grads = self._compiled(*inputs)
        finally:
            config.trace_autograd_ops = tracing
        if self.compile_seconds is None:
            self.compile_seconds = time.perf_counter() - start
            logger.log(f"{self.name}: gradient step compiled (torch.compile: loss, gradients and their "
                f"clipping in one graph) in {self.compile_seconds:.1f} s at its first call")
        self._adam_step(grads)
        self.calls += 1
        return tuple(outputs), grad_norm

    def _step(self, *inputs) -> tuple:
        outputs = self._loss(*inputs)
        grads = list(torch.autograd.grad(outputs[0], self._params))
        grad_norm = scale_to_norm(grads, self.clip_grad_norm)
        return (outputs[0].detach(), *outputs[1:], grad_norm, grads)

    def _adam_step(self, grads: list) -> None:
        """The optimizer's step on ``grads``: ATen's fused Adam (AdamW) kernel,
        as ``torch.optim.Adam(fused=True).step()`` calls it, on the
        optimizer's own state tensors."""
        group = self.optimizer.param_groups[0]
        states = [self.optimizer.state[p] for p in self._params]
        steps = [state["step"] for state in states]
        torch._foreach_add_(steps, 1)
        fused_adam = torch._fused_adamw_ if self._decoupled else torch._fused_adam_
        beta1, beta2 = group["betas"]
        fused_adam(self._params, grads, [state["exp_avg"] for state in states],
            [state["exp_avg_sq"] for state in states], [], steps, lr=group["lr"], beta1=beta1, beta2=beta2,
            weight_decay=group["weight_decay"], eps=group["eps"], amsgrad=False, maximize=False)
