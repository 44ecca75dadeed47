"""Multi-layer perceptron."""
from __future__ import annotations

from typing import Sequence

import torch
from torch.nn.modules import module as _module

_has_any_global_hook = getattr(_module, "_has_any_global_hook", lambda: True)


def _plain(module: torch.nn.Module) -> bool:
    """Whether calling ``module`` does nothing but its ``forward``: no hook
    of its own and no ``module.compile()``."""
    return not (module._forward_pre_hooks or module._forward_hooks or module._backward_pre_hooks
        or module._backward_hooks or module._compiled_call_impl is not None)


def run_layers(layers: torch.nn.Sequential, input: torch.Tensor) -> torch.Tensor:
    """``layers(input)``, calling each layer's ``forward`` directly when
    calling the layers would do nothing else (no module hook, global or on
    ``layers`` or a layer, no ``compile()``d layer, no JIT tracing). A
    module call costs about a microsecond of Python, a large share of a
    small MLP's forward pass on the few rows of a sampler step
    (benchmarks/sampler_breakdown.py times the agent's step). Where PyTorch
    lacks the global hook check this relies on, the layers are called as
    usual."""
    modules = layers._modules.values()
    if (_has_any_global_hook() or torch._C._get_tracing_state() or not _plain(layers)
            or not all(map(_plain, modules))):
        return layers(input)
    for layer in modules:
        input = layer.forward(input)
    return input


class MlpModel(torch.nn.Module):
    """Fully connected layers with a nonlinearity after each hidden layer.

    ``hidden_sizes`` may be an int or a sequence (empty for a linear model);
    without ``output_size`` the last hidden layer is the output (and
    ``output_size`` reports its width).
    """

    def __init__(self, input_size: int, hidden_sizes: int | Sequence[int] | None,
            output_size: int | None = None, nonlinearity=torch.nn.ReLU) -> None:
        super().__init__()
        if isinstance(hidden_sizes, int):
            hidden_sizes = [hidden_sizes]
        hidden_sizes = list(hidden_sizes or [])
        for name, size in [("input_size", input_size), ("output_size", output_size)] + [
                ("hidden_sizes", h) for h in hidden_sizes]:
            if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
                raise ValueError(f"MlpModel: {name} must hold positive ints, got {size!r}")
        layers = []
        last = input_size
        for size in hidden_sizes:
            layers += [torch.nn.Linear(last, size), nonlinearity()]
            last = size
        if output_size is not None:
            layers.append(torch.nn.Linear(last, output_size))
            last = output_size
        self.model = torch.nn.Sequential(*layers)
        self._output_size = last

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Apply the layers to the last dim of ``input`` (``run_layers``)."""
        return run_layers(self.model, input)

    @property
    def output_size(self) -> int:
        """Width of the output."""
        return self._output_size
