"""How an algorithm's gradients are averaged over the ranks of a SyncRl run.

By default the agent's trained models are wrapped in DistributedDataParallel
(``agent.data_parallel()``) and the algorithm's own parameters (e.g. a
learned temperature) average their gradients with a hook each. An algorithm
whose update backpropagates one loss through several models can instead
wrap them all in one ``JointLoss``: one DistributedDataParallel over it puts
every gradient of the update in one all-reduce, which matters where the
all-reduce's latency, not its size, dominates (gloo on CPU: about 0.3-0.6 ms
per all-reduce of SAC's gradients on this project's machine,
benchmarks/sync_scaling.py).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.distributed as dist


class JointLoss(torch.nn.Module):
    """The modules and parameters that one loss function trains, held as one
    module whose forward is that function. ``parts`` (name -> module or
    parameter) register what DistributedDataParallel averages; ``loss_fn``
    computes the loss from them (through whatever objects hold them)."""

    def __init__(self, loss_fn: Callable, **parts) -> None:
        super().__init__()
        for name, part in parts.items():
            if isinstance(part, torch.nn.Parameter):
                self.register_parameter(name, part)
            elif isinstance(part, torch.nn.Module):
                self.add_module(name, part)
            else:
                raise TypeError(f"JointLoss: part {name!r} must be a torch.nn.Module or Parameter, "
                    f"got {type(part).__name__}")
        self.loss_fn = loss_fn

    def forward(self, *args, **kwargs):
        """``loss_fn(*args, **kwargs)``."""
        return self.loss_fn(*args, **kwargs)


def average_algo_gradients(algo, agent, world_size: int) -> list:
    """Average over the ranks, during backward, the gradients of parameters
    that the algorithm's optimizers train and the agent does not hold:
    data-parallel models average their own. Returns the hooks' handles."""
    agent_params = {id(p) for p in agent.parameters()}
    optimizers = [v for v in vars(algo).values() if isinstance(v, torch.optim.Optimizer)]
    return [param.register_post_accumulate_grad_hook(_AverageGradient(world_size))
        for optimizer in optimizers for group in optimizer.param_groups for param in group["params"]
        if id(param) not in agent_params and param.requires_grad]


class _AverageGradient:
    """Post-accumulate-grad hook: all-reduce the gradient and divide by the world size."""

    def __init__(self, world_size: int) -> None:
        self.world_size = world_size

    def __call__(self, param: torch.Tensor) -> None:
        dist.all_reduce(param.grad)
        param.grad.div_(self.world_size)
