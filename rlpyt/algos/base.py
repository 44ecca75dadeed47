"""The algorithm interface."""
from __future__ import annotations

import torch

from rlpyt.utils.checks import check_count, check_number

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


class RlAlgorithm:
    """Trains an agent from batches of samples.

    ``opt_info_fields`` names the diagnostics that ``optimize_agent`` returns
    (a namedtuple of lists); ``bootstrap_value`` asks the sampler for values
    at batch ends and time-limit truncations.
    """

    opt_info_fields = ()
    bootstrap_value = False
    update_counter = 0

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Build optimizers (and replay buffers) for ``agent``."""
        raise NotImplementedError

    def optimize_agent(self, itr: int, samples):
        """Train on one batch; returns the OptInfo namedtuple of lists."""
        raise NotImplementedError

    def optim_state_dict(self) -> dict:
        """The optimizer's state, for snapshots."""
        return self.optimizer.state_dict()

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Restore the optimizer's state."""
        self.optimizer.load_state_dict(state_dict)

    @property
    def batch_size(self) -> int:
        """Samples per training batch."""
        return self._batch_size


class ReplayAlgorithm(RlAlgorithm):
    """An off-policy algorithm: samples go to a replay buffer, and each
    iteration runs ``updates_per_optimize`` updates of ``batch_size`` so that
    every sampled step is replayed ``replay_ratio`` times on average, from
    ``min_steps_learn`` steps on. Target networks move by
    ``target_update_tau`` every ``target_update_interval`` updates."""

    def __init__(self, discount: float, batch_size: int, min_steps_learn: int, replay_size: int,
            replay_ratio: float, target_update_tau: float, target_update_interval: int, n_step_return: int,
            OptimCls, optim_kwargs: dict | None, initial_optim_state_dict: dict | None, clip_grad_norm: float,
            updates_per_sync: int, ReplayBufferCls) -> None:
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
        self.updates_per_sync = updates_per_sync  # used by asynchronous runners
        self.ReplayBufferCls = ReplayBufferCls
        self.update_counter = 0

    def initialize_schedule(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool,
            examples) -> None:
        """Check the sampler suits replay and derive the update schedule."""
        owner = type(self).__name__
        if not mid_batch_reset:
            raise ValueError(f"{owner}: needs a sampler whose environments reset mid-batch "
                f"(mid_batch_reset True, e.g. CpuResetCollector)")
        if examples is None:
            raise ValueError(f"{owner}.initialize: examples (from sampler.initialize) are required "
                f"to build the replay buffer")
        self.agent = agent
        self.n_itr = n_itr
        self.batch_spec = batch_spec
        self.mid_batch_reset = mid_batch_reset
        self.updates_per_optimize = max(1, round(self.replay_ratio * batch_spec.size / self.batch_size))
        self.min_itr_learn = int(self.min_steps_learn // batch_spec.size)
