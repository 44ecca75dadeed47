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
