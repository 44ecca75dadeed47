"""DQN and Categorical DQN pieces: targets through time limits, the categorical
projection, agents' epsilon schedules and target networks, buffer choice."""
import numpy as np
import pytest
import torch

from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.algos.dqn.cat_dqn import CategoricalDQN, project_distribution
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.replays.non_sequence.frame import UniformReplayFrameBuffer
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import samples_to_buffer
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.collections import AttrDict, picklable_namedtuple
from rlpyt.utils.seed import set_seed
from tests.envs import make_counting_env


class ConstantQModel(torch.nn.Module):
    """Q = ``value`` for every action (the value of reward 1 forever at discount 0.9 is 10)."""

    def __init__(self, value: float = 10.0, n_actions: int = 2) -> None:
        super().__init__()
        self.bias = torch.nn.Parameter(torch.zeros(n_actions))
        self.value = value

    def forward(self, observation, prev_action, prev_reward):
        return torch.full(observation.shape[:-1] + (len(self.bias),), self.value) + self.bias


def dqn_on_counting_env(n_step, AlgoCls=DQN, AgentCls=DqnAgent, model=ConstantQModel, **env_kwargs):
    set_seed(0)
    sampler = SerialSampler(EnvCls=make_counting_env, env_kwargs=env_kwargs, batch_T=20, batch_B=2,
        max_decorrelation_steps=0)
    agent = AgentCls(ModelCls=model)
    examples = sampler.initialize(agent, seed=0)
    algo = AlgoCls(discount=0.9, n_step_return=n_step, min_steps_learn=0, replay_size=200, batch_size=8)
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec, examples=examples)
    agent.sample_mode(0)
    samples, _ = sampler.obtain_samples(0)
    algo.replay_buffer.append_samples(samples_to_buffer(samples))
    low, high = algo.replay_buffer.valid_range()
    T_idxs = np.arange(low, high).repeat(2)
    batch = algo.replay_buffer.extract_batch(T_idxs, np.tile([0, 1], high - low))
    return algo, batch


@pytest.mark.parametrize("n_step", [1, 3])
def test_targets_bootstrap_through_truncation_not_termination(n_step):
    """With the true value as Q, every TD error is zero when truncations
    bootstrap from the final observation; a termination ends the return."""
    algo, batch = dqn_on_counting_env(n_step, truncate_at=4)
    assert batch.timeout_n.any()
    assert (batch.target_inputs.observation[batch.timeout_n] == 4).all()  # final, not reset, observation
    loss, td_abs = algo.loss(batch)
    assert loss.item() == pytest.approx(0, abs=1e-6) and td_abs.max().item() == pytest.approx(0, abs=1e-5)

    algo, batch = dqn_on_counting_env(n_step, terminate_at=4)
    loss, td_abs = algo.loss(batch)
    at_end = batch.done_n
    assert at_end.any() and not batch.timeout_n.any()
    assert (td_abs[at_end] > 0.5).all() and td_abs[~at_end].max().item() == pytest.approx(0, abs=1e-5)


def test_categorical_targets_bootstrap_through_truncation():
    """A distribution with all mass on 10 stays there through truncation."""

    class PointMass(torch.nn.Module):
        def __init__(self, n_atoms):
            super().__init__()
            self.bias = torch.nn.Parameter(torch.zeros(1))
            self.n_atoms = n_atoms

        def forward(self, observation, prev_action, prev_reward):
            p = torch.zeros(observation.shape[:-1] + (2, self.n_atoms))
            p[..., 15] = 1.0  # support linspace(-10, 20, 31): atom 15 is 5.0
            return p + 0 * self.bias

    class Agent(CatDqnAgent):
        def __init__(self, ModelCls):
            super().__init__(ModelCls=ModelCls, n_atoms=31)

    class Algo(CategoricalDQN):
        def __init__(self, **kwargs):
            super().__init__(V_min=-10, V_max=20, **kwargs)

    # Q = 5 is the value of reward 0.5 forever at discount 0.9: halve the rewards
    algo, batch = dqn_on_counting_env(2, AlgoCls=Algo, AgentCls=Agent, model=PointMass, truncate_at=4)
    batch = batch._replace(return_=batch.return_ / 2)
    _, kl = algo.loss(batch)
    assert kl.max().item() < 1e-4


