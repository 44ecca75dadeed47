"""The agent interface: a model plus an action distribution, used by samplers
(``step``, no gradients) and by algorithms (``__call__``, with gradients)."""
from __future__ import annotations

import copy
import functools
from typing import Callable

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from rlpyt.models.utils import strip_ddp_state_dict
from rlpyt.utils.buffer import buffer_func, buffer_to
from rlpyt.utils.collections import namedarraytuple

AgentInputs = namedarraytuple("AgentInputs", ["observation", "prev_action", "prev_reward"])
AgentInputsRnn = namedarraytuple("AgentInputsRnn",
    ["observation", "prev_action", "prev_reward", "init_rnn_state"])
AgentStep = namedarraytuple("AgentStep", ["action", "agent_info"])

def no_grad_step(method: Callable) -> Callable:
    """``torch.no_grad()`` as a decorator for the agent methods samplers call
    at every step: where gradients are already off (the collectors run their
    batches under ``torch.no_grad()``) the call goes straight through, which
    saves entering and leaving a fresh grad-mode context per step."""
    @functools.wraps(method)
    def without_grad(*args, **kwargs):
        if not torch.is_grad_enabled():
            return method(*args, **kwargs)
        with torch.no_grad():
            return method(*args, **kwargs)
    return without_grad


def model_reads_prev_action(model: torch.nn.Module) -> bool:
    """Whether ``model``'s forward reads its ``prev_action`` argument: True
    unless the model's own class declares ``uses_prev_action = False`` (the
    feed-forward models here, which ignore it). A subclass does not inherit
    the declaration, as it may override ``forward`` to read the action.
    Agents of discrete actions skip one-hot encoding the previous action for
    a model that does not read it (an indexing op per step and per update)."""
    return vars(type(unwrap_ddp(model))).get("uses_prev_action", True)


def unwrap_ddp(module: torch.nn.Module) -> torch.nn.Module:
    """The module inside a DistributedDataParallel wrapper (``module`` itself
    when it is not wrapped)."""
    return module.module if isinstance(module, DistributedDataParallel) else module


def wrap_ddp(module: torch.nn.Module, device: torch.device) -> DistributedDataParallel:
    """``module`` in DistributedDataParallel on the current process group:
    gradients are averaged over the ranks during backward. Buffers are not
    broadcast at each forward (a forward on one rank alone, e.g. rank 0's
    evaluation, needs no other rank)."""
    device_ids = None if device.type == "cpu" else [device.index]
    return DistributedDataParallel(module, device_ids=device_ids, forward_sync_buffers=False)


def stored_rnn_state(prev_rnn_state, rnn_state, unbatched: bool):
    """What a recurrent agent's ``step`` records of the state it started
    from: ``prev_rnn_state`` (zeros like ``rnn_state`` when None, i.e. after
    a reset) batch-first, [B, N, H] leaves to fit the [T, B] samples buffer
    ([N, H] for an ``unbatched`` step on one environment)."""
    if prev_rnn_state is None:
        prev_rnn_state = buffer_func(rnn_state, torch.zeros_like)
    stored = buffer_func(prev_rnn_state, lambda s: s.transpose(0, 1))
    return buffer_func(stored, lambda s: s.squeeze(0)) if unbatched else stored


def _state_tensors(state: dict):
    """Every tensor of a (possibly nested) state dict, in key order."""
    for value in state.values():
        if isinstance(value, dict):
            yield from _state_tensors(value)
        elif isinstance(value, torch.Tensor):
            yield value


