"""Seeding for reproducible runs."""
from __future__ import annotations

import os
import random

import numpy as np
import torch


def set_seed(seed: int) -> None:
    """Seed Python's, numpy's and torch's global generators."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"set_seed: seed must be an int, got {type(seed).__name__}")
    seed = int(seed) % 2 ** 32
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_seed() -> int:
    """A fresh seed in [0, 2**32) from the operating system's entropy."""
    return int.from_bytes(os.urandom(4), "little")


def get_rng_state() -> dict:
    """The state of every global generator a run draws from: Python's
    ``random``, NumPy's global ``np.random``, torch's CPU generator and, when
    CUDA is initialized, torch's generator on each CUDA device.

    For checkpoints: ``set_rng_state`` of the result makes the following
    draws repeat. The dict holds only Python values and torch tensors, so it
    loads with ``torch.load(..., weights_only=True)``; the generators' words
    are tensors rather than lists of ints, so a checkpoint pickles a few
    objects instead of a thousand.
    """
    kind, key, pos, has_gauss, cached_gaussian = np.random.get_state()
    version, words, gauss_next = random.getstate()
    state = {
        "python": {"version": version, "words": torch.tensor(words, dtype=torch.int64), "gauss_next": gauss_next},
        "numpy": {"bit_generator": kind, "key": torch.from_numpy(key.astype(np.int64)), "pos": int(pos),
            "has_gauss": int(has_gauss), "cached_gaussian": float(cached_gaussian)},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_initialized():
        state["torch_cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore the generators captured by ``get_rng_state``.

    The CUDA generators are restored only when ``state`` holds them; restoring
    them needs at least as many CUDA devices as were captured.
    """
    missing = [key for key in ("python", "numpy", "torch") if key not in state]
    if missing:
        raise ValueError(f"set_rng_state: state lacks {missing}; pass what get_rng_state returned")
    numpy_state, python_state = state["numpy"], state["python"]
    random.setstate((python_state["version"], tuple(python_state["words"].tolist()), python_state["gauss_next"]))
    np.random.set_state((numpy_state["bit_generator"], numpy_state["key"].numpy().astype(np.uint32),
        numpy_state["pos"], numpy_state["has_gauss"], numpy_state["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    cuda_states = state.get("torch_cuda")
    if cuda_states is not None:
        if len(cuda_states) > torch.cuda.device_count():
            raise ValueError(f"set_rng_state: the state holds {len(cuda_states)} CUDA generators "
                f"but this process sees {torch.cuda.device_count()} CUDA devices")
        torch.cuda.set_rng_state_all(cuda_states)

