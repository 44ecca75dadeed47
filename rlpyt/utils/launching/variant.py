"""Variants: the settings that differ between the runs of a sweep.

A launch script lists :class:`VariantLevel` s, e.g. two learning rates and two
environments; :func:`make_variants` crosses them into one nested dict and one
log folder name per combination (``"lr_1e-3/cartpole"``). The launcher saves
each variant in its folder (:func:`save_variant`); the train script loads it
(:func:`load_variant`) and applies it to a default config with
:func:`update_config`, which refuses keys the config does not have, so that a
typo fails the run at once instead of silently training the default.
"""
from __future__ import annotations

import copy
import json
import os
from typing import Any, NamedTuple, Sequence

VARIANT = "variant_config.json"


class VariantLevel(NamedTuple):
    """One axis of a sweep.

    ``keys``: key paths into the config, e.g. ``[("algo", "learning_rate")]``
    (a plain string is a top-level key); ``values``: one tuple per setting,
    holding a value for each key; ``dir_names``: one folder name per setting.
    """

    keys: Sequence[Sequence[str] | str]
    values: Sequence[Sequence[Any]]
    dir_names: Sequence[str]


def make_variants(*variant_levels: VariantLevel) -> tuple[list[dict], list[str]]:
    """The cross product of the levels: a list of nested variant dicts and the
    matching list of log folders (dir names of each level joined by ``/``)."""
    variants: list[dict] = [{}]
    log_dirs = [""]
    for index, level in enumerate(variant_levels):
        keys, values, dir_names = _check_level(index, level)
        crossed_variants, crossed_dirs = [], []
        for variant, log_dir in zip(variants, log_dirs):
            for setting, dir_name in zip(values, dir_names):
                new = copy.deepcopy(variant)
                for key_path, value in zip(keys, setting):
                    _set_path(new, key_path, value)
                crossed_variants.append(new)
                crossed_dirs.append(os.path.join(log_dir, dir_name) if log_dir else dir_name)
        variants, log_dirs = crossed_variants, crossed_dirs
    return variants, log_dirs


def _check_level(index: int, level: VariantLevel) -> tuple[list[tuple[str, ...]], list, list]:
    keys, values, dir_names = level
    where = f"make_variants: level {index}"
    paths = [(key,) if isinstance(key, str) else tuple(key) for key in keys]
    if not paths or any(not path for path in paths):
        raise ValueError(f"{where}: keys must be non-empty key paths, got {keys!r}")
    if len(values) != len(dir_names):
        raise ValueError(f"{where}: {len(values)} values but {len(dir_names)} dir_names")
    for setting in values:
        if isinstance(setting, (str, bytes)) or not isinstance(setting, Sequence) \
                or len(setting) != len(paths):
            raise ValueError(f"{where}: each entry of values must be a tuple of {len(paths)} "
                             f"value(s), one per key {paths}, got {setting!r}")
    if len(set(dir_names)) != len(dir_names):
        raise ValueError(f"{where}: dir_names must be unique, got {list(dir_names)}")
    return paths, list(values), list(dir_names)


def _set_path(config: dict, path: tuple[str, ...], value: Any) -> None:
    node = config
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def save_variant(variant: dict, log_dir: str) -> str:
    """Write ``variant`` as json into ``log_dir`` (made if needed); returns the file."""
    os.makedirs(log_dir, exist_ok=True)
    path = os.path.join(log_dir, VARIANT)
    with open(path, "w") as f:
        json.dump(variant, f, indent=2)
        f.write("\n")
    return path


def load_variant(log_dir: str) -> dict:
    """The variant the launcher saved in ``log_dir``."""
    path = os.path.join(log_dir, VARIANT)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_variant: no {VARIANT} in {log_dir!r}; the launcher "
                                "writes it there (or call save_variant)")
    with open(path) as f:
        return json.load(f)


def update_config(default: dict, variant: dict) -> dict:
    """A deep copy of ``default`` with the values of ``variant`` merged in,
    dict by dict, so a variant names only the fields it changes.

    Every key of ``variant`` must exist in ``default``: an unknown key raises
    KeyError naming the full key path and the valid keys there.
    """
    return _merge(default, variant, ())


def _merge(default: dict, variant: dict, path: tuple[str, ...]) -> dict:
    merged = copy.deepcopy(default)
    for key, value in variant.items():
        key_path = ".".join(map(str, (*path, key)))
        if key not in merged:
            where = ".".join(map(str, path)) or "the top level"
            raise KeyError(f"update_config: unknown key {key_path!r}; valid keys at {where}: "
                           f"{sorted(map(str, merged))}")
        if isinstance(merged[key], dict):
            if not isinstance(value, dict):
                raise TypeError(f"update_config: {key_path!r} is a dict in the default config, "
                                f"got {type(value).__name__} {value!r}")
            merged[key] = _merge(merged[key], value, (*path, key))
        else:
            merged[key] = copy.deepcopy(value)
    return merged
