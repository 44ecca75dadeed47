"""The process-wide experiment logger: text log, tabular diagnostics, snapshots.

Scripts call it as a module (``from rlpyt.utils.logging import logger;
logger.record_tabular("Loss", loss)``), the way rlpyt always has, so it keeps
its state at module level. That state, all reset to its defaults by
:func:`reset`, is:

- ``_prefixes`` / ``_tabular_prefixes``: stacks of strings prepended to logged
  lines and to tabular keys (see :func:`prefix`, :func:`tabular_prefix`).
- ``_tabular``: the row being recorded, key -> number, until :func:`dump_tabular`.
- ``_text_outputs``: open text files (``debug.log``), path -> file.
- ``_tabular_outputs``: open CSV tables (``progress.csv``), path -> :class:`_CsvTable`.
- ``_snapshot_dir``, ``_snapshot_mode``, ``_snapshot_gap``: where and when
  :func:`save_itr_params` writes snapshots.
- ``_iteration``: the step given to tensorboard scalars.
- ``_log_tabular_only``: when True, :func:`log` lines reach the files but not stdout.
- ``_disabled``: when True, nothing is printed to stdout (files are still written).
- ``_summary_writer``: an optional tensorboard ``SummaryWriter``.

CSV contract: one header, then one row per dump whose cells are numbers or
``nan``, flushed after every row. A key first seen in a later row rewrites the
file under one header (old columns first, new ones appended) with ``nan`` in the
earlier rows; a key absent from a row is written as ``nan``. An existing file is
continued, so a resumed run keeps logging into the same ``progress.csv``.
"""
from __future__ import annotations

import csv
import datetime
import math
import numbers
import os
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import torch

SNAPSHOT_MODES = ("none", "last", "all", "gap")

_COLORS = {
    "gray": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34,
    "magenta": 35, "cyan": 36, "white": 37, "crimson": 38,
}


class _CsvTable:
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
            _atomic_write_text(self.path, text)
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

    def _rewrite(self, header: list[str]) -> None:
        self._file.close()
        with open(self.path, newline="") as f:
            old_rows = list(csv.reader(f))[1:]
        lines = [header] + [row + ["nan"] * (len(header) - len(row)) for row in old_rows]
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


_prefixes: list[str] = []
_tabular_prefixes: list[str] = []
_tabular: dict[str, int | float] = {}
_text_outputs: dict[str, Any] = {}
_tabular_outputs: dict[str, _CsvTable] = {}
_snapshot_dir: str | None = None
_snapshot_mode: str = "all"
_snapshot_gap: int = 1
_iteration: int = 0
_log_tabular_only: bool = False
_disabled: bool = False
_summary_writer: Any = None


