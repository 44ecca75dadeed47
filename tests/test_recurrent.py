"""Recurrent agents: rnn state per environment and per mode, training forward
that reproduces sampling, and a memory task only a recurrent agent solves."""
import pytest
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent, RecurrentCategoricalPgAgent
from rlpyt.agents.pg.gaussian import RecurrentGaussianPgAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.utils import valid_from_done
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.collections import BatchSpec
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector, CpuWaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context
from rlpyt.utils.seed import set_seed
from tests.envs import make_counting_env
from tests.memory_env import make_memory_env
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.usefixtures("data_dir")


def make_agent(B=3):
    env = make_memory_env()
    agent = RecurrentCategoricalPgAgent()
    agent.initialize(env.spaces)
    obs = torch.rand(B, 3)
    return agent, (obs, torch.zeros(B, dtype=torch.long), torch.zeros(B))


def test_reset_one_zeroes_only_that_environment():
    agent, inputs = make_agent()
    agent.sample_mode(0)
    agent.reset()
    for _ in range(3):
        agent.step(*inputs)
    before = agent.prev_rnn_state
    h_before = before.h.clone()
    assert (h_before != 0).all()
    agent.reset_one(idx=1)
    state = agent.prev_rnn_state
    assert (state.h[:, 1] == 0).all() and (state.c[:, 1] == 0).all()
    torch.testing.assert_close(state.h[:, [0, 2]], h_before[:, [0, 2]])
    step = agent.step(*inputs)
    stored = step.agent_info.prev_rnn_state  # batch-first [B, N, H]
    assert (stored.h[1] == 0).all() and (stored.h[[0, 2]] != 0).all()


def test_sampling_and_evaluation_states_do_not_leak():
    agent, inputs = make_agent()
    agent.sample_mode(0)
    agent.reset()
    for _ in range(2):
        agent.step(*inputs)
    sample_h = agent.prev_rnn_state.h.clone()
    agent.eval_mode(0)
    assert agent.prev_rnn_state is None
    first_eval = agent.step(*inputs).agent_info.prev_rnn_state.h
    assert (first_eval == 0).all()
    agent.step(*inputs)
    agent.reset_one(idx=0)
    agent.sample_mode(1)
    torch.testing.assert_close(agent.prev_rnn_state.h, sample_h)
    agent.eval_mode(1)
    assert agent.prev_rnn_state is None  # every evaluation starts from zeros


def test_value_reads_the_state_without_advancing_it():
    agent, inputs = make_agent()
    agent.sample_mode(0)
    agent.reset()
    agent.step(*inputs)
    h = agent.prev_rnn_state.h.clone()
    v1, v2 = agent.value(*inputs), agent.value(*inputs)
    torch.testing.assert_close(v1, v2)
    torch.testing.assert_close(agent.prev_rnn_state.h, h)
    torch.testing.assert_close(agent.step(*inputs).agent_info.value, v1)  # step starts from that state
    assert not torch.allclose(agent.prev_rnn_state.h, h)


def sampled_batch(CollectorCls, AgentCls, EnvCls, env_kwargs, T=12, B=4):
    set_seed(3)
    sampler = SerialSampler(EnvCls=EnvCls, env_kwargs=env_kwargs, batch_T=T, batch_B=B,
        CollectorCls=CollectorCls, max_decorrelation_steps=5)
    agent = AgentCls()
    sampler.initialize(agent, seed=3, bootstrap_value=True)
    algo = A2C()
    algo.initialize(agent, n_itr=1, batch_spec=BatchSpec(T, B), mid_batch_reset=CollectorCls.mid_batch_reset)
    agent.sample_mode(0)
    sampler.obtain_samples(0)  # the second batch starts from nonzero states
    samples, _ = sampler.obtain_samples(1)
    return algo, agent, samples


def test_training_forward_reproduces_sampling_with_mid_batch_resets():
    algo, agent, samples = sampled_batch(CpuResetCollector, RecurrentCategoricalPgAgent,
        make_memory_env, dict(length=3))
    done = samples.env.done
    assert done[:-1].any(), "the test needs resets inside the batch"
    agent.train_mode(0)
    init_rnn_state, reset = algo.rnn_state_inputs(samples)
    assert (init_rnn_state.h != 0).any()
    dist_info, value, _ = agent(*algo.agent_inputs(samples), init_rnn_state, reset=reset)
    info = samples.agent.agent_info
    torch.testing.assert_close(dist_info.prob, info.dist_info.prob, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(value, info.value, atol=1e-5, rtol=1e-5)
    ignoring_resets, _, _ = agent(*algo.agent_inputs(samples), init_rnn_state)
    assert not torch.allclose(ignoring_resets.prob, info.dist_info.prob, atol=1e-4)


def test_training_forward_reproduces_sampling_on_valid_steps_with_wait_reset():
    algo, agent, samples = sampled_batch(CpuWaitResetCollector, RecurrentGaussianPgAgent,
        gym_make, dict(id="Pendulum-v1", max_episode_steps=7), T=10)
    valid = valid_from_done(samples.env.done).bool()
    assert not valid.all()
    init_rnn_state, reset = algo.rnn_state_inputs(samples)
    assert reset is None
    dist_info, value, _ = agent(*algo.agent_inputs(samples), init_rnn_state)
    info = samples.agent.agent_info
    torch.testing.assert_close(dist_info.mean[valid], info.dist_info.mean[valid], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(value[valid], info.value[valid], atol=1e-5, rtol=1e-5)


def test_recurrent_agent_keeps_leading_dims_and_stores_batch_first_state():
    env = make_counting_env()
    agent = RecurrentCategoricalPgAgent(model_kwargs=dict(lstm_size=8))
    agent.initialize(env.spaces)
    step = agent.step(torch.zeros(1), torch.tensor(0), torch.tensor(0.0))
    assert step.action.shape == () and step.agent_info.prev_rnn_state.h.shape == (1, 8)
    agent.reset()
    step = agent.step(torch.zeros(5, 1), torch.zeros(5, dtype=torch.long), torch.zeros(5))
    assert step.agent_info.prev_rnn_state.h.shape == (5, 1, 8)


def train_memory(AgentCls, n_steps=4800, seed=0) -> str:
    sampler = SerialSampler(EnvCls=make_memory_env, env_kwargs=dict(length=3), batch_T=16, batch_B=16,
        eval_n_envs=4, eval_max_steps=1200, eval_max_trajectories=200)
    algo = PPO(discount=0.9, learning_rate=3e-3, gae_lambda=0.95, minibatches=4, epochs=4, ratio_clip=0.2,
        entropy_loss_coeff=0.01, normalize_advantage=True, linear_lr_schedule=False)
    runner = MinibatchRlEval(algo=algo, agent=AgentCls(), sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=n_steps, affinity=dict(master_torch_threads=1))
    with logger_context("memory", 0, AgentCls.__name__, {}) as exp_dir:
        runner.train()
    return exp_dir


@pytest.mark.slow
def test_recurrent_ppo_solves_memory_task_feedforward_stays_at_chance(read_progress):
    """Chance is 0.5 (the last observation carries no cue); 200 evaluation
    episodes put a feed-forward policy within 0.15 of it with certainty
    beyond 4 standard deviations."""
    recurrent = [row["ReturnAverage"] for row in read_progress(train_memory(RecurrentCategoricalPgAgent))]
    feedforward = [row["ReturnAverage"] for row in read_progress(train_memory(CategoricalPgAgent))]
    assert recurrent[-1] >= 0.95, recurrent
    assert abs(feedforward[-1] - 0.5) <= 0.15, feedforward
