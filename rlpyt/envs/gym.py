"""Gymnasium environments as rlpyt environments.

``GymEnvWrapper`` turns Gymnasium's ``(obs, reward, terminated, truncated,
info)`` into rlpyt's ``EnvStep(observation, reward, done, env_info)`` with
``done = terminated or truncated`` and ``env_info.timeout = truncated and not
terminated``, so that algorithms can bootstrap through time limits. ``make``
is ``gymnasium.make`` wrapped; users import it as ``gym_make``.

Old ids: rlpyt's configs and users' scripts name tasks as gym did
(``Hopper-v3``, ``HalfCheetah-v2``), versions that Gymnasium no longer
registers or registers only to raise (they needed mujoco-py). ``make`` runs
such an id as the newest registered version of the same task, with one
warning per id and process.
"""
from __future__ import annotations

import functools
import pickle
import types
import warnings
from typing import Any

import gymnasium
import numpy as np
from gymnasium.envs.registration import EnvSpec, find_highest_version, get_env_id, parse_env_id

from rlpyt.envs.base import Env, EnvStep
from rlpyt.spaces.gym_wrapper import GymSpaceWrapper, sanitize_field_names
from rlpyt.utils.collections import picklable_namedtuple


def _numeric_type(value: Any) -> type | None:
    """The numpy scalar type an info value is stored as: ``np.bool_`` for
    bools, ``np.int64`` for integers, ``np.float32`` for floats (0-d arrays
    by their element); None for anything else (strings, arrays, dicts)."""
    if isinstance(value, (bool, np.bool_)):
        return np.bool_
    if isinstance(value, (int, np.integer)):
        return np.int64
    if isinstance(value, (float, np.floating)):
        return np.float32
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _numeric_type(value[()])
    return None


class _InfoFields:
    """Turns Gymnasium info dicts into env_info namedtuples of fixed fields.

    The fields are ``timeout`` and then the keys of ``example`` that hold a
    numeric scalar, sorted, as identifiers. Each field keeps the numpy type
    of its example value; a key missing from a later info reads as 0 of that
    type and a key not in the example is dropped.
    """

    def __init__(self, example: dict) -> None:
        keys = sorted((key for key, value in example.items() if _numeric_type(value)), key=str)
        names = sanitize_field_names(keys, reserved=("timeout",))
        self._cls = picklable_namedtuple("EnvInfo", ("timeout",) + names)
        self._specs = tuple((key, _numeric_type(example[key]), _numeric_type(example[key])(0))
            for key in keys)
        # Without info fields, env_info is one of two immutable tuples: reuse them.
        self._constant = None if self._specs else (self._cls(False), self._cls(True))

    def __call__(self, info: dict, timeout: bool) -> tuple:
        if self._constant is not None:
            return self._constant[timeout]
        get = info.get
        try:
            return self._cls(timeout, *[cast(get(key, zero)) for key, cast, zero in self._specs])
        except (TypeError, ValueError, OverflowError) as err:
            raise ValueError(self._cast_failure(info)) from err

    def _cast_failure(self, info: dict) -> str:
        for key, cast, zero in self._specs:
            try:
                cast(info.get(key, zero))
            except (TypeError, ValueError, OverflowError):
                return (f"env_info key {key!r} = {info[key]!r} cannot be cast to "
                    f"{cast.__name__}, the type fixed by its first value")
        return "env_info could not be built from the info dict"

    def __reduce__(self):
        return (_InfoFields, ({key: zero for key, _, zero in self._specs},))


