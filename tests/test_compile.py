"""The compiled path (``compile=True``): the same losses and parameters as
eager updates after 10 updates, for every algorithm family; a clear warning
and eager updates where no compiler works; the switch refuses non-bools.

Tolerance: losses and parameters agree to 1e-4 (absolute and relative).
Inductor reorders float operations, so the two paths differ by float
rounding only; random draws inside the compiled losses (SAC's policy
samples, TD3's target smoothing) match eager's with inductor's
``fallback_random``. The first test compiles one small graph (a few
seconds with inductor's cache warm, ~30 s cold on this 2-core machine);
the others compile several and are marked slow.
"""
import copy
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
import torch._inductor.config

from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.dqn.r2d1_agent import R2d1Agent
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.compile import CompiledMethod
from rlpyt.algos.compiled_step import CompiledGradientStep, unsupported
from rlpyt.algos.dqn.cat_dqn import CategoricalDQN
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.dqn.r2d1 import R2D1
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.qpg.sac import SAC
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from tests.memory_env import make_memory_env
from tests.torch_threads import one_torch_thread  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TOLERANCE = 1e-4
N_UPDATES = 10
LOSS_STEPS = {"loss": N_UPDATES - 1}  # one compiled step per update but the first
SMALL = dict(hidden_sizes=(16,))
CARTPOLE = dict(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"))
PENDULUM = dict(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1"))


def train(make_algo, make_agent, env: dict, compile: bool, batch_T: int = 16, batch_B: int = 2,
        fill_itrs: int = 2, optimize_calls: int = 1):
    """``(opt_info, state_dict, algo)`` after ``N_UPDATES`` updates from one
    seeded sampler batch (replay algorithms: ``fill_itrs`` batches stored
    first); PG algorithms make theirs from one batch, in ``optimize_calls``
    calls of ``optimize_agent`` (their opt_info lists joined)."""
    set_seed(0)
    algo, agent = make_algo(compile), make_agent()
    sampler = SerialSampler(batch_T=batch_T, batch_B=batch_B, max_decorrelation_steps=0, **env)
    examples = sampler.initialize(agent, seed=0, bootstrap_value=algo.bootstrap_value)
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec, examples=examples)
    agent.sample_mode(0)
    batches = [sampler.obtain_samples(itr)[0] for itr in range(fill_itrs)]
    sampler.shutdown()
    agent.train_mode(0)
    if hasattr(algo, "replay_buffer"):
        for samples in batches:
            algo.replay_buffer.append_samples(algo.samples_to_buffer(samples))
        algo.updates_per_optimize = N_UPDATES
        opt_info = algo.optimize_agent(fill_itrs, None)
    else:
        infos = [algo.optimize_agent(itr, batches[0]) for itr in range(optimize_calls)]
        opt_info = type(infos[0])(*(sum(column, []) for column in zip(*infos)))
    return opt_info, agent.state_dict(), algo


def assert_compiled_equals_eager(make_algo, make_agent, env: dict, compiled_calls: dict | None = None,
        **kwargs) -> None:
    """Eager and compiled training from the same seed agree within
    ``TOLERANCE``. ``compiled_calls``: the whole steps compiled (name ->
    how many of the updates ran as that compiled gradient step: all but
    the first, which creates the optimizers' state); None: the
    ``compiled_methods`` were compiled."""
    with torch._inductor.config.patch(fallback_random=True):
        compiled_info, compiled_state, algo = train(make_algo, make_agent, env, compile=True, **kwargs)
    if compiled_calls is not None:
        assert all(isinstance(step, CompiledGradientStep) for step in algo.compiled_steps.values())
        assert {name: step.calls for name, step in algo.compiled_steps.items()} == compiled_calls
    else:
        assert algo.compiled_steps == {}
        for name in algo.compiled_methods:
            assert isinstance(getattr(algo, name), CompiledMethod), name
    assert algo.compile_seconds > 0
    eager_info, eager_state, _ = train(make_algo, make_agent, env, compile=False, **kwargs)
    assert eager_info._fields == compiled_info._fields
    for field, eager, compiled in zip(eager_info._fields, eager_info, compiled_info):
        assert len(eager) == len(compiled) > 0, field
        np.testing.assert_allclose(compiled, eager, rtol=TOLERANCE, atol=TOLERANCE, err_msg=field)
    flat_eager, flat_compiled = flatten(eager_state), flatten(compiled_state)
    assert flat_eager.keys() == flat_compiled.keys()
    for name, value in flat_eager.items():
        torch.testing.assert_close(flat_compiled[name], value, rtol=TOLERANCE, atol=TOLERANCE, msg=name)


def flatten(state, prefix: str = "") -> dict:
    """The tensors of a nested state dict by dotted name."""
    if isinstance(state, torch.Tensor):
        return {prefix: state}
    if isinstance(state, dict):
        return {k: v for key, value in state.items() for k, v in flatten(value, f"{prefix}.{key}").items()}
    return {}


def test_dqn_compiled_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: DQN(batch_size=16, min_steps_learn=0, replay_size=200, target_update_interval=3,
            compile=compile),
        lambda: DqnAgent(model_kwargs=SMALL), CARTPOLE, compiled_calls=LOSS_STEPS)