def _atomic_write_text(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _make_parent(path: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)


# ---------------------------------------------------------------- text log

def _write_line(line: str, to_stdout: bool, color: str | None = None) -> None:
    if to_stdout and not _disabled:
        print(f"\x1b[{_COLORS[color]}m{line}\x1b[0m" if color else line, flush=True)
    for f in _text_outputs.values():
        f.write(line + "\n")
        f.flush()


def log(s: Any, with_prefix: bool = True, with_timestamp: bool = True,
        color: str | None = None) -> None:
    """Print one line to stdout and append it to every text output (debug.log).

    The current prefixes go first, then (optionally) a local timestamp; ``color``
    (one of gray, red, green, yellow, blue, magenta, cyan, white, crimson)
    colors the stdout copy only, so the log file stays plain text.
    """
    if color is not None and color not in _COLORS:
        raise ValueError(f"color must be one of {sorted(_COLORS)}, got {color!r}")
    line = str(s)
    if with_prefix:
        line = "".join(_prefixes) + line
    if with_timestamp:
        stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S.%f %Z")
        line = f"{stamp} | {line}"
    _write_line(line, to_stdout=not _log_tabular_only, color=color)


def add_text_output(path: str) -> None:
    """Append every logged line to the file at ``path`` (parents are created)."""
    if path in _text_outputs:
        return
    _make_parent(path)
    _text_outputs[path] = open(path, "a")


def remove_text_output(path: str) -> None:
    """Stop writing to, and close, the text output at ``path`` (no-op if absent)."""
    f = _text_outputs.pop(path, None)
    if f is not None:
        f.close()


# ---------------------------------------------------------------- prefixes

def push_prefix(p: str) -> None:
    """Prepend ``p`` (after earlier prefixes) to every logged line until popped."""
    _prefixes.append(p)


def pop_prefix() -> None:
    """Remove the most recently pushed line prefix."""
    _prefixes.pop()


@contextmanager
def prefix(key: str) -> Iterator[None]:
    """Context manager: log lines inside carry the prefix ``key``."""
    push_prefix(key)
    try:
        yield
    finally:
        pop_prefix()


def push_tabular_prefix(key: str) -> None:
    """Prepend ``key`` to every tabular key recorded until popped."""
    _tabular_prefixes.append(key)


def pop_tabular_prefix() -> None:
    """Remove the most recently pushed tabular prefix."""
    _tabular_prefixes.pop()


@contextmanager
def tabular_prefix(key: str) -> Iterator[None]:
    """Context manager: tabular keys recorded inside carry the prefix ``key``."""
    push_tabular_prefix(key)
    try:
        yield
    finally:
        pop_tabular_prefix()


def clear_prefixes() -> None:
    """Drop every line and tabular prefix, so a crashed run's prefixes do not
    leak into the next run logged by the same process."""
    _prefixes.clear()
    _tabular_prefixes.clear()


# ---------------------------------------------------------------- tabular

def _as_number(key: str, val: Any) -> int | float:
    """Convert a recordable value to a Python int/float, or raise TypeError."""
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


def record_tabular(key: str, val: Any) -> None:
    """Record ``val`` under ``key`` (with the current tabular prefix) in the
    current row; ``None`` becomes nan. Non-numeric values raise TypeError,
    because every CSV cell must be a number for viskit and tensorboard."""
    full_key = "".join(_tabular_prefixes) + str(key)
    _tabular[full_key] = _as_number(full_key, val)


def record_tabular_misc_stat(key: str, values: Any, placement: str = "back") -> None:
    """Record Average, Std, Median, Min and Max of ``values`` under ``key``.

    ``placement="back"`` gives ``{key}Average``; ``"front"`` gives
    ``Average{key}``. Empty ``values`` record nan for all five.
    """
    if placement not in ("front", "back"):
        raise ValueError(f"placement must be 'front' or 'back', got {placement!r}")
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    arr = np.asarray(values, dtype=np.float64).ravel()
    stats = {"Average": np.mean, "Std": np.std, "Median": np.median,
             "Min": np.min, "Max": np.max}
    for name, fn in stats.items():
        full = f"{name}{key}" if placement == "front" else f"{key}{name}"
        record_tabular(full, fn(arr) if arr.size else math.nan)


def _format_cell(val: int | float) -> str:
    return str(val) if isinstance(val, int) else repr(float(val))


def _table_lines(row: dict[str, int | float]) -> list[str]:
    width = max(len(k) for k in row)
    cells = {k: _format_cell(v) for k, v in row.items()}
    value_width = max(len(c) for c in cells.values())
    rule = "-" * (width + 2 + value_width)
    return [rule] + [f"{k:<{width}}  {c:>{value_width}}" for k, c in cells.items()] + [rule]


def dump_tabular(with_prefix: bool = True) -> None:
    """Write the current row to every tabular output, print it as a table,
    send it to tensorboard when a writer is set, and start a new row.

    An empty row writes nothing.
    """
    if not _tabular:
        return
    row = dict(_tabular)
    _tabular.clear()
    line_prefix = "".join(_prefixes) if with_prefix else ""
    for line in _table_lines(row):
        _write_line(line_prefix + line, to_stdout=True)
    cells = {k: _format_cell(v) for k, v in row.items()}
    for table in _tabular_outputs.values():
        table.write_row(cells)
    if _summary_writer is not None:
        for k, v in row.items():
            _summary_writer.add_scalar(k, v, _iteration)
        _summary_writer.flush()


def add_tabular_output(path: str) -> None:
    """Write dumped rows as CSV to ``path`` (parents are created; an existing
    file is continued under its header)."""
    if path in _tabular_outputs:
        return
    _make_parent(path)
    _tabular_outputs[path] = _CsvTable(path)


def remove_tabular_output(path: str) -> None:
    """Stop writing to, and close, the tabular output at ``path`` (no-op if absent)."""
    table = _tabular_outputs.pop(path, None)
    if table is not None:
        table.close()


# ---------------------------------------------------------------- snapshots

def set_snapshot_dir(d: str | None) -> None:
    """Set the folder that :func:`save_itr_params` writes into (None: no snapshots)."""
    global _snapshot_dir
    _snapshot_dir = d


def get_snapshot_dir() -> str | None:
    """The folder snapshots go to, or None when none is set."""
    return _snapshot_dir


def set_snapshot_mode(mode: str) -> None:
    """Choose when snapshots are saved: "none", "last" (params.pkl, overwritten),
    "all" (itr_{itr}.pkl every time) or "gap" (itr_{itr}.pkl when itr % gap == 0)."""
    global _snapshot_mode
    if mode not in SNAPSHOT_MODES:
        raise ValueError(f"snapshot_mode must be one of {list(SNAPSHOT_MODES)}, got {mode!r}")
    _snapshot_mode = mode


def get_snapshot_mode() -> str:
    """The current snapshot mode."""
    return _snapshot_mode


def set_snapshot_gap(n: int) -> None:
    """Set the iteration gap used by snapshot mode "gap" (a positive integer)."""
    global _snapshot_gap
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"snapshot_gap must be a positive integer, got {n!r}")
    _snapshot_gap = int(n)


