"""Policy-gradient agents for continuous control (MuJoCo through Gymnasium)."""
from __future__ import annotations

from rlpyt.agents.base import AlternatingRecurrentAgentMixin
from rlpyt.agents.pg.base import rlpyt_space
from rlpyt.agents.pg.gaussian import GaussianPgAgent, RecurrentGaussianPgAgent
from rlpyt.models.pg.mujoco_ff_model import MujocoFfModel
from rlpyt.models.pg.mujoco_lstm_model import MujocoLstmModel


class MujocoMixin:
    """Gives the model ``observation_shape`` and ``action_size`` from the env
    spaces, whatever ``ModelCls`` is."""

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """``observation_shape`` and ``action_size`` from the env spaces."""
        action = rlpyt_space(env_spaces.action)
        if len(action.shape) != 1:
            raise TypeError(f"{type(self).__name__}: the action space must be 1-D, got shape {action.shape}")
        return dict(observation_shape=rlpyt_space(env_spaces.observation).shape, action_size=action.shape[0])


class MujocoFfAgent(MujocoMixin, GaussianPgAgent):
    """Feed-forward Gaussian agent (``MujocoFfModel`` by default; pass
    ``model_kwargs=dict(normalize_observation=True)`` for observation
    normalisation, whose statistics the PG algorithms update from each batch)."""

    def __init__(self, ModelCls=MujocoFfModel, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        super().__init__(ModelCls=ModelCls, model_kwargs=model_kwargs,
            initial_model_state_dict=initial_model_state_dict)


class MujocoLstmAgent(MujocoMixin, RecurrentGaussianPgAgent):
    """Recurrent Gaussian agent (``MujocoLstmModel`` by default)."""

    def __init__(self, ModelCls=MujocoLstmModel, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        super().__init__(ModelCls=ModelCls, model_kwargs=model_kwargs,
            initial_model_state_dict=initial_model_state_dict)


class AlternatingMujocoLstmAgent(AlternatingRecurrentAgentMixin, MujocoLstmAgent):
    """``MujocoLstmAgent`` for the AlternatingSampler (one rnn state per half
    of the environments while sampling)."""
