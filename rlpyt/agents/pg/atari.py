"""Policy-gradient agents for Atari: conv models sized from the env spaces."""
from __future__ import annotations

from rlpyt.agents.base import AlternatingRecurrentAgentMixin
from rlpyt.agents.pg.base import rlpyt_space
from rlpyt.agents.pg.categorical import CategoricalPgAgent, RecurrentCategoricalPgAgent
from rlpyt.models.pg.atari_ff_model import AtariFfModel
from rlpyt.models.pg.atari_lstm_model import AtariLstmModel


class AtariMixin:
    """Gives the model ``image_shape`` (the observation's [C, H, W]) and
    ``output_size`` (the number of actions), whatever ``ModelCls`` is."""

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """``image_shape`` and ``output_size`` from the env spaces."""
        observation = rlpyt_space(env_spaces.observation)
        if len(observation.shape) != 3:
            raise TypeError(f"{type(self).__name__}: the observation must be images [C, H, W], "
                f"got shape {observation.shape}")
        return dict(image_shape=observation.shape, output_size=int(rlpyt_space(env_spaces.action).n))


class AtariFfAgent(AtariMixin, CategoricalPgAgent):
    """Feed-forward conv agent (``AtariFfModel`` by default)."""

    def __init__(self, ModelCls=AtariFfModel, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        super().__init__(ModelCls=ModelCls, model_kwargs=model_kwargs,
            initial_model_state_dict=initial_model_state_dict)


class AtariLstmAgent(AtariMixin, RecurrentCategoricalPgAgent):
    """Recurrent conv agent (``AtariLstmModel`` by default)."""

    def __init__(self, ModelCls=AtariLstmModel, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        super().__init__(ModelCls=ModelCls, model_kwargs=model_kwargs,
            initial_model_state_dict=initial_model_state_dict)


class AlternatingAtariLstmAgent(AlternatingRecurrentAgentMixin, AtariLstmAgent):
    """``AtariLstmAgent`` for the AlternatingSampler (one rnn state per half
    of the environments while sampling)."""
