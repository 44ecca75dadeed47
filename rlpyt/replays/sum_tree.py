"""A sum tree over float64 priorities: O(log N) update and proportional sampling."""
from __future__ import annotations

import numpy as np

from rlpyt.utils.checks import check_count


class SumTree:
    """Binary tree whose leaves are ``size`` priorities and whose inner nodes
    hold the sums of their children.

    Parents are recomputed from their children on every update (never by
    adding deltas), so sums do not drift. Sampling descends from the root and
    never enters a subtree of zero sum, so a zero-priority leaf is never drawn,
    even where float rounding puts a draw on a boundary.
    """

    def __init__(self, size: int) -> None:
        size = check_count("SumTree", "size", size, 1)
        self.size = size
        self._depth = max(int(np.ceil(np.log2(size))), 0)
        self._leaf0 = 1 << self._depth
        self.tree = np.zeros(2 * self._leaf0, dtype=np.float64)  # root at index 1

    @property
    def total(self) -> float:
        """Sum of all priorities."""
        return float(self.tree[1])

    def get(self, idxs) -> np.ndarray:
        """Priorities at leaf indexes ``idxs``."""
        return self.tree[self._leaf0 + np.asarray(idxs)]

    def update(self, idxs, priorities) -> None:
        """Set the priorities of leaves ``idxs`` (>= 0, finite) and refresh
        their ancestors; for a repeated index the last value wins."""
        idxs = np.asarray(idxs, dtype=np.int64).reshape(-1)
        priorities = np.broadcast_to(np.asarray(priorities, dtype=np.float64), idxs.shape)
        if idxs.size == 0:
            return
        if idxs.min() < 0 or idxs.max() >= self.size:
            raise IndexError(f"SumTree.update: leaf indexes must be in [0, {self.size}), "
                f"got range [{idxs.min()}, {idxs.max()}]")
        if not np.all(np.isfinite(priorities)) or np.any(priorities < 0):
            raise ValueError("SumTree.update: priorities must be finite and >= 0")
        pos = self._leaf0 + idxs
        self.tree[pos] = priorities
        for _ in range(self._depth):
            pos = np.unique(pos >> 1)
            self.tree[pos] = self.tree[2 * pos] + self.tree[2 * pos + 1]

    def sample(self, n: int, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``n`` leaf indexes drawn with probability proportional to priority,
        stratified (one uniform draw in each of ``n`` equal slices of the
        total), and their priorities."""
        total = self.total
        if not total > 0:
            raise ValueError("SumTree.sample: every priority is zero; nothing to sample")
        rand = np.random.random(n) if rng is None else rng.random(n)
        u = (np.arange(n) + rand) * (total / n)
        pos = np.ones(n, dtype=np.int64)
        for _ in range(self._depth):
            left = 2 * pos
            left_sum = self.tree[left]
            go_right = (u >= left_sum) & (self.tree[left + 1] > 0)
            go_right |= left_sum <= 0
            u = np.where(go_right, u - left_sum, u)
            pos = np.where(go_right, left + 1, left)
        return pos - self._leaf0, self.tree[pos]