def get_snapshot_gap() -> int:
    """The iteration gap used by snapshot mode "gap"."""
    return _snapshot_gap


def _snapshot_name(itr: int) -> str | None:
    if _snapshot_mode == "all":
        return f"itr_{itr}.pkl"
    if _snapshot_mode == "last":
        return "params.pkl"
    if _snapshot_mode == "gap" and itr % _snapshot_gap == 0:
        return f"itr_{itr}.pkl"
    return None


def save_itr_params(itr: int, params: Any) -> str | None:
    """Save ``params`` with ``torch.save`` as the snapshot mode asks.

    The file is written under a temporary name, synced, then renamed into
    place, so a process killed mid-save never leaves a truncated snapshot.
    Returns the path written, or None when the mode (or a missing snapshot
    dir) means nothing is saved.
    """
    name = _snapshot_name(itr)
    if _snapshot_dir is None or name is None:
        return None
    os.makedirs(_snapshot_dir, exist_ok=True)
    path = os.path.join(_snapshot_dir, name)
    fd, tmp = tempfile.mkstemp(dir=_snapshot_dir, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(params, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


# ---------------------------------------------------------------- switches

def set_iteration(itr: int) -> None:
    """Set the iteration used as the step of tensorboard scalars."""
    global _iteration
    _iteration = int(itr)


def get_iteration() -> int:
    """The iteration last given to :func:`set_iteration`."""
    return _iteration


def set_log_tabular_only(log_tabular_only: bool) -> None:
    """When True, :func:`log` lines go only to text files, not stdout; the
    tables printed by :func:`dump_tabular` still show."""
    global _log_tabular_only
    _log_tabular_only = bool(log_tabular_only)


def get_log_tabular_only() -> bool:
    """Whether ordinary log lines are kept off stdout."""
    return _log_tabular_only


def disable() -> None:
    """Stop printing to stdout (files keep being written)."""
    global _disabled
    _disabled = True


def enable() -> None:
    """Resume printing to stdout."""
    global _disabled
    _disabled = False


def set_tf_summary_writer(writer: Any) -> None:
    """Send every dumped scalar to this tensorboard ``SummaryWriter`` (None: stop)."""
    global _summary_writer
    _summary_writer = writer


def get_tf_summary_writer() -> Any:
    """The tensorboard writer in use, or None."""
    return _summary_writer


def reset() -> None:
    """Return every piece of logger state to its default and close open files."""
    global _snapshot_dir, _snapshot_mode, _snapshot_gap, _iteration
    global _log_tabular_only, _disabled, _summary_writer
    for path in list(_text_outputs):
        remove_text_output(path)
    for path in list(_tabular_outputs):
        remove_tabular_output(path)
    clear_prefixes()
    _tabular.clear()
    _snapshot_dir = None
    _snapshot_mode = "all"
    _snapshot_gap = 1
    _iteration = 0
    _log_tabular_only = False
    _disabled = False
    _summary_writer = None
