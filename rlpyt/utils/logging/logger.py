"""The experiment logger's module front: text log, tabular diagnostics, snapshots.

Scripts call it as a module, the way rlpyt always has::

    from rlpyt.utils.logging import logger
    logger.record_tabular("Loss", loss)
    logger.dump_tabular()

Every function here delegates to the process's *current logger*, one
:class:`~rlpyt.utils.logging.loggers.Logger` object that holds all the state
(prefixes, the row being recorded, open ``debug.log`` / ``progress.csv``
outputs, snapshot folder, mode and gap, tensorboard writer and iteration,
stdout switches). The reference to that object, ``_current_logger``, is this
module's only state; a process starts with a fresh :class:`Logger` there.

Where logging goes is chosen per process by replacing the current logger:

- :func:`get_logger` returns it;
- :func:`set_logger` installs another and returns the one it replaced;
- :func:`use_logger` installs one for the body of a ``with`` block.

A process that must not write the run folder (a SyncRl rank other than 0, a
sampler process of an AsyncRl run) installs a :class:`NullLogger`, which
writes no files and prints nothing, so exactly one process writes a run
folder. A forked child inherits its parent's current logger with its open
files, so such a process switches at its start, before it logs anything.

CSV contract (see :mod:`rlpyt.utils.logging.tabular`): one header, then one
row per dump whose cells are numbers or ``nan``, flushed after every row. A key
first seen in a later row rewrites the file under one header (old columns
first, new ones appended) with ``nan`` in the earlier rows; a key absent from a
row is written as ``nan``. An existing file is continued, so a resumed run
keeps logging into the same ``progress.csv``. Rewrites and snapshots are
atomic: written to a temporary file in the same folder, then renamed.
"""
from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import Any, Iterator

from rlpyt.utils.logging.loggers import SNAPSHOT_MODES, Logger, NullLogger

__all__ = [
    "SNAPSHOT_MODES", "Logger", "NullLogger", "get_logger", "set_logger", "use_logger",
    "log", "add_text_output", "remove_text_output", "push_prefix", "pop_prefix", "prefix",
    "push_tabular_prefix", "pop_tabular_prefix", "tabular_prefix", "clear_prefixes",
    "record_tabular", "record_tabular_misc_stat", "dump_tabular", "add_tabular_output",
    "remove_tabular_output", "rewind", "set_resume", "get_resume", "set_snapshot_dir", "get_snapshot_dir", "set_snapshot_mode",
    "get_snapshot_mode", "set_snapshot_gap", "get_snapshot_gap", "save_itr_params",
    "set_iteration", "get_iteration", "set_log_tabular_only", "get_log_tabular_only",
    "disable", "enable", "set_tf_summary_writer", "get_tf_summary_writer", "reset",
]

_current_logger: Logger = Logger()


# ---------------------------------------------------------------- the current logger

def get_logger() -> Logger:
    """The logger object this process's module functions write through."""
    return _current_logger


def set_logger(new_logger: Logger) -> Logger:
    """Make ``new_logger`` the process's current logger and return the one it
    replaces (which keeps its state and open files; reinstall or reset it)."""
    global _current_logger
    if not isinstance(new_logger, Logger):
        raise TypeError(f"set_logger: expected a Logger (or NullLogger), "
                        f"got {type(new_logger).__name__}")
    previous = _current_logger
    _current_logger = new_logger
    return previous


@contextmanager
def use_logger(new_logger: Logger) -> Iterator[Logger]:
    """Context manager: ``new_logger`` is the current logger inside the block
    (and is yielded); the previous one is reinstated on exit, normal or not."""
    previous = set_logger(new_logger)
    try:
        yield new_logger
    finally:
        set_logger(previous)


# ---------------------------------------------------------------- text log

def log(s: Any, with_prefix: bool = True, with_timestamp: bool = True,
        color: str | None = None) -> None:
    """Print one line to stdout and append it to every text output (see :meth:`Logger.log`)."""
    _current_logger.log(s, with_prefix=with_prefix, with_timestamp=with_timestamp, color=color)


def add_text_output(path: str) -> None:
    """Append every logged line to the file at ``path`` (parents are created)."""
    _current_logger.add_text_output(path)


def remove_text_output(path: str) -> None:
    """Stop writing to, and close, the text output at ``path`` (no-op if absent)."""
    _current_logger.remove_text_output(path)


# ---------------------------------------------------------------- prefixes

def push_prefix(p: str) -> None:
    """Prepend ``p`` (after earlier prefixes) to every logged line until popped."""
    _current_logger.push_prefix(p)


def pop_prefix() -> None:
    """Remove the most recently pushed line prefix."""
    _current_logger.pop_prefix()


def prefix(key: str) -> AbstractContextManager[None]:
    """Context manager: log lines inside carry the prefix ``key``."""
    return _current_logger.prefix(key)


def push_tabular_prefix(key: str) -> None:
    """Prepend ``key`` to every tabular key recorded until popped."""
    _current_logger.push_tabular_prefix(key)


