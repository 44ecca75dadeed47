"""Run folders: ``logger_context`` sets the logger up for one run and tears it down.

A run folder holds ``params.json`` (written when the run starts), ``debug.log``,
``progress.csv`` and snapshots; viskit and tensorboard read it as it is.
``LOG_DIR`` (also :func:`get_log_dir`) is the default root of run folders: the
environment variable ``RLPYT_DATA_DIR`` when set, else ``./data``, looked up
each time it is used rather than frozen at import.

Both functions act on the process's current logger
(:func:`rlpyt.utils.logging.logger.get_logger`): under a
:class:`~rlpyt.utils.logging.loggers.NullLogger` (a process that must not
write the run folder) ``logger_context`` makes no folder and writes no file,
and ``add_exp_param`` without an explicit folder does nothing. A process that
torchrun started as a rank other than 0 logs under a NullLogger: the run
folder is rank 0's (SyncRl's other ranks write only their checkpoints).
"""
from __future__ import annotations

import datetime
import json
import os
import tempfile
import types
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import torch

from rlpyt.utils.checkpoint import remove_leftovers
from rlpyt.utils.launching.torchrun import torchrun_rank
from rlpyt.utils.logging import logger
from rlpyt.utils.logging.loggers import NullLogger
from rlpyt.utils.logging.run_dir import claim_run_dir, release_run_dir
from rlpyt.utils.logging.loggers import Logger

PARAMS_FILE = "params.json"
RESUME_ENV = "RLPYT_RESUME"


def get_log_dir() -> str:
    """The root under which relative run folders are made: ``$RLPYT_DATA_DIR``
    if set, else ``data`` in the current working directory."""
    return os.environ.get("RLPYT_DATA_DIR") or os.path.join(os.getcwd(), "data")


