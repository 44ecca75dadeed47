"""GymEnvWrapper and make: done/timeout, spaces, seeding, env_info, errors, pickling."""
import functools
import pickle

import cloudpickle
import numpy as np
import pytest

from rlpyt.envs.base import EnvSpaces, EnvStep
from rlpyt.envs.gym import GymEnvWrapper, make
from rlpyt.spaces.gym_wrapper import GymSpaceWrapper
from tests.envs import CountingEnv, make_counting_env


@pytest.mark.parametrize("terminate_at, truncate_at, timeout", [
    (3, None, False),
    (None, 3, True),
    (3, 3, False),
])
def test_terminated_and_truncated_map_to_done_and_timeout(terminate_at, truncate_at, timeout):
    env = make_counting_env(terminate_at=terminate_at, truncate_at=truncate_at)
    env.reset()
    for _ in range(2):
        step = env.step(1)
        assert step.done is False and step.env_info.timeout is False
    step = env.step(0)
    assert isinstance(step, EnvStep)
    assert step.done is True
    assert step.env_info.timeout is timeout


def test_counting_env_steps_convert():
    env = make_counting_env()
    assert env.horizon is None
    assert isinstance(env.spaces, EnvSpaces)
    assert isinstance(env.spaces.action, GymSpaceWrapper) and env.action_space.n == 2
    obs = env.reset()
    assert obs.dtype == np.float32 and obs.tolist() == [0.0]
    step = env.step(np.asarray(1))
    assert step.observation.dtype == np.float32 and step.observation.tolist() == [1.0]
    assert type(step.reward) is float and step.reward == 1.0
    step = env.step(env.action_space.sample())
    assert step.observation.tolist() == [2.0]


def test_force_float32_off_keeps_float64():
    env = GymEnvWrapper(CountingEnv(), force_float32=False)
    assert env.reset().dtype == np.float64
    assert env.observation_space.dtype == np.float64


def _hold_upright(env):
    env.env.unwrapped.state = np.zeros(4)


def test_cartpole_time_limit_gives_timeout():
    env = make("CartPole-v1")
    assert env.horizon == 500
    obs = env.reset(seed=0)
    assert obs.dtype == np.float32 and obs.shape == (4,)
    for t in range(1, 501):
        _hold_upright(env)
        step = env.step(t % 2)
        assert step.observation.dtype == np.float32
        if t < 500:
            assert not step.done
    assert step.done is True and step.env_info.timeout is True
    env.close()


def test_cartpole_failure_is_not_timeout():
    env = make("CartPole-v1")
    env.reset(seed=0)
    for _ in range(500):
        step = env.step(1)
        if step.done:
            break
    assert step.done and step.env_info.timeout is False


def _trajectory(env, seed, actions):
    env.seed(seed)
    observations = [env.reset()]
    for action in actions:
        step = env.step(action)
        observations.append(step.observation)
        if step.done:
            observations.append(env.reset())
    return np.stack(observations)


def test_seeding_gives_identical_trajectories():
    env = make("CartPole-v1")
    actions = np.random.default_rng(0).integers(0, 2, size=100)
    first = _trajectory(env, 3, actions)
    second = _trajectory(env, 3, actions)
    np.testing.assert_array_equal(first, second)
    other = _trajectory(env, 4, actions)
    assert not np.array_equal(first[0], other[0])


def test_seed_is_used_by_one_reset_only():
    env = make("CartPole-v1")
    env.seed(3)
    first = env.reset()
    assert not np.array_equal(first, env.reset())
    np.testing.assert_array_equal(first, env.reset(seed=3))


def test_seed_seeds_action_space():
    env = make("CartPole-v1")
    env.seed(5)
    first = [int(env.action_space.sample()) for _ in range(30)]
    env.seed(5)
    assert first == [int(env.action_space.sample()) for _ in range(30)]


def test_env_info_fields_fixed_by_first_step():
    env = make_counting_env(info_keys_vary=True)
    env.reset()
    first = env.step(0).env_info
    assert first._fields == ("timeout", "count", "extra")
    assert first.count == 1 and first.count.dtype == np.int64
    assert first.extra == np.float32(0.5) and first.extra.dtype == np.float32
    second = env.step(0).env_info
    assert type(second) is type(first)
    assert second.count == 2 and second.extra == 0.0 and second.extra.dtype == np.float32
    assert env.step(0).env_info.extra == np.float32(1.5)


def test_env_info_new_keys_dropped():
    env = make_counting_env(info_keys_vary=True, info_example={"count": 0})
    env.reset()
    infos = [env.step(0).env_info for _ in range(3)]
    assert all(info._fields == ("timeout", "count") for info in infos)
    assert [int(info.count) for info in infos] == [1, 2, 3]


def test_env_info_example_rule():
    example = {"a.b": 1.0, "count": 0, "flag": True, "zero_d": np.array(2.0), "note": "text",
        "array": np.zeros(3), "nested": {"x": 1}}
    env = make_counting_env(info_example=example)
    env.reset()
    info = env.step(1).env_info
    assert info._fields == ("timeout", "a_b", "count", "flag", "zero_d")
    assert info.a_b == 0.0 and info.a_b.dtype == np.float32
    assert info.flag.dtype == np.bool_ and not info.flag
    assert info.zero_d.dtype == np.float32 and info.count == 1


def test_env_info_uncastable_value_names_key():
    env = make_counting_env(info_example={"note": 0.0})
    env.reset()
    with pytest.raises(ValueError, match="'note'"):
        env.step(0)


def test_bad_id_raises_value_error():
    with pytest.raises(ValueError, match="CartPoel-v1") as info:
        make("CartPoel-v1")
    assert "Did you mean" in str(info.value)
    with pytest.raises(ValueError, match="not an id!"):
        make("not an id!")


def test_bad_kwarg_raises_type_error():
    with pytest.raises(TypeError, match=r"CartPole-v1.*bogus_kwarg"):
        make("CartPole-v1", bogus_kwarg=3)


def test_make_disables_env_checker_unless_asked():
    assert "PassiveEnvChecker" not in str(make("CartPole-v1").env)
    assert "PassiveEnvChecker" in str(make("CartPole-v1", disable_env_checker=False).env)


def test_make_passes_kwargs_and_works_as_env_cls():
    EnvCls, env_kwargs = make, dict(id="CartPole-v1", max_episode_steps=7)
    env = EnvCls(**env_kwargs)
    assert env.horizon == 7
    factory = pickle.loads(pickle.dumps(functools.partial(make, id="CartPole-v1")))
    assert factory().horizon == 500


def test_env_and_env_info_pickle_round_trip():
    env = make("CartPole-v1")
    env.reset(seed=1)
    step = env.step(0)
    info = pickle.loads(pickle.dumps(step.env_info))
    assert info == step.env_info and info._fields == step.env_info._fields
    clone = cloudpickle.loads(cloudpickle.dumps(env))
    np.testing.assert_array_equal(clone.step(1).observation, env.step(1).observation)

    counting = make_counting_env(info_keys_vary=True)
    counting.reset()
    first = counting.step(0).env_info
    assert pickle.loads(pickle.dumps(first)) == first
    clone = pickle.loads(pickle.dumps(counting))
    assert type(clone.step(0).env_info) is type(first)
