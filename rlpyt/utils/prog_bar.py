"""rlpyt's ``ProgBarCounter``, kept for users' code (compatibility), drawn
with tqdm as the runners' own progress bars are."""
from __future__ import annotations

from tqdm import tqdm

from rlpyt.utils.checks import check_count
from rlpyt.utils.logging import logger


class ProgBarCounter:
    """A terminal progress bar toward ``total_count`` (e.g. environment steps
    until the next log line), fed with the absolute count reached.

    Nothing is drawn when the logger is set to log tabular data only
    (``logger.set_log_tabular_only(True)``) or, as with the runners' bars,
    when stderr is not a terminal. ``stop()`` closes the bar.
    """

    def __init__(self, total_count: int) -> None:
        self.total_count = check_count("ProgBarCounter", "total_count", total_count, low=1)
        self.cur_count = 0
        self.pbar = tqdm(total=self.total_count, leave=False,
            disable=True if logger.get_log_tabular_only() else None)

    def update(self, current_count: int) -> None:
        """Move the bar to ``current_count`` (an absolute count, capped at
        ``total_count``)."""
        self.cur_count = current_count
        self.pbar.update(min(current_count, self.total_count) - self.pbar.n)

    def stop(self) -> None:
        """Close the bar (idempotent)."""
        self.pbar.close()
