"""The algorithm interface."""
from __future__ import annotations

import functools
import gc
from typing import Callable

import torch

from rlpyt.algos.compile import compile_methods, compile_mode, compiler_missing
from rlpyt.algos.compiled_step import CompiledGradientStep, unsupported
from rlpyt.algos.data_parallel import average_algo_gradients
from rlpyt.algos.gradients import backward_clip_step, clip_step
from rlpyt.replays.async_ import async_replay_class
from rlpyt.replays.samples import buffer_example, samples_to_buffer
from rlpyt.utils.checks import check_count, check_flag, check_number
from rlpyt.utils.logging import logger

_FUSABLE = (torch.optim.Adam, torch.optim.AdamW)


def make_optimizer(OptimCls, params, lr: float, optim_kwargs: dict) -> torch.optim.Optimizer:
    """``OptimCls(params, lr=lr, **optim_kwargs)``; Adam and AdamW get the
    fused implementation unless ``optim_kwargs`` choose one (``fused`` or
    ``foreach``): on small models it takes most of the per-step overhead off
    the optimizer (benchmarks/ppo_cartpole_solve.py)."""
    kwargs = dict(optim_kwargs)
    if OptimCls in _FUSABLE and "fused" not in kwargs and "foreach" not in kwargs:
        kwargs["fused"] = True
    return OptimCls(params, lr=lr, **kwargs)


def optimizer_params(optimizer: torch.optim.Optimizer) -> list:
    """The parameters ``optimizer`` trains (without walking the modules again)."""
    return [p for group in optimizer.param_groups for p in group["params"]]


def opt_info_lists(OptInfoCls, values: dict):
    """``OptInfoCls`` of lists of floats from ``values`` (field -> list of
    tensors, scalars or 1-d): one device-to-host copy per field per call."""
    return OptInfoCls(**{k: torch.cat([torch.as_tensor(x).reshape(-1) for x in v]).tolist() if v else []
        for k, v in values.items()})


