"""R2D1 agents for Atari."""
from __future__ import annotations

from rlpyt.agents.dqn.atari.mixin import AtariMixin
from rlpyt.agents.dqn.r2d1_agent import R2d1Agent, R2d1AlternatingAgent
from rlpyt.models.dqn.atari_r2d1_model import AtariR2d1Model


class AtariR2d1Agent(AtariMixin, R2d1Agent):
    """``R2d1Agent`` whose model (default ``AtariR2d1Model``) gets
    ``image_shape`` and ``output_size`` from the env spaces, plus ``model_kwargs``."""

    def __init__(self, ModelCls=AtariR2d1Model, **kwargs) -> None:
        super().__init__(ModelCls=ModelCls, **kwargs)


class AtariR2d1AlternatingAgent(AtariMixin, R2d1AlternatingAgent):
    """``AtariR2d1Agent`` for the AlternatingSampler."""

    def __init__(self, ModelCls=AtariR2d1Model, **kwargs) -> None:
        super().__init__(ModelCls=ModelCls, **kwargs)