class GymEnvWrapper(Env):
    """A Gymnasium environment instance as an rlpyt ``Env``.

    Spaces: ``action_space`` and ``observation_space`` are ``GymSpaceWrapper``
    instances (rlpyt spaces that also translate values); float64 Box
    observations become float32 unless ``force_float32=False``.

    Step: the action is reverted to its Gymnasium form, and the step returns
    ``EnvStep(observation, float(reward), done, env_info)`` with ``done =
    terminated or truncated`` and ``env_info.timeout = truncated and not
    terminated``.

    env_info rule: env_info is a namedtuple ("EnvInfo") whose fields are fixed
    once and never change, because samplers build buffers from one example.
    They are ``timeout`` followed by the info keys holding a numeric scalar
    (bool, int, float, numpy number or 0-d numeric array), sorted, made
    identifiers ("a.b" -> "a_b"); strings, arrays and nested dicts are left
    out. The keys are those of ``info_example`` when given, else those of the
    info returned by the first ``step``. Each field keeps the type of its
    first value (bools as ``np.bool_``, integers as ``np.int64``, floats as
    ``np.float32``); afterwards a missing key reads as 0 of that type and a
    new key is dropped. Give ``info_example`` for environments whose first
    step does not show every key, so that all copies agree on the fields.

    Seeding: ``seed(s)`` stores ``s`` for the next ``reset`` (which passes it
    to Gymnasium's reset) and seeds the action space's sampling.

    State (``get_state`` / ``set_state``, for checkpoints): the attributes of
    every layer of the Gymnasium env, each wrapper and the unwrapped env
    (e.g. TimeLimit's elapsed steps, the env's ``np_random`` and simulator
    state; MuJoCo's whole ``MjData``), plus this wrapper's pending reset
    seed, env_info fields and action-space sampler. Left out as
    configuration or rendering: the link to the next layer, constructor
    records, specs, functions, the MuJoCo model, MuJoCo and pygame
    renderers. ``get_state`` raises TypeError naming the attribute when one
    cannot be pickled (e.g. a Box2D world).
    """

    def __init__(self, env: gymnasium.Env, act_null_value: Any = 0, obs_null_value: Any = 0,
            force_float32: bool = True, info_example: dict | None = None) -> None:
        self.env = env
        self._action_space = GymSpaceWrapper(env.action_space, null_value=act_null_value,
            name="act", force_float32=force_float32)
        self._observation_space = GymSpaceWrapper(env.observation_space,
            null_value=obs_null_value, name="obs", force_float32=force_float32)
        self._info_fields = None if info_example is None else _InfoFields(info_example)
        self._revert_action = self._action_space.reverter  # called per step: one call, not two
        self._convert_observation = self._observation_space.converter
        spec = getattr(env, "spec", None)
        self._horizon = None if spec is None else spec.max_episode_steps
        self._reset_seed = None

    def step(self, action: Any) -> EnvStep:
        """Step the Gymnasium env; return ``EnvStep(observation, reward, done, env_info)``."""
        obs, reward, terminated, truncated, info = self.env.step(self._revert_action(action))
        fields = self._info_fields
        if fields is None:
            fields = self._info_fields = _InfoFields(info)
        return EnvStep(self._convert_observation(obs), float(reward),
            bool(terminated or truncated), fields(info, bool(truncated and not terminated)))

    def reset(self, seed: int | None = None) -> Any:
        """Reset the Gymnasium env with ``seed`` (or the one stored by
        ``seed()``, used once); return the converted first observation."""
        if seed is None:
            seed, self._reset_seed = self._reset_seed, None
        obs, _ = self.env.reset(seed=seed)
        return self._convert_observation(obs)

    def seed(self, seed: int) -> None:
        """Make the next ``reset`` use ``seed``, and seed the action space."""
        self._reset_seed = seed
        self._action_space.seed(seed)

    @property
    def horizon(self) -> int | None:
        """The env spec's ``max_episode_steps`` (None without a time limit)."""
        return self._horizon

    def get_state(self) -> bytes:
        """The Gymnasium env's state and this wrapper's (see the class
        docstring), pickled: independent of the live env, and one object for
        a checkpoint to write (pickling the object graph again per checkpoint
        would cost as much as taking it)."""
        layers = [(type(layer).__qualname__, {key: value for key, value in vars(layer).items()
            if _is_state(key, value)}) for layer in _layers(self.env)]
        state = dict(layers=layers, reset_seed=self._reset_seed, info_fields=self._info_fields,
            action_space=vars(self._action_space))
        try:
            return pickle.dumps(state)
        except Exception as err:
            raise TypeError(self._unpicklable(layers, err)) from err

    def _unpicklable(self, layers: list, err: Exception) -> str:
        """The message naming the first layer attribute that cannot be pickled."""
        for layer_name, attributes in layers:
            for key, value in attributes.items():
                try:
                    pickle.dumps(value)
                except Exception as attribute_err:
                    return (f"GymEnvWrapper.get_state: {self._env_name()} cannot be checkpointed: "
                        f"attribute {layer_name}.{key} ({type(value).__name__}) cannot be pickled: "
                        f"{attribute_err}")
        return f"GymEnvWrapper.get_state: {self._env_name()} cannot be checkpointed: {err}"

    def _env_name(self) -> str:
        spec = getattr(self.env, "spec", None)
        return repr(spec.id) if spec is not None else type(self.env.unwrapped).__name__

    def set_state(self, state: bytes) -> None:
        """Restore a ``get_state`` of an env made the same way (same wrappers).

        Attributes are copied from ``state`` (which stays usable); random
        generators and MuJoCo's ``MjData`` are restored in place, so that
        whatever holds them sees the restored state. State attributes that
        the env gained after the snapshot (e.g. ``np_random`` at a first
        reset) are removed.
        """
        layers = _layers(self.env)
        names = [type(layer).__qualname__ for layer in layers]
        state = pickle.loads(state)
        saved_names = [name for name, _ in state["layers"]]
        if names != saved_names:
            raise ValueError(f"GymEnvWrapper.set_state: the state is of env layers {saved_names}; "
                f"this env has {names}")
        for layer, (_, attributes) in zip(layers, state["layers"]):
            for key in [key for key, value in vars(layer).items() if _is_state(key, value)]:
                if key not in attributes:
                    delattr(layer, key)
            for key, value in attributes.items():
                _restore_attribute(layer, key, value)
        self._reset_seed = state["reset_seed"]
        self._info_fields = state["info_fields"]
        vars(self._action_space).update(state["action_space"])

    def render(self) -> Any:
        """Gymnasium's ``render()``."""
        return self.env.render()

    def close(self) -> None:
        """Close the Gymnasium env."""
        self.env.close()


