"""Feed-forward Gaussian-policy model for continuous control (MuJoCo)."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.pg.mlp import GaussianPgMlpModel
from rlpyt.models.running_mean_std import RunningMeanStdModel
from rlpyt.utils.tensor import restore_leading_dims


class MujocoFfModel(GaussianPgMlpModel):
    """A policy MLP giving the action mean (through ``mu_nonlinearity``,
    default Tanh), a learned state-independent log_std, and a value MLP.

    ``forward(observation, prev_action, prev_reward)`` returns ``(mu,
    log_std, value)`` with the observation's leading dims. With
    ``normalize_observation`` the MLPs see ``(obs - mean) / std`` clipped to
    ``norm_obs_clip``, from a ``RunningMeanStdModel`` that only
    ``update_obs_rms`` changes (the agent feeds it sampled observations).
    """

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: Sequence[int] | None = None, hidden_nonlinearity=torch.nn.Tanh,
            mu_nonlinearity=torch.nn.Tanh, init_log_std: float = 0.0,
            normalize_observation: bool = False, norm_obs_clip: float = 10.0,
            norm_obs_var_clip: float = 1e-6) -> None:
        super().__init__(observation_shape, action_size,
            (64, 64) if hidden_sizes is None else hidden_sizes, hidden_nonlinearity, init_log_std)
        self.mu_nonlinearity = torch.nn.Identity() if mu_nonlinearity is None else mu_nonlinearity()
        input_size = self.pi.model[0].in_features
        self.obs_rms = RunningMeanStdModel((input_size,)) if normalize_observation else None
        self.norm_obs_clip = norm_obs_clip
        self.norm_obs_var_clip = norm_obs_var_clip

    def update_obs_rms(self, observation: torch.Tensor) -> None:
        """Fold observations into the normalisation statistics (no-op without them)."""
        if self.obs_rms is not None:
            self.obs_rms.update(observation.reshape(-1, self.obs_rms.shape[0]))

    def forward(self, observation, prev_action, prev_reward):
        """Mean, log_std and value; leading dims [], [B] or [T, B] are kept."""
        obs, lead_dim, T, B = self._flat(observation)
        if self.obs_rms is not None:
            obs = self.obs_rms.normalize(obs, self.norm_obs_clip, self.norm_obs_var_clip)
        mu = self.mu_nonlinearity(self.pi(obs))
        value = self.v(obs).squeeze(-1)
        return restore_leading_dims((mu, self.log_std_rows(len(mu)), value), lead_dim, T, B)
