"""Logger objects: :class:`Logger` holds everything one process logs with,
:class:`NullLogger` is the one a process that must not write a run folder uses.

A process logs through exactly one current logger object, reached by the
module functions of :mod:`rlpyt.utils.logging.logger` (see its docstring for
how a process gets and replaces it). Keeping the state in an object rather
than in module globals is what lets a runner say, per process, where logging
goes: rank 0 of a SyncRl run keeps a :class:`Logger`, the other ranks and the
sampler processes of an AsyncRl run switch to a :class:`NullLogger`, so exactly
one process writes a run folder.
"""
from __future__ import annotations

import datetime
import math
import numbers
import os
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator, TextIO

import numpy as np
import torch

from rlpyt.utils.logging.tabular import CsvTable, as_number, format_cell, table_lines

SNAPSHOT_MODES = ("none", "last", "all", "gap")

_COLORS = {
    "gray": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34,
    "magenta": 35, "cyan": 36, "white": 37, "crimson": 38,
}


def _check_color(color: str | None) -> None:
    if color is not None and color not in _COLORS:
        raise ValueError(f"color must be one of {sorted(_COLORS)}, got {color!r}")


def _make_parent(path: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)


class Logger:
    """A process's experiment logger: text log, tabular diagnostics, snapshots.

    Its state, all returned to the defaults by :meth:`reset`:

    - line and tabular prefixes: stacks of strings prepended to logged lines
      and to tabular keys (see :meth:`prefix`, :meth:`tabular_prefix`);
    - the row being recorded, key -> number, until :meth:`dump_tabular`;
    - text outputs (``debug.log``), path -> open file, and tabular outputs
      (``progress.csv``), path -> :class:`~rlpyt.utils.logging.tabular.CsvTable`;
    - snapshot folder, mode and gap: where and when :meth:`save_itr_params`
      writes snapshots;
    - the iteration given to tensorboard scalars and an optional tensorboard
      ``SummaryWriter``;
    - ``log_tabular_only`` (log lines reach the files but not stdout) and
      ``disabled`` (nothing printed to stdout; files are still written).

    Two loggers share nothing: each has its own outputs and settings. The class
    attribute ``writes_files`` says whether the logger writes a run folder; it
    is False for :class:`NullLogger`, which tells
    :func:`~rlpyt.utils.logging.context.logger_context` not to make the
    folder, ``params.json`` or a tensorboard writer.
    """

    writes_files: bool = True

    def __init__(self) -> None:
        self._text_outputs: dict[str, TextIO] = {}
        self._tabular_outputs: dict[str, CsvTable] = {}
        self._set_defaults()

    def _set_defaults(self) -> None:
        self._prefixes: list[str] = []
        self._tabular_prefixes: list[str] = []
        self._tabular: dict[str, int | float] = {}
        self._snapshot_dir: str | None = None
        self._snapshot_mode = "all"
        self._snapshot_gap = 1
        self._iteration = 0
        self._log_tabular_only = False
        self._disabled = False
        self._summary_writer: Any = None
        self._resume = False

    # ------------------------------------------------------------ text log

    def _write_line(self, line: str, to_stdout: bool, color: str | None = None) -> None:
        if to_stdout and not self._disabled:
            print(f"\x1b[{_COLORS[color]}m{line}\x1b[0m" if color else line, flush=True)
        for f in self._text_outputs.values():
            f.write(line + "\n")
            f.flush()

    def log(self, s: Any, with_prefix: bool = True, with_timestamp: bool = True,
            color: str | None = None) -> None:
        """Print one line to stdout and append it to every text output (debug.log).

        The current prefixes go first, then (optionally) a local timestamp; ``color``
        (one of gray, red, green, yellow, blue, magenta, cyan, white, crimson)
        colors the stdout copy only, so the log file stays plain text.
        """
        _check_color(color)
        line = str(s)
        if with_prefix:
            line = "".join(self._prefixes) + line
        if with_timestamp:
            stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S.%f %Z")
            line = f"{stamp} | {line}"
        self._write_line(line, to_stdout=not self._log_tabular_only, color=color)

    def add_text_output(self, path: str) -> None:
        """Append every logged line to the file at ``path`` (parents are created)."""
        if path in self._text_outputs:
            return
        _make_parent(path)
        self._text_outputs[path] = open(path, "a")

    def remove_text_output(self, path: str) -> None:
        """Stop writing to, and close, the text output at ``path`` (no-op if absent)."""
        f = self._text_outputs.pop(path, None)
        if f is not None:
            f.close()

    # ------------------------------------------------------------ prefixes

    def push_prefix(self, p: str) -> None:
        """Prepend ``p`` (after earlier prefixes) to every logged line until popped."""
        self._prefixes.append(p)

    def pop_prefix(self) -> None:
        """Remove the most recently pushed line prefix."""
        self._prefixes.pop()

    @contextmanager
    def prefix(self, key: str) -> Iterator[None]:
        """Context manager: log lines inside carry the prefix ``key``."""
        self.push_prefix(key)
        try:
            yield
        finally:
            self.pop_prefix()

    def push_tabular_prefix(self, key: str) -> None:
        """Prepend ``key`` to every tabular key recorded until popped."""
        self._tabular_prefixes.append(key)

    def pop_tabular_prefix(self) -> None:
        """Remove the most recently pushed tabular prefix."""
        self._tabular_prefixes.pop()

    @contextmanager
    def tabular_prefix(self, key: str) -> Iterator[None]:
        """Context manager: tabular keys recorded inside carry the prefix ``key``."""
        self.push_tabular_prefix(key)
        try:
            yield
        finally:
            self.pop_tabular_prefix()

    def clear_prefixes(self) -> None:
        """Drop every line and tabular prefix, so a crashed run's prefixes do not
        leak into the next run logged by the same process."""
        self._prefixes.clear()
        self._tabular_prefixes.clear()

    # ------------------------------------------------------------ tabular

    def record_tabular(self, key: str, val: Any) -> None:
        """Record ``val`` under ``key`` (with the current tabular prefix) in the
        current row; ``None`` becomes nan. Non-numeric values raise TypeError,
        because every CSV cell must be a number for viskit and tensorboard."""
        full_key = "".join(self._tabular_prefixes) + str(key)
        self._tabular[full_key] = as_number(full_key, val)

    def record_tabular_misc_stat(self, key: str, values: Any, placement: str = "back") -> None:
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
            self.record_tabular(full, fn(arr) if arr.size else math.nan)

    def dump_tabular(self, with_prefix: bool = True) -> None:
        """Write the current row to every tabular output, print it as a table,
        send it to tensorboard when a writer is set, and start a new row.

        An empty row writes nothing.
        """
        if not self._tabular:
            return
        row = dict(self._tabular)
        self._tabular.clear()
        line_prefix = "".join(self._prefixes) if with_prefix else ""
        for line in table_lines(row):
            self._write_line(line_prefix + line, to_stdout=True)
        cells = {k: format_cell(v) for k, v in row.items()}
        for table in self._tabular_outputs.values():
            table.write_row(cells)
        if self._summary_writer is not None:
            for k, v in row.items():
                self._summary_writer.add_scalar(k, v, self._iteration)
            self._summary_writer.flush()

    def add_tabular_output(self, path: str) -> None:
        """Write dumped rows as CSV to ``path`` (parents are created; an existing
        file is continued under its header)."""
        if path in self._tabular_outputs:
            return
        _make_parent(path)
        self._tabular_outputs[path] = CsvTable(path)

    def remove_tabular_output(self, path: str) -> None:
        """Stop writing to, and close, the tabular output at ``path`` (no-op if absent)."""
        table = self._tabular_outputs.pop(path, None)
        if table is not None:
            table.close()

    # ------------------------------------------------------------ snapshots

    def rewind(self, n_rows: int, next_itr: int) -> None:
        """Continue the logs of a resumed run after its checkpoint: cut every
        tabular output back to its first ``n_rows`` rows, and have
        tensorboard drop the events a killed run wrote from iteration
        ``next_itr`` on (a session START at that step purges them)."""
        for table in self._tabular_outputs.values():
            table.cut(n_rows)
        file_writer = getattr(self._summary_writer, "file_writer", None)  # a torch SummaryWriter's
        if file_writer is not None:
            from tensorboard.compat.proto.event_pb2 import Event, SessionLog

            file_writer.add_event(
                Event(step=next_itr, session_log=SessionLog(status=SessionLog.START)))
            self._summary_writer.flush()

    def set_resume(self, resume: bool) -> None:
        """Whether the run being logged continues its folder's checkpoint."""
        self._resume = bool(resume)

    def get_resume(self) -> bool:
        """Whether the run being logged continues its folder's checkpoint."""
        return self._resume

    def set_snapshot_dir(self, d: str | None) -> None:
        """Set the folder that :meth:`save_itr_params` writes into (None: no snapshots)."""
        self._snapshot_dir = d

    def get_snapshot_dir(self) -> str | None:
        """The folder snapshots go to, or None when none is set."""
        return self._snapshot_dir

    def set_snapshot_mode(self, mode: str) -> None:
        """Choose when snapshots are saved: "none", "last" (params.pkl, overwritten),
        "all" (itr_{itr}.pkl every time) or "gap" (itr_{itr}.pkl when itr % gap == 0)."""
        if mode not in SNAPSHOT_MODES:
            raise ValueError(f"snapshot_mode must be one of {list(SNAPSHOT_MODES)}, got {mode!r}")
        self._snapshot_mode = mode

    def get_snapshot_mode(self) -> str:
        """The current snapshot mode."""
        return self._snapshot_mode

    def set_snapshot_gap(self, n: int) -> None:
        """Set the iteration gap used by snapshot mode "gap" (a positive integer)."""
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"snapshot_gap must be a positive integer, got {n!r}")
        self._snapshot_gap = int(n)

    def get_snapshot_gap(self) -> int:
        """The iteration gap used by snapshot mode "gap"."""
        return self._snapshot_gap

    def _snapshot_name(self, itr: int) -> str | None:
        if self._snapshot_mode == "all":
            return f"itr_{itr}.pkl"
        if self._snapshot_mode == "last":
            return "params.pkl"
        if self._snapshot_mode == "gap" and itr % self._snapshot_gap == 0:
            return f"itr_{itr}.pkl"
        return None

    def save_itr_params(self, itr: int, params: Any) -> str | None:
        """Save ``params`` with ``torch.save`` as the snapshot mode asks.

        The file is written under a temporary name, synced, then renamed into
        place, so a process killed mid-save never leaves a truncated snapshot.
        Returns the path written, or None when the mode (or a missing snapshot
        dir) means nothing is saved.
        """
        name = self._snapshot_name(itr)
        if self._snapshot_dir is None or name is None:
            return None
        os.makedirs(self._snapshot_dir, exist_ok=True)
        path = os.path.join(self._snapshot_dir, name)
        fd, tmp = tempfile.mkstemp(dir=self._snapshot_dir, prefix=f".{name}-", suffix=".tmp")
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

    # ------------------------------------------------------------ switches

    def set_iteration(self, itr: int) -> None:
        """Set the iteration used as the step of tensorboard scalars."""
        self._iteration = int(itr)

    def get_iteration(self) -> int:
        """The iteration last given to :meth:`set_iteration`."""
        return self._iteration

    def set_log_tabular_only(self, log_tabular_only: bool) -> None:
        """When True, :meth:`log` lines go only to text files, not stdout; the
        tables printed by :meth:`dump_tabular` still show."""
        self._log_tabular_only = bool(log_tabular_only)

    def get_log_tabular_only(self) -> bool:
        """Whether ordinary log lines are kept off stdout."""
        return self._log_tabular_only

    def disable(self) -> None:
        """Stop printing to stdout (files keep being written)."""
        self._disabled = True

    def enable(self) -> None:
        """Resume printing to stdout."""
        self._disabled = False

    def set_tf_summary_writer(self, writer: Any) -> None:
        """Send every dumped scalar to this tensorboard ``SummaryWriter`` (None: stop)."""
        self._summary_writer = writer

    def get_tf_summary_writer(self) -> Any:
        """The tensorboard writer in use, or None."""
        return self._summary_writer

    def reset(self) -> None:
        """Return every piece of this logger's state to its default and close its files."""
        for path in list(self._text_outputs):
            self.remove_text_output(path)
        for path in list(self._tabular_outputs):
            self.remove_tabular_output(path)
        self._set_defaults()


