"""What the Atari Q-learning agents share: model sizes from the env spaces."""
from __future__ import annotations

from rlpyt.agents.pg.base import rlpyt_space


class AtariMixin:
    """Gives the model ``image_shape`` (the observation's [C, H, W]) and
    ``output_size`` (the number of actions), as rlpyt's Atari agents do."""

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Image shape and number of actions."""
        return dict(image_shape=rlpyt_space(env_spaces.observation).shape,
            output_size=int(rlpyt_space(env_spaces.action).n))
