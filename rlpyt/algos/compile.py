"""The compiled path of the algorithms' updates (the ``compile=True`` option).

On the CPU every algorithm but A2C compiles its whole gradient steps
(losses, gradients and clipping in one graph, then the fused Adam kernel:
``rlpyt.algos.compiled_step``, ``RlAlgorithm.whole_steps``) where its
optimizers are Adam or AdamW. Otherwise (CUDA, data-parallel training,
other optimizers) the methods that compute the losses, named in
``compiled_methods`` (``loss``; the QPG algorithms ``q_loss`` and
``mu_loss`` / ``pi_loss``), are each replaced on the instance by
``torch.compile`` of it, so that the model's forward pass, the loss and
(through AOTAutograd) the backward pass run as generated kernels. On CUDA the
mode is "reduce-overhead" (CUDA graphs). On the CPU inductor's option
``cpp.use_decompose_tanh`` computes tanh from one exponential: inductor's
default tanh (SLEEF's) is the largest kernel of a tanh MLP's forward pass,
about 4x the decomposed one once the compiled call's own overhead is taken
off (benchmarks/inductor_kernels.py), and the two differ from eager's tanh
by at most 2e-7. The optimizer step stays the fused Adam kernel
``make_optimizer`` builds (``rlpyt.algos.compiled_step`` calls that kernel
after its graph). Where no compiler works (no C++ compiler for inductor's
CPU code, no Triton for CUDA, a Python that TorchDynamo does not support)
the algorithm warns, naming what is missing, and stays eager.
"""
from __future__ import annotations

import time
import types
import warnings
from typing import Callable

import torch

from rlpyt.utils.logging import logger


def compiler_missing(device: torch.device) -> str | None:
    """Why ``torch.compile`` cannot generate code for ``device`` here, or
    None when it can (checked without compiling anything)."""
    import torch._dynamo

    if not torch._dynamo.is_dynamo_supported():
        return "TorchDynamo does not support this Python version"
    if device.type == "cuda":
        from torch.utils._triton import has_triton

        return None if has_triton() else "Triton (inductor's CUDA code generator) is not installed"
    from torch._inductor.cpp_builder import get_cpp_compiler

    try:
        get_cpp_compiler()
    except Exception as error:  # inductor raises its own InvalidCxxCompiler
        return f"no C++ compiler for inductor's CPU kernels ({error}; install gcc or set CXX)"
    return None


def compile_mode(device: torch.device) -> str | None:
    """The ``torch.compile`` mode for ``device``: CUDA graphs
    ("reduce-overhead") on CUDA, the default elsewhere."""
    return "reduce-overhead" if device.type == "cuda" else None


def cpu_inductor_options() -> dict:
    """Inductor's options for CPU code: tanh from one exponential (see the
    module's docstring)."""
    return {"cpp.use_decompose_tanh": True}


def own_code(fn: Callable) -> Callable:
    """``fn`` (a function or bound method) with a code object of its own, for
    ``torch.compile``: TorchDynamo keeps the graphs it compiled, and their
    recompile limit (8), on the code object, so the compiled methods of
    several instances (every algorithm object in a process) would share
    one cache, each instance a recompilation in it, and from the ninth on
    run eagerly with only a warning. Builtins come back unchanged."""
    func = getattr(fn, "__func__", fn)
    if not isinstance(func, types.FunctionType):
        return fn
    copy = types.FunctionType(func.__code__.replace(), func.__globals__, func.__name__, func.__defaults__,
        func.__closure__)
    copy.__kwdefaults__ = func.__kwdefaults__
    copy.__qualname__ = func.__qualname__
    self = getattr(fn, "__self__", None)
    return copy if self is None else types.MethodType(copy, self)


class CompiledMethod:
    """``torch.compile`` of one bound method. The first call (when the
    compilation happens) is timed and its duration logged, so a run's log
    says what compiling cost; ``compile_seconds`` keeps it.

    Under CUDA graphs ("reduce-overhead") each call starts a new graph step
    and the outputs that take no gradient (diagnostics kept in the OptInfo
    lists) are cloned, since the next replay overwrites the graph's output
    memory; the loss is used by its backward before the next call.
    """

    def __init__(self, method: Callable, name: str, mode: str | None) -> None:
        self.name = name
        self.mode = mode
        self.compile_seconds = None
        self.options = None if mode else cpu_inductor_options()
        self._compiled = torch.compile(own_code(method), mode=mode, options=self.options)

    def __call__(self, *args, **kwargs):
        """The compiled method's outputs (compiling at the first call)."""
        if self.compile_seconds is not None:
            return self._call(*args, **kwargs)
        start = time.perf_counter()
        outputs = self._call(*args, **kwargs)
        self.compile_seconds = time.perf_counter() - start
        logger.log(f"{self.name}: compiled (torch.compile, mode {self.mode or 'default'}) "
            f"in {self.compile_seconds:.1f} s at its first call")
        return outputs

    def _call(self, *args, **kwargs):
        if self.mode != "reduce-overhead":
            return self._compiled(*args, **kwargs)
        torch.compiler.cudagraph_mark_step_begin()
        outputs = self._compiled(*args, **kwargs)
        if isinstance(outputs, tuple):
            return tuple(_own_memory(x) for x in outputs)
        return _own_memory(outputs)


def _own_memory(x):
    """``x`` cloned when it is a tensor without gradient (a CUDA graph's
    output memory is reused by its next replay); anything else as it is."""
    return x.clone() if isinstance(x, torch.Tensor) and not x.requires_grad else x


def compile_methods(algo, names: tuple, device: torch.device) -> bool:
    """Replace each method of ``algo`` named in ``names`` by its compiled
    version; returns False (after a warning naming what is missing) where
    no compiler works, leaving the methods eager."""
    owner = type(algo).__name__
    missing = compiler_missing(device)
    if missing is not None:
        warnings.warn(f"{owner}(compile=True): cannot compile the update, {missing}; "
            f"running it eagerly", RuntimeWarning, stacklevel=3)
        return False
    mode = compile_mode(device)
    for name in names:
        setattr(algo, name, CompiledMethod(getattr(algo, name), f"{owner}.{name}", mode))
    return True
