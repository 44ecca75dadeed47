"""Every key of every preset in rlpyt/experiments/configs builds, through the
train script that takes it, a runner with its algorithm, agent and sampler;
a sample of keys also initializes sampler, agent and algorithm on a tiny batch.

A train script is loaded as a module and its runner classes are replaced by
subclasses whose ``train`` only records the runner (or, for the sampled keys,
runs the real startup and shutdown), so the script's own wiring is what is
tested. The budgets of the sampled keys are cut through the variant file, as
the launcher would.
"""
import importlib
import importlib.util
import os
import pkgutil

import pytest
import torch

import rlpyt.experiments.configs as configs_package
from rlpyt.envs.gym import make as gym_make
from rlpyt.utils.launching.affinity import available_cpus, encode_affinity
from rlpyt.utils.launching.variant import save_variant

pytest.importorskip("ale_py")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(REPO, "rlpyt", "experiments", "scripts")
CARTPOLE = os.path.join(REPO, "experiments", "train", "ppo_cartpole.py")
RUNNER_NAMES = ("MinibatchRl", "MinibatchRlEval", "AsyncRl", "AsyncRlEval")
pytestmark = [pytest.mark.usefixtures("data_dir"),
    pytest.mark.filterwarnings("ignore:gym_make. environment id:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*is out of date:DeprecationWarning")]

# preset module (under rlpyt.experiments.configs) -> train scripts that take its keys
# (all of them, unless a key is listed in NOT_FOR)
TRAIN_SCRIPTS = {
    "atari.pg.atari_ff_a2c": ["atari/pg/train/atari_ff_a2c_cpu.py", "atari/pg/train/atari_ff_a2c_gpu.py"],
    "atari.pg.atari_ff_ppo": ["atari/pg/train/atari_ff_ppo_gpu.py"],
    "atari.pg.atari_lstm_a2c": ["atari/pg/train/atari_lstm_a2c_cpu.py",
        "atari/pg/train/atari_lstm_a2c_gpu.py"],
    "atari.pg.atari_lstm_ppo": ["atari/pg/train/atari_lstm_ppo_gpu.py"],
    "atari.dqn.atari_dqn": ["atari/dqn/train/atari_dqn_serial.py", "atari/dqn/train/atari_dqn_cpu.py",
        "atari/dqn/train/atari_dqn_gpu.py", "atari/dqn/train/atari_dqn_gpu_noeval.py",
        "atari/dqn/train/atari_catdqn_gpu.py", "atari/dqn/train/atari_dqn_async_serial.py",
        "atari/dqn/train/atari_dqn_async_cpu.py", "atari/dqn/train/atari_dqn_async_gpu.py"],
    "atari.dqn.atari_dqn_debug": ["atari/dqn/train/atari_dqn_serial.py",
        "atari/dqn/train/atari_catdqn_gpu.py"],
    "atari.dqn.atari_r2d1": ["atari/dqn/train/atari_r2d1_gpu.py", "atari/dqn/train/atari_r2d1_async_gpu.py",
        "atari/dqn/train/atari_r2d1_async_alt.py"],
    "mujoco.pg.mujoco_a2c": ["mujoco/pg/train/mujoco_ff_a2c_cpu.py"],
    "mujoco.pg.mujoco_ppo": ["mujoco/pg/train/mujoco_ff_ppo_serial.py",
        "mujoco/pg/train/mujoco_ff_ppo_cpu.py", "mujoco/pg/train/mujoco_ff_ppo_gpu.py"],
    "mujoco.qpg.mujoco_ddpg": ["mujoco/qpg/train/mujoco_ddpg_serial.py",
        "mujoco/qpg/train/mujoco_ddpg_cpu.py"],
    "mujoco.qpg.mujoco_td3": ["mujoco/qpg/train/mujoco_td3_serial.py"],
    "mujoco.qpg.mujoco_sac": ["mujoco/qpg/train/mujoco_sac_serial.py"],
    "classic.pg.cartpole_ppo": [CARTPOLE],
}
NOT_FOR = {("atari.dqn.atari_dqn", "rainbow"): "atari_catdqn_gpu.py"}  # only the categorical script

# (preset module, key, train script) initialized on a tiny batch: keys whose
# settings test_train_scripts.py's runs do not reach
INITIALIZED = [
    ("atari.dqn.atari_dqn", "rmsprop", "atari/dqn/train/atari_dqn_serial.py"),
    ("atari.dqn.atari_dqn", "debug_vec_eps", "atari/dqn/train/atari_dqn_serial.py"),
    ("atari.dqn.atari_dqn", "rainbow", "atari/dqn/train/atari_catdqn_gpu.py"),
    ("atari.dqn.atari_dqn_debug", "uniform_noframe", "atari/dqn/train/atari_dqn_serial.py"),
    ("atari.dqn.atari_r2d1", "r2d1_test", "atari/dqn/train/atari_r2d1_gpu.py"),
    ("mujoco.qpg.mujoco_ddpg", "ddpg_from_td3", "mujoco/qpg/train/mujoco_ddpg_serial.py"),
    ("mujoco.qpg.mujoco_sac", "sac_fixed_alpha", "mujoco/qpg/train/mujoco_sac_serial.py"),
    ("classic.pg.cartpole_ppo", "ppo_cartpole", CARTPOLE),
]