class BaseAgent:
    """Holds the model, builds it from the environment's spaces, moves it
    between devices and switches between sample, train and eval modes.

    ``ModelCls(**env_model_kwargs, **model_kwargs)`` builds the model in
    ``initialize``; ``make_env_to_model_kwargs`` derives the env part.
    """

    recurrent = False
    alternating = False

    def __init__(self, ModelCls=None, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        if ModelCls is not None and not callable(ModelCls):
            raise TypeError(f"{type(self).__name__}: ModelCls must be a class, got {ModelCls!r}")
        if model_kwargs is not None and not isinstance(model_kwargs, dict):
            raise TypeError(f"{type(self).__name__}: model_kwargs must be a dict, "
                f"got {type(model_kwargs).__name__}")
        self.ModelCls = ModelCls
        self.model_kwargs = dict(model_kwargs or {})
        self.initial_model_state_dict = initial_model_state_dict
        self.model = None
        self.shared_model = None
        self.distribution = None
        self.device = torch.device("cpu")
        self.env_spaces = None
        self._mode = None

    def __call__(self, observation, prev_action, prev_reward):
        """Training-time forward pass (with gradients)."""
        raise NotImplementedError

    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Sampling-time action selection (no gradients); returns CPU tensors."""
        raise NotImplementedError

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Model constructor kwargs derived from the env spaces."""
        return {}

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Build the model for these env spaces (in shared memory if asked)."""
        self.env_spaces = env_spaces
        self.env_model_kwargs = self.make_env_to_model_kwargs(env_spaces)
        self.model = self.ModelCls(**self.env_model_kwargs, **self.model_kwargs)
        if self.initial_model_state_dict is not None:
            self.model.load_state_dict(self.initial_model_state_dict)
        if share_memory:
            self.model.share_memory()
            self.shared_model = self.model
        self.share_memory = share_memory
        self.global_B = global_B
        self.env_ranks = env_ranks

    def to_device(self, cuda_idx: int | None = None) -> None:
        """Move the model to GPU ``cuda_idx`` (stays on the CPU for None).

        A model in shared memory stays there, on the CPU, for the sampler's
        workers; the GPU gets a copy, and ``sync_shared_memory`` copies the
        trained weights back before each batch."""
        if cuda_idx is None:
            return
        self.device = torch.device("cuda", index=cuda_idx)
        if self.shared_model is self.model:
            self.model = copy.deepcopy(self.shared_model)
        self.model.to(self.device)

    def to_model_device(self, inputs):
        """Move a buffer of inputs to the model's device (no-op on the CPU)."""
        return inputs if self.device.type == "cpu" else buffer_to(inputs, device=self.device)

    def to_cpu(self, outputs):
        """Move a buffer of outputs to the CPU (no-op when already there)."""
        return outputs if self.device.type == "cpu" else buffer_to(outputs, device="cpu")

    def parameters(self):
        """The model's parameters (what the optimizer trains)."""
        return self.model.parameters()

    def named_parameters(self):
        """The model's named parameters (names as without data parallelism)."""
        return unwrap_ddp(self.model).named_parameters()

    def state_dict(self) -> dict:
        """The model's state, for snapshots (keys as without data
        parallelism: a snapshot loads into a single-process agent)."""
        return unwrap_ddp(self.model).state_dict()

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the model's state from ``state_dict`` (a data-parallel
        model's ``module.`` prefixes are accepted)."""
        unwrap_ddp(self.model).load_state_dict(strip_ddp_state_dict(state_dict))

    def data_parallel(self) -> None:
        """Make the agent's trained model(s) data-parallel over the current
        torch.distributed process group (SyncRl): every rank first takes
        rank 0's whole state (models and target models, so that ranks seeded
        differently start equal), then each trained model is wrapped in
        DistributedDataParallel, which averages gradients over the ranks
        during backward. Target models stay unwrapped. The optimizer may be
        built before or after: parameters are the same tensors."""
        self.broadcast_state()
        self.model = wrap_ddp(unwrap_ddp(self.model), self.device)

    def end_data_parallel(self) -> None:
        """The trained model(s) unwrapped again (``data_parallel`` undone;
        ``RlAlgorithm.end_data_parallel`` says why this comes before the
        process group is destroyed)."""
        self.model = unwrap_ddp(self.model)

    @torch.no_grad()
    def broadcast_state(self) -> None:
        """Copy rank 0's ``state_dict()`` tensors into every rank, in place."""
        for tensor in _state_tensors(self.state_dict()):
            dist.broadcast(tensor, src=0)

    def checkpoint_state(self) -> dict:
        """What a checkpoint keeps of the agent: ``state_dict()`` (models,
        target models, running statistics)."""
        return dict(state_dict=self.state_dict())

    def load_checkpoint_state(self, state: dict) -> None:
        """Continue from ``checkpoint_state()``'s output."""
        self.load_state_dict(state["state_dict"])

    def train_mode(self, itr: int) -> None:
        """Mode for the algorithm's optimization."""
        self.model.train()
        self._mode = "train"

    def sample_mode(self, itr: int) -> None:
        """Mode for collecting training samples."""
        self.model.eval()
        self._mode = "sample"

    def eval_mode(self, itr: int) -> None:
        """Mode for evaluation."""
        self.model.eval()
        self._mode = "eval"

    def reset(self) -> None:
        """Forget any per-environment state (all environments)."""

    def reset_one(self, idx: int) -> None:
        """Forget the per-environment state of environment ``idx``."""

    def collector_initialize(self, global_B: int = 1, env_ranks: list | None = None) -> None:
        """Called in each sampler worker with the global ranks of the
        environments that worker steps (for per-environment settings)."""
        self.global_B = global_B
        self.env_ranks = env_ranks

    def sample_mode_state(self) -> dict:
        """Settings that steer ``sample_mode`` and that an algorithm may give
        the agent after the sampler's workers took their copies of it
        (exploration schedules). A CpuSampler sends them to its workers with
        every batch, so worker copies explore as the trained agent would."""
        return {}

    def load_sample_mode_state(self, state: dict) -> None:
        """Take the trained agent's ``sample_mode_state()`` (in a sampler worker)."""

    def sync_shared_memory(self) -> None:
        """Copy the trained model into the shared-memory model used by workers."""
        model = unwrap_ddp(self.model)
        if self.shared_model is not None and self.shared_model is not model:
            self.shared_model.load_state_dict(model.state_dict())


class RecurrentAgentMixin:
    """Rnn-state bookkeeping for recurrent agents (put it first in the bases).

    The agent keeps the rnn state of its B environments (leaves [N, B, H])
    between ``step`` calls, one state per mode: sampling, evaluation and
    training never see each other's state, and entering ``eval_mode`` starts
    evaluation from zeros (every evaluation starts fresh episodes).
    ``reset()`` forgets the current mode's state, ``reset_one(idx)`` zeroes
    environment ``idx``'s part of it.
    """

    recurrent = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rnn_states = {"sample": None, "train": None, "eval": None}

    @property
    def _rnn_key(self) -> str:
        return self._mode or "sample"

    @property
    def prev_rnn_state(self):
        """The current mode's rnn state (None: zeros, after a reset)."""
        return self._rnn_states.get(self._rnn_key)

    def advance_rnn_state(self, new_rnn_state) -> None:
        """Make ``new_rnn_state`` the current mode's state."""
        self._rnn_states[self._rnn_key] = new_rnn_state

    def reset(self) -> None:
        """Forget the current mode's rnn state (all environments)."""
        super().reset()
        self._rnn_states[self._rnn_key] = None

    def reset_one(self, idx: int) -> None:
        """Zero environment ``idx``'s rnn state in the current mode."""
        super().reset_one(idx)
        state = self.prev_rnn_state
        if state is not None:
            state[:, idx] = 0

    def eval_mode(self, itr: int) -> None:
        """Enter eval mode with a zero evaluation state."""
        super().eval_mode(itr)
        self._rnn_states["eval"] = None

    def checkpoint_state(self) -> dict:
        """Also the rnn state of every mode (environments mid-episode go on
        with the state they had)."""
        return dict(super().checkpoint_state(), rnn_states=dict(self._rnn_states))

    def load_checkpoint_state(self, state: dict) -> None:
        """Continue from ``checkpoint_state()``'s output, rnn states included."""
        super().load_checkpoint_state(state)
        self._rnn_states = {mode: None if rnn_state is None else buffer_to(rnn_state, self.device)
            for mode, rnn_state in state["rnn_states"].items()}  # checkpoints load on the CPU

    def model_over_resets(self, model_inputs: tuple, init_rnn_state, reset=None) -> tuple:
        """The model over [T, B] inputs from ``init_rnn_state`` ([N, B, H]),
        zeroing each environment's state where ``reset`` [T, B] is True, as
        ``reset_one`` did while sampling (``reset[t]``: the environment
        restarted after step t-1; ``reset[0]`` is ignored, the stored initial
        state already holds it). The sequence is split only at the time steps
        where some environment resets; returns the model's outputs over all
        T steps, the last one being the final rnn state."""
        starts = [] if reset is None else (torch.nonzero(reset[1:].reshape(reset.shape[0] - 1, -1)
            .any(dim=1)).flatten() + 1).tolist()
        if not starts:
            return self.model(*model_inputs, init_rnn_state)
        bounds = [0, *starts, reset.shape[0]]
        pieces, state = [], init_rnn_state
        for t0, t1 in zip(bounds[:-1], bounds[1:]):
            if t0 > 0:
                keep = torch.logical_not(reset[t0]).to(self.device)
                state = buffer_func(state, lambda s: s * keep.view((1, -1) + (1,) * (s.dim() - 2)).to(s.dtype))
            *outputs, state = self.model(*[x[t0:t1] for x in model_inputs], state)
            pieces.append(outputs)
        return (*[torch.cat(parts, dim=0) for parts in zip(*pieces)], state)


class AlternatingRecurrentAgentMixin(RecurrentAgentMixin):
    """A recurrent agent for the AlternatingSampler: while sampling it keeps
    one rnn state per half of the environments, and the sampler says which
    half it is acting for with ``set_alternating_half`` (put it first in the
    bases)."""

    alternating = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._half = 0

    def set_alternating_half(self, half: int) -> None:
        """Act for environment half ``half`` (0 or 1) from now on."""
        self._half = half

    @property
    def _rnn_key(self):
        mode = self._mode or "sample"
        return (mode, self._half) if mode == "sample" else mode
