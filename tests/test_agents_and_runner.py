"""Agents over leading dims, snapshots that restore them, and bad input."""
import csv
import json
import os

import gymnasium
import pytest
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.agents.pg.gaussian import GaussianPgAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import GymEnvWrapper, make as gym_make
from rlpyt.models.mlp import MlpModel
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.collections import BatchSpec
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context
from tests.envs import make_counting_env

pytestmark = pytest.mark.usefixtures("data_dir")


def pendulum():
    return gym_make("Pendulum-v1")


@pytest.mark.parametrize("make_env,AgentCls", [(make_counting_env, CategoricalPgAgent), (pendulum, GaussianPgAgent)])
def test_agent_outputs_keep_leading_dims(make_env, AgentCls):
    env = make_env()
    agent = AgentCls()
    agent.initialize(env.spaces)
    obs = torch.as_tensor(env.reset())
    act = torch.as_tensor(env.action_space.null_value())
    for lead in [(), (5,), (3, 5)]:
        o = obs.expand(lead + obs.shape)
        a = act.expand(lead + act.shape)
        r = torch.zeros(lead)
        step = agent.step(o, a, r)
        assert step.action.shape == lead + act.shape
        assert step.agent_info.value.shape == lead
        dist_info, value = agent(o, a, r)
        assert value.shape == lead and value.requires_grad
        torch.testing.assert_close(value, agent.value(o, a, r))


def test_agent_space_checks_name_the_problem():
    with pytest.raises(TypeError, match="CategoricalPgAgent: the action space must be a scalar IntBox"):
        CategoricalPgAgent().initialize(pendulum().spaces)
    with pytest.raises(TypeError, match="GaussianPgAgent: the action space must be a 1-D FloatBox"):
        GaussianPgAgent().initialize(make_counting_env().spaces)
    with pytest.raises(TypeError, match="model_kwargs must be a dict"):
        CategoricalPgAgent(model_kwargs=[64])


def test_user_model_gets_only_model_kwargs():
    received = {}

    class MyModel(torch.nn.Module):
        def __init__(self, **kwargs):
            super().__init__()
            received.update(kwargs)
            self.w = torch.nn.Linear(1, 3)

        def forward(self, observation, prev_action, prev_reward):
            assert prev_action.shape[-1] == 2  # one-hot previous action
            return torch.softmax(self.w(observation)[..., :2], -1), self.w(observation)[..., 2]

    agent = CategoricalPgAgent(ModelCls=MyModel, model_kwargs=dict(width=7))
    agent.initialize(make_counting_env().spaces)
    assert received == dict(width=7)
    agent.step(torch.zeros(4, 1), torch.zeros(4, dtype=torch.long), torch.zeros(4))


def test_snapshot_restores_agent(tmp_path):
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=16, batch_B=2)
    agent = CategoricalPgAgent(model_kwargs=dict(hidden_sizes=[16]))
    runner = MinibatchRl(algo=A2C(), agent=agent, sampler=sampler, n_steps=320, seed=0, log_interval_steps=64)
    with logger_context("snap", 0, "snap", dict(x=1), snapshot_mode="last") as exp_dir:
        assert json.load(open(os.path.join(exp_dir, "params.json")))["run_ID"] == 0
        runner.train()
    snapshot = torch.load(os.path.join(exp_dir, "params.pkl"), weights_only=False)
    assert snapshot["itr"] == 9 and snapshot["cum_steps"] == 320
    restored = CategoricalPgAgent(model_kwargs=dict(hidden_sizes=[16]),
        initial_model_state_dict=snapshot["agent_state_dict"])
    restored.initialize(gym_make("CartPole-v1").spaces)
    obs = torch.randn(8, 4)
    torch.testing.assert_close(restored(obs, torch.zeros(8, dtype=torch.long), torch.zeros(8))[1],
        agent(obs, torch.zeros(8, dtype=torch.long), torch.zeros(8))[1])
    with open(os.path.join(exp_dir, "progress.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5 and rows[-1]["Diagnostics/CumSteps"] == "320"
    assert {"ReturnAverage", "lossAverage", "Diagnostics/StepsPerSecond"} <= set(rows[0])


@pytest.mark.parametrize("build,match", [
    (lambda: BatchSpec(0, 4), "BatchSpec: T must be >= 1, got 0"),
    (lambda: PPO(minibatches=0), "PPO: minibatches must be >= 1, got 0"),
    (lambda: PPO(discount=1.5), "discount must be in"),
    (lambda: A2C(learning_rate=-1), "learning_rate must be > 0"),
    (lambda: MlpModel(4, [64, 0], 2), "hidden_sizes"),
    (lambda: SerialSampler(EnvCls=gym_make, env_kwargs="CartPole-v1", batch_T=2, batch_B=2), "env_kwargs must be a dict"),
    (lambda: SerialSampler(EnvCls=gym_make, env_kwargs={}, batch_T=2, batch_B=2, eval_n_envs=1), "eval_max_steps"),
    (lambda: MinibatchRl(algo=A2C(), agent=CategoricalPgAgent(), sampler=None, n_steps=-5), "n_steps"),
    (lambda: MinibatchRl(algo=A2C(), agent=CategoricalPgAgent(), sampler=None, n_steps=5, affinity="0slt"), "affinity must be a dict"),
])
def test_invalid_arguments_name_themselves(build, match):
    with pytest.raises((TypeError, ValueError), match=match):
        build()


def test_unknown_keyword_is_named():
    with pytest.raises(TypeError, match="learnig_rate"):
        PPO(learnig_rate=1e-3)


def test_ppo_minibatches_larger_than_batch_fail_at_initialize():
    env = make_counting_env()
    agent = CategoricalPgAgent()
    agent.initialize(env.spaces)
    with pytest.raises(ValueError, match="minibatches \\(64\\) exceeds batch_T \\* batch_B \\(8\\)"):
        PPO(minibatches=64).initialize(agent, n_itr=1, batch_spec=BatchSpec(4, 2))


class DictObsEnv(gymnasium.Env):
    observation_space = gymnasium.spaces.Dict({"a": gymnasium.spaces.Box(-1, 1, (2,))})
    action_space = gymnasium.spaces.Discrete(2)


def test_default_model_needs_array_observations():
    with pytest.raises(TypeError, match="default MLP needs an array observation .* pass ModelCls"):
        CategoricalPgAgent().initialize(GymEnvWrapper(DictObsEnv()).spaces)