def preset(module_name):
    """The ``configs`` of ``rlpyt.experiments.configs.<module_name>``."""
    return importlib.import_module(f"rlpyt.experiments.configs.{module_name}").configs


def build_cases():
    """(preset module, key, train script) for every key and every script taking it."""
    cases = []
    for module_name, scripts in TRAIN_SCRIPTS.items():
        for key in preset(module_name):
            for script in scripts:
                only = NOT_FOR.get((module_name, key))
                if only is None or script.endswith(only):
                    cases.append(pytest.param(module_name, key, script,
                        id=f"{module_name.split('.')[-1]}:{key}:{os.path.basename(script)[:-3]}"))
    return cases


def load_script(path, configs):
    """The train script at ``path`` as a fresh module taking the presets
    ``configs``, with runner classes that record themselves instead of
    training; returns the module and the list the runners go to."""
    path = path if os.path.isabs(path) else os.path.join(SCRIPTS, path)
    spec = importlib.util.spec_from_file_location(f"train_script_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.configs = configs
    built = []

    def record(runner):
        built.append(runner)

    for name in RUNNER_NAMES:
        if hasattr(module, name):
            setattr(module, name, type(name, (getattr(module, name),), {"train": record}))
    return module, built


def build(module_name, key, script, log_dir, variant):
    """The runner the script builds for preset ``key`` with ``variant`` saved in ``log_dir``."""
    save_variant(variant, log_dir)
    module, built = load_script(script, preset(module_name))
    slot_code = encode_affinity(n_cpu_core=len(available_cpus()), cpu_per_run=len(available_cpus()),
        set_affinity=False, run_slot=0)
    module.build_and_train(slot_code, log_dir, "0", key)
    assert len(built) == 1, f"{script} built {len(built)} runners"
    return built[0]


def test_every_preset_module_has_its_train_scripts():
    prefix = "rlpyt.experiments.configs."
    modules = {name.removeprefix(prefix)
        for _, name, is_package in pkgutil.walk_packages(configs_package.__path__, prefix) if not is_package}
    assert modules == set(TRAIN_SCRIPTS)


@pytest.mark.parametrize("module_name, key, script", build_cases())
def test_preset_builds_through_its_train_script(module_name, key, script, tmp_path):
    config = preset(module_name)[key]
    runner = build(module_name, key, script, str(tmp_path / "log"), variant={})
    assert runner.n_steps == config["runner"]["n_steps"]
    assert runner.seed == 0
    sampler = config["sampler"]
    batch_spec = runner.sampler.batch_spec
    assert (batch_spec.T, batch_spec.B) == (sampler["batch_T"], sampler["batch_B"])
    assert runner.sampler.max_decorrelation_steps == sampler["max_decorrelation_steps"]
    for name, value in config["algo"].items():
        assert getattr(runner.algo, name) == value, f"algo.{name}"
    for name, value in config.get("model", {}).items():
        assert runner.agent.model_kwargs[name] == value, f"model.{name}"
    assert runner.sampler.env_kwargs == config["env"]


def tiny_variant(config):
    """Budgets cut to a few steps, for the keys the config has (a variant may
    only change existing keys)."""
    cuts = dict(
        sampler=dict(batch_T=4, batch_B=2, max_decorrelation_steps=0, eval_n_envs=1, eval_max_steps=20,
            eval_max_trajectories=1),
        algo=dict(replay_size=64, min_steps_learn=8, batch_size=8, minibatches=2),
        runner=dict(n_steps=16, log_interval_steps=8),
    )
    return {section: {k: v for k, v in values.items() if k in config[section]}
        for section, values in cuts.items()}


@pytest.mark.parametrize("module_name, key, script", INITIALIZED,
    ids=[f"{module.split('.')[-1]}:{key}" for module, key, _ in INITIALIZED])
def test_preset_initializes_on_a_tiny_batch(module_name, key, script, tmp_path):
    config = preset(module_name)[key]
    runner = build(module_name, key, script, str(tmp_path / "log"), variant=tiny_variant(config))
    threads = torch.get_num_threads()
    try:
        n_itr = runner.startup()
        assert n_itr == 2
        optimizer_states = runner.algo.optim_state_dict()
        assert optimizer_states, "the algorithm built no optimizer"
        samples, _ = runner.sampler.obtain_samples(0)
        assert samples.env.reward.shape == (4, 2)
    finally:
        runner.shutdown()
        torch.set_num_threads(threads)
    if "OptimCls" in config["algo"]:
        assert isinstance(runner.algo.optimizer, config["algo"]["OptimCls"])
    if config["algo"].get("ReplayBufferCls") is not None:
        assert type(runner.algo.replay_buffer) is config["algo"]["ReplayBufferCls"]


def test_rlpyt_mujoco_ids_of_the_presets_build():
    """rlpyt's presets name MuJoCo tasks by the ids of its time (Hopper-v3);
    ``gym_make`` must build them (as the current version)."""
    ids = {config["env"]["id"] for name in TRAIN_SCRIPTS if name.startswith("mujoco.")
        for config in preset(name).values()}
    assert "Hopper-v3" in ids
    for env_id in sorted(ids):
        env = gym_make(env_id)
        assert env.spaces.action.shape == (3,)
        env.close()
