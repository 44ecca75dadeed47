"""What policy-gradient agents share: their agent_info and default models."""
from __future__ import annotations

from rlpyt.agents.base import BaseAgent
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.int_box import IntBox
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", ["dist_info", "value"])


def rlpyt_space(space):
    """The rlpyt space behind a Gymnasium space wrapper (or the space itself)."""
    return getattr(space, "space", space)


class PgAgentBase(BaseAgent):
    """A policy-gradient agent whose model defaults to ``DefaultModelCls``, an
    MLP sized from the env spaces; a user's ``ModelCls`` gets only
    ``model_kwargs``."""

    DefaultModelCls = None

    def __init__(self, ModelCls=None, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        self._default_model = ModelCls is None
        super().__init__(ModelCls=self.DefaultModelCls if ModelCls is None else ModelCls,
            model_kwargs=model_kwargs, initial_model_state_dict=initial_model_state_dict)

    def action_size(self, action_space) -> int:
        """Width of the policy output for this action space."""
        raise NotImplementedError

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Observation shape and action size, for the default MLP."""
        if not self._default_model:
            return {}
        observation = rlpyt_space(env_spaces.observation)
        if not isinstance(observation, (FloatBox, IntBox)):
            raise TypeError(f"{type(self).__name__}: the default MLP needs an array observation "
                f"(FloatBox or IntBox), got {observation!r}; pass ModelCls for other observations")
        return dict(observation_shape=observation.shape,
            action_size=self.action_size(rlpyt_space(env_spaces.action)))
