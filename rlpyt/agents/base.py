"""The agent interface: a model plus an action distribution, used by samplers
(``step``, no gradients) and by algorithms (``__call__``, with gradients)."""
from __future__ import annotations

import torch

from rlpyt.utils.buffer import buffer_to
from rlpyt.utils.collections import namedarraytuple

AgentInputs = namedarraytuple("AgentInputs", ["observation", "prev_action", "prev_reward"])
AgentStep = namedarraytuple("AgentStep", ["action", "agent_info"])


class BaseAgent:
    """Holds the model, builds it from the environment's spaces, moves it
    between devices and switches between sample, train and eval modes.

    ``ModelCls(**env_model_kwargs, **model_kwargs)`` builds the model in
    ``initialize``; ``make_env_to_model_kwargs`` derives the env part.
    """

    recurrent = False
    alternating = False

    def __init__(self, ModelCls=None, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        if ModelCls is not None and not callable(ModelCls):
            raise TypeError(f"{type(self).__name__}: ModelCls must be a class, got {ModelCls!r}")
        if model_kwargs is not None and not isinstance(model_kwargs, dict):
            raise TypeError(f"{type(self).__name__}: model_kwargs must be a dict, "
                f"got {type(model_kwargs).__name__}")
        self.ModelCls = ModelCls
        self.model_kwargs = dict(model_kwargs or {})
        self.initial_model_state_dict = initial_model_state_dict
        self.model = None
        self.shared_model = None
        self.distribution = None
        self.device = torch.device("cpu")
        self.env_spaces = None
        self._mode = None

    def __call__(self, observation, prev_action, prev_reward):
        """Training-time forward pass (with gradients)."""
        raise NotImplementedError

    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Sampling-time action selection (no gradients); returns CPU tensors."""
        raise NotImplementedError

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Model constructor kwargs derived from the env spaces."""
        return {}

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Build the model for these env spaces (in shared memory if asked)."""
        self.env_spaces = env_spaces
        self.env_model_kwargs = self.make_env_to_model_kwargs(env_spaces)
        self.model = self.ModelCls(**self.env_model_kwargs, **self.model_kwargs)
        if self.initial_model_state_dict is not None:
            self.model.load_state_dict(self.initial_model_state_dict)
        if share_memory:
            self.model.share_memory()
            self.shared_model = self.model
        self.share_memory = share_memory
        self.global_B = global_B
        self.env_ranks = env_ranks

    def to_device(self, cuda_idx: int | None = None) -> None:
        """Move the model to GPU ``cuda_idx`` (stays on the CPU for None)."""
        if cuda_idx is None:
            return
        self.device = torch.device("cuda", index=cuda_idx)
        self.model.to(self.device)

    def to_model_device(self, inputs):
        """Move a buffer of inputs to the model's device (no-op on the CPU)."""
        return inputs if self.device.type == "cpu" else buffer_to(inputs, device=self.device)

    def to_cpu(self, outputs):
        """Move a buffer of outputs to the CPU (no-op when already there)."""
        return outputs if self.device.type == "cpu" else buffer_to(outputs, device="cpu")

    def parameters(self):
        """The model's parameters (what the optimizer trains)."""
        return self.model.parameters()

    def named_parameters(self):
        """The model's named parameters."""
        return self.model.named_parameters()

    def state_dict(self) -> dict:
        """The model's state, for snapshots."""
        return self.model.state_dict()

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the model's state from ``state_dict``."""
        self.model.load_state_dict(state_dict)

    def train_mode(self, itr: int) -> None:
        """Mode for the algorithm's optimization."""
        self.model.train()
        self._mode = "train"

    def sample_mode(self, itr: int) -> None:
        """Mode for collecting training samples."""
        self.model.eval()
        self._mode = "sample"

    def eval_mode(self, itr: int) -> None:
        """Mode for evaluation."""
        self.model.eval()
        self._mode = "eval"

    def reset(self) -> None:
        """Forget any per-environment state (all environments)."""

    def reset_one(self, idx: int) -> None:
        """Forget the per-environment state of environment ``idx``."""

    def sync_shared_memory(self) -> None:
        """Copy the trained model into the shared-memory model used by workers."""
        if self.shared_model is not None and self.shared_model is not self.model:
            self.shared_model.load_state_dict(self.model.state_dict())
