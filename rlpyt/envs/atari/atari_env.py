"""Atari 2600 games through the Arcade Learning Environment (ale-py).

The ROMs ship inside ale-py, so any game it lists can be played without a
download. Preprocessing follows rlpyt (and DQN): each step repeats the action
for ``frame_skip`` frames, takes the pixel-wise max of the last two grayscale
frames (Atari sprites flicker), crops one row top and bottom and averages 2x2
blocks, giving 104 x 80 images; the observation stacks the last
``num_img_obs`` of them, oldest first.
"""
from __future__ import annotations

from collections import namedtuple
from types import MappingProxyType

import ale_py
import ale_py.roms
import cv2
import numpy as np

from rlpyt.envs.base import Env, EnvStep
from rlpyt.samplers.collections import TrajInfo
from rlpyt.spaces.int_box import IntBox
from rlpyt.utils.checks import check_count

H, W = 104, 80
"""Height and width of one observation frame (the 210 x 160 screen, cropped to
208 rows, halved in both directions)."""

ACTION_MEANING = MappingProxyType({action.value: action.name for action in ale_py.Action})
"""ALE's full action set, index to name (``0: "NOOP"`` ... ``17:
"DOWNLEFTFIRE"``), read from ale-py's ``Action`` enum; read-only. rlpyt's
table, kept for users' code (compatibility); ``AtariEnv.get_action_meanings()``
names a game's minimal action set."""

ACTION_INDEX = MappingProxyType({name: index for index, name in ACTION_MEANING.items()})
"""The inverse of ``ACTION_MEANING``: action name to ALE index."""

EnvInfo = namedtuple("EnvInfo", ["game_score", "traj_done", "timeout"])
"""``game_score``: the unclipped score of the step; ``traj_done``: the game is
over (or hit the horizon), the sampler must reset; ``timeout``: the game ended
at ``horizon``, not by losing (a truncation, bootstrapped through)."""


