"""R2D1 learns a memory task that a feed-forward DQN cannot: the rewarded
action is shown only in the first observation of a 4-step episode
(tests/memory_env.py). A feed-forward policy is right with probability 1/2
at best; the threshold asks R2D1's greedy policy for 0.95."""
import numpy as np
import pytest
import torch

from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.dqn.r2d1_agent import R2d1Agent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.dqn.r2d1 import R2D1
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.collectors import WaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from tests.memory_env import make_memory_env

pytestmark = pytest.mark.usefixtures("data_dir")

LENGTH = 4
N_STEPS = 6000
SHARED = dict(discount=0.9, min_steps_learn=400, replay_size=4000, replay_ratio=8, target_update_interval=20,
    learning_rate=1e-3, eps_steps=3000, double_dqn=True)


def greedy_success(agent, episodes: int = 200) -> float:
    """Fraction of ``episodes`` of the memory task the agent answers right in eval mode."""
    env = make_memory_env(length=LENGTH)
    agent.eval_mode(0)
    wins = 0.0
    for _ in range(episodes):
        observation, done = env.reset(), False
        agent.reset()
        prev_action, prev_reward = torch.zeros((1,), dtype=torch.int64), torch.zeros(1)
        while not done:
            action, _ = agent.step(torch.as_tensor(observation)[None], prev_action, prev_reward)
            observation, reward, done, _ = env.step(int(action[0]))
            prev_action, prev_reward = action, torch.tensor([reward], dtype=torch.float32)
        wins += reward
    return wins / episodes


def train(algo, agent, CollectorCls=None) -> float:
    """Train on the memory task with fixed seeds; the greedy success rate."""
    kwargs = {} if CollectorCls is None else dict(CollectorCls=CollectorCls)
    sampler = SerialSampler(EnvCls=make_memory_env, env_kwargs=dict(length=LENGTH), batch_T=8, batch_B=8,
        max_decorrelation_steps=0, **kwargs)
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=N_STEPS, seed=5, log_interval_steps=N_STEPS,
        affinity=dict(master_torch_threads=1, set_affinity=False))
    threads = torch.get_num_threads()
    try:
        runner.train()
        torch.set_num_threads(1)
        np.random.seed(7)
        return greedy_success(agent)
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("CollectorCls", [None, WaitResetCollector], ids=["reset", "wait_reset"])
def test_r2d1_remembers_the_cue(CollectorCls):
    algo = R2D1(batch_T=8, batch_B=16, warmup_T=2, store_rnn_state_interval=2, n_step_return=1, **SHARED)
    agent = R2d1Agent(model_kwargs=dict(hidden_sizes=[32], lstm_size=32))
    assert train(algo, agent, CollectorCls) >= 0.95


def test_feed_forward_dqn_of_the_same_width_stays_near_chance():
    algo = DQN(batch_size=160, n_step_return=1, **SHARED)
    agent = DqnAgent(model_kwargs=dict(hidden_sizes=[32, 32]))
    assert 0.35 <= train(algo, agent) <= 0.65