def _layers(env: gymnasium.Env) -> list:
    """The wrappers of ``env``, outermost first, then the unwrapped env."""
    layers = [env]
    while isinstance(env, gymnasium.Wrapper):
        env = env.env
        layers.append(env)
    return layers


_CONSTRUCTOR_RECORDS = ("_saved_kwargs", "_ezpickle_args", "_ezpickle_kwargs")
_CONFIGURATION_TYPES = (gymnasium.Env, EnvSpec, types.FunctionType, types.BuiltinFunctionType,
    types.MethodType, functools.partial)
_RENDERING_MODULES = ("pygame", "gymnasium.envs.mujoco.mujoco_rendering")


def _is_type(value: Any, module: str, name: str) -> bool:
    """Whether ``value``'s class is ``module.name`` (without importing ``module``)."""
    return type(value).__module__ == module and type(value).__name__ == name


def _is_state(key: str, value: Any) -> bool:
    """Whether attribute ``key`` of a Gymnasium env layer belongs in its
    state: not the next layer, a constructor record, a spec, a function,
    the MuJoCo model (fixed by the constructor) or a renderer."""
    if key in _CONSTRUCTOR_RECORDS or isinstance(value, _CONFIGURATION_TYPES):
        return False
    if type(value).__module__.startswith(_RENDERING_MODULES):
        return False
    return not _is_type(value, "mujoco._structs", "MjModel")


def _restore_attribute(layer: Any, key: str, value: Any) -> None:
    """Set ``layer.key`` to ``value``, in place for random generators and
    MuJoCo's ``MjData`` (which the env's renderer also holds)."""
    current = getattr(layer, key, None)
    if isinstance(current, np.random.Generator) and isinstance(value, np.random.Generator):
        current.bit_generator.state = value.bit_generator.state
    elif _is_type(current, "mujoco._structs", "MjData") and type(value) is type(current):
        import mujoco  # present: the env holds an MjData
        mujoco.mj_copyData(current, value.model, value)
    else:
        setattr(layer, key, value)


_MAKE_OWN_KWARGS = ("max_episode_steps", "disable_env_checker")


def _is_id_error(err: Exception) -> bool:
    """True when ``gymnasium.make`` failed because the id names no environment."""
    if isinstance(err, (gymnasium.error.UnregisteredEnv, gymnasium.error.DeprecatedEnv)):
        return True
    return type(err) is gymnasium.error.Error and str(err).startswith(
        ("Malformed environment ID", "No registered env with id"))