class AtariTrajInfo(TrajInfo):
    """Trajectory statistics plus ``GameScore``, the sum of the unclipped game
    scores (``Return`` sums the possibly clipped rewards)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.GameScore = 0.0

    def step(self, observation, action, reward, done, agent_info, env_info) -> None:
        """Account for one step, adding ``env_info.game_score``."""
        super().step(observation, action, reward, done, agent_info, env_info)
        self.GameScore += float(getattr(env_info, "game_score", 0.0))


class AtariEnv(Env):
    """One Atari game as an rlpyt environment.

    Observation: uint8 array [num_img_obs, 104, 80] (see ``H``, ``W``), the
    newest frame last. Actions: indexes into the game's minimal action set.
    Reward: the step's game score, its sign when ``clip_reward``.

    A trajectory is one game. With ``episodic_lives`` a lost life ends the
    episode for learning (``done`` True, the frame stack restarts) but not the
    game: ``env_info.traj_done`` stays False, so the sampler does not reset
    and trajectory statistics span the whole game. After ``horizon`` steps the
    game is cut off with ``traj_done`` and ``timeout`` True.

    ``reset`` starts a game with up to ``max_start_noops`` random no-op steps
    (``FIRE`` after each life loss when ``fire_on_reset``).
    ``repeat_action_probability`` > 0 gives sticky actions: each emulator
    frame repeats the previous frame's action with that probability, as
    ALE's own option does, but drawn by this env (ALE keeps its last action
    outside the states it can save, so checkpoints could not hold it).
    ``seed(s)`` seeds the emulator, the no-op count and the sticky actions.

    ``AtariEnv.ACTION_MEANING`` is the module's ``ACTION_MEANING`` table.

    State (``get_state`` / ``set_state``, for checkpoints): the emulator's
    state with its random generator (ALE ``cloneState(include_rng=True)``),
    the frame stack, the lives and step counters, the last action (for
    sticky actions) and the generator of no-ops and sticky actions.
    """

    ACTION_MEANING = ACTION_MEANING

    def __init__(self, game: str = "pong", frame_skip: int = 4, num_img_obs: int = 4,
            clip_reward: bool = True, episodic_lives: bool = True, fire_on_reset: bool = False,
            max_start_noops: int = 30, repeat_action_probability: float = 0.0,
            horizon: int = 27000) -> None:
        games = ale_py.roms.get_all_rom_ids()
        if game not in games:
            raise ValueError(f"AtariEnv: unknown game {game!r}; valid games: {', '.join(games)}")
        self._frame_skip = check_count("AtariEnv", "frame_skip", frame_skip, 1)
        self._num_img_obs = check_count("AtariEnv", "num_img_obs", num_img_obs, 1)
        self._max_start_noops = check_count("AtariEnv", "max_start_noops", max_start_noops, 0)
        self._horizon = check_count("AtariEnv", "horizon", horizon, 1)
        if not 0.0 <= repeat_action_probability <= 1.0:
            raise ValueError(f"AtariEnv: repeat_action_probability must be in [0, 1], "
                f"got {repeat_action_probability!r}")
        self._game = game
        self._clip_reward = clip_reward
        self._episodic_lives = episodic_lives
        self._fire_on_reset = fire_on_reset
        self._repeat_action_probability = float(repeat_action_probability)
        ale_py.ALEInterface.setLoggerMode(ale_py.LoggerMode.Error)
        self.ale = ale_py.ALEInterface()
        self.seed(int(np.random.randint(2 ** 31)))
        self._action_set = self.ale.getMinimalActionSet()
        self._action_space = IntBox(low=0, high=len(self._action_set))
        obs_shape = (self._num_img_obs, H, W)
        self._observation_space = IntBox(low=0, high=256, shape=obs_shape, dtype="uint8")
        screen_h, screen_w = self.ale.getScreenDims()
        self._frame_1 = np.zeros((screen_h, screen_w), dtype=np.uint8)
        self._frame_2 = np.zeros_like(self._frame_1)
        self._obs = np.zeros(obs_shape, dtype=np.uint8)
        self._has_fire = "FIRE" in self.get_action_meanings()
        self._lives = 0
        self._step_counter = 0

    def seed(self, seed: int) -> None:
        """Seed the emulator (reloads the ROM), the random start no-ops and
        the sticky actions."""
        self._rng = np.random.default_rng(seed)
        self.ale.setInt("random_seed", int(seed) % 2 ** 31)
        self.ale.setFloat("repeat_action_probability", 0.0)  # sticky actions are drawn in _act
        self.ale.loadROM(ale_py.roms.get_rom_path(self._game))
        self._last_action = ale_py.Action.NOOP

    def reset(self) -> np.ndarray:
        """Start a new game; return its first observation (older frames zero)."""
        self.ale.reset_game()
        self._last_action = ale_py.Action.NOOP  # as ALE's reset leaves its own
        self._obs[:] = 0
        self._life_reset()
        for _ in range(int(self._rng.integers(0, self._max_start_noops + 1))):
            self._act(self._action_set[0])
        self._grab_newest_frame()
        self._step_counter = 0
        return self._obs.copy()

    def step(self, action) -> EnvStep:
        """Repeat ``action`` for ``frame_skip`` frames; see the class docstring
        for ``done`` and ``env_info``."""
        a = self._action_set[int(action)]
        score = 0
        for i in range(self._frame_skip):
            score += self._act(a)
            if i == self._frame_skip - 2:
                self.ale.getScreenGrayscale(self._frame_1)
        self._push_frame(max_pool=self._frame_skip > 1)
        self._step_counter += 1
        game_over = self.ale.game_over()
        timeout = not game_over and self._step_counter >= self._horizon
        lives = self.ale.lives()
        lost_life = 0 < lives < self._lives
        if lost_life:
            self._life_reset()
        traj_done = game_over or timeout
        done = traj_done or (lost_life and self._episodic_lives)
        if done and not traj_done:
            self._obs[:] = 0
            self._grab_newest_frame()
        reward = float(np.sign(score)) if self._clip_reward else float(score)
        info = EnvInfo(game_score=np.float32(score), traj_done=traj_done, timeout=timeout)
        return EnvStep(self._obs.copy(), reward, done, info)

    def _act(self, action: ale_py.Action) -> int:
        """Emulate one frame of ``action`` (of the previous frame's action
        instead, with probability ``repeat_action_probability``); return its score."""
        if self._repeat_action_probability > 0 and self._rng.random() < self._repeat_action_probability:
            action = self._last_action
        self._last_action = action
        return self.ale.act(action)

    def _grab_newest_frame(self) -> None:
        """Write the current screen (no max-pool) as the newest frame."""
        self._push_frame(max_pool=False)

    def _push_frame(self, max_pool: bool) -> None:
        """Shift the stack one frame older and write the current screen, max-
        pooled with ``_frame_1`` when ``max_pool``, as the newest frame."""
        self.ale.getScreenGrayscale(self._frame_2)
        if max_pool:
            np.maximum(self._frame_1, self._frame_2, out=self._frame_2)
        self._obs[:-1] = self._obs[1:]
        cv2.resize(self._frame_2[1:-1], (W, H), dst=self._obs[-1], interpolation=cv2.INTER_AREA)

    def _life_reset(self) -> None:
        """Step past the lost-life (or start) screen; press FIRE if asked."""
        self._act(self._action_set[0])
        if self._fire_on_reset and self._has_fire:
            self._act(self._action_set[self.get_action_meanings().index("FIRE")])
        self._lives = self.ale.lives()

    def get_state(self) -> dict:
        """A picklable snapshot of the game (see the class docstring)."""
        return dict(game=self._game, ale=self.ale.cloneState(include_rng=True),
            observation=self._obs.copy(), lives=self._lives, step_counter=self._step_counter,
            last_action=self._last_action.value, rng=self._rng.bit_generator.state)

    def set_state(self, state: dict) -> None:
        """Restore a ``get_state`` of an AtariEnv made with the same arguments."""
        if state["game"] != self._game or state["observation"].shape != self._obs.shape:
            raise ValueError(f"AtariEnv.set_state: the state is of game {state['game']!r} with "
                f"observations {state['observation'].shape}; this env plays {self._game!r} with "
                f"{self._obs.shape}")
        self.ale.restoreState(state["ale"])
        self._obs[:] = state["observation"]
        self._lives = int(state["lives"])
        self._step_counter = int(state["step_counter"])
        self._last_action = ale_py.Action(state["last_action"])
        self._rng.bit_generator.state = state["rng"]

    def get_obs(self) -> np.ndarray:
        """A copy of the current observation."""
        return self._obs.copy()

    def get_action_meanings(self) -> list[str]:
        """Names of the actions, in action-index order (e.g. ``"NOOP"``, ``"FIRE"``)."""
        return [a.name for a in self._action_set]

    def close(self) -> None:
        """Release the emulator."""
        self.ale = None

    @property
    def game(self) -> str:
        """The game's name (snake_case)."""
        return self._game

    @property
    def frame_skip(self) -> int:
        """Emulator frames per step."""
        return self._frame_skip

    @property
    def num_img_obs(self) -> int:
        """Frames stacked in an observation."""
        return self._num_img_obs

    @property
    def clip_reward(self) -> bool:
        """Whether rewards are clipped to their sign."""
        return self._clip_reward

    @property
    def episodic_lives(self) -> bool:
        """Whether a lost life sets ``done``."""
        return self._episodic_lives

    @property
    def max_start_noops(self) -> int:
        """Most random no-op steps at the start of a game."""
        return self._max_start_noops

    @property
    def repeat_action_probability(self) -> float:
        """Sticky-action probability."""
        return self._repeat_action_probability

    @property
    def horizon(self) -> int:
        """Most steps in one game."""
        return self._horizon
