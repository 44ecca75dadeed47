"""What DDPG, TD3 and SAC share: the uniform n-step replay buffer
(bootstrapping through time-limit truncations), the pretrain phase, frozen
Q-functions for the policy loss, and snapshots of several optimizers."""
from __future__ import annotations

import contextlib

import torch

from rlpyt.algos.base import ReplayAlgorithm
from rlpyt.replays.non_sequence.time_limit import TlUniformReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer


@contextlib.contextmanager
def frozen(parameters: list):
    """Within the block the ``parameters`` (a list, not walked from the
    modules at every update) take no gradients (the policy loss
    backpropagates through Q into the action only)."""
    params = [p for p in parameters if p.requires_grad]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)


class QpgAlgoBase(ReplayAlgorithm):
    """What DDPG, TD3 and SAC share beyond ``ReplayAlgorithm``'s update loop:
    a uniform n-step replay buffer, the ``bootstrap_timelimit`` switch (True:
    a time-limit truncation bootstraps from the true final observation;
    False: it is treated as terminal), the agent's ``pretrain_std`` phase
    until ``min_steps_learn``, and snapshots of several optimizers (named in
    ``optimizer_names``). Subclasses implement ``make_optimizers`` and ``update``.
    """

    bootstrap_value = False

    def __init__(self, bootstrap_timelimit: bool, **replay_kwargs) -> None:
        """``bootstrap_timelimit`` (see above); the rest is ``ReplayAlgorithm``'s."""
        super().__init__(**replay_kwargs)
        self.bootstrap_timelimit = bootstrap_timelimit

    def give_agent_schedule(self, agent, batch_spec) -> None:
        """The agent samples with ``pretrain_std`` until ``min_itr_learn``."""
        agent.give_min_itr_learn(self.min_itr_learn)

    def replay_buffer_class(self, example):
        """The time-limit-aware uniform buffer when the samples carry ``timeout``."""
        return TlUniformReplayBuffer if hasattr(example, "timeout") else UniformReplayBuffer

    def optim_state_dict(self) -> dict:
        """Every optimizer's state, by name."""
        return {name: getattr(self, name).state_dict() for name in self.optimizer_names}

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Restore the optimizers from ``optim_state_dict()``'s output."""
        for name in self.optimizer_names:
            getattr(self, name).load_state_dict(state_dict[name])
