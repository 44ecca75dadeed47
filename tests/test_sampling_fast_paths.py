"""The per-step fast paths of sampling give what the plain code gave.

``Categorical.sample`` searches the CDF without its last entry and draws its
uniforms with ``rand_like``; agents' ``step`` skips the grad-mode context when
gradients are already off; collectors run batches under ``torch.no_grad``;
MLPs run their layers' ``forward`` directly where calling the layers would
do nothing more (``run_layers``); Gaussian models copy log_std by
``expand`` and ``clone``. The references here are the plain formulations,
and a seeded CartPole run's actions, dones and trajectory lengths as the
code before these paths gave them.
"""
import numpy as np
import pytest
import torch

from rlpyt.agents.base import model_reads_prev_action, no_grad_step
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.distributions.categorical import Categorical, DistInfo
from rlpyt.envs.gym import make as gym_make
from rlpyt.models.dqn.mlp import DqnMlpModel
from rlpyt.models.mlp import MlpModel
from rlpyt.models.pg.mlp import CategoricalPgMlpModel, GaussianPgMlpModel
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed


def _reference_sample(prob: torch.Tensor, dim: int) -> torch.Tensor:
    """Inverse-CDF sampling as first written: full CDF, then capped."""
    uniform = torch.rand(prob.shape[:-1] + (1,), dtype=prob.dtype, device=prob.device)
    sample = torch.searchsorted(prob.cumsum(dim=-1), uniform, right=True).squeeze(-1)
    return sample.clamp_(max=dim - 1)


@pytest.mark.parametrize("dim", [1, 2, 3, 7])
@pytest.mark.parametrize("lead", [(), (5,), (3, 4)])
def test_categorical_sample_equals_reference(dim, lead):
    probs = torch.softmax(torch.randn(lead + (dim,)), dim=-1)
    probs[..., -1] = 0.0  # a last entry of probability zero; cdf ends below 1
    distribution = Categorical(dim=dim)
    for seed in range(20):
        torch.manual_seed(seed)
        sample = distribution.sample(DistInfo(prob=probs))
        torch.manual_seed(seed)
        assert torch.equal(sample, _reference_sample(probs, dim))
        assert sample.dtype == torch.long and sample.shape == lead


def test_categorical_one_hot_of_int32_indexes():
    distribution = Categorical(dim=3)
    indexes = torch.tensor([2, 0, 1], dtype=torch.int32)
    assert torch.equal(distribution.to_onehot(indexes), torch.eye(3)[indexes.long()])


def test_no_grad_step_turns_gradients_off_only_inside():
    weight = torch.ones(2, requires_grad=True)

    @no_grad_step
    def step(x):
        """Doc."""
        return weight * x, torch.is_grad_enabled()

    out, enabled = step(torch.ones(2))
    assert not out.requires_grad and not enabled and torch.is_grad_enabled()
    with torch.no_grad():
        out, enabled = step(torch.ones(2))
    assert not out.requires_grad and not enabled
    assert step.__name__ == "step" and step.__doc__ == "Doc."


def test_agent_step_without_grad_under_grad_mode():
    env = gym_make("CartPole-v1")
    agent = CategoricalPgAgent()
    agent.initialize(env.spaces)
    obs = torch.zeros(3, 4)
    action, agent_info = agent.step(obs, torch.zeros(3, dtype=torch.long), torch.zeros(3))
    assert action.shape == (3,) and not agent_info.value.requires_grad
    assert not agent_info.dist_info.prob.requires_grad



