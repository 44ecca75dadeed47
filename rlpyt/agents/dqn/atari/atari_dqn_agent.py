"""DQN agent for Atari."""
from __future__ import annotations

from rlpyt.agents.dqn.atari.mixin import AtariMixin
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.models.dqn.atari_dqn_model import AtariDqnModel


class AtariDqnAgent(AtariMixin, DqnAgent):
    """``DqnAgent`` whose model (default ``AtariDqnModel``) gets ``image_shape``
    and ``output_size`` from the env spaces, plus ``model_kwargs``."""

    def __init__(self, ModelCls=AtariDqnModel, **kwargs) -> None:
        super().__init__(ModelCls=ModelCls, **kwargs)