_MISSING_DEPENDENCY = (ImportError, gymnasium.error.DependencyNotInstalled)
"""What an entry point raises when the environment needs a package that is not
installed (gym's v2 / v3 MuJoCo tasks raise ImportError: they needed mujoco-py)."""


def _newer_version(id: str) -> str | None:
    """The id of the newest registered version of ``id``'s task when that is
    newer than the version asked; None for unversioned, malformed or unknown
    ids and for the newest version itself."""
    try:
        namespace, name, version = parse_env_id(id)
    except gymnasium.error.Error:
        return None
    newest = None if version is None else find_highest_version(namespace, name)
    if newest is None or newest <= version:
        return None
    return get_env_id(namespace, name, newest)


@functools.lru_cache(maxsize=None)
def _warn_old_id(asked: str, ran: str, reason: str) -> None:
    """Warn, once per process for each ``asked`` id, that ``ran`` runs instead."""
    warnings.warn(f"gym_make: environment id {asked!r} cannot run in Gymnasium "
        f"{gymnasium.__version__} ({reason}); running {ran!r}, the newest registered version "
        f"of the task, instead (its dynamics or rewards may differ; ask for {ran!r} to "
        f"silence this)", UserWarning, stacklevel=3)


def _gymnasium_make(id, kwargs: dict) -> gymnasium.Env:
    """``gymnasium.make(id, **kwargs)`` whose id and keyword errors name ``id``."""
    try:
        return gymnasium.make(id, **kwargs)
    except gymnasium.error.Error as err:
        if _is_id_error(err):
            raise ValueError(f"gym_make: unknown Gymnasium environment id {id!r}: {err}") from err
        raise
    except TypeError as err:
        env_kwargs = sorted(key for key in kwargs if key not in _MAKE_OWN_KWARGS)
        raise TypeError(f"gym_make({id!r}): the environment rejected keyword arguments "
            f"{env_kwargs}: {err}") from err


def _make_current(id, kwargs: dict) -> tuple[gymnasium.Env, str | None]:
    """The environment for ``id``, or for the newest version of its task
    where ``id`` cannot run (not registered, or its entry point lacks a
    dependency); returns ``(env, reason)``, the reason being None where
    ``id`` ran as asked."""
    newer = _newer_version(id) if isinstance(id, str) else None
    if newer is not None and id not in gymnasium.registry:
        return _gymnasium_make(newer, kwargs), "it is no longer registered"
    try:
        return _gymnasium_make(id, kwargs), None
    except _MISSING_DEPENDENCY as err:
        if newer is None:
            raise ImportError(f"gym_make: environment id {id!r} cannot run ({type(err).__name__}: "
                f"{err}) and no newer version of the task is registered") from err
        return _gymnasium_make(newer, kwargs), f"its entry point raised {type(err).__name__}: {err}"


def make(id: str, *, info_example: dict | None = None, force_float32: bool = True,
        **kwargs: Any) -> GymEnvWrapper:
    """``gymnasium.make(id, **kwargs)`` wrapped in a ``GymEnvWrapper``.

    Samplers construct environments as ``EnvCls(**env_kwargs)``, so
    ``EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1")`` makes CartPole.
    Gymnasium's passive environment checker is off (``disable_env_checker=True``)
    unless asked for, as it costs time on every step. An unknown id raises
    ValueError (with Gymnasium's close-match suggestion); keyword arguments
    the environment rejects raise TypeError naming them.

    An old id that cannot run in this Gymnasium (``Hopper-v3``: no longer
    registered, or its entry point lacks a dependency such as mujoco-py) runs
    as the newest registered version of the same task (``Hopper-v5``), with a
    UserWarning naming both, once per id and process; where no newer version
    exists, the error names the id. A registered id that runs is never
    replaced.
    """
    if not isinstance(id, (str, gymnasium.envs.registration.EnvSpec)):
        raise TypeError(f"gym_make: id must be a Gymnasium environment id string, got {id!r}")
    kwargs.setdefault("disable_env_checker", True)
    env, replaced_because = _make_current(id, kwargs)
    if replaced_because is not None:
        _warn_old_id(id, env.spec.id, replaced_because)
    return GymEnvWrapper(env, force_float32=force_float32, info_example=info_example)
