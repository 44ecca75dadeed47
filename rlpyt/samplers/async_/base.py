"""What every asynchronous sampler adds to its synchronous sampler.

An async sampler is built in the training process like any sampler, where
``async_initialize`` initializes the agent from one example environment and
returns the examples the replay buffer is built from. AsyncRl then starts
the sampler in a process of its own (``rlpyt.samplers.async_.process``),
where ``initialize(affinity)`` sets up the synchronous sampler it extends
(its environments, workers and collectors) with the agent copy the process
received, and batches are sampled as by that sampler.
"""
from __future__ import annotations

from rlpyt.samplers.buffer import get_example_outputs
from rlpyt.samplers.parallel.base import ParallelSamplerBase


class AsyncSamplerMixin:
    """Mixin (first among the bases) over a synchronous sampler class.

    Its default collectors are ``ResetCollector`` and ``EvalCollector``
    (rlpyt's ``DbCpuResetCollector`` and ``DbGpuResetCollector`` are the
    same class). ``acts_on_device``: the agent acts on the sampler's GPU
    (the affinity's ``cuda_idx``, when given) instead of next to the
    environments on CPU.
    ``default_start_method``: how the sampler's worker processes start
    (spawn, unless the sampler was built with ``start_method``).
    """

    acts_on_device = False
    default_start_method = "spawn"

    def async_initialize(self, agent, bootstrap_value: bool = False, traj_info_kwargs: dict | None = None,
            seed: int | None = None):
        """In the training process: initialize ``agent`` (not in shared
        memory: the trained copy stays private) from one example
        environment, closed after; returns the examples."""
        env = self.EnvCls(**self.env_kwargs)
        try:
            agent.initialize(env.spaces, share_memory=False, global_B=self.batch_spec.B,
                env_ranks=self.env_ranks(0))
            examples = get_example_outputs(agent, env)
        finally:
            env.close()
        self.agent = agent
        self.bootstrap_value = bootstrap_value
        self.traj_info_kwargs = traj_info_kwargs
        self.seed = self.resolve_seed(seed)
        return examples

    def initialize(self, affinity=None):
        """In the sampler process: set up the synchronous sampler with the
        agent copy this process holds (``self.agent``)."""
        if isinstance(self, ParallelSamplerBase) and self.start_method is None:
            self.start_method = self.default_start_method
        affinity = dict(affinity or {})
        examples = super().initialize(agent=self.agent, affinity=affinity, seed=self.seed,
            bootstrap_value=self.bootstrap_value, traj_info_kwargs=self.traj_info_kwargs, rank=0, world_size=1)
        if self.acts_on_device:
            self.agent.to_device(affinity.get("cuda_idx"))
        return examples

    def checkpoint_state(self):
        """None: a resumed AsyncRl run restarts the sampler's environments
        (they live in the sampler process)."""
        return None
