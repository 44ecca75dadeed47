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
