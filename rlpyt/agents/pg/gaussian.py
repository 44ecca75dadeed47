"""Policy-gradient agents for continuous actions."""
from __future__ import annotations

from rlpyt.agents.base import AlternatingRecurrentAgentMixin
from rlpyt.agents.pg.base import PgAgentBase, RecurrentPgAgentBase, rlpyt_space
from rlpyt.distributions.gaussian import DistInfoStd, Gaussian
from rlpyt.models.pg.mlp import GaussianPgMlpModel
from rlpyt.models.pg.mujoco_lstm_model import MujocoLstmModel
from rlpyt.spaces.float_box import FloatBox


class GaussianMixin:
    """Continuous actions: checks the space and reads the model's ``(mu,
    log_std)`` as a diagonal Gaussian."""

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Check the action space is a 1-D FloatBox, build the model and distribution."""
        action_space = rlpyt_space(env_spaces.action)
        if not isinstance(action_space, FloatBox) or len(action_space.shape) != 1:
            raise TypeError(f"{type(self).__name__}: the action space must be a 1-D FloatBox "
                f"(continuous actions), got {action_space!r}")
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        self.distribution = Gaussian(dim=action_space.shape[0])

    def action_size(self, action_space) -> int:
        """Policy output width: the action dimension."""
        return action_space.shape[0]

    def dist_info(self, mu, log_std) -> DistInfoStd:
        """``DistInfoStd(mean=mu, log_std=log_std)``."""
        return DistInfoStd(mean=mu, log_std=log_std)


class GaussianPgAgent(GaussianMixin, PgAgentBase):
    """Samples continuous actions from a diagonal Gaussian.

    The model's ``forward(observation, prev_action, prev_reward)`` returns
    ``(mu, log_std, value)``. Without ``ModelCls`` a policy/value MLP sized
    from the env spaces is used; a user's ``ModelCls`` gets only
    ``model_kwargs``.
    """

    DefaultModelCls = GaussianPgMlpModel


class RecurrentGaussianPgAgent(GaussianMixin, RecurrentPgAgentBase):
    """``GaussianPgAgent`` with a recurrent model: ``forward(observation,
    prev_action, prev_reward, init_rnn_state)`` returns ``(mu, log_std,
    value, next_rnn_state)``. Without ``ModelCls``, ``MujocoLstmModel`` sized
    from the env spaces. See ``RecurrentPgAgentBase`` for the rnn state."""

    DefaultModelCls = MujocoLstmModel


class AlternatingRecurrentGaussianPgAgent(AlternatingRecurrentAgentMixin, RecurrentGaussianPgAgent):
    """``RecurrentGaussianPgAgent`` for the AlternatingSampler (one rnn state
    per half of the environments while sampling)."""
