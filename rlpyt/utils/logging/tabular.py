"""The tabular half of the logger: numeric cells, the printed table, and
``progress.csv`` files written under one header with atomic rewrites.

CSV contract: one header, then one row per dump whose cells are numbers or
``nan``, flushed after every row. A key first seen in a later row rewrites the
file under one header (old columns first, new ones appended) with ``nan`` in the
earlier rows; a key absent from a row is written as ``nan``. An existing file is
continued (a half-written last line dropped), so a resumed run keeps logging
into the same ``progress.csv``. Every rewrite goes to a temporary file in the
same folder that is then renamed over the old one, so a reader or a crash never
sees a half-rewritten table.
"""
from __future__ import annotations

import csv
import math
import numbers
import os
import tempfile
from typing import Any

import numpy as np
import torch


def atomic_write_text(path: str, text: str) -> None:
    """Replace the file at ``path`` by ``text`` through a temporary file and a
    rename, so the file is always either the old or the new text."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class CsvTable:
    """One CSV file of diagnostics that keeps a single header as columns appear."""

    def __init__(self, path: str):
        self.path = path
        self.header: list[str] = []
        self._adopt_existing()
        self._file = open(path, "a", newline="")

    def _adopt_existing(self) -> None:
        """Take the header of an existing file and drop a half-written last line."""
        if not os.path.exists(self.path) or os.path.getsize(self.path) == 0:
            return
        with open(self.path, newline="") as f:
            text = f.read()
        if not text.endswith("\n"):
            text = text[: text.rfind("\n") + 1]
            atomic_write_text(self.path, text)
        rows = list(csv.reader(text.splitlines()))
        self.header = rows[0] if rows else []

    def write_row(self, row: dict[str, str]) -> None:
        """Append ``row`` (key -> formatted cell), rewriting the file for new keys."""
        new_keys = [key for key in row if key not in self.header]
        if new_keys:
            self._rewrite(self.header + new_keys)
        csv.writer(self._file, lineterminator="\n").writerow(
            [row.get(key, "nan") for key in self.header])
        self._file.flush()

    def cut(self, n_rows: int) -> None:
        """Keep the header and the first ``n_rows`` rows, dropping the rest
        (a resumed run continues from its checkpoint's row)."""
        self._rewrite(self.header, n_rows=n_rows)

    def _rewrite(self, header: list[str], n_rows: int | None = None) -> None:
        self._file.close()
        with open(self.path, newline="") as f:
            old_rows = list(csv.reader(f))[1:][:n_rows]
        lines = ([header] if header else []) + [row + ["nan"] * (len(header) - len(row)) for row in old_rows]
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(lines)
            os.replace(tmp, self.path)
        except BaseException:
            os.unlink(tmp)
            raise
        self.header = header
        self._file = open(self.path, "a", newline="")

    def close(self) -> None:
        """Close the underlying file."""
        self._file.close()


def as_number(key: str, val: Any) -> int | float:
    """Convert a recordable value to a Python int/float, or raise TypeError.

    ``None`` becomes nan, bools become 0/1, 0-d arrays and tensors their item;
    anything else that is not a real number is refused with ``key`` named,
    because every CSV cell must be a number for viskit and tensorboard.
    """
    if val is None:
        return math.nan
    if isinstance(val, torch.Tensor) and val.dim() == 0:
        val = val.item()
    elif isinstance(val, np.ndarray) and val.ndim == 0:
        val = val.item()
    if isinstance(val, (bool, np.bool_)):
        return int(val)
    if isinstance(val, numbers.Integral):
        return int(val)
    if isinstance(val, numbers.Real):
        return float(val)
    raise TypeError(
        f"record_tabular: value for key {key!r} must be a real number, None, or a "
        f"0-d array/tensor, got {type(val).__name__}")


def format_cell(val: int | float) -> str:
    """The CSV text of one recorded number (ints exact, floats by ``repr``)."""
    return str(val) if isinstance(val, int) else repr(float(val))


def table_lines(row: dict[str, int | float]) -> list[str]:
    """The lines of ``row`` printed as a two-column table between rules."""
    width = max(len(k) for k in row)
    cells = {k: format_cell(v) for k, v in row.items()}
    value_width = max(len(c) for c in cells.values())
    rule = "-" * (width + 2 + value_width)
    return [rule] + [f"{k:<{width}}  {c:>{value_width}}" for k, c in cells.items()] + [rule]
