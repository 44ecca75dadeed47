"""Twin Delayed DDPG (Fujimoto et al., 2018)."""
from __future__ import annotations

from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.qpg.ddpg import DDPG


class TD3(DDPG):
    """DDPG with a ``Td3Agent``: the target is the minimum of the two target
    Q-functions at the smoothed target action, both Q-functions regress on
    it, and the policy (and the targets, with ``target_update_interval`` 2)
    update every ``policy_update_interval`` updates. ``mu_learning_rate`` (or
    rlpyt's name for it, ``learning_rate``, which rlpyt's TD3 presets use;
    default 1e-3) and ``q_learning_rate`` set the two optimizers' learning
    rates."""

    agent_class = Td3Agent

    def __init__(self, batch_size: int = 100, replay_ratio: float = 100, target_update_tau: float = 0.005,
            target_update_interval: int = 2, policy_update_interval: int = 2,
            mu_learning_rate: float | None = None, q_learning_rate: float = 1e-3,
            learning_rate: float | None = None, **kwargs) -> None:
        if None not in (learning_rate, mu_learning_rate) and learning_rate != mu_learning_rate:
            raise ValueError(f"TD3: learning_rate ({learning_rate}) and mu_learning_rate ({mu_learning_rate}) "
                f"both set the policy's learning rate; give one")
        mu_learning_rate = next((lr for lr in (mu_learning_rate, learning_rate) if lr is not None), 1e-3)
        super().__init__(batch_size=batch_size, replay_ratio=replay_ratio, target_update_tau=target_update_tau,
            target_update_interval=target_update_interval, policy_update_interval=policy_update_interval,
            learning_rate=mu_learning_rate, q_learning_rate=q_learning_rate, **kwargs)
        self.mu_learning_rate = mu_learning_rate
