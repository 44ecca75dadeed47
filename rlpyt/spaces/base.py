"""The interface every rlpyt space implements.

Samplers and agents never look inside a space: they ask it for an example
value (``null_value``), a random value (``sample``), and its ``shape`` and
``dtype`` to size buffers and models.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np


def generator_from_global_rng() -> np.random.Generator:
    """A new generator seeded by a draw from numpy's global RNG.

    Spaces take their default generator from here, so that ``np.random.seed``
    (which ``rlpyt.utils.seed.set_seed`` calls) makes their sampling
    reproducible without every space having to be seeded by hand.
    """
    return np.random.default_rng(np.random.randint(0, 2**32, dtype=np.int64))


class Space(ABC):
    """A set of values: what an environment observes or accepts as action.

    Leaf spaces call ``Space.__init__`` to get their own random generator;
    spaces made of other spaces forward ``seed`` to their parts instead.
    """

    def __init__(self) -> None:
        self._rng = generator_from_global_rng()

    @abstractmethod
    def sample(self) -> Any:
        """A random value of the space (uniform where the space is bounded)."""

    @abstractmethod
    def null_value(self) -> Any:
        """A fixed, valid "no data" value, used to fill buffers and as the
        previous action before the first step."""

    @abstractmethod
    def contains(self, x: Any) -> bool:
        """True when ``x`` is a value of this space."""

    @property
    @abstractmethod
    def shape(self) -> tuple:
        """The shape of one value of the space."""

    @property
    @abstractmethod
    def dtype(self) -> Any:
        """The numpy dtype of one value of the space."""

    def _broadcast(self, name: str, value: np.ndarray) -> np.ndarray:
        """``value`` broadcast to the space's ``_shape`` (a copy); the error
        names the constructor argument."""
        try:
            return np.broadcast_to(value, self._shape).copy()
        except ValueError as err:
            raise ValueError(f"{type(self).__name__}: {name} of shape {value.shape} does not "
                f"broadcast to shape {self._shape}") from err

    def seed(self, seed: int | None) -> None:
        """Reseed the space's generator, so that ``sample`` repeats."""
        self._rng = np.random.default_rng(seed)