def pop_tabular_prefix() -> None:
    """Remove the most recently pushed tabular prefix."""
    _current_logger.pop_tabular_prefix()


def tabular_prefix(key: str) -> AbstractContextManager[None]:
    """Context manager: tabular keys recorded inside carry the prefix ``key``."""
    return _current_logger.tabular_prefix(key)


def clear_prefixes() -> None:
    """Drop every line and tabular prefix (a crashed run's prefixes must not leak)."""
    _current_logger.clear_prefixes()


# ---------------------------------------------------------------- tabular

def record_tabular(key: str, val: Any) -> None:
    """Record ``val`` under ``key`` in the current row (see :meth:`Logger.record_tabular`)."""
    _current_logger.record_tabular(key, val)


def record_tabular_misc_stat(key: str, values: Any, placement: str = "back") -> None:
    """Record Average, Std, Median, Min and Max of ``values`` under ``key``
    (see :meth:`Logger.record_tabular_misc_stat`)."""
    _current_logger.record_tabular_misc_stat(key, values, placement=placement)


def dump_tabular(with_prefix: bool = True) -> None:
    """Write, print and send the current row, then start a new one (see :meth:`Logger.dump_tabular`)."""
    _current_logger.dump_tabular(with_prefix=with_prefix)


def add_tabular_output(path: str) -> None:
    """Write dumped rows as CSV to ``path`` (an existing file is continued)."""
    _current_logger.add_tabular_output(path)


def remove_tabular_output(path: str) -> None:
    """Stop writing to, and close, the tabular output at ``path`` (no-op if absent)."""
    _current_logger.remove_tabular_output(path)


def rewind(n_rows: int, next_itr: int) -> None:
    """Continue a resumed run's logs after its checkpoint: tabular outputs cut
    to ``n_rows`` rows, tensorboard's events from ``next_itr`` on dropped."""
    _current_logger.rewind(n_rows, next_itr)


def set_resume(resume: bool) -> None:
    """Whether the run being logged continues its folder's checkpoint."""
    _current_logger.set_resume(resume)


def get_resume() -> bool:
    """Whether the run being logged continues its folder's checkpoint
    (``logger_context(..., resume=True)``)."""
    return _current_logger.get_resume()


# ---------------------------------------------------------------- snapshots

def set_snapshot_dir(d: str | None) -> None:
    """Set the folder that :func:`save_itr_params` writes into (None: no snapshots)."""
    _current_logger.set_snapshot_dir(d)


def get_snapshot_dir() -> str | None:
    """The folder snapshots go to, or None when none is set."""
    return _current_logger.get_snapshot_dir()


def set_snapshot_mode(mode: str) -> None:
    """Choose when snapshots are saved: "none", "last", "all" or "gap"
    (see :meth:`Logger.set_snapshot_mode`)."""
    _current_logger.set_snapshot_mode(mode)


def get_snapshot_mode() -> str:
    """The current snapshot mode."""
    return _current_logger.get_snapshot_mode()


def set_snapshot_gap(n: int) -> None:
    """Set the iteration gap used by snapshot mode "gap" (a positive integer)."""
    _current_logger.set_snapshot_gap(n)


def get_snapshot_gap() -> int:
    """The iteration gap used by snapshot mode "gap"."""
    return _current_logger.get_snapshot_gap()


def save_itr_params(itr: int, params: Any) -> str | None:
    """Save ``params`` atomically as the snapshot mode asks; the path written
    or None (see :meth:`Logger.save_itr_params`)."""
    return _current_logger.save_itr_params(itr, params)


# ---------------------------------------------------------------- switches

def set_iteration(itr: int) -> None:
    """Set the iteration used as the step of tensorboard scalars."""
    _current_logger.set_iteration(itr)


def get_iteration() -> int:
    """The iteration last given to :func:`set_iteration`."""
    return _current_logger.get_iteration()


def set_log_tabular_only(log_tabular_only: bool) -> None:
    """When True, :func:`log` lines go only to text files, not stdout."""
    _current_logger.set_log_tabular_only(log_tabular_only)


def get_log_tabular_only() -> bool:
    """Whether ordinary log lines are kept off stdout."""
    return _current_logger.get_log_tabular_only()


def disable() -> None:
    """Stop printing to stdout (files keep being written)."""
    _current_logger.disable()


def enable() -> None:
    """Resume printing to stdout."""
    _current_logger.enable()


def set_tf_summary_writer(writer: Any) -> None:
    """Send every dumped scalar to this tensorboard ``SummaryWriter`` (None: stop)."""
    _current_logger.set_tf_summary_writer(writer)


def get_tf_summary_writer() -> Any:
    """The tensorboard writer in use, or None."""
    return _current_logger.get_tf_summary_writer()


def reset() -> None:
    """Return every piece of the current logger's state to its default and
    close its files (the current logger itself stays installed)."""
    _current_logger.reset()
