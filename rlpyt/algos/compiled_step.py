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

A step may train several optimizers, each on its own loss: the
algorithms name their steps in ``RlAlgorithm.whole_steps`` (PPO, DQN,
CategoricalDQN, R2D1: one loss and one optimizer, through
``RlAlgorithm.loss_step``; SAC: the Q-function, policy and temperature
losses of one update; DDPG and TD3: the Q-function step and the policy
step). On a CPU without vectorized boolean stores this matters for ReLU
networks: compiled as a loss with an eager backward, a ReLU whose input
needs a gradient but whose weights do not (the frozen Q-functions of a
policy loss) saves a boolean mask in a slow generated kernel
(benchmarks/inductor_kernels.py); in one graph the mask is computed where
the gradient uses it. Optimizers must be Adam or AdamW with one parameter
group and neither ``amsgrad``, ``maximize`` nor ``differentiable``
(``unsupported``); anything else keeps the compiled losses with an eager
backward and step (``rlpyt.algos.compile``), as do CUDA (CUDA
graphs there) and data-parallel training (DistributedDataParallel averages
gradients in hooks of the backward pass that ``torch.autograd.grad`` does
not run). The first step of a run, before the optimizer has created its
state, is eager.
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import torch

from rlpyt.algos.compile import cpu_inductor_options, own_code
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
    """``step(*inputs) -> (outputs, grad_norms)``: the gradient step of
    ``loss(*inputs)`` (a loss tensor, or a tuple whose first
    ``len(optimizers)`` elements are losses, the i-th trained by the i-th
    optimizer) as one compiled graph: the losses, each one's gradients with
    respect to its optimizer's parameters only (``torch.autograd.grad``),
    each clipped to its ``clip_grad_norms`` entry (None: not clipped); then
    every optimizer's fused Adam update. ``outputs`` are the loss
    function's, as a tuple, with the losses detached; ``grad_norms`` has
    each optimizer's norm before clipping (None where not clipped). A loss
    that reads another optimizer's parameters (SAC's policy loss, through
    the Q-functions) gives them no gradient, as an eager step with them
    frozen does. ``ready()`` says whether every optimizer has its state
    (the caller steps eagerly until then). The first call compiles, and its
    duration is logged and kept in ``compile_seconds``; ``calls`` counts
    the compiled steps."""

    def __init__(self, loss: Callable, optimizers: Sequence[torch.optim.Optimizer],
            clip_grad_norms: Sequence[float | None], name: str) -> None:
        if len(optimizers) != len(clip_grad_norms):
            raise ValueError(f"CompiledGradientStep {name}: {len(optimizers)} optimizers but "
                f"{len(clip_grad_norms)} clip_grad_norms")
        self.name = name
        self.optimizers = list(optimizers)
        self.clip_grad_norms = list(clip_grad_norms)
        self.compile_seconds = None
        self.calls = 0
        self._loss = loss
        self._params = [list(optimizer.param_groups[0]["params"]) for optimizer in self.optimizers]
        self._compiled = torch.compile(own_code(self._step), options=cpu_inductor_options())
        from torch._dynamo import config  # here, not at the top: seconds of imports that runs without compile skip
        self._dynamo_config = config

    def ready(self) -> bool:
        """Whether every parameter has its optimizer state (after the first step)."""
        return all(p in optimizer.state for optimizer, params in zip(self.optimizers, self._params)
            for p in params)

    def __call__(self, *inputs) -> tuple:
        """``(outputs, grad_norms)`` of one compiled gradient step."""
        config = self._dynamo_config
        tracing = config.trace_autograd_ops
        config.trace_autograd_ops = True  # torch.autograd.grad in the graph
        try:
            start = time.perf_counter()
            outputs, grad_norms, grads = self._compiled(*inputs)
        finally:
            config.trace_autograd_ops = tracing
        if self.compile_seconds is None:
            self.compile_seconds = time.perf_counter() - start
            logger.log(f"{self.name}: gradient step compiled (torch.compile: losses, gradients and their "
                f"clipping in one graph) in {self.compile_seconds:.1f} s at its first call")
        for optimizer, params, optimizer_grads in zip(self.optimizers, self._params, grads):
            adam_step(optimizer, params, optimizer_grads)
        self.calls += 1
        return outputs, grad_norms

    def _step(self, *inputs) -> tuple:
        outputs = self._loss(*inputs)
        outputs = (outputs,) if isinstance(outputs, torch.Tensor) else tuple(outputs)
        k = len(self.optimizers)
        grads, grad_norms = [], []
        for i, (loss, params, clip) in enumerate(zip(outputs[:k], self._params, self.clip_grad_norms)):
            loss_grads = list(torch.autograd.grad(loss, params, retain_graph=i < k - 1))
            grad_norms.append(None if clip is None else scale_to_norm(loss_grads, clip))
            grads.append(loss_grads)
        return (*(loss.detach() for loss in outputs[:k]), *outputs[k:]), tuple(grad_norms), grads


def adam_step(optimizer: torch.optim.Optimizer, params: list, grads: list) -> None:
    """``optimizer``'s step on ``grads``: ATen's fused Adam (AdamW) kernel,
    as ``torch.optim.Adam(fused=True).step()`` calls it, on the optimizer's
    own state tensors."""
    group = optimizer.param_groups[0]
    states = [optimizer.state[p] for p in params]
    steps = [state["step"] for state in states]
    torch._foreach_add_(steps, 1)
    decoupled = group.get("decoupled_weight_decay", isinstance(optimizer, torch.optim.AdamW))
    fused_adam = torch._fused_adamw_ if decoupled else torch._fused_adam_
    beta1, beta2 = group["betas"]
    fused_adam(params, grads, [state["exp_avg"] for state in states], [state["exp_avg_sq"] for state in states],
        [], steps, lr=group["lr"], beta1=beta1, beta2=beta2, weight_decay=group["weight_decay"],
        eps=group["eps"], amsgrad=False, maximize=False)