class NullLogger(Logger):
    """A logger that writes no files and prints nothing.

    It is what a process that must not write the run folder logs with: a
    SyncRl rank other than 0, a sampler process of an AsyncRl run. The code
    that process runs can call every logger function as usual: rows are
    recorded and dropped, prefixes and settings behave as on a
    :class:`Logger` (so bad input still fails the same way), but no output
    file is opened, no snapshot is saved, no tensorboard writer is kept and
    it has no snapshot folder, so nothing that asks it where the run folder
    is finds one.
    """

    writes_files = False

    def _write_line(self, line: str, to_stdout: bool, color: str | None = None) -> None:
        """Drop the line: a null logger neither prints nor writes."""

    def add_text_output(self, path: str) -> None:
        """Ignore ``path``: a null logger opens no files."""

    def add_tabular_output(self, path: str) -> None:
        """Ignore ``path``: a null logger opens no files."""

    def set_snapshot_dir(self, d: str | None) -> None:
        """Ignore ``d``: a null logger has no snapshot folder."""

    def save_itr_params(self, itr: int, params: Any) -> None:
        """Save nothing and return None: a null logger writes no snapshots."""

    def set_tf_summary_writer(self, writer: Any) -> None:
        """Ignore ``writer``: a null logger sends nothing to tensorboard."""
