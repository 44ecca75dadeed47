"""gym_make runs gym's old ids (Hopper-v3, HalfCheetah-v2, ...) as the newest
registered version of the task, warning once per id, never replaces an id
that runs, and refuses by name where no newer version exists."""
import concurrent.futures
import multiprocessing
import warnings

import gymnasium
import pytest

from rlpyt.envs import gym as gym_module
from rlpyt.envs.gym import make
from tests.envs import CountingEnv


@pytest.fixture(autouse=True)
def fresh_warning_memory():
    """Each test sees the first make of an id in a process."""
    gym_module._warn_old_id.cache_clear()
    yield
    gym_module._warn_old_id.cache_clear()


def old_id_warnings(record, asked):
    return [w for w in record if issubclass(w.category, UserWarning) and repr(asked) in str(w.message)]


@pytest.mark.parametrize("asked, current", [
    ("Hopper-v3", "Hopper-v5"),
    ("HalfCheetah-v2", "HalfCheetah-v5"),
    ("Walker2d-v3", "Walker2d-v5"),
    ("Ant-v3", "Ant-v5"),
    ("Humanoid-v3", "Humanoid-v5"),
    ("Swimmer-v3", "Swimmer-v5"),
    ("InvertedPendulum-v2", "InvertedPendulum-v5"),
])
def test_mujoco_py_ids_run_as_the_current_version(asked, current):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        env = make(asked)
    assert env.env.spec.id == current
    assert env.observation_space.shape == gymnasium.make(current).observation_space.shape
    env.reset()
    step = env.step(env.action_space.sample())
    assert step.observation.shape == env.observation_space.shape
    [warning] = old_id_warnings(record, asked)
    message = str(warning.message)
    assert repr(current) in message and "ImportError" in message
    assert warning.filename == __file__  # points at the caller of gym_make
    env.close()


def test_the_warning_comes_once_per_id_and_kwargs_pass_through():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first = make("Hopper-v3", max_episode_steps=7)
        second = make(id="Hopper-v3")
        other = make("Hopper-v2")
    assert len(old_id_warnings(record, "Hopper-v3")) == 1
    assert len(old_id_warnings(record, "Hopper-v2")) == 1
    assert first.horizon == 7 and second.horizon == 1000 and other.env.spec.id == "Hopper-v5"


def test_an_unregistered_old_version_runs_as_the_current_one():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        env = make("Hopper-v1")
    assert env.env.spec.id == "Hopper-v5"
    [warning] = old_id_warnings(record, "Hopper-v1")
    assert "'Hopper-v5'" in str(warning.message) and "no longer registered" in str(warning.message)


@pytest.mark.parametrize("asked", ["Hopper-v4", "CartPole-v0"])
def test_a_registered_id_that_runs_is_not_replaced(asked):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        env = make(asked)
    assert env.env.spec.id == asked
    assert not [w for w in record if "gym_make" in str(w.message)]


@pytest.mark.parametrize("asked", ["Hoper-v3", "CartPole-v7", "Pong-v5"])
def test_an_id_without_a_current_version_is_refused_by_name(asked):
    with pytest.raises(ValueError, match=repr(asked)):
        make(asked)


def _needs_mujoco_py(**kwargs):
    raise ImportError("this task needs mujoco_py")


@pytest.fixture
def registered():
    """Register test ids for one test; yields the register function."""
    ids = []

    def register(env_id, entry_point):
        gymnasium.register(id=env_id, entry_point=entry_point)
        ids.append(env_id)

    yield register
    for env_id in ids:
        del gymnasium.registry[env_id]


def test_a_raising_id_without_a_newer_version_is_refused_by_name(registered):
    registered("RlpytRetired-v2", _needs_mujoco_py)
    with pytest.raises(ImportError, match="'RlpytRetired-v2'.*mujoco_py"):
        make("RlpytRetired-v2")


def test_a_raising_id_runs_as_the_newest_registered_version(registered):
    registered("RlpytOld-v1", _needs_mujoco_py)
    registered("RlpytOld-v2", _needs_mujoco_py)
    registered("RlpytOld-v4", CountingEnv)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        env = make("RlpytOld-v1")
    assert env.env.spec.id == "RlpytOld-v4" and env.reset().tolist() == [0.0]
    [warning] = old_id_warnings(record, "RlpytOld-v1")
    assert "'RlpytOld-v4'" in str(warning.message) and "mujoco_py" in str(warning.message)


def make_twice_in_worker(env_id):
    """In a fresh process: make ``env_id`` twice; return the id that ran and
    how many old-id warnings were issued."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        env = make(env_id)
        make(env_id)
    return env.env.spec.id, len(old_id_warnings(record, env_id))


def test_the_redirect_works_in_a_spawned_worker():
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(make_twice_in_worker, "Walker2d-v3").result(timeout=120) == ("Walker2d-v5", 1)
