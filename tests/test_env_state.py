"""Env.get_state / set_state: a restored environment (the same one or a fresh
one, the state passed through torch.save) repeats the steps that followed the
snapshot, resets included."""
import io
import pickle
import threading

import gymnasium
import numpy as np
import pytest
import torch

from rlpyt.envs.base import Env
from rlpyt.envs.gym import GymEnvWrapper, make


def through_torch_save(state):
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=False)


def play(env, actions, reset_when):
    """Every step's (observation, reward, done, env_info), and the first
    observation of each reset that ``reset_when(step)`` asks for."""
    record = []
    for action in actions:
        step = env.step(action)
        record.append((np.asarray(step.observation).tobytes(), step.reward, step.done, tuple(step.env_info)))
        if reset_when(step):
            record.append(np.asarray(env.reset()).tobytes())
    return record


def warm_up(env, n_steps, reset_when):
    env.seed(7)
    env.reset()
    play(env, [env.action_space.sample() for _ in range(n_steps)], reset_when)


def gym_done(step):
    return step.done


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Pendulum-v1", "HalfCheetah-v5"])
def test_gym_env_repeats_its_steps_after_set_state(env_id):
    if env_id.startswith("HalfCheetah"):
        pytest.importorskip("mujoco")
    env = make(env_id)
    warm_up(env, 30, gym_done)
    state = through_torch_save(env.get_state())
    actions = [env.action_space.sample() for _ in range(50)]
    expected = play(env, actions, gym_done)
    fresh = make(env_id)
    fresh.set_state(state)
    assert play(fresh, actions, gym_done) == expected
    env.set_state(state)  # the same env, and the state used a second time
    assert play(env, actions, gym_done) == expected


def test_gym_state_holds_the_time_limit_and_the_reset_generator():
    env = make("Pendulum-v1", max_episode_steps=60)
    warm_up(env, 30, gym_done)
    state = env.get_state()
    actions = [env.action_space.sample() for _ in range(50)]
    expected = play(env, actions, gym_done)
    assert sum(1 for step in expected if isinstance(step, tuple) and step[3][0]) == 1, \
        "the window should hold one time-limit truncation (and the reset after it)"
    fresh = make("Pendulum-v1", max_episode_steps=60)
    fresh.seed(123)  # a pending reset seed is part of the state too: the restored one is None
    fresh.set_state(state)
    assert play(fresh, actions, gym_done) == expected


def test_gym_state_is_a_copy():
    env = make("CartPole-v1")
    warm_up(env, 5, gym_done)
    state = env.get_state()
    before = through_torch_save(state)
    play(env, [0] * 5, gym_done)
    (_, unwrapped), = [layer for layer in pickle.loads(state)["layers"] if layer[0] == "CartPoleEnv"]
    (_, unwrapped_before), = [layer for layer in pickle.loads(before)["layers"] if layer[0] == "CartPoleEnv"]
    np.testing.assert_array_equal(unwrapped["state"], unwrapped_before["state"])


class LockedEnv(gymnasium.Env):
    """An env holding something pickle refuses."""

    observation_space = gymnasium.spaces.Box(-1, 1, (2,))
    action_space = gymnasium.spaces.Discrete(2)

    def __init__(self):
        self._lock = threading.Lock()

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, np.float32), {}

    def step(self, action):
        return np.zeros(2, np.float32), 0.0, False, False, {}


def test_unpicklable_gym_env_names_the_attribute():
    env = GymEnvWrapper(gymnasium.wrappers.TimeLimit(LockedEnv(), max_episode_steps=5))
    env.reset()
    with pytest.raises(TypeError, match=r"LockedEnv cannot be checkpointed: attribute LockedEnv\._lock"):
        env.get_state()


def test_state_of_other_wrappers_is_refused():
    with pytest.raises(ValueError, match="CartPoleEnv"):
        make("Pendulum-v1").set_state(make("CartPole-v1").get_state())


class PlainEnv(Env):
    def step(self, action):
        raise NotImplementedError

    def reset(self):
        raise NotImplementedError


def test_base_env_cannot_be_checkpointed():
    with pytest.raises(NotImplementedError, match="PlainEnv cannot be checkpointed"):
        PlainEnv().get_state()
    with pytest.raises(NotImplementedError, match="PlainEnv cannot be checkpointed"):
        PlainEnv().set_state({})


def atari_traj_done(step):
    return step.env_info.traj_done


@pytest.mark.parametrize("kwargs", [dict(), dict(repeat_action_probability=0.25)], ids=["plain", "sticky"])
def test_atari_env_repeats_its_steps_after_set_state(kwargs):
    from rlpyt.envs.atari.atari_env import AtariEnv
    kwargs = dict(game="pong", horizon=60, **kwargs)  # the window ends one game: the reset draws no-ops
    env = AtariEnv(**kwargs)
    warm_up(env, 30, atari_traj_done)
    state = through_torch_save(env.get_state())
    actions = np.random.default_rng(0).integers(env.action_space.n, size=40)
    expected = play(env, actions, atari_traj_done)
    assert any(isinstance(step, bytes) for step in expected), "the window should hold a reset"
    fresh = AtariEnv(**kwargs)
    fresh.seed(99)
    fresh.set_state(state)
    assert play(fresh, actions, atari_traj_done) == expected
    env.set_state(state)
    assert play(env, actions, atari_traj_done) == expected


def test_atari_state_of_another_game_is_refused():
    from rlpyt.envs.atari.atari_env import AtariEnv
    with pytest.raises(ValueError, match="'breakout'"):
        AtariEnv(game="pong").set_state(AtariEnv(game="breakout").get_state())


def test_atari_sticky_actions_repeat_the_previous_frames_action():
    from rlpyt.envs.atari.atari_env import AtariEnv

    def frames(repeat_action_probability, actions):
        env = AtariEnv(game="pong", max_start_noops=0, repeat_action_probability=repeat_action_probability)
        env.seed(5)
        env.reset()
        return [env.step(a).observation.tobytes() for a in actions]

    moves = np.random.default_rng(1).integers(1, 6, size=60)
    noops = np.zeros(60, dtype=np.int64)
    assert frames(1.0, moves) == frames(0.0, noops)  # always the reset's NOOP
    assert frames(0.5, moves) != frames(0.0, moves)


def test_gym_state_from_before_the_first_reset():
    env = make("CartPole-v1")
    state = env.get_state()
    env.reset(seed=3)
    play(env, [1] * 5, gym_done)
    env.set_state(state)
    with pytest.raises(gymnasium.error.ResetNeeded):
        env.step(0)
    env.seed(4)
    fresh = make("CartPole-v1")
    fresh.seed(4)
    assert np.array_equal(env.reset(), fresh.reset())
    assert play(env, [0, 1] * 10, gym_done) == play(fresh, [0, 1] * 10, gym_done)