class RlAlgorithm:
    """Trains an agent from batches of samples.

    ``opt_info_fields`` names the diagnostics that ``optimize_agent`` returns
    (a namedtuple of lists); ``bootstrap_value`` asks the sampler for values
    at batch ends and time-limit truncations. ``compiled_methods`` names the
    methods computing the losses, which the ``compile=True`` option of every
    algorithm replaces by their ``torch.compile`` versions (see
    ``rlpyt.algos.compile``).
    """

    opt_info_fields = ()
    bootstrap_value = False
    update_counter = 0
    compiled_methods = ()
    compile = False
    whole_step_compiles = False  # one ``loss``, one ``optimizer``: ``loss_step`` may compile the whole step
    compiled_steps = {}  # name -> CompiledGradientStep, where compile_update made them (``whole_steps``)

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Build optimizers (and replay buffers) for ``agent``."""
        raise NotImplementedError

    def optimize_agent(self, itr: int, samples):
        """Train on one batch; returns the OptInfo namedtuple of lists."""
        raise NotImplementedError

    def data_parallel(self, world_size: int) -> None:
        """Average the gradients over the ranks of the current process group
        (SyncRl calls this after ``initialize``): the agent's models in
        DistributedDataParallel (every rank first takes rank 0's agent
        state), and a hook on each parameter the algorithm's optimizers
        train beyond the agent's. Algorithms that put a whole update in one
        all-reduce override it (``rlpyt.algos.data_parallel.JointLoss``)."""
        self.agent.data_parallel()
        self._averaging_hooks = average_algo_gradients(self, self.agent, world_size)
        if self.compiled_steps:  # their torch.autograd.grad would skip the averaging hooks
            self.compiled_steps = {}
            compile_methods(self, self.compiled_methods, self.agent.device)

    _averaging_hooks = ()  # the handles of average_algo_gradients's hooks, under data_parallel

    def end_data_parallel(self) -> None:
        """Undo ``data_parallel`` before the process group goes (SyncRl calls
        this as each rank ends): plain models, no averaging hooks. Each
        DistributedDataParallel is released while the group still holds
        gloo's process group: released after it, its reducer would destroy
        the process group while holding the GIL, and a gloo worker thread
        still finishing an all-reduce that a backward pass launched waits
        for the GIL to free that all-reduce's captured state: a deadlock."""
        self.agent.end_data_parallel()
        for handle in self._averaging_hooks:
            handle.remove()
        self._averaging_hooks = ()
        gc.collect()  # a compiled loss's caches keep its DistributedDataParallel in reference cycles

    def whole_steps(self) -> dict:
        """The gradient steps that ``compile`` may compile whole on the CPU:
        name -> ``(loss function, optimizers, clip norms)``, the loss
        function's first outputs one loss per optimizer, each clipped at its
        norm (None: not clipped) (``rlpyt.algos.compiled_step``). With
        ``whole_step_compiles`` (one ``loss`` and one ``optimizer``) the
        step "loss", which ``loss_step`` runs; else none."""
        if not self.whole_step_compiles:
            return {}
        return {"loss": (self.loss, (self.optimizer,), (self.clip_grad_norm,))}

    def compile_update(self) -> None:
        """With ``compile``, compile the update for the agent's device (after
        the agent moved there): each of the ``whole_steps`` as one graph of
        losses, gradients and clipping, then the fused Adam kernels
        (``rlpyt.algos.compiled_step``), where the device (the CPU; CUDA has
        CUDA graphs) and the optimizers allow it, else the
        ``compiled_methods``; a warning and eager updates where no compiler
        works."""
        if not self.compile:
            return
        device = self.agent.device
        steps = self.whole_steps()
        if steps and compile_mode(device) is None and compiler_missing(device) is None:
            reasons = [reason for _, optimizers, _ in steps.values() for reason in map(unsupported, optimizers)
                if reason is not None]
            if not reasons:
                self.compiled_steps = {name: CompiledGradientStep(loss, optimizers, clip_grad_norms,
                    f"{type(self).__name__}.{name}") for name, (loss, optimizers, clip_grad_norms) in steps.items()}
                return
            logger.log(f"{type(self).__name__}(compile=True): the losses are compiled, the optimizers' steps "
                f"stay eager ({reasons[0]})")
        compile_methods(self, self.compiled_methods, device)

    def compiled_step(self, name: str) -> CompiledGradientStep | None:
        """The compiled whole step ``name`` once it can run (its optimizers
        have their state), else None: the caller steps eagerly."""
        step = self.compiled_steps.get(name)
        return step if step is not None and step.ready() else None

    @property
    def compile_seconds(self) -> float | None:
        """Seconds the compiled update took to compile at its first calls
        (None before they happened or without ``compile``)."""
        compiled = list(self.compiled_steps.values()) or [getattr(self, name) for name in self.compiled_methods]
        seconds = [c.compile_seconds for c in compiled if getattr(c, "compile_seconds", None) is not None]
        return sum(seconds) if seconds else None

    def loss_step(self, *inputs) -> tuple:
        """``gradient_step`` "loss": ``self.loss`` and ``self.optimizer``."""
        return self.gradient_step("loss", self.loss, self.optimizer, *inputs)

    def gradient_step(self, name: str, loss: Callable, optimizer: torch.optim.Optimizer, *inputs) -> tuple:
        """``(outputs, grad_norm)``: ``loss(*inputs)`` as a tuple (a tensor or
        a tuple whose first element is the loss, returned detached) and one
        step of ``optimizer`` on it: backward, gradients clipped at
        ``clip_grad_norm``, the optimizer's step; ``grad_norm`` is the norm
        before clipping. With ``compile`` all but the optimizer's kernel may
        be the compiled step ``name`` (``whole_steps``), from the
        optimizer's second step on."""
        step = self.compiled_step(name)
        if step is not None:
            outputs, (grad_norm,) = step(*inputs)
            return outputs, grad_norm
        outputs = loss(*inputs)
        outputs = (outputs,) if isinstance(outputs, torch.Tensor) else tuple(outputs)
        grad_norm = backward_clip_step(optimizer, outputs[0], optimizer_params(optimizer), self.clip_grad_norm)
        return (outputs[0].detach(), *outputs[1:]), grad_norm

    def optim_state_dict(self) -> dict:
        """The optimizer's state, for snapshots."""
        return self.optimizer.state_dict()

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Restore the optimizer's state."""
        self.optimizer.load_state_dict(state_dict)

    def checkpoint_state(self) -> tuple[dict, dict]:
        """``(state, arrays)`` a checkpoint keeps to continue training:
        optimizer states and counters (``arrays``: large numpy arrays, the
        replay buffer's, written without a copy)."""
        return dict(optim=self.optim_state_dict(), update_counter=self.update_counter), {}

    def load_checkpoint_state(self, state: dict, arrays: dict) -> None:
        """Continue from ``checkpoint_state()``'s output."""
        self.load_optim_state_dict(state["optim"])
        self.update_counter = state["update_counter"]

    @property
    def batch_size(self) -> int:
        """Samples per training batch."""
        return self._batch_size


