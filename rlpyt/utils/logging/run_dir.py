"""A run folder belongs to one run.

A fresh run never writes into a folder that holds another run's log: it
takes ``run_<ID>`` if that is free, else the first free of ``run_<ID>_1``,
``run_<ID>_2``, ... (a folder is free when it holds no ``params.json`` or
``progress.csv``; a launcher's ``output.log`` alone does not count). Only a
resumed run continues an existing folder. Two live runs never share one: the
owner holds ``.lock`` (its pid, created exclusively); a lock whose pid is no
longer alive is stale and is taken over.
"""
from __future__ import annotations

import os

LOCK_FILE = ".lock"
_LOG_FILES = ("params.json", "progress.csv")


class RunDirInUse(RuntimeError):
    """The run folder is locked by a live process."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_owner(path: str) -> int | None:
    """The pid in ``path``'s lock, or None when unlocked or the lock is stale
    (a dead pid, or an unreadable file from a killed writer)."""
    try:
        with open(os.path.join(path, LOCK_FILE)) as f:
            pid = int(f.read().strip() or -1)
    except (FileNotFoundError, ValueError):
        return None
    return pid if pid > 0 and pid != os.getpid() and _pid_alive(pid) else None


def _try_lock(path: str) -> bool:
    """Take ``path``'s lock for this process; False if a live process holds it."""
    lock = os.path.join(path, LOCK_FILE)
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if _lock_owner(path) is not None:
                return False
            try:
                os.unlink(lock)  # stale: its owner died
            except FileNotFoundError:
                pass
            continue
        with os.fdopen(fd, "w") as f:
            f.write(f"{os.getpid()}\n")
        return True
    return False


def holds_log(path: str) -> bool:
    """Whether the folder holds a run's log."""
    return any(os.path.exists(os.path.join(path, name)) for name in _LOG_FILES)


def claim_run_dir(base: str, resume: bool) -> str:
    """Create (if needed) and lock the run folder for ``base``
    (``.../run_<ID>``); returns its path. With ``resume`` it is ``base``
    itself (RunDirInUse if a live process holds it); otherwise the first of
    ``base``, ``base_1``, ... that holds no log and no live lock."""
    if resume:
        os.makedirs(base, exist_ok=True)
        if not _try_lock(base):
            raise RunDirInUse(f"{base} is in use by the live process {_lock_owner(base)}; "
                f"a run folder is continued by one run at a time")
        return base
    k = 0
    while True:
        path = base if k == 0 else f"{base}_{k}"
        k += 1
        os.makedirs(path, exist_ok=True)
        if holds_log(path) or not _try_lock(path):
            continue
        if holds_log(path):  # another run wrote its log between the check and the lock
            release_run_dir(path)
            continue
        return path


def release_run_dir(path: str) -> None:
    """Give up this process's lock on ``path`` (no-op if it is not ours)."""
    lock = os.path.join(path, LOCK_FILE)
    try:
        with open(lock) as f:
            pid = int(f.read().strip() or -1)
    except (FileNotFoundError, ValueError):
        return
    if pid == os.getpid():
        os.unlink(lock)
