"""Tiny models of the tests' own making, with outputs known in advance."""
import torch


class ConstantPgModel(torch.nn.Module):
    """Uniform policy over ``n_actions`` and a constant state value."""

    def __init__(self, value: float = 10.0, n_actions: int = 2) -> None:
        super().__init__()
        self.logits = torch.nn.Parameter(torch.zeros(n_actions))
        self.value = value

    def forward(self, observation, prev_action, prev_reward):
        lead = observation.shape[:-1]
        pi = torch.softmax(self.logits, dim=-1).expand(lead + self.logits.shape)
        return pi, torch.full(lead, self.value) + 0 * self.logits.sum()


class ParityPgModel(torch.nn.Module):
    """Deterministic policy: action = observed count mod 2 (probability 1);
    value = 0.1 * count."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(()))

    def forward(self, observation, prev_action, prev_reward):
        count = observation[..., 0]
        pi = torch.nn.functional.one_hot(count.long() % 2, 2).float() * self.scale
        return pi, 0.1 * count * self.scale