class ReplayAlgorithm(RlAlgorithm):
    """An off-policy algorithm: the update loop every replay algorithm shares.

    Each iteration appends the sampler's batch to the replay buffer and, from
    ``min_steps_learn`` environment steps on, makes ``updates_per_optimize``
    updates of ``batch_size`` transitions, so that every sampled step is
    replayed ``replay_ratio`` times on average. Target networks move by
    ``target_update_tau`` every ``target_update_interval`` updates. A
    time-limit truncation is not terminal: targets bootstrap from the true
    final observation (``bootstrap_timelimit``; QPG algorithms may turn it off).
    Samplers whose environments wait for the batch's end (wait-reset
    collectors, ``mid_batch_reset`` False) work too: ``samples_to_buffer``
    marks the waiting steps invalid and the replay buffer never samples them.

    ``compile`` (off by default) compiles the loss computations with
    ``torch.compile`` (CUDA graphs on CUDA; see ``rlpyt.algos.compile``).

    Subclasses give: ``OptInfoCls`` (the diagnostics), ``update(samples,
    opt_info)`` (one gradient update on a replay batch: its loss, optimizer
    steps and diagnostics, appended as tensors), ``make_optimizers``,
    ``replay_buffer_class(example)``, and optionally ``agent_class``,
    ``give_agent_schedule`` and ``update_itr_hyperparams``.
    """

    agent_class = None  # the agent class (or a base of it) the algorithm trains; None: any
    bootstrap_timelimit = True
    OptInfoCls = None

    def __init__(self, discount: float, batch_size: int, min_steps_learn: int, replay_size: int,
            replay_ratio: float, target_update_tau: float, target_update_interval: int, n_step_return: int,
            OptimCls, optim_kwargs: dict | None, initial_optim_state_dict: dict | None, clip_grad_norm: float,
            updates_per_sync: int, ReplayBufferCls, compile: bool = False) -> None:
        """Check and keep the arguments every replay algorithm takes."""
        owner = type(self).__name__
        check_number(owner, "discount", discount, 0, 1)
        batch_size = check_count(owner, "batch_size", batch_size, 1)
        min_steps_learn = check_count(owner, "min_steps_learn", min_steps_learn, 0)
        replay_size = check_count(owner, "replay_size", replay_size, 1)
        check_number(owner, "replay_ratio", replay_ratio, 0)
        check_number(owner, "target_update_tau", target_update_tau, 0, 1)
        if target_update_tau == 0:
            raise ValueError(f"{owner}: target_update_tau must be in (0, 1], got 0")
        target_update_interval = check_count(owner, "target_update_interval", target_update_interval, 1)
        n_step_return = check_count(owner, "n_step_return", n_step_return, 1)
        check_number(owner, "clip_grad_norm", clip_grad_norm, 0)
        updates_per_sync = check_count(owner, "updates_per_sync", updates_per_sync, 1)
        if optim_kwargs is not None and not isinstance(optim_kwargs, dict):
            raise TypeError(f"{owner}: optim_kwargs must be a dict, got {type(optim_kwargs).__name__}")
        self.discount = discount
        self._batch_size = batch_size
        self.min_steps_learn = min_steps_learn
        self.replay_size = replay_size
        self.replay_ratio = replay_ratio
        self.target_update_tau = target_update_tau
        self.target_update_interval = target_update_interval
        self.n_step_return = n_step_return
        self.OptimCls = OptimCls
        self.optim_kwargs = dict(optim_kwargs or {})
        self.initial_optim_state_dict = initial_optim_state_dict
        self.clip_grad_norm = clip_grad_norm
        self.updates_per_sync = updates_per_sync
        self.ReplayBufferCls = ReplayBufferCls
        self.compile = check_flag(owner, "compile", compile)
        self.update_counter = 0

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Check the agent and the sampler; derive the update schedule; give
        the agent its exploration schedule; build the replay buffer from the
        sampler's ``examples`` and the optimizers."""
        self.initialize_replay(agent=agent, n_itr=n_itr, batch_spec=batch_spec,
            mid_batch_reset=mid_batch_reset, examples=examples)
        self.optim_initialize(rank=rank)

    def initialize_replay(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool, examples,
            shared: bool = False, lock_abort=None) -> None:
        """``initialize`` but the optimizers; ``shared`` builds the replay
        buffer in shared memory (``rlpyt.replays.async_``; ``lock_abort``: a
        flag that ends waits on its lock)."""
        owner = type(self).__name__
        if self.agent_class is not None and not isinstance(agent, self.agent_class):
            raise TypeError(f"{owner} trains a {self.agent_class.__name__} (or a subclass), "
                f"got {type(agent).__name__}")
        if examples is None:
            raise ValueError(f"{owner}.initialize: examples (from sampler.initialize) are required "
                f"to build the replay buffer")
        self.agent = agent
        self.n_itr = n_itr
        self.batch_spec = batch_spec
        self.mid_batch_reset = mid_batch_reset
        self.updates_per_optimize = max(1, round(self.replay_ratio * batch_spec.size / self.batch_size))
        self.min_itr_learn = int(self.min_steps_learn // batch_spec.size)
        self.give_agent_schedule(agent, batch_spec)
        self.shared_replay = shared
        self.replay_lock_abort = lock_abort
        self.initialize_replay_buffer(examples, batch_spec)

    def async_initialize(self, agent, sampler_n_itr: int, batch_spec, mid_batch_reset: bool, examples,
            world_size: int = 1, lock_abort=None):
        """AsyncRl's first half of ``initialize``, before the sampler process
        starts: the schedule and the replay buffer in shared memory; returns
        the buffer. The runner paces the updates: each ``optimize_agent``
        call makes ``updates_per_sync`` of them."""
        self.initialize_replay(agent=agent, n_itr=sampler_n_itr, batch_spec=batch_spec,
            mid_batch_reset=mid_batch_reset, examples=examples, shared=True, lock_abort=lock_abort)
        self.updates_per_optimize = self.updates_per_sync
        self.min_itr_learn = 0
        return self.replay_buffer

    def optim_initialize(self, rank: int = 0) -> None:
        """Build the optimizers (after the agent moved to its device) and load
        ``initial_optim_state_dict``."""
        self.rank = rank
        self.make_optimizers()
        if self.initial_optim_state_dict is not None:
            self.load_optim_state_dict(self.initial_optim_state_dict)
        self.compile_update()

    def give_agent_schedule(self, agent, batch_spec) -> None:
        """Hook: hand the agent its exploration schedule (in iterations)."""

    def replay_buffer_class(self, example):
        """The buffer class for one step ``example`` of what is stored (subclasses)."""
        raise NotImplementedError

    def replay_buffer_kwargs(self) -> dict:
        """Keyword arguments of the buffer beyond example, size, B, discount
        and n_step_return (e.g. prioritized replay's)."""
        return {}

    def initialize_replay_buffer(self, examples, batch_spec) -> None:
        """Build ``replay_buffer`` (``ReplayBufferCls`` if given) for the sampler's examples."""
        example = buffer_example(examples)
        ReplayBufferCls = self.ReplayBufferCls or self.replay_buffer_class(example)
        self.replay_buffer = self.make_replay_buffer(ReplayBufferCls, example=example, size=self.replay_size,
            B=batch_spec.B, discount=self.discount, n_step_return=self.n_step_return,
            **self.replay_buffer_kwargs())

    def make_replay_buffer(self, ReplayBufferCls, **kwargs):
        """``ReplayBufferCls(**kwargs)``, or under AsyncRl (``shared_replay``)
        its shared-memory version (``async_replay_class``) with the run's
        lock-abort flag: every buffer is built through here."""
        if not getattr(self, "shared_replay", False):
            return ReplayBufferCls(**kwargs)
        return async_replay_class(ReplayBufferCls)(lock_abort=self.replay_lock_abort, **kwargs)

    def make_optimizers(self) -> None:
        """Build the optimizers (subclasses)."""
        raise NotImplementedError

    def new_optimizer(self, params, lr: float) -> torch.optim.Optimizer:
        """An ``OptimCls`` optimizer (fused Adam by default) over ``params``."""
        return make_optimizer(self.OptimCls, params, lr, self.optim_kwargs)

    def optimize_agent(self, itr: int, samples=None, sampler_itr: int | None = None):
        """Store ``samples``; once enough are stored, make ``updates_per_optimize``
        updates, moving the targets every ``target_update_interval``; returns
        the OptInfo of lists. Under AsyncRl (no ``samples``) hyperparameter
        schedules follow the sampler's iteration ``sampler_itr``."""
        if samples is not None:
            self.replay_buffer.append_samples(self.samples_to_buffer(samples))
        opt_info = {field: [] for field in self.OptInfoCls._fields}
        if itr >= self.min_itr_learn:
            for samples in self.replay_buffer.iter_batches(self.replay_batch_size, self.updates_per_optimize):
                self.update(samples, opt_info)
                self.update_counter += 1
                if self.update_counter % self.target_update_interval == 0:
                    self.agent.update_target(self.target_update_tau)
        self.update_itr_hyperparams(itr if sampler_itr is None else sampler_itr)
        return opt_info_lists(self.OptInfoCls, opt_info)

    def samples_to_buffer(self, samples):
        """What the replay buffer stores of the sampler's ``samples``, with
        the ``valid`` mask of the waiting steps when the sampler's
        environments do not reset mid-batch."""
        return samples_to_buffer(samples, mid_batch_reset=self.mid_batch_reset)

    def samples_to_buffer_function(self):
        """A picklable function doing ``samples_to_buffer`` in another process
        (AsyncRl's sampler process, which has no algorithm): algorithms whose
        ``samples_to_buffer`` needs more than ``mid_batch_reset`` override it."""
        return functools.partial(samples_to_buffer, mid_batch_reset=self.mid_batch_reset)

    @property
    def replay_batch_size(self) -> int:
        """What a training batch holds: ``batch_size`` transitions
        (sequence replay: ``batch_B`` sequences)."""
        return self.batch_size

    def sample_replay_batch(self):
        """One training batch from the replay buffer."""
        return self.replay_buffer.sample_batch(self.replay_batch_size)

    def update(self, samples, opt_info: dict) -> None:
        """One gradient update on a replay batch, appending diagnostics (subclasses)."""
        raise NotImplementedError

    def update_itr_hyperparams(self, itr: int) -> None:
        """Hook: anneal per-iteration hyperparameters after the updates."""

    def clip_step(self, optimizer: torch.optim.Optimizer) -> torch.Tensor:
        """``clip_step`` of ``optimizer``'s parameters at ``clip_grad_norm``
        (after a backward through them); returns the norm before clipping."""
        return clip_step(optimizer, optimizer_params(optimizer), self.clip_grad_norm)

    def checkpoint_state(self) -> tuple[dict, dict]:
        """Optimizers and counters, and the replay buffer (its arrays named ``replay.*``)."""
        state, arrays = super().checkpoint_state()
        replay_state, replay_arrays = self.replay_buffer.checkpoint_state()
        state["replay"] = replay_state
        arrays.update({f"replay.{name}": array for name, array in replay_arrays.items()})
        return state, arrays

    def load_checkpoint_state(self, state: dict, arrays: dict) -> None:
        """Continue from ``checkpoint_state()``'s output, replay buffer included."""
        super().load_checkpoint_state(state, arrays)
        prefix = "replay."
        self.replay_buffer.load_checkpoint_state(state["replay"],
            {name[len(prefix):]: array for name, array in arrays.items() if name.startswith(prefix)})

    def bootstrap_discount(self, samples) -> torch.Tensor:
        """The discount of each transition's bootstrap value, 0 where the
        target does not bootstrap: ``discount ** n`` unless the n-step
        window holds a terminal state (``done_n``); a window that ended at a
        time-limit truncation bootstraps from the true final observation
        (when ``bootstrap_timelimit``), at ``discount ** bootstrap_steps``."""
        timeout_n = getattr(samples, "timeout_n", None)
        if timeout_n is None or not self.bootstrap_timelimit:
            return torch.where(samples.done_n, 0.0, self.discount ** self.n_step_return)
        discount_n = self.discount ** samples.bootstrap_steps.float()
        return torch.where(~samples.done_n | timeout_n, discount_n, 0.0)