class _ReadsPrevAction(CategoricalPgMlpModel):
    """A user's subclass: its forward may read the previous action, so it
    gets the one-hot encoding (the declaration is not inherited)."""

    def __init__(self, seen: list, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen = seen

    def forward(self, observation, prev_action, prev_reward):
        self.seen.append(prev_action.clone())
        return super().forward(observation, prev_action, prev_reward)


class _IgnoresPrevAction(_ReadsPrevAction):
    uses_prev_action = False


class _QReadsPrevAction(_ReadsPrevAction):
    """The same as a Q-model (Q-values out)."""

    def forward(self, observation, prev_action, prev_reward):
        return super().forward(observation, prev_action, prev_reward)[0]


class _QIgnoresPrevAction(_QReadsPrevAction):
    uses_prev_action = False


@pytest.mark.parametrize("AgentCls,ReadsCls,IgnoresCls", [
    (CategoricalPgAgent, _ReadsPrevAction, _IgnoresPrevAction),
    (DqnAgent, _QReadsPrevAction, _QIgnoresPrevAction)])
def test_previous_action_is_one_hot_unless_the_model_declares_it_unread(AgentCls, ReadsCls, IgnoresCls):
    env = gym_make("CartPole-v1")
    prev_action = torch.tensor([1, 0, 1])
    seen = {}
    for ModelCls in (ReadsCls, IgnoresCls):
        seen[ModelCls] = []
        agent = AgentCls(ModelCls=ModelCls, model_kwargs=dict(seen=seen[ModelCls], observation_shape=(4,),
            action_size=2))
        agent.initialize(env.spaces)
        agent.step(torch.zeros(3, 4), prev_action, torch.zeros(3))
    assert torch.equal(seen[ReadsCls][0], torch.eye(2)[prev_action])
    assert torch.equal(seen[IgnoresCls][0], prev_action)
    assert not model_reads_prev_action(CategoricalPgMlpModel(observation_shape=(4,), action_size=2))
    assert not model_reads_prev_action(DqnMlpModel(observation_shape=(4,), action_size=2))

_ACTIONS = ["101011101011001000011000010011110000111000001010010001001010001111100010",
    "000111101110001001011110100011101010000010011010000001010111100010000001"]
_DONES = ["000000000000000000000000000000000100000000000000001000000000000001000000",
    "000000000000000000000000000000000001000000000010000000010000000000000000"]


def test_seeded_serial_run_as_before():
    set_seed(3)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=24,
        batch_B=2, max_decorrelation_steps=0)
    agent = CategoricalPgAgent()
    sampler.initialize(agent, seed=3, bootstrap_value=True)
    agent.sample_mode(0)
    actions, dones, lengths = [], [], []
    for itr in range(3):
        samples, traj_infos = sampler.obtain_samples(itr)
        actions.append(samples.agent.action.numpy().T.copy())
        dones.append(samples.env.done.numpy().T.copy())
        lengths += [info.Length for info in traj_infos]
        assert torch.equal(samples.agent.prev_action[1:][~samples.env.done[:-1]],
            samples.agent.action[:-1][~samples.env.done[:-1]])
    sampler.shutdown()
    assert ["".join(map(str, row)) for row in np.concatenate(actions, axis=1)] == _ACTIONS
    assert ["".join(map(str, row.astype(int))) for row in np.concatenate(dones, axis=1)] == _DONES
    assert lengths == [34, 36, 11, 17, 9, 15]


def test_mlp_layers_run_directly_give_the_sequential_output_and_hooks_still_fire():
    torch.manual_seed(0)
    mlp = MlpModel(5, [16, 16], 3, torch.nn.Tanh)
    x = torch.randn(4, 5)
    reference = x
    for layer in mlp.model:
        reference = layer(reference)
    assert torch.equal(mlp(x), reference)
    calls = []
    handle = mlp.model[2].register_forward_hook(lambda module, inputs, output: output * 0)
    assert torch.equal(mlp(x), mlp.model[4](mlp.model[3](torch.zeros(4, 16))))  # the layer hook ran
    handle.remove()
    handle = torch.nn.modules.module.register_module_forward_hook(
        lambda module, inputs, output: calls.append(type(module).__name__))
    try:
        assert torch.equal(mlp(x), reference)
    finally:
        handle.remove()
    assert calls.count("Linear") == 3 and calls.count("Tanh") == 2  # the global hook saw every layer
    handle = mlp.model.register_forward_pre_hook(lambda module, inputs: (inputs[0] + 1,))
    assert torch.equal(mlp(x), mlp.model[4](mlp.model[3](mlp.model[2](mlp.model[1](mlp.model[0](x + 1))))))
    handle.remove()


def test_gaussian_log_std_rows_are_copies_that_carry_the_gradient():
    model = GaussianPgMlpModel((3,), 2, init_log_std=-0.5)
    with torch.no_grad():
        _mu, log_std, _value = model(torch.zeros(4, 3), None, None)
    assert log_std.shape == (4, 2) and not log_std.requires_grad and (log_std == -0.5).all()
    log_std += 1  # a copy: the parameter stays
    assert (model.log_std == -0.5).all()
    _mu, log_std, _value = model(torch.zeros(3, 5, 3), None, None)
    assert log_std.shape == (3, 5, 2)
    log_std.sum().backward()
    assert torch.equal(model.log_std.grad, torch.full((2,), 15.0))
