"""The runner interface."""
from __future__ import annotations


class BaseRunner:
    """Connects sampler, agent and algorithm and runs the training loop."""

    def train(self) -> None:
        """Run training to the end."""
        raise NotImplementedError