@pytest.mark.extended  # DQN's compiled step, with the categorical loss
def test_categorical_dqn_compiled_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: CategoricalDQN(batch_size=16, min_steps_learn=0, replay_size=200, target_update_interval=3,
            compile=compile),
        lambda: CatDqnAgent(n_atoms=11, model_kwargs=SMALL), CARTPOLE, compiled_calls=LOSS_STEPS)


@pytest.mark.slow
def test_ppo_compiled_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: PPO(minibatches=2, epochs=5, gae_lambda=0.95, normalize_advantage=True, compile=compile),
        lambda: CategoricalPgAgent(model_kwargs=SMALL), CARTPOLE, compiled_calls=LOSS_STEPS, fill_itrs=1)


@pytest.mark.slow
@pytest.mark.extended  # PPO's test runs the same compiled whole step by default
def test_a2c_compiled_equals_eager():
    assert_compiled_equals_eager(lambda compile: A2C(compile=compile),
        lambda: CategoricalPgAgent(model_kwargs=SMALL), CARTPOLE, compiled_calls=LOSS_STEPS, fill_itrs=1,
        optimize_calls=N_UPDATES)


@pytest.mark.slow
def test_sac_compiled_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: SAC(batch_size=16, min_steps_learn=0, replay_size=200, compile=compile),
        lambda: SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL), PENDULUM,
        compiled_calls={"update": N_UPDATES - 1})


@pytest.mark.slow
def test_td3_compiled_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: TD3(batch_size=16, min_steps_learn=0, replay_size=200, compile=compile),
        lambda: Td3Agent(model_kwargs=SMALL, q_model_kwargs=SMALL), PENDULUM,
        compiled_calls={"q": N_UPDATES - 1, "mu": N_UPDATES // 2 - 1})  # the policy every second update


@pytest.mark.slow
@pytest.mark.extended  # a graph per pattern of resets (55 s with a cold compiler cache); DQN's covers the step
def test_r2d1_compiled_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: R2D1(batch_T=4, batch_B=4, warmup_T=2, store_rnn_state_interval=2, n_step_return=2,
            replay_size=400, min_steps_learn=0, target_update_interval=2, prioritized_replay=False,
            compile=compile),
        lambda: R2d1Agent(model_kwargs=dict(hidden_sizes=[8], lstm_size=8)),
        dict(EnvCls=make_memory_env, env_kwargs=dict(length=3)), compiled_calls=LOSS_STEPS, batch_T=6, batch_B=4,
        fill_itrs=4)


@pytest.mark.slow
def test_adamw_weight_decay_in_the_compiled_step_equals_eager():
    assert_compiled_equals_eager(
        lambda compile: PPO(minibatches=2, epochs=5, OptimCls=torch.optim.AdamW,
            optim_kwargs=dict(weight_decay=0.5), compile=compile),
        lambda: CategoricalPgAgent(model_kwargs=SMALL), CARTPOLE, compiled_calls=LOSS_STEPS, fill_itrs=1)


def ppo_reloading_its_optimizer(compile: bool) -> tuple:
    """``(agent state, optimizer state, algo)`` after two PPO iterations,
    each followed by reloading a deep copy of the optimizer's state (new
    state tensors, as a resumed run has)."""
    set_seed(0)
    algo, agent = PPO(minibatches=2, epochs=2, compile=compile), CategoricalPgAgent(model_kwargs=SMALL)
    sampler = SerialSampler(batch_T=16, batch_B=2, max_decorrelation_steps=0, **CARTPOLE)
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec)
    for itr in range(2):
        agent.sample_mode(itr)
        samples = sampler.obtain_samples(itr)[0]
        agent.train_mode(itr)
        algo.optimize_agent(itr, samples)
        algo.load_optim_state_dict(copy.deepcopy(algo.optim_state_dict()))
    sampler.shutdown()
    return agent.state_dict(), algo.optim_state_dict(), algo


@pytest.mark.slow
def test_compiled_step_follows_a_reloaded_optimizer_state():
    compiled_agent, compiled_optim, algo = ppo_reloading_its_optimizer(compile=True)
    assert algo.compiled_steps["loss"].calls == 7
    eager_agent, eager_optim, _ = ppo_reloading_its_optimizer(compile=False)
    assert all(float(state["step"]) == 8 for state in compiled_optim["state"].values())
    for eager, compiled in ((eager_agent, compiled_agent), (eager_optim, compiled_optim)):
        flat_eager, flat_compiled = flatten(eager), flatten(compiled)
        assert flat_eager.keys() == flat_compiled.keys()
        for name, value in flat_eager.items():
            torch.testing.assert_close(flat_compiled[name], value, rtol=TOLERANCE, atol=TOLERANCE, msg=name)


