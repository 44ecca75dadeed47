"""Small SyncRl runs for tests/test_sync_rl.py and tests/sync_rl_torchrun_script.py:
a runner that saves each rank's final agent and optimizer state to a file,
and algorithms that raise on, or SIGKILL, one rank."""
from __future__ import annotations

import os
import signal

import torch

from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.dqn.r2d1_agent import R2d1Agent
from rlpyt.agents.pg.categorical import CategoricalPgAgent, RecurrentCategoricalPgAgent
from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.dqn.cat_dqn import CategoricalDQN
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.dqn.r2d1 import R2D1
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.qpg.ddpg import DDPG
from rlpyt.algos.qpg.sac import SAC
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.sync_rl import SyncRl
from rlpyt.samplers.serial.sampler import SerialSampler

SMALL = dict(hidden_sizes=[8])
ONE_THREAD = dict(master_torch_threads=1, set_affinity=False)


class StateSavingSyncRl(SyncRl):
    """SyncRl that writes each rank's final ``agent.state_dict()`` and
    ``algo.optim_state_dict()`` to ``<state_dir>/rank<r>.pt``."""

    def __init__(self, *args, state_dir: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.state_dir = state_dir

    def shutdown(self) -> None:
        """Save this rank's state, then shut down."""
        torch.save(dict(agent=self.agent.state_dict(), optim=self.algo.optim_state_dict()),
            os.path.join(self.state_dir, f"rank{self.rank}.pt"))
        super().shutdown()


class RaisingA2C(A2C):
    """A2C that raises on rank ``fail_rank`` at iteration ``fail_itr``."""

    def __init__(self, fail_rank: int, fail_itr: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fail_rank = fail_rank
        self.fail_itr = fail_itr

    def initialize(self, *args, rank: int = 0, **kwargs) -> None:
        """Remember the rank."""
        super().initialize(*args, rank=rank, **kwargs)
        self.rank = rank

    def optimize_agent(self, itr: int, samples):
        """Fail on the failing rank and iteration, else optimize."""
        if self.rank == self.fail_rank and itr == self.fail_itr:
            self.fail()
        return super().optimize_agent(itr, samples)

    def fail(self) -> None:
        """Raise a ValueError naming the rank."""
        raise ValueError(f"deliberate failure on rank {self.rank}")


class SigkillingA2C(RaisingA2C):
    """A2C whose process kills itself with SIGKILL on rank ``fail_rank`` at
    iteration ``fail_itr`` (no traceback, no cleanup)."""

    def fail(self) -> None:
        """SIGKILL this process."""
        os.kill(os.getpid(), signal.SIGKILL)


def cartpole_sampler(batch_T: int = 8, batch_B: int = 2) -> SerialSampler:
    """A small CartPole SerialSampler."""
    return SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=batch_T, batch_B=batch_B,
        max_decorrelation_steps=0)


def pendulum_sampler() -> SerialSampler:
    """A small Pendulum SerialSampler."""
    return SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1"), batch_T=8, batch_B=2,
        max_decorrelation_steps=0)


def algo_agent_sampler(name: str):
    """``(algo, agent, sampler)`` of a tiny run of A2C, PPO, PPO with
    ``compile=True`` (``ppo_compiled``), recurrent PPO (``ppo_lstm``), DQN,
    CategoricalDQN (``catdqn``), R2D1, SAC, DDPG or TD3."""
    if name == "a2c":
        return A2C(), CategoricalPgAgent(model_kwargs=SMALL), cartpole_sampler()
    if name == "ppo":
        return PPO(minibatches=2, epochs=2), CategoricalPgAgent(model_kwargs=SMALL), cartpole_sampler()
    if name == "ppo_compiled":
        return PPO(minibatches=2, epochs=2, compile=True), CategoricalPgAgent(model_kwargs=SMALL), cartpole_sampler()
    if name == "ppo_lstm":
        return (PPO(minibatches=2, epochs=2), RecurrentCategoricalPgAgent(model_kwargs=SMALL),
            cartpole_sampler())
    if name == "dqn":
        algo = DQN(min_steps_learn=16, batch_size=8, replay_size=200, target_update_interval=2, eps_steps=64)
        return algo, DqnAgent(model_kwargs=SMALL), cartpole_sampler()
    if name == "catdqn":
        algo = CategoricalDQN(min_steps_learn=16, batch_size=8, replay_size=200, target_update_interval=2,
            eps_steps=64)
        return algo, CatDqnAgent(n_atoms=11, model_kwargs=SMALL), cartpole_sampler()
    if name == "r2d1":
        algo = R2D1(min_steps_learn=16, batch_T=4, batch_B=2, warmup_T=2, store_rnn_state_interval=2,
            n_step_return=2, replay_size=200, target_update_interval=2, eps_steps=64)
        return algo, R2d1Agent(model_kwargs=dict(SMALL, lstm_size=8)), cartpole_sampler()
    if name == "sac":
        algo = SAC(min_steps_learn=16, batch_size=8, replay_size=200, replay_ratio=8)
        return algo, SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL), pendulum_sampler()
    if name in ("ddpg", "td3"):
        AlgoCls, AgentCls = (DDPG, DdpgAgent) if name == "ddpg" else (TD3, Td3Agent)
        algo = AlgoCls(min_steps_learn=16, batch_size=8, replay_size=200, replay_ratio=8)
        return algo, AgentCls(model_kwargs=SMALL, q_model_kwargs=SMALL), pendulum_sampler()
    raise ValueError(f"unknown run {name!r}")


