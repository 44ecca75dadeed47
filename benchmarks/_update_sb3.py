"""Stable-Baselines3's gradient updates for benchmarks/update_speed.py (a
helper module, not a benchmark; needs ``pip install stable-baselines3``).
Each ``sb3_*`` builds SB3's model with the benchmark's sizes, fills its
buffer, and returns ``(train, gradient steps per call)`` where ``train``
is SB3's own ``model.train``."""
from __future__ import annotations

from typing import Callable

import numpy as np

from _random_envs import random_box_env, random_image_env

STEPS_PER_CALL = 10


def quiet(model) -> None:
    """Give ``model`` a logger that writes nothing (``train`` records to it)."""
    from stable_baselines3.common.logger import configure

    model.set_logger(configure(folder=None, format_strings=[]))


def fill(model, n: int, rng: np.random.Generator) -> None:
    """Add ``n`` random transitions to ``model``'s replay buffer."""
    env = model.get_env()
    obs_space, action_space = env.observation_space, env.action_space
    for _ in range(n):
        obs, next_obs = (np.asarray(obs_space.sample())[None] for _ in range(2))
        action = np.asarray(action_space.sample())[None]
        model.replay_buffer.add(obs, next_obs, action, rng.standard_normal(1).astype(np.float32),
            np.zeros(1, dtype=bool), [{}])


def on_policy(Model, env_id: str | None, policy: str, n_envs: int, n_steps: int, **kwargs):
    """SB3's on-policy ``Model`` after one rollout of ``n_envs`` x ``n_steps``
    (``env_id`` None: random Pong-sized frames)."""
    from stable_baselines3.common.env_util import make_vec_env

    env = make_vec_env(env_id or random_image_env, n_envs=n_envs, seed=0)
    model = Model(policy, env, n_steps=n_steps, device="cpu", seed=0, **kwargs)
    model.learn(total_timesteps=n_envs * n_steps)
    quiet(model)
    return model


def sb3_ppo(env_id: str | None, policy: str, n_envs: int, n_steps: int, batch_size: int, n_epochs: int,
        gamma: float, gae_lambda: float, ent_coef: float, clip_range: float, learning_rate: float) -> tuple:
    """SB3 PPO after one rollout (``env_id`` None: random Pong-sized frames)."""
    from stable_baselines3 import PPO

    model = on_policy(PPO, env_id, policy, n_envs, n_steps, batch_size=batch_size, n_epochs=n_epochs,
        gamma=gamma, gae_lambda=gae_lambda, ent_coef=ent_coef, clip_range=clip_range, learning_rate=learning_rate)
    return model.train, n_epochs * (n_envs * n_steps // batch_size)


def sb3_a2c(env_id: str, n_envs: int, n_steps: int, ent_coef: float, learning_rate: float) -> tuple:
    """SB3 A2C (``MlpPolicy``) after one rollout, with Adam (``use_rms_prop=False``)."""
    from stable_baselines3 import A2C

    model = on_policy(A2C, env_id, "MlpPolicy", n_envs, n_steps, ent_coef=ent_coef, learning_rate=learning_rate,
        use_rms_prop=False)
    return model.train, 1


def sb3_dqn(batch_size: int, buffer_size: int) -> tuple[Callable, int]:
    """SB3 DQN (``CnnPolicy``: the Nature CNN) on random Pong-sized frames."""
    from stable_baselines3 import DQN

    model = DQN("CnnPolicy", random_image_env(), buffer_size=buffer_size, learning_starts=0,
        batch_size=batch_size, device="cpu", seed=0)
    quiet(model)
    fill(model, buffer_size, np.random.default_rng(0))
    return (lambda: model.train(gradient_steps=STEPS_PER_CALL, batch_size=batch_size)), STEPS_PER_CALL


def sb3_qpg(name: str, batch_size: int, hidden: int) -> tuple[Callable, int]:
    """SB3 SAC or TD3 (``name``) with ``hidden`` x ``hidden`` networks on
    HalfCheetah-sized random transitions."""
    import stable_baselines3

    Model = getattr(stable_baselines3, name)
    model = Model("MlpPolicy", random_box_env(), batch_size=batch_size, buffer_size=10_000, learning_starts=0,
        policy_kwargs=dict(net_arch=[hidden, hidden]), device="cpu", seed=0)
    quiet(model)
    fill(model, 10_000, np.random.default_rng(0))
    return (lambda: model.train(gradient_steps=STEPS_PER_CALL, batch_size=batch_size)), STEPS_PER_CALL
