"""TD3 agent: DDPG with twin Q-functions and target policy smoothing."""
from __future__ import annotations

import torch

from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
from rlpyt.distributions.gaussian import DistInfo, Gaussian


class Td3Agent(DdpgAgent):
    """``DdpgAgent`` with two Q-functions (``q`` returns both) whose target
    action is smoothed: the target policy's action plus N(0,
    ``target_noise_std``) noise clipped to +-``target_noise_clip``, kept in
    [-1, 1] (normalized units); ``set_target_noise`` changes both. Exploration:
    ``action_std`` noise, and ``pretrain_std`` before learning starts."""

    n_q = 2

    def __init__(self, pretrain_std: float | None = 0.5, target_noise_std: float = 0.2,
            target_noise_clip: float = 0.5, initial_q2_model_state_dict: dict | None = None,
            **kwargs) -> None:
        super().__init__(pretrain_std=pretrain_std, **kwargs)
        if not target_noise_std > 0 or not target_noise_clip > 0:
            raise ValueError(f"{type(self).__name__}: target_noise_std and target_noise_clip must be > 0, "
                f"got {target_noise_std!r} and {target_noise_clip!r}")
        self.target_noise_std = target_noise_std
        self.target_noise_clip = target_noise_clip
        self.initial_q2_model_state_dict = initial_q2_model_state_dict
        self.target_distribution = None

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """As ``DdpgAgent``, plus the target smoothing distribution."""
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        if self.initial_q2_model_state_dict is not None:
            self.q_models[1].load_state_dict(self.initial_q2_model_state_dict)
            self.target_q_models[1].load_state_dict(self.initial_q2_model_state_dict)
        self.target_distribution = Gaussian(dim=self.distribution.dim, std=self.target_noise_std,
            noise_clip=self.target_noise_clip, clip=1.0)

    def set_target_noise(self, std: float, noise_clip: float | None = None) -> None:
        """Set the target smoothing noise's std and clip (None: unclipped),
        before or after ``initialize`` (rlpyt's setter, kept for users who
        schedule the smoothing noise)."""
        if std is None or not std > 0:
            raise ValueError(f"{type(self).__name__}.set_target_noise: std must be > 0, got {std!r}")
        if noise_clip is not None and not noise_clip > 0:
            raise ValueError(f"{type(self).__name__}.set_target_noise: noise_clip must be > 0 or None, "
                f"got {noise_clip!r}")
        self.target_noise_std = std
        self.target_noise_clip = noise_clip
        if self.target_distribution is not None:
            self.target_distribution.set_std(std)
            self.target_distribution.set_noise_clip(noise_clip)

    def target_action(self, inputs) -> torch.Tensor:
        """The target policy's action with clipped smoothing noise."""
        return self.target_distribution.sample(DistInfo(mean=self.target_model(*inputs)))