def state_saving_run(name: str, state_dir: str) -> None:
    """A two-rank ``StateSavingSyncRl`` run of ``algo_agent_sampler(name)``
    for 192 steps, each rank's final state saved in ``state_dir``."""
    algo, agent, sampler = algo_agent_sampler(name)
    runner = StateSavingSyncRl(algo=algo, agent=agent, sampler=sampler, n_steps=192, seed=3,
        affinity=[ONE_THREAD, ONE_THREAD], log_interval_steps=64, state_dir=state_dir)
    runner.train()


def cartpole_batch(n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A fixed batch of ``n`` CartPole agent inputs (observation, prev_action, prev_reward)."""
    generator = torch.Generator().manual_seed(123)
    return (torch.randn(n, 4, generator=generator), torch.randint(2, (n,), generator=generator),
        torch.randn(n, generator=generator))


def agent_loss(agent, inputs) -> torch.Tensor:
    """A loss through the policy and the value heads of a CategoricalPgAgent."""
    dist_info, value = agent(*inputs)
    return (value ** 2).mean() + (dist_info.prob[..., 0] ** 3).mean()


def make_cartpole_agent(seed: int) -> CategoricalPgAgent:
    """A CategoricalPgAgent for CartPole, its model initialized from ``seed``."""
    torch.manual_seed(seed)
    agent = CategoricalPgAgent(model_kwargs=SMALL)
    agent.initialize(gym_make("CartPole-v1").spaces)
    return agent


def ddp_gradient_rank(rank: int, world_size: int, init_method: str, batch_size: int, out_dir: str) -> None:
    """One rank of the gradient test: a data-parallel agent (seeded per rank;
    data_parallel gives it rank 0's model) backpropagates on its share of
    ``cartpole_batch(batch_size)``; the averaged gradients go to ``<out_dir>/grad<rank>.pt``."""
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=world_size)
    try:
        agent = make_cartpole_agent(seed=rank)
        agent.data_parallel()
        share = batch_size // world_size
        inputs = tuple(x[rank * share:(rank + 1) * share] for x in cartpole_batch(batch_size))
        agent_loss(agent, inputs).backward()
        torch.save({name: p.grad for name, p in agent.named_parameters()},
            os.path.join(out_dir, f"grad{rank}.pt"))
        del agent  # its DistributedDataParallel goes before the process group
        dist.barrier()
    finally:
        dist.destroy_process_group()


def sac_updates(data_parallel: bool) -> tuple[dict, dict, int, list]:
    """A tiny SAC run of 4 iterations: ``(agent state, optimizer state,
    updates, buckets)``; with ``data_parallel`` (in a process group of one
    rank) through ``algo.data_parallel``, ``buckets`` listing the bucket of
    each all-reduce that a counting communication hook saw."""
    from rlpyt.utils.seed import set_seed

    set_seed(0)
    algo, agent, sampler = algo_agent_sampler("sac")
    examples = sampler.initialize(agent, seed=0)
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec, examples=examples)
    buckets = []
    if data_parallel:
        from torch.distributed.algorithms.ddp_comm_hooks.default_hooks import allreduce_hook

        algo.data_parallel(world_size=1)

        def counting_hook(state, bucket):
            buckets.append(bucket.index())
            return allreduce_hook(state, bucket)
        algo._joint_loss.register_comm_hook(None, counting_hook)
    agent.sample_mode(0)
    n_updates = 0
    for itr in range(4):
        samples, _ = sampler.obtain_samples(itr)
        n_updates += len(algo.optimize_agent(itr, samples).q1Loss)
    sampler.shutdown()
    if data_parallel:
        algo.end_data_parallel()
    return agent.state_dict(), algo.optim_state_dict(), n_updates, buckets


def sac_data_parallel_rank(init_method: str, out_path: str) -> None:
    """``sac_updates(data_parallel=True)`` in a process group of one rank,
    saved to ``out_path``, in a process of its own as a SyncRl rank's."""
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=init_method, rank=0, world_size=1)
    try:
        torch.save(sac_updates(data_parallel=True), out_path)
    finally:
        dist.destroy_process_group()
