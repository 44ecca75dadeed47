"""Policy-gradient agents for discrete actions."""
from __future__ import annotations

from rlpyt.agents.base import AlternatingRecurrentAgentMixin, model_reads_prev_action
from rlpyt.agents.pg.base import PgAgentBase, RecurrentPgAgentBase, rlpyt_space
from rlpyt.distributions.categorical import Categorical, DistInfo
from rlpyt.models.pg.lstm import CategoricalPgLstmModel
from rlpyt.models.pg.mlp import CategoricalPgMlpModel
from rlpyt.spaces.int_box import IntBox


class CategoricalMixin:
    """Discrete actions: checks the space, one-hot encodes the previous
    action for the model, and reads the model's probabilities ``pi``."""

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Check the action space is discrete, build the model and distribution."""
        action_space = rlpyt_space(env_spaces.action)
        if not isinstance(action_space, IntBox) or action_space.shape != ():
            raise TypeError(f"{type(self).__name__}: the action space must be a scalar IntBox "
                f"(discrete actions), got {action_space!r}")
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        self.distribution = Categorical(dim=int(action_space.n))

    def action_size(self, action_space) -> int:
        """Policy output width: the number of actions."""
        return int(action_space.n)

    def model_inputs(self, observation, prev_action, prev_reward) -> tuple:
        """Inputs on the model's device, the previous action one-hot (as
        given where the model does not read it: ``model_reads_prev_action``)."""
        if model_reads_prev_action(self.model):
            prev_action = self.distribution.to_onehot(prev_action)
        return self.to_model_device((observation, prev_action, prev_reward))

    def dist_info(self, pi) -> DistInfo:
        """``DistInfo(prob=pi)``."""
        return DistInfo(prob=pi)


class CategoricalPgAgent(CategoricalMixin, PgAgentBase):
    """Samples discrete actions from the model's probabilities.

    The model's ``forward(observation, prev_action, prev_reward)`` receives the
    previous action one-hot encoded and returns ``(pi, value)``: action
    probabilities [..., n_actions] and value [...]. Without ``ModelCls`` a
    policy/value MLP sized from the env spaces is used; a user's ``ModelCls``
    gets only ``model_kwargs``.
    """

    DefaultModelCls = CategoricalPgMlpModel


class RecurrentCategoricalPgAgent(CategoricalMixin, RecurrentPgAgentBase):
    """``CategoricalPgAgent`` with a recurrent model: ``forward(observation,
    prev_action, prev_reward, init_rnn_state)`` returns ``(pi, value,
    next_rnn_state)``. Without ``ModelCls``, an MLP + LSTM model
    (``CategoricalPgLstmModel``) sized from the env spaces. See
    ``RecurrentPgAgentBase`` for the rnn state."""

    DefaultModelCls = CategoricalPgLstmModel


class AlternatingRecurrentCategoricalPgAgent(AlternatingRecurrentAgentMixin, RecurrentCategoricalPgAgent):
    """``RecurrentCategoricalPgAgent`` for the AlternatingSampler (one rnn
    state per half of the environments while sampling)."""
