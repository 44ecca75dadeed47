"""Categorical DQN agent for Atari."""
from __future__ import annotations

from rlpyt.agents.dqn.atari.mixin import AtariMixin
from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
from rlpyt.models.dqn.atari_catdqn_model import AtariCatDqnModel


class AtariCatDqnAgent(AtariMixin, CatDqnAgent):
    """``CatDqnAgent`` whose model (default ``AtariCatDqnModel``) gets
    ``image_shape``, ``output_size`` and ``n_atoms``, plus ``model_kwargs``."""

    def __init__(self, ModelCls=AtariCatDqnModel, **kwargs) -> None:
        super().__init__(ModelCls=ModelCls, **kwargs)