def test_optimizers_the_compiled_step_cannot_take_keep_the_compiled_loss():
    params = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))]
    assert unsupported(torch.optim.Adam(params)) is None
    assert unsupported(torch.optim.AdamW(params, weight_decay=0.1)) is None
    assert "RMSprop is not Adam" in unsupported(torch.optim.RMSprop(params))
    assert "amsgrad=True" in unsupported(torch.optim.Adam(params, amsgrad=True))
    assert "2 parameter groups" in unsupported(torch.optim.Adam([{"params": params[:1]}, {"params": params[1:]}]))
    opt_info, _, algo = train(lambda compile: DQN(batch_size=16, min_steps_learn=0, replay_size=200,
        OptimCls=torch.optim.RMSprop, compile=compile), lambda: DqnAgent(model_kwargs=SMALL), CARTPOLE,
        compile=True)
    assert algo.compiled_steps == {} and isinstance(algo.loss, CompiledMethod)
    assert len(opt_info.loss) == N_UPDATES


def test_cpu_compilation_takes_tanh_from_an_exponential():
    """On the CPU the compiled methods pass inductor's decomposed-tanh
    option (an option torch no longer knew would raise at the first call);
    the compiled tanh stays within 2e-7 of eager's."""
    method = CompiledMethod(lambda x: torch.tanh(x) * 2, "tanh", mode=None)
    assert method.options == {"cpp.use_decompose_tanh": True}
    x = torch.linspace(-12, 12, 4001)
    torch.testing.assert_close(method(x), torch.tanh(x) * 2, rtol=0, atol=4e-7)
    assert method.compile_seconds > 0
    assert CompiledMethod(torch.tanh, "tanh", mode="reduce-overhead").options is None


def test_without_a_compiler_it_warns_and_stays_eager():
    no_compiler = torch._inductor.config.patch({"cpp.cxx": ("/nonexistent/c++",)})
    with no_compiler, pytest.warns(RuntimeWarning, match="C\\+\\+ compiler.*eagerly"):
        opt_info, _, algo = train(lambda compile: DQN(batch_size=16, min_steps_learn=0, replay_size=200,
            compile=compile), lambda: DqnAgent(model_kwargs=SMALL), CARTPOLE, compile=True)
    assert not isinstance(algo.loss, CompiledMethod)
    assert len(opt_info.loss) == N_UPDATES


def test_compiled_methods_replace_the_losses_only_when_asked():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        algo = DQN(min_steps_learn=0, compile=True)
        assert algo.compiled_methods == ("loss",)
        assert not isinstance(algo.loss, CompiledMethod)  # compiled at initialize, for the agent's device
    with pytest.raises(TypeError, match="compile must be True or False"):
        SAC(compile="yes")
    with pytest.raises(TypeError, match="compile must be True or False"):
        PPO(compile=1)


@pytest.mark.slow
def test_cuda_graph_mode_path_equals_eager(monkeypatch):
    """The "reduce-overhead" branch (CUDA graphs on CUDA; on the CPU torch
    skips the graphs) marks graph steps and clones diagnostics: same results."""
    for module in ("rlpyt.algos.compile", "rlpyt.algos.base"):
        monkeypatch.setattr(f"{module}.compile_mode", lambda device: "reduce-overhead")
    assert_compiled_equals_eager(
        lambda compile: DQN(batch_size=16, min_steps_learn=0, replay_size=200, target_update_interval=3,
            compile=compile),
        lambda: DqnAgent(model_kwargs=SMALL), CARTPOLE)


def test_importing_the_library_leaves_the_compiler_unimported():
    """TorchDynamo's imports take seconds, paid by every process that imports
    an algorithm (spawned ranks and samplers included) unless it compiles."""
    modules = ["rlpyt.algos.pg.ppo", "rlpyt.algos.pg.a2c", "rlpyt.algos.dqn.r2d1", "rlpyt.algos.dqn.cat_dqn",
        "rlpyt.algos.qpg.sac", "rlpyt.algos.qpg.td3", "rlpyt.runners.minibatch_rl", "rlpyt.runners.sync_rl",
        "rlpyt.runners.async_rl", "rlpyt.samplers.parallel.cpu.sampler"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "print(sorted(m for m in sys.modules if m.startswith(('torch._dynamo', 'torch._inductor'))))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=REPO, env=dict(os.environ, PYTHONPATH=REPO)).stdout
    assert output.strip() == "[]"


@pytest.mark.slow
def test_sac_with_a_fixed_temperature_compiled_equals_eager():
    """Two optimizers in the compiled step (no temperature loss)."""
    assert_compiled_equals_eager(
        lambda compile: SAC(batch_size=16, min_steps_learn=0, replay_size=200, fixed_alpha=0.2, compile=compile),
        lambda: SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL), PENDULUM,
        compiled_calls={"update": N_UPDATES - 1})
