"""What DDPG, TD3 and SAC share: argument checks, the uniform n-step replay
buffer (bootstrapping through time-limit truncations), the update loop, the
TD target's bootstrap terms and optimizer snapshots."""
from __future__ import annotations

import contextlib

import torch

from rlpyt.algos.base import ReplayAlgorithm, make_optimizer
from rlpyt.replays.non_sequence.time_limit import TlUniformReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import buffer_example, samples_to_buffer


@contextlib.contextmanager
def frozen(module: torch.nn.Module):
    """Within the block ``module``'s parameters take no gradients (the
    policy loss backpropagates through Q into the action only)."""
    params = [p for p in module.parameters() if p.requires_grad]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)


class QpgAlgoBase(ReplayAlgorithm):
    """Replay and update loop of the Q-function policy-gradient algorithms.

    Each iteration appends the sampler's batch to a uniform n-step replay
    buffer and, from ``min_steps_learn`` environment steps on, makes
    ``replay_ratio * batch_T * batch_B / batch_size`` updates (each sampled
    transition is replayed ``replay_ratio`` times on average). Target networks
    move by ``target_update_tau`` every ``target_update_interval`` updates.
    With ``bootstrap_timelimit`` a time-limit truncation is not terminal: the
    target bootstraps from the true final observation; without, it is treated
    as terminal. Subclasses implement ``make_optimizers`` and ``update``.
    """

    bootstrap_value = False
    agent_class = None  # the agent class (or a base of it) the algorithm trains (subclasses)

    def __init__(self, bootstrap_timelimit: bool, **replay_kwargs) -> None:
        """``bootstrap_timelimit`` (see above); the rest is ``ReplayAlgorithm``'s."""
        super().__init__(**replay_kwargs)
        self.bootstrap_timelimit = bootstrap_timelimit

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Check the agent's class; build the replay buffer from the sampler's
        ``examples`` and the optimizers."""
        if not isinstance(agent, self.agent_class):
            raise TypeError(f"{type(self).__name__} trains a {self.agent_class.__name__} (or a subclass), "
                f"got {type(agent).__name__}")
        self.initialize_schedule(agent, n_itr, batch_spec, mid_batch_reset, examples)
        agent.give_min_itr_learn(self.min_itr_learn)
        example = buffer_example(examples)
        if self.ReplayBufferCls is not None:
            ReplayBufferCls = self.ReplayBufferCls
        else:
            ReplayBufferCls = TlUniformReplayBuffer if hasattr(example, "timeout") else UniformReplayBuffer
        self.replay_buffer = ReplayBufferCls(example=example, size=self.replay_size, B=batch_spec.B,
            discount=self.discount, n_step_return=self.n_step_return)
        self.make_optimizers()
        if self.initial_optim_state_dict is not None:
            self.load_optim_state_dict(self.initial_optim_state_dict)

    def new_optimizer(self, params, lr: float) -> torch.optim.Optimizer:
        """An ``OptimCls`` optimizer (fused Adam by default) over ``params``."""
        return make_optimizer(self.OptimCls, params, lr, self.optim_kwargs)

    def make_optimizers(self) -> None:
        """Build the optimizers, named in ``optimizer_names`` (subclasses)."""
        raise NotImplementedError

    def update(self, samples, opt_info: dict) -> None:
        """One gradient update on a replay batch, appending diagnostics (subclasses)."""
        raise NotImplementedError

    def optimize_agent(self, itr: int, samples=None):
        """Store ``samples``; once enough are stored, make ``updates_per_optimize`` updates."""
        if samples is not None:
            self.replay_buffer.append_samples(samples_to_buffer(samples))
        opt_info = {field: [] for field in self.opt_info_fields}
        if itr >= self.min_itr_learn:
            for _ in range(self.updates_per_optimize):
                self.update(self.replay_buffer.sample_batch(self.batch_size), opt_info)
                self.update_counter += 1
                if self.update_counter % self.target_update_interval == 0:
                    self.agent.update_target(self.target_update_tau)
        return self.OptInfoCls(**{k: torch.stack(v).tolist() if v else [] for k, v in opt_info.items()})

    def bootstrap_terms(self, samples) -> tuple[torch.Tensor, torch.Tensor | float]:
        """``(bootstrap, discount_n)`` per transition: 1 where the target
        bootstraps (no terminal state in the n-step window; truncations
        bootstrap when ``bootstrap_timelimit``) and the discount of the
        bootstrap value (``discount ** steps`` to the truncation's final
        observation)."""
        not_done = 1 - samples.done_n.float()
        timeout_n = getattr(samples, "timeout_n", None)
        if timeout_n is None or not self.bootstrap_timelimit:
            return not_done, self.discount ** self.n_step_return
        bootstrap = torch.maximum(not_done, timeout_n.float())
        return bootstrap, self.discount ** samples.bootstrap_steps.float()

    def step_optimizer(self, optimizer: torch.optim.Optimizer, loss: torch.Tensor, params: list) -> torch.Tensor:
        """Backpropagate ``loss``, clip the gradient norm of ``params`` at
        ``clip_grad_norm`` and step; returns the norm before clipping."""
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(params, self.clip_grad_norm)
        optimizer.step()
        return grad_norm

    def optim_state_dict(self) -> dict:
        """Every optimizer's state, by name."""
        return {name: getattr(self, name).state_dict() for name in self.optimizer_names}

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Restore the optimizers from ``optim_state_dict()``'s output."""
        for name in self.optimizer_names:
            getattr(self, name).load_state_dict(state_dict[name])
