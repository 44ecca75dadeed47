"""The algorithm interface."""
from __future__ import annotations

import torch

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
