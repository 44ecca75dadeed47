"""Categorical DQN (C51; Bellemare et al., 2017): Q-learning on value distributions."""
from __future__ import annotations

import torch

from rlpyt.algos.dqn.dqn import DQN
from rlpyt.utils.tensor import select_at_indexes

EPS = 1e-6


def project_distribution(target_z: torch.Tensor, target_p: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """Project the distribution with atoms at ``target_z`` [N, n_atoms] and
    probabilities ``target_p`` [N, n_atoms] onto the evenly spaced support
    ``z`` [n_atoms]: each atom's mass is split between its two neighbours on
    the support in proportion to closeness (atoms outside are clamped to the
    ends). Returns probabilities [N, n_atoms] on ``z``."""
    delta_z = z[1] - z[0]
    target_z = torch.clamp(target_z, z[0], z[-1])
    # weight[n, i, j]: share of target atom j that lands on support atom i
    weight = torch.clamp(1 - (target_z.unsqueeze(1) - z.view(1, -1, 1)).abs() / delta_z, 0, 1)
    return torch.einsum("nij,nj->ni", weight, target_p)


class CategoricalDQN(DQN):
    """DQN whose agent (``CatDqnAgent``) predicts value distributions on
    ``n_atoms`` evenly spaced atoms from ``V_min`` to ``V_max``. The n-step
    target distribution (shifted by the return, shrunk by the discount; at a
    terminal state all mass on the return) is projected on the support, and
    the loss is its cross-entropy with the predicted distribution; with
    prioritized replay the priorities are the KL divergences. ``double_dqn``
    picks the bootstrap action by the online model's expected values. Other
    keywords as ``DQN``.
    """

    def __init__(self, V_min: float = -10.0, V_max: float = 10.0, **kwargs) -> None:
        super().__init__(**kwargs)
        if not V_min < V_max:
            raise ValueError(f"CategoricalDQN: V_min ({V_min}) must be < V_max ({V_max})")
        self.V_min, self.V_max = V_min, V_max
        self.optim_kwargs.setdefault("eps", 0.01 / self.batch_size)  # rlpyt's C51 Adam epsilon, whatever the kwargs

    def initialize_replay(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool, examples,
            shared: bool = False, lock_abort=None) -> None:
        """Give the agent the support, then as ``DQN.initialize_replay``
        (which ``initialize`` and ``async_initialize`` call)."""
        agent.give_V_min_max(self.V_min, self.V_max)
        super().initialize_replay(agent=agent, n_itr=n_itr, batch_spec=batch_spec,
            mid_batch_reset=mid_batch_reset, examples=examples, shared=shared, lock_abort=lock_abort)

    def loss(self, samples):
        """``(loss, kl)``: cross-entropy to the projected target distribution
        (weighted by ``is_weights`` with prioritized replay) and the per-sample
        KL divergences (kept above zero) as new priorities."""
        z = self.agent.support
        with torch.no_grad():
            target_p_all = self.agent.target(*samples.target_inputs)  # [N, A, n_atoms]
            chooser = self.agent(*samples.target_inputs) if self.double_dqn else target_p_all
            next_action = torch.argmax(chooser @ z, dim=-1)
            target_p = select_at_indexes(next_action, target_p_all)
            scale = self.bootstrap_discount(samples).unsqueeze(-1)
            target_z = samples.return_.unsqueeze(-1) + scale * z
            projected = project_distribution(target_z, target_p, z)
        p = select_at_indexes(samples.action, self.agent(*samples.agent_inputs))
        log_p = torch.log(torch.clamp(p, EPS, 1))
        losses = -torch.sum(projected * log_p, dim=-1)
        is_weights = getattr(samples, "is_weights", None)
        loss = losses.mean() if is_weights is None else (losses * is_weights).mean()
        with torch.no_grad():
            kl = torch.sum(projected * (torch.log(torch.clamp(projected, EPS, 1)) - log_p), dim=-1)
            kl = torch.clamp(kl, EPS, 1 / EPS)
        return loss, kl