def brute_force_projection(target_z, target_p, z):
    n_atoms, dz = len(z), z[1] - z[0]
    out = np.zeros_like(target_p)
    for n in range(len(target_z)):
        for j in range(n_atoms):
            tz = min(max(target_z[n, j], z[0]), z[-1])
            b = min((tz - z[0]) / dz, n_atoms - 1)
            lo, hi = int(np.floor(b)), int(np.ceil(b))
            if lo == hi:
                out[n, lo] += target_p[n, j]
            else:
                out[n, lo] += target_p[n, j] * (hi - b)
                out[n, hi] += target_p[n, j] * (b - lo)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_categorical_projection_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_atoms = int(rng.integers(2, 30))
    z = np.linspace(-3.0, 5.0, n_atoms)
    target_p = rng.dirichlet(np.ones(n_atoms), size=16)
    reward = rng.normal(0, 3, size=(16, 1))
    discount = rng.choice([0.0, 0.5, 0.99], size=(16, 1))
    target_z = reward + discount * z
    target_z[0] = z  # atoms exactly on the support
    got = project_distribution(torch.tensor(target_z), torch.tensor(target_p), torch.tensor(z)).numpy()
    np.testing.assert_allclose(got, brute_force_projection(target_z, target_p, z), atol=1e-10)
    np.testing.assert_allclose(got.sum(-1), 1.0, rtol=1e-10)


def test_epsilon_schedule_vector_epsilon_and_eval_epsilon():
    sampler = SerialSampler(EnvCls=make_counting_env, env_kwargs={}, batch_T=4, batch_B=4,
        max_decorrelation_steps=0)
    agent = DqnAgent(eps_init=1.0, eps_final=0.1, eps_final_min=0.001, eps_eval=0.05)
    sampler.initialize(agent, seed=0)
    agent.set_epsilon_itr_min_max(10, 20)
    agent.sample_mode(5)
    assert torch.allclose(agent.distribution.epsilon, torch.ones(4))
    agent.sample_mode(100)
    np.testing.assert_allclose(agent.distribution.epsilon.numpy(), np.logspace(-3, -1, 4), rtol=1e-4)
    agent.sample_mode(15)
    np.testing.assert_allclose(agent.distribution.epsilon.numpy(), 0.5 * (1 + np.logspace(-3, -1, 4)), rtol=1e-4)
    agent.eval_mode(0)
    assert agent.distribution.epsilon.item() == pytest.approx(0.05)
    q = torch.tensor([[0.0, 1.0]]).repeat(4000, 1)
    agent.distribution.set_epsilon(0.5)
    action = agent.distribution.sample(q)
    assert 0.72 < action.float().mean().item() < 0.78  # greedy 1, random half of the time


def test_target_network_follows_by_tau_and_snapshots_hold_both():
    sampler = SerialSampler(EnvCls=make_counting_env, env_kwargs={}, batch_T=4, batch_B=1,
        max_decorrelation_steps=0)
    agent = DqnAgent(model_kwargs=dict(hidden_sizes=(8,)))
    sampler.initialize(agent, seed=0)
    with torch.no_grad():
        for p in agent.model.parameters():
            p.add_(1.0)
    obs = torch.zeros(3, 1)
    before_online, before_target = agent(obs, torch.zeros(3, dtype=torch.long), torch.zeros(3)), \
        agent.target(obs, torch.zeros(3, dtype=torch.long), torch.zeros(3))
    old = [p.clone() for p in agent.target_model.parameters()]
    agent.update_target(tau=0.25)
    for o, t, m in zip(old, agent.target_model.parameters(), agent.model.parameters()):
        torch.testing.assert_close(t, 0.75 * o + 0.25 * m)
    agent.update_target()
    assert torch.allclose(agent.target(obs, torch.zeros(3, dtype=torch.long), torch.zeros(3)), before_online)
    assert not torch.allclose(before_target, before_online)
    state = agent.state_dict()
    assert set(state) == {"model", "target"}


def test_buffer_choice_follows_the_observation():
    info = picklable_namedtuple("EnvInfo", ["timeout"])(False)
    spec = AttrDict(B=1, size=1)

    def chosen(observation, **kwargs):
        examples = AttrDict(observation=observation, action=np.int64(0), reward=np.float32(0),
            done=np.bool_(False), env_info=info)
        algo = DQN(replay_size=100, **kwargs)
        algo.initialize_replay_buffer(examples, spec)
        return type(algo.replay_buffer)

    assert chosen(np.zeros(4, np.float32)) is UniformReplayBuffer
    assert chosen(np.zeros((4, 84, 84), np.uint8)) is UniformReplayFrameBuffer
    assert chosen(np.zeros((84, 84, 3), np.float32)) is UniformReplayBuffer
    assert chosen(np.zeros(4, np.float32), prioritized_replay=True) is PrioritizedReplayBuffer


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="discount"):
        DQN(discount=1.5)
    with pytest.raises(TypeError, match="batch_size"):
        DQN(batch_size=3.5)
    with pytest.raises(ValueError, match="V_min"):
        CategoricalDQN(V_min=1, V_max=0)
    with pytest.raises(ValueError, match="eps_final"):
        DqnAgent(eps_final=2)
