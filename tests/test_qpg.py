"""DDPG, TD3 and SAC pieces: n-step targets through time limits and
terminations against a hand computation, target-network updates, action
scaling and bad input."""
import io
import math

import gymnasium
import numpy as np
import pytest
import torch

from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.qpg.ddpg import DDPG
from rlpyt.algos.qpg.sac import SAC
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.base import EnvSpaces
from rlpyt.envs.gym import GymEnvWrapper, make as gym_make
from rlpyt.replays.samples import samples_to_buffer
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.spaces.float_box import FloatBox
from rlpyt.utils.seed import set_seed
from tests.envs import CountingEnv, make_counting_env
from tests.torch_threads import one_torch_thread  # noqa: F401

GAMMA = 0.9
LOW, HIGH = -2.0, 2.0
SMALL = dict(hidden_sizes=(8,))


class ContinuousCountingEnv(CountingEnv):
    """``CountingEnv`` with a Box(-2, 2) action."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.action_space = gymnasium.spaces.Box(LOW, HIGH, shape=(1,), dtype=np.float32)


def make_env(**kwargs):
    return GymEnvWrapper(ContinuousCountingEnv(**kwargs))


def agent_and_algo(AgentCls, AlgoCls, n_step, agent_kwargs=None, **env_kwargs):
    set_seed(0)
    sampler = SerialSampler(EnvCls=make_env, env_kwargs=env_kwargs, batch_T=12, batch_B=2,
        max_decorrelation_steps=0)
    agent = AgentCls(model_kwargs=SMALL, q_model_kwargs=SMALL, **(agent_kwargs or {}))
    examples = sampler.initialize(agent, seed=0)
    algo = AlgoCls(discount=GAMMA, n_step_return=n_step, min_steps_learn=0, replay_size=100, batch_size=8,
        **({"fixed_alpha": 0.3, "reward_scale": 2.0} if AlgoCls is SAC else {}))
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec, examples=examples)
    agent.sample_mode(0)
    samples, _ = sampler.obtain_samples(0)
    algo.replay_buffer.append_samples(samples_to_buffer(samples))
    low, high = algo.replay_buffer.valid_range()
    batch = algo.replay_buffer.extract_batch(np.arange(low, high).repeat(2), np.tile([0, 1], high - low))
    return agent, algo, batch


def hand_terms(count: float, n: int, end_at: int, terminal: bool):
    """n-step return of reward 1 per step from counter ``count`` and the
    (observation, discount) to bootstrap from, or None after a termination."""
    ret, k = 0.0, 0
    while k < n:
        ret += GAMMA ** k
        k += 1
        if count + k >= end_at:
            break
    if terminal and count + k >= end_at:
        return ret, None
    return ret, (count + k, GAMMA ** k)  # at a truncation: the final observation, not the reset one


def hand_targets(batch, n, end_at, terminal, value_fn, reward_scale=1.0):
    targets = []
    for i, count in enumerate(batch.agent_inputs.observation[:, 0].tolist()):
        ret, boot = hand_terms(count, n, end_at, terminal)
        y = reward_scale * ret
        if boot is not None:
            y += boot[1] * value_fn(torch.tensor([[boot[0]]], dtype=torch.float32), i).item()
        targets.append(y)
    return torch.tensor(targets)


def ddpg_value(agent):
    def value(obs, i):
        return agent.target_q_models[0](obs, None, None, agent.target_model(obs, None, None))
    return value


def td3_value(agent, noise):
    def value(obs, i):
        action = torch.clamp(agent.target_model(obs, None, None) + noise[i], -1, 1)
        return torch.minimum(*(q(obs, None, None, action) for q in agent.target_q_models))
    return value


def sac_value(agent, eps, alpha):
    def value(obs, i):
        mu, log_std = agent.model(obs, None, None)
        std = torch.exp(torch.clamp(log_std, -20, 2))
        z = mu + std * eps[i]
        action = torch.tanh(z)
        log_pi = (torch.distributions.Normal(mu, std).log_prob(z) - torch.log(1 - action ** 2)).sum(-1)
        q = torch.minimum(*(m(obs, None, None, action) for m in agent.target_q_models))
        return q - alpha * log_pi
    return value


CASES = [(1, "truncate"), (3, "truncate"), (1, "terminate"), (3, "terminate")]


def check_targets(AgentCls, AlgoCls, n_step, end, make_value, reward_scale=1.0, agent_kwargs=None):
    end_at = 3
    agent, algo, batch = agent_and_algo(AgentCls, AlgoCls, n_step, agent_kwargs, **{f"{end}_at": end_at})
    assert batch.done_n.any()
    assert batch.timeout_n.any() == (end == "truncate")
    torch.manual_seed(5)
    y = algo.q_target(batch)
    torch.manual_seed(5)
    noise = torch.randn(len(y), 1)  # the draws the algorithm made, one per transition
    expected = hand_targets(batch, n_step, end_at, end == "terminate", make_value(agent, noise), reward_scale)
    torch.testing.assert_close(y, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("n_step,end", CASES)
def test_ddpg_target_equals_hand_computation(n_step, end):
    check_targets(DdpgAgent, DDPG, n_step, end, lambda agent, noise: ddpg_value(agent))


@pytest.mark.parametrize("n_step,end", CASES)
def test_td3_target_equals_hand_computation(n_step, end):
    check_targets(Td3Agent, TD3, n_step, end, lambda agent, noise: td3_value(agent,
        torch.clamp(0.2 * noise, -0.5, 0.5)))


@pytest.mark.parametrize("n_step,end", CASES)
def test_sac_target_equals_hand_computation(n_step, end):
    check_targets(SacAgent, SAC, n_step, end, lambda agent, noise: sac_value(agent, noise, alpha=0.3),
        reward_scale=2.0)


@pytest.mark.parametrize("AgentCls", [DdpgAgent, Td3Agent, SacAgent])
def test_soft_update_follows_the_formula(AgentCls):
    agent, _, _ = agent_and_algo(AgentCls, {DdpgAgent: DDPG, Td3Agent: TD3, SacAgent: SAC}[AgentCls], 1)
    with torch.no_grad():
        for p in agent.parameters():
            p.add_(torch.randn_like(p))
    pairs = list(zip(agent.target_q_models, agent.q_models))
    if agent.target_model is not None:
        pairs.append((agent.target_model, agent.model))
    assert len(pairs) == {DdpgAgent: 2, Td3Agent: 3, SacAgent: 2}[AgentCls]
    old = [[p.clone() for p in target.parameters()] for target, _ in pairs]
    agent.update_target(tau=0.1)
    for before, (target, model) in zip(old, pairs):
        for o, t, m in zip(before, target.parameters(), model.parameters()):
            torch.testing.assert_close(t, 0.9 * o + 0.1 * m)


def test_hard_update_at_the_interval():
    agent, algo, _ = agent_and_algo(DdpgAgent, DDPG, 1)
    algo.target_update_tau, algo.target_update_interval = 1.0, 3
    algo.updates_per_optimize = 1
    initial = [p.clone() for p in agent.target_q_models.parameters()]
    for itr in range(3):
        algo.optimize_agent(itr)
        same_as_model = all(torch.equal(t, m) for t, m in zip(agent.target_q_models.parameters(),
            agent.q_models.parameters()))
        unchanged = all(torch.equal(t, i) for t, i in zip(agent.target_q_models.parameters(), initial))
        assert (same_as_model, unchanged) == ((False, True) if itr < 2 else (True, False))


@pytest.mark.parametrize("AgentCls", [DdpgAgent, Td3Agent, SacAgent])
def test_actions_are_scaled_to_the_bounds(AgentCls):
    agent = AgentCls(model_kwargs=SMALL, q_model_kwargs=SMALL)
    agent.initialize(EnvSpaces(observation=FloatBox(-1, 1, shape=(2,)),
        action=FloatBox(low=[0.0, -10.0], high=[1.0, 10.0])))
    obs = torch.randn(500, 2) * 3
    agent.sample_mode(0)
    action = agent.step(obs, torch.zeros(500, 2), torch.zeros(500)).action
    assert (action[:, 0] >= 0).all() and (action[:, 0] <= 1).all() and action[:, 1].abs().max() <= 10
    assert action[:, 1].abs().max() > 1  # scaled, not clipped at 1
    torch.testing.assert_close(agent.scale_action(agent.normalize_action(action)), action)
    agent.eval_mode(0)
    first = agent.step(obs, torch.zeros(500, 2), torch.zeros(500)).action
    torch.testing.assert_close(first, agent.step(obs, torch.zeros(500, 2), torch.zeros(500)).action)



@pytest.mark.parametrize("AgentCls", [DdpgAgent, SacAgent])
def test_unit_bounds_pass_actions_through_unscaled(AgentCls):
    """Bounds of [-1, 1]: scaling is the identity, so no op runs (the same
    tensor comes back); other bounds map [-1, 1] onto them linearly."""
    spaces = EnvSpaces(observation=FloatBox(-1, 1, shape=(2,)), action=FloatBox(-1, 1, shape=(3,)))
    agent = AgentCls(model_kwargs=SMALL, q_model_kwargs=SMALL)
    agent.initialize(spaces)
    action = torch.rand(5, 3) * 2 - 1
    assert agent.scale_action(action) is action and agent.normalize_action(action) is action
    pendulum = AgentCls(model_kwargs=SMALL, q_model_kwargs=SMALL)
    pendulum.initialize(EnvSpaces(observation=spaces.observation, action=FloatBox(-2, 2, shape=(1,))))
    assert pendulum.scale_action(torch.tensor([[-1.0], [0.0], [1.0]])).tolist() == [[-2.0], [0.0], [2.0]]
    assert pendulum.normalize_action(torch.tensor([[-2.0], [1.0]])).tolist() == [[-1.0], [0.5]]

class WrongWidthMu(torch.nn.Module):
    def __init__(self, observation_shape, action_size):
        super().__init__()
        self.linear = torch.nn.Linear(observation_shape[0], action_size + 1)

    def forward(self, observation, prev_action, prev_reward):
        return torch.tanh(self.linear(observation))


def test_bad_input_fails_at_initialize_with_clear_errors():
    box = FloatBox(-1, 1, shape=(2,))
    discrete = make_counting_env().spaces
    with pytest.raises(TypeError, match="FloatBox"):
        SacAgent().initialize(discrete)
    with pytest.raises(ValueError, match="bounded"):
        Td3Agent().initialize(EnvSpaces(observation=box, action=FloatBox(-np.inf, np.inf, shape=(2,))))
    with pytest.raises(ValueError, match="1-D"):
        DdpgAgent().initialize(EnvSpaces(observation=box, action=FloatBox(-1, 1, shape=(2, 2))))
    with pytest.raises(ValueError, match="action_size=3"):
        SacAgent(model_kwargs=dict(hidden_sizes=(8,), action_size=3)).initialize(EnvSpaces(box, box))
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2,\)"):
        DdpgAgent(ModelCls=WrongWidthMu, model_kwargs={}).initialize(EnvSpaces(box, box))
    with pytest.raises(ValueError, match="target_update_tau"):
        SAC(target_update_tau=0)
    with pytest.raises(TypeError, match="batch_size"):
        TD3(batch_size=2.5)
    with pytest.raises(ValueError, match="action_prior"):
        SAC(action_prior="laplace")
    with pytest.raises(ValueError, match="action_std"):
        DdpgAgent(action_std=0)


@pytest.mark.parametrize("AlgoCls,AgentCls", [(TD3, DdpgAgent), (SAC, Td3Agent), (DDPG, SacAgent)])
def test_an_algorithm_rejects_an_agent_it_cannot_train(AlgoCls, AgentCls):
    with pytest.raises(TypeError, match=f"{AlgoCls.__name__} trains a .*Agent.*got {AgentCls.__name__}"):
        agent_and_algo(AgentCls, AlgoCls, 1)


def test_sac_agent_takes_rlpyt_keywords_and_scales_to_the_bounds():
    agent = SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL, v_model_kwargs=dict(hidden_sizes=[256, 256]),
        action_squash=1.0)
    agent.initialize(EnvSpaces(observation=FloatBox(-1, 1, shape=(3,)), action=FloatBox(-2.0, 2.0, shape=(1,))))
    agent.sample_mode(0)
    action = agent.step(torch.randn(2000, 3), torch.zeros(2000, 1), torch.zeros(2000)).action
    assert action.abs().max() <= 2 and action.abs().max() > 1.5
    with pytest.raises(ValueError, match="action_squash must be a positive number"):
        SacAgent(action_squash=None)


def trained_pair(AgentCls, AlgoCls, initial_optim_state_dict=None, agent_state=None):
    set_seed(0)
    sampler = SerialSampler(EnvCls=make_env, env_kwargs={}, batch_T=12, batch_B=2, max_decorrelation_steps=0)
    agent = AgentCls(model_kwargs=SMALL, q_model_kwargs=SMALL)
    examples = sampler.initialize(agent, seed=0)
    algo = AlgoCls(min_steps_learn=0, replay_size=100, batch_size=8, replay_ratio=8,
        initial_optim_state_dict=initial_optim_state_dict)
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec, examples=examples)
    agent.sample_mode(0)
    samples, _ = sampler.obtain_samples(0)
    algo.replay_buffer.append_samples(samples_to_buffer(samples))  # the same replay data in both runs
    if agent_state is not None:
        agent.load_state_dict(agent_state)
    return agent, algo


@pytest.mark.parametrize("AgentCls,AlgoCls", [(DdpgAgent, DDPG), (Td3Agent, TD3), (SacAgent, SAC)])
def test_restored_agent_and_optimizers_continue_exactly(AgentCls, AlgoCls):
    agent, algo = trained_pair(AgentCls, AlgoCls)
    algo.optimize_agent(1)  # Adam moments, the update counter's phase and (SAC) the temperature move
    snapshot = io.BytesIO()
    torch.save(dict(agent=agent.state_dict(), optim=algo.optim_state_dict()), snapshot)
    snapshot.seek(0)
    saved = torch.load(snapshot)
    agent_state, optim_state = saved["agent"], saved["optim"]
    if AlgoCls is SAC:
        assert float(optim_state["log_alpha"]) != 0.0
    resumed_agent, resumed_algo = trained_pair(AgentCls, AlgoCls, initial_optim_state_dict=optim_state,
        agent_state=agent_state)
    resumed_algo.update_counter = algo.update_counter  # not in snapshots yet (nor the replay buffer)
    for a, b in ((algo, agent), (resumed_algo, resumed_agent)):
        torch.manual_seed(1)
        np.random.seed(1)
        a.optimize_agent(2)
    for (name, x), y in zip(agent.state_dict().items(), resumed_agent.state_dict().values()):
        for key in x:
            torch.testing.assert_close(x[key], y[key], rtol=0, atol=0, msg=f"{name}.{key}")


def test_sac_gaussian_action_prior_is_a_unit_gaussian_at_the_normalized_action():
    algo = SAC(action_prior="gaussian")
    algo.agent = SacAgent(model_kwargs=dict(hidden_sizes=(8,)), q_model_kwargs=dict(hidden_sizes=(8,)))
    algo.agent.initialize(gym_make("Pendulum-v1").spaces)  # actions in [-2, 2]
    prior = algo.prior_log_pi(torch.tensor([[0.0], [2.0]]))
    torch.testing.assert_close(prior, torch.tensor([-0.5 * math.log(2 * math.pi), -0.5 * (1 + math.log(2 * math.pi))]))
    assert SAC().prior_log_pi(torch.zeros(3, 1)) == 0.0


def test_td3_takes_rlpyt_learning_rate_as_the_policy_rate():
    assert TD3(learning_rate=3e-4).learning_rate == 3e-4
    assert TD3().learning_rate == 1e-3
    with pytest.raises(ValueError, match="learning_rate .* mu_learning_rate"):
        TD3(learning_rate=3e-4, mu_learning_rate=1e-3)
