"""AtariEnv: observations, frame stacking, lives, reward clipping, seeding,
and the sampler resetting only at the end of a game; the Atari models."""
import cv2
import numpy as np
import pytest
import torch

from rlpyt.agents.pg.atari import AtariFfAgent, AtariLstmAgent
from rlpyt.envs.atari.atari_env import H, W, AtariEnv, AtariTrajInfo
from rlpyt.samplers.serial.sampler import SerialSampler
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)


def play(env, n_steps, seed=0, stop=lambda step: False):
    rng = np.random.default_rng(seed)
    steps = []
    for _ in range(n_steps):
        steps.append(env.step(rng.integers(env.action_space.n)))
        if stop(steps[-1]):
            break
    return steps


def test_observation_shape_dtype_and_space():
    env = AtariEnv(game="pong", num_img_obs=3)
    obs = env.reset()
    assert obs.shape == (3, H, W) == env.observation_space.shape == (3, 104, 80)
    assert obs.dtype == np.uint8
    assert env.action_space.n == 6 and env.get_action_meanings()[:2] == ["NOOP", "FIRE"]
    assert (obs[:-1] == 0).all() and obs[-1].any()  # only the first frame so far


def test_newest_frame_is_last():
    env = AtariEnv(game="breakout", frame_skip=1, max_start_noops=0)
    env.seed(0)
    prev = env.reset()
    for t in range(20):
        step = env.step(t % 4)
        screen = env.ale.getScreenGrayscale()
        expected = cv2.resize(screen[1:-1], (W, H), interpolation=cv2.INTER_AREA)
        np.testing.assert_array_equal(step.observation[-1], expected)
        np.testing.assert_array_equal(step.observation[:-1], prev[1:])
        prev = step.observation


def test_frames_are_max_pooled_over_the_last_two_of_a_skip():
    a, b = AtariEnv(game="breakout", frame_skip=4), AtariEnv(game="breakout", frame_skip=4)
    a.seed(1), b.seed(1)
    a.reset(), b.reset()
    for t in range(20):  # (before the first life is lost)
        obs = a.step(t % 4).observation[-1]
        for _ in range(3):
            b.ale.act(b._action_set[t % 4])
        third = b.ale.getScreenGrayscale()
        b.ale.act(b._action_set[t % 4])
        fourth = b.ale.getScreenGrayscale()
        expected = cv2.resize(np.maximum(third, fourth)[1:-1], (W, H), interpolation=cv2.INTER_AREA)
        np.testing.assert_array_equal(obs, expected)


def test_life_loss_is_done_without_traj_done():
    env = AtariEnv(game="breakout", fire_on_reset=True)
    env.seed(2)
    env.reset()
    lives = env.ale.lives()
    steps = play(env, 2000, stop=lambda s: s.done)
    last = steps[-1]
    assert last.done and not last.env_info.traj_done and not last.env_info.timeout
    assert env.ale.lives() == lives - 1
    assert (last.observation[:-1] == 0).all()  # the frame stack restarts with the life
    assert not any(s.done for s in steps[:-1])

    no_lives = AtariEnv(game="breakout", episodic_lives=False, fire_on_reset=True)
    no_lives.seed(2)
    no_lives.reset()
    steps = play(no_lives, 3000, stop=lambda s: s.done)
    assert steps[-1].env_info.traj_done and no_lives.ale.game_over()


def test_horizon_is_a_timeout():
    env = AtariEnv(game="pong", horizon=5)
    env.reset()
    steps = play(env, 5)
    assert [s.done for s in steps] == [False] * 4 + [True]
    assert steps[-1].env_info.traj_done and steps[-1].env_info.timeout


def test_reward_clipping_on_and_off():
    clipped, raw = AtariEnv(game="space_invaders"), AtariEnv(game="space_invaders", clip_reward=False)
    clipped.seed(4), raw.seed(4)
    clipped.reset(), raw.reset()
    a, b = play(clipped, 400), play(raw, 400)
    scores = np.array([s.env_info.game_score for s in b])
    assert scores.max() > 1
    np.testing.assert_array_equal([s.reward for s in b], scores)
    np.testing.assert_array_equal([s.reward for s in a], np.sign(scores))
    np.testing.assert_array_equal([s.env_info.game_score for s in a], scores)


def test_same_seed_same_frames():
    def frames(seed):
        env = AtariEnv(game="pong", repeat_action_probability=0.25)
        env.seed(seed)
        return np.stack([env.reset()] + [s.observation for s in play(env, 60)])
    np.testing.assert_array_equal(frames(5), frames(5))
    assert not np.array_equal(frames(5), frames(6))


def test_bad_arguments_name_the_problem():
    with pytest.raises(ValueError, match="unknown game 'pongg'; valid games: .*space_invaders"):
        AtariEnv(game="pongg")
    with pytest.raises(ValueError, match="AtariEnv: frame_skip must be >= 1, got 0"):
        AtariEnv(frame_skip=0)
    with pytest.raises(ValueError, match="repeat_action_probability must be in"):
        AtariEnv(repeat_action_probability=1.5)


class ResetCountingAtariEnv(AtariEnv):
    """AtariEnv that counts its resets."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.resets = 0

    def reset(self):
        self.resets += 1
        return super().reset()


def test_sampler_resets_only_at_game_over_and_reports_game_score():
    sampler = SerialSampler(EnvCls=ResetCountingAtariEnv, env_kwargs=dict(game="breakout", fire_on_reset=True),
        batch_T=200, batch_B=2, TrajInfoCls=AtariTrajInfo, max_decorrelation_steps=0)
    agent = AtariFfAgent(model_kwargs=dict(fc_sizes=32))
    sampler.initialize(agent, seed=0)
    agent.sample_mode(0)
    envs = sampler._envs
    first_resets = [env.resets for env in envs]
    completed, n_done, n_game_over = [], 0, 0
    for itr in range(5):
        samples, traj_infos = sampler.obtain_samples(itr)
        completed += traj_infos
        n_done += int(samples.env.done.sum())
        n_game_over += int(samples.env.env_info.traj_done.sum())
    assert completed, "random play should lose a game of breakout in 1000 steps"
    assert n_game_over == len(completed)
    assert n_done >= 5 * len(completed)  # five lives per game
    assert sum(env.resets for env in envs) - sum(first_resets) == len(completed)
    for info in completed:
        assert set(info) >= {"GameScore", "Return", "Length"}
        assert info.GameScore >= info.Return  # Return counts clipped rewards: 1 per brick, 1-7 in the score
        assert info.Length > 100


@pytest.mark.parametrize("AgentCls", [AtariFfAgent, AtariLstmAgent])
def test_atari_agents_keep_leading_dims(AgentCls):
    env = AtariEnv(game="pong")
    agent = AgentCls(model_kwargs=dict(fc_sizes=16, **({"lstm_size": 8} if AgentCls is AtariLstmAgent else {})))
    agent.initialize(env.spaces)
    obs = torch.from_numpy(env.reset())
    for lead in [(), (3,), (2, 3)]:
        o = obs.expand(lead + obs.shape)
        step = agent.step(o, torch.zeros(lead, dtype=torch.long), torch.zeros(lead))
        assert step.action.shape == lead and step.agent_info.dist_info.prob.shape == lead + (6,)
        agent.reset()