def __getattr__(name: str) -> Any:
    """Serve ``LOG_DIR`` (rlpyt's name for the data root) computed at access time."""
    if name == "LOG_DIR":
        return get_log_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _json_default(obj: Any) -> Any:
    """Make config values json can't encode readable instead of fatal."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (np.ndarray, torch.Tensor)):
        return obj.tolist()
    if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)):
        return f"{obj.__module__}.{obj.__qualname__}"
    return repr(obj)


def _write_params(path: str, params: dict) -> None:
    """Write ``params`` as json atomically (temp file then rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".params-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(params, f, indent=2, default=_json_default)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _run_dir(log_dir: str, run_ID: Any, override_prefix: bool) -> str:
    if not override_prefix and not os.path.isabs(log_dir):
        date = datetime.datetime.now().strftime("%Y%m%d")
        log_dir = os.path.join(get_log_dir(), "local", date, log_dir)
    return os.path.abspath(os.path.join(log_dir, f"run_{run_ID}"))


def _open_summary_writer(exp_dir: str, run_logger: Logger) -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        run_logger.log("WARNING: tensorboard is not installed (pip install rlpyt[tensorboard]); "
                       "continuing without a SummaryWriter.", color="yellow")
        return None
    return SummaryWriter(exp_dir)


def _resume_default() -> bool:
    """``$RLPYT_RESUME`` (set by ``run_experiments(..., resume=True)``) as a bool."""
    return os.environ.get(RESUME_ENV, "").strip().lower() in ("1", "true", "yes")


def _differing_params(path: str, params: dict) -> list[str]:
    """The keys where a resumed run's parameters differ from the ones its
    folder was started with (``params.json`` at ``path``)."""
    with open(path) as f:
        old = json.load(f)
    new = json.loads(json.dumps(params, default=_json_default))
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


@contextmanager
def logger_context(log_dir: str, run_ID: Any, name: str, log_params: dict | None = None,
                   snapshot_mode: str = "none", override_prefix: bool = False,
                   use_summary_writer: bool = False, resume: bool | None = None) -> Iterator[str]:
    """Log one run into ``<log_dir>/run_{run_ID}`` and yield that folder.

    A relative ``log_dir`` is placed under ``<data root>/local/<YYYYMMDD>/``
    unless ``override_prefix``; an absolute one is used as it is. A fresh run
    never writes into a folder holding another run's log: it takes the first
    free of ``run_{run_ID}``, ``run_{run_ID}_1``, ... (the log says which;
    see :mod:`rlpyt.utils.logging.run_dir`). With ``resume`` (default:
    ``$RLPYT_RESUME``, which the launcher sets when resuming a sweep) the run
    continues ``run_{run_ID}``: the runner loads its checkpoint, cuts
    ``progress.csv`` back to the checkpoint's rows and appends; ``debug.log``
    is appended; ``params.json`` stays, and a difference from the new
    parameters is warned about. The folder is locked (``.lock``) while the
    run lives. On entry ``params.json`` (``log_params`` plus ``name`` and
    ``run_ID``) is written for a fresh run, and ``debug.log`` /
    ``progress.csv`` / snapshots are directed there. On exit, normal or not,
    the files and the tensorboard writer are closed, the lock released and
    the logger's prefixes and snapshot settings restored, so contexts can
    follow one another in one process.

    The context sets up, and tears down, the logger that is current on entry.
    When that logger writes no files (a
    :class:`~rlpyt.utils.logging.loggers.NullLogger`), the folder is only
    named, not made: no ``params.json`` and no tensorboard writer; so is it
    in a process that torchrun started as a rank other than 0.
    """
    launched = torchrun_rank()
    if launched is not None and launched[0] != 0 and logger.get_logger().writes_files:
        with logger.use_logger(NullLogger()), logger_context(log_dir, run_ID, name, log_params,
                snapshot_mode=snapshot_mode, override_prefix=override_prefix,
                use_summary_writer=use_summary_writer, resume=resume) as exp_dir:
            yield exp_dir
        return
    run_logger = logger.get_logger()
    resume = _resume_default() if resume is None else bool(resume)
    asked_dir = _run_dir(log_dir, run_ID, override_prefix)
    exp_dir = asked_dir
    previous = (run_logger.get_snapshot_dir(), run_logger.get_snapshot_mode(),
                run_logger.get_tf_summary_writer(), run_logger.get_resume())
    writer = None
    claimed = False
    text_path = tabular_path = None
    differ = []
    try:
        run_logger.set_snapshot_mode(snapshot_mode)
        if run_logger.writes_files:
            exp_dir = claim_run_dir(asked_dir, resume=resume)
            claimed = True
            remove_leftovers(exp_dir)
            params = dict(log_params or {})
            params["name"] = name
            params["run_ID"] = run_ID
            params_path = os.path.join(exp_dir, PARAMS_FILE)
            if resume and os.path.exists(params_path):
                differ = _differing_params(params_path, params)
            else:
                _write_params(params_path, params)
        text_path = os.path.join(exp_dir, "debug.log")
        tabular_path = os.path.join(exp_dir, "progress.csv")
        run_logger.set_resume(resume)
        run_logger.set_snapshot_dir(exp_dir)
        run_logger.add_text_output(text_path)
        run_logger.add_tabular_output(tabular_path)
        run_logger.push_prefix(f"{name}_{run_ID} ")
        if exp_dir != asked_dir:
            run_logger.log(f"{asked_dir} holds another run's log or is in use: this run logs to {exp_dir}")
        run_logger.log(f"{'Resuming' if resume else 'Logging'} to {exp_dir}")
        if differ:
            run_logger.log(f"WARNING: resuming with parameters that differ from {PARAMS_FILE} in {differ}; "
                f"params.json keeps the run's original ones.", color="yellow")
        if use_summary_writer and run_logger.writes_files:
            writer = _open_summary_writer(exp_dir, run_logger=run_logger)
            run_logger.set_tf_summary_writer(writer)
        yield exp_dir
    finally:
        if writer is not None:
            writer.close()
        if text_path is not None:
            run_logger.remove_text_output(text_path)
            run_logger.remove_tabular_output(tabular_path)
        run_logger.clear_prefixes()
        run_logger.set_snapshot_dir(previous[0])
        run_logger.set_snapshot_mode(previous[1])
        run_logger.set_tf_summary_writer(previous[2])
        run_logger.set_resume(previous[3])
        if claimed:
            release_run_dir(exp_dir)


def add_exp_param(param_name: str, param_val: Any, exp_dir: str | None = None,
                  overwrite: bool = False) -> None:
    """Add ``param_name: param_val`` to the ``params.json`` of ``exp_dir``
    (default: the current snapshot dir, i.e. the running run's folder).

    Raises ValueError if the key exists and ``overwrite`` is False, or if no
    folder is given and no run is being logged. Without ``exp_dir``, a process
    whose current logger writes no files (a NullLogger) writes nothing.
    """
    if exp_dir is None and not logger.get_logger().writes_files:
        return
    exp_dir = exp_dir if exp_dir is not None else logger.get_snapshot_dir()
    if exp_dir is None:
        raise ValueError("add_exp_param: exp_dir is None and no run is being logged "
                         "(no snapshot dir set); pass exp_dir")
    path = os.path.join(exp_dir, PARAMS_FILE)
    params: dict = {}
    if os.path.exists(path):
        with open(path) as f:
            params = json.load(f)
    if param_name in params and not overwrite:
        raise ValueError(f"add_exp_param: key {param_name!r} already in {path}; "
                         f"pass overwrite=True to replace it")
    params[param_name] = param_val
    _write_params(path, params)
