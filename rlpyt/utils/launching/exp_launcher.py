"""The experiment launcher: run every variant of a sweep, a few at a time.

:func:`run_experiments` cuts the machine into run slots (from the affinity
code), and keeps every slot busy: each run is a subprocess

    python <script> <slot_affinity_code> <log_dir> <run_ID> *common_args *run_args

pinned to its slot's CPUs, started as soon as a slot frees up. Runs are laid
out as ``<data root>/local/<YYYYMMDD>/<experiment_title>/<log_dir>/run_<ID>/``
(data root: ``$RLPYT_DATA_DIR`` or ``./data``) with the variant in
``<log_dir>/variant_config.json``, so viskit and ``rlpyt-plot`` read the whole
sweep from the experiment folder. A run's stdout and stderr go to
``run_<ID>/output.log``. A failed run is reported and the sweep goes on; the
call ends with a summary. Ctrl-C (or SIGTERM to the launcher) stops every run
it started, with all of their processes, then raises KeyboardInterrupt.

A train script follows this pattern (see ``experiments/train/``)::

    def build_and_train(slot_affinity_code, log_dir, run_ID, config_key):
        affinity = affinity_from_code(slot_affinity_code)
        config = update_config(configs[config_key], load_variant(log_dir))
        ...build sampler, algo, agent and runner from config and affinity...
        with logger_context(log_dir, run_ID, config_key, config):
            runner.train()

    if __name__ == "__main__":
        build_and_train(*sys.argv[1:])
"""
from __future__ import annotations

import collections
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from rlpyt.utils.launching.affinity import (CPU_IDS_ENV, affinity_cpus, affinity_from_code,
    available_cpus, get_n_run_slots, prepend_run_slot)
from rlpyt.utils.checks import check_count
from rlpyt.utils.launching.variant import save_variant
from rlpyt.utils.logging.context import RESUME_ENV, get_log_dir

OUTPUT_LOG = "output.log"
DONE_MARKER = ".done"
STOP_GRACE_S = 5.0


@dataclass
class RunRecord:
    """One run of the sweep: where it logs, and how it ended (``returncode``
    None while it has not finished)."""

    log_dir: str
    run_ID: int
    run_slot: int = -1
    returncode: int | None = None
    start_time: float = 0.0
    end_time: float = 0.0
    args: list[str] = field(default_factory=list)
    resumed: bool = False
    retries: int = 0
    skipped: bool = False

    @property
    def run_dir(self) -> str:
        """The run's folder, ``<log_dir>/run_<ID>``."""
        return os.path.join(self.log_dir, f"run_{self.run_ID}")

    @property
    def output_log(self) -> str:
        """The file holding the run's stdout and stderr."""
        return os.path.join(self.run_dir, OUTPUT_LOG)

    @property
    def done_marker(self) -> str:
        """The file the launcher writes when the run exits with status 0."""
        return os.path.join(self.run_dir, DONE_MARKER)


@dataclass
class SweepSummary:
    """What :func:`run_experiments` did: the experiment folder and every run."""

    exp_dir: str
    runs: list[RunRecord]

    @property
    def done(self) -> list[RunRecord]:
        """Runs that exited with status 0."""
        return [r for r in self.runs if r.returncode == 0]

    @property
    def failed(self) -> list[RunRecord]:
        """Runs that exited with another status."""
        return [r for r in self.runs if r.returncode not in (None, 0)]


def get_exp_dir(experiment_title: str) -> str:
    """``<data root>/local/<YYYYMMDD>/<experiment_title>``, absolute."""
    date = datetime.datetime.now().strftime("%Y%m%d")
    return os.path.abspath(os.path.join(get_log_dir(), "local", date, experiment_title))


def _numbered(path: str, k: int) -> str:
    return path if k == 0 else f"{path}_{k}"


def fresh_exp_dir(experiment_title: str) -> str:
    """Today's experiment folder, or the first of ``<title>_1``, ``<title>_2``,
    ... that does not exist yet: a new sweep never writes into an old one."""
    base = get_exp_dir(experiment_title)
    k = 0
    while os.path.exists(_numbered(base, k)):
        k += 1
    return _numbered(base, k)


def latest_exp_dir(experiment_title: str) -> str | None:
    """The newest folder of ``experiment_title`` under ``<data root>/local/``
    (latest date, highest number), or None."""
    root = os.path.abspath(os.path.join(get_log_dir(), "local"))
    found = []
    for date in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        k = 0
        while os.path.isdir(_numbered(os.path.join(root, date, experiment_title), k)):
            found.append(_numbered(os.path.join(root, date, experiment_title), k))
            k += 1
    return found[-1] if found else None


def run_experiments(script: str, affinity_code: str, experiment_title: str,
        runs_per_setting: int, variants: Sequence[dict], log_dirs: Sequence[str],
        common_args: Sequence[Any] | None = None, runs_args: Sequence[Sequence[Any]] | None = None,
        set_egl_device: bool = False, python_executable: str | None = None,
        poll_interval_s: float = 0.05, resume: bool = False, max_retries: int = 0) -> SweepSummary:
    """Run ``runs_per_setting`` runs (run_IDs 0, 1, ...) of each variant of ``script``.

    A new sweep goes to a new experiment folder (``<title>``, else
    ``<title>_1``, ...). With ``resume`` the sweep continues the newest folder
    of ``experiment_title``: runs that finished are skipped, the others start
    with ``RLPYT_RESUME=1`` so that their ``logger_context`` continues their
    checkpoints. A run that fails is started again, resuming from its
    checkpoint, up to ``max_retries`` times. The summary says which runs
    were skipped, resumed or retried.

    ``variants[i]`` is saved in ``log_dirs[i]`` (relative to the experiment
    folder) and its runs get ``runs_args[i]`` after ``common_args`` on their
    command line. Runs start in the order run_ID 0 of every variant, then
    run_ID 1, ..., each in the first free slot. ``set_egl_device`` exports the
    slot's GPU as ``EGL_DEVICE_ID`` (for MuJoCo rendering). Returns the summary
    that is also printed; raises KeyboardInterrupt after stopping all runs if
    interrupted.
    """
    runs_per_setting = check_count("run_experiments", "runs_per_setting", runs_per_setting, 1)
    max_retries = check_count("run_experiments", "max_retries", max_retries, 0)
    _check_arguments(script, variants, log_dirs, runs_args)
    common = [str(a) for a in (common_args or ())]
    per_variant = [[str(a) for a in args] for args in (runs_args or [()] * len(variants))]
    slots = _make_slots(affinity_code)
    exp_dir = (latest_exp_dir(experiment_title) if resume else None) or fresh_exp_dir(experiment_title)
    for variant, log_dir in zip(variants, log_dirs):
        save_variant(variant, os.path.join(exp_dir, log_dir))
    records = [RunRecord(os.path.join(exp_dir, log_dir), run_ID, args=common + args)
        for run_ID in range(runs_per_setting)
        for log_dir, args in zip(log_dirs, per_variant)]
    for record in records:
        record.skipped = resume and os.path.exists(record.done_marker)
        record.resumed = resume and not record.skipped and os.path.isdir(record.run_dir)
        if record.skipped:
            record.returncode = 0
    queue = collections.deque(r for r in records if not r.skipped)
    summary = SweepSummary(exp_dir, records)
    skipped = len(records) - len(queue)
    print(f"{'Resuming' if resume else 'Launching'} {len(queue)} runs of {script} into {exp_dir} "
          f"on {len(slots)} run slots" + (f" ({skipped} finished before, skipped)" if skipped else "") + ":")
    for index, slot in enumerate(slots):
        print(f"  slot {index}: cpus {slot.cpus}, cuda_idx {slot.cuda_idx}")
    launch = _Launch(script, python_executable or sys.executable, slots, set_egl_device, exp_dir,
        resume=resume, max_retries=max_retries)
    with _StopSignals() as stop_signals:
        try:
            launch.drain(queue, len(queue), poll_interval_s, stop_signals)
        except KeyboardInterrupt:
            stop_signals.ignore()
            stopped = launch.stop_all()
            print(f"Interrupted: stopped {stopped} running run(s); "
                  f"{len(queue)} run(s) never started.", flush=True)
            raise
        finally:
            launch.stop_all()
    _print_summary(summary)
    return summary


def _check_arguments(script: str, variants: Sequence[dict],
                     log_dirs: Sequence[str], runs_args: Sequence | None) -> None:
    if not os.path.isfile(script):
        raise FileNotFoundError(f"run_experiments: script {script!r} is not a file")
    if len(variants) != len(log_dirs):
        raise ValueError(f"run_experiments: {len(variants)} variants but {len(log_dirs)} log_dirs")
    if len(set(log_dirs)) != len(log_dirs):
        raise ValueError(f"run_experiments: log_dirs must be unique, got {list(log_dirs)}")
    if any(os.path.isabs(d) for d in log_dirs):
        raise ValueError("run_experiments: log_dirs are relative to the experiment folder, "
                         f"got an absolute one in {list(log_dirs)}")
    if runs_args is not None and len(runs_args) != len(variants):
        raise ValueError(f"run_experiments: {len(runs_args)} runs_args for "
                         f"{len(variants)} variants")


@dataclass
class _Slot:
    code: str
    cpus: list[int]
    cuda_idx: int | None
    pin: bool


def _make_slots(affinity_code: str) -> list[_Slot]:
    """Decode every slot once, here, so a bad code or a CPU this process may
    not use fails before anything starts."""
    allowed = set(available_cpus())
    slots = []
    for run_slot in range(get_n_run_slots(affinity_code)):
        code = prepend_run_slot(run_slot, affinity_code)
        affinity = affinity_from_code(code)
        first = affinity if isinstance(affinity, dict) else affinity[0]
        first = first["optimizer"][0] if "optimizer" in first else first
        cpus = affinity_cpus(affinity)
        pin = bool(first["set_affinity"])
        if pin and not set(cpus) <= allowed:
            raise ValueError(f"affinity code {affinity_code!r}: slot {run_slot} uses CPUs "
                             f"{sorted(set(cpus) - allowed)} that this process may not run on "
                             f"(available: {sorted(allowed)})")
        slots.append(_Slot(code, cpus, first["cuda_idx"], pin))
    return slots


class _Launch:
    """The running processes, one per slot, and how to start and stop them."""

    def __init__(self, script: str, python: str, slots: list[_Slot], set_egl_device: bool,
                 exp_dir: str, resume: bool = False, max_retries: int = 0) -> None:
        self.script = script
        self.resume = resume
        self.max_retries = max_retries
        self.exp_dir = exp_dir
        self.cpu_ids = ",".join(map(str, available_cpus()))
        self.python = python
        self.slots = slots
        self.set_egl_device = set_egl_device
        self.running: list[tuple[subprocess.Popen, RunRecord] | None] = [None] * len(slots)
        self.n_launched = self.n_done = self.n_failed = 0
        self.can_pin = hasattr(os, "sched_setaffinity")
        if not self.can_pin and any(s.pin for s in slots):
            warnings.warn("this OS cannot pin processes to CPUs; runs start unpinned", stacklevel=3)

    def drain(self, queue: collections.deque, total: int, poll_interval_s: float,
            stop_signals: "_StopSignals") -> None:
        """Start queued runs in free slots until the queue is empty and all
        ended; raises KeyboardInterrupt, between two polls, once
        ``stop_signals`` has received a stop signal."""
        while queue or any(self.running):
            stop_signals.raise_if_received()
            for index, entry in enumerate(self.running):
                if entry is not None and entry[0].poll() is not None:
                    record = self._finish(index, total)
                    if record.returncode != 0 and record.retries < self.max_retries:
                        record.retries += 1
                        queue.appendleft(record)
            for index, entry in enumerate(self.running):
                if entry is None and queue:
                    self._start(index, queue.popleft(), total)
            time.sleep(poll_interval_s)

    def _start(self, index: int, record: RunRecord, total: int) -> None:
        slot = self.slots[index]
        os.makedirs(record.run_dir, exist_ok=True)
        env = dict(os.environ, **{CPU_IDS_ENV: self.cpu_ids})
        if self.resume or record.retries:
            env[RESUME_ENV] = "1"
        if self.set_egl_device and slot.cuda_idx is not None:
            env["EGL_DEVICE_ID"] = str(slot.cuda_idx)
        command = [self.python, self.script, slot.code, record.log_dir, str(record.run_ID),
                   *record.args]
        with open(record.output_log, "ab") as output:
            proc = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env,
                start_new_session=True, preexec_fn=self._pinning(slot))
        record.run_slot, record.start_time = index, time.time()
        self.running[index] = (proc, record)
        self.n_launched += 1
        print(f"[{self.n_launched}/{total} launched] {self._name(record)} on slot {index} "
              f"(pid {proc.pid}) | {self._counts()}", flush=True)

    def _pinning(self, slot: _Slot) -> Callable[[], None] | None:
        if not (slot.pin and self.can_pin):
            return None
        cpus = list(slot.cpus)
        return lambda: os.sched_setaffinity(0, cpus)

    def _finish(self, index: int, total: int) -> RunRecord:
        """Account for the ended run of slot ``index``; returns its record."""
        proc, record = self.running[index]
        self.running[index] = None
        _signal_group(proc.pid, signal.SIGKILL)
        record.returncode, record.end_time = proc.returncode, time.time()
        seconds = record.end_time - record.start_time
        if record.returncode == 0:
            self.n_done += 1
            status = f"done in {seconds:.1f} s"
            with open(record.done_marker, "w") as f:
                f.write(f"{record.end_time}\n")
        elif record.retries < self.max_retries:
            status = (f"FAILED (exit {record.returncode}) after {seconds:.1f} s; retrying from its checkpoint "
                f"({record.retries + 1}/{self.max_retries})")
        else:
            self.n_failed += 1
            status = f"FAILED (exit {record.returncode}) after {seconds:.1f} s, see {record.output_log}"
        print(f"[{self.n_done + self.n_failed}/{total} finished] {self._name(record)} {status} | "
              f"{self._counts()}", flush=True)
        return record

    def _name(self, record: RunRecord) -> str:
        return os.path.relpath(record.run_dir, self.exp_dir)

    def _counts(self) -> str:
        running = sum(entry is not None for entry in self.running)
        return f"running {running}, done {self.n_done}, failed {self.n_failed}"

    def stop_all(self) -> int:
        """Stop every running run's process group: SIGTERM, then SIGKILL after a
        grace period. Returns how many runs were running."""
        entries = [entry for entry in self.running if entry is not None]
        for proc, _ in entries:
            _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.time() + STOP_GRACE_S
        for proc, record in entries:
            try:
                proc.wait(timeout=max(deadline - time.time(), 0.01))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
            record.returncode = proc.returncode
        self.running = [None] * len(self.running)
        return len(entries)


def _signal_group(pgid: int, sig: int) -> None:
    """Signal every process of a run (its session's process group), if any is left."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class _StopSignals:
    """While active, SIGINT and SIGTERM are recorded (in the main thread;
    elsewhere signals stay as they are) until :meth:`ignore`, and
    :meth:`raise_if_received` turns a recorded one into KeyboardInterrupt.

    The handler only records: an exception raised from a signal handler
    lands wherever the main thread is, and inside ``subprocess.Popen.poll``
    it can leave the process's wait lock held, so that waiting for that run
    while stopping it would block forever."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self) -> "_StopSignals":
        self.previous: dict[int, Any] = {}
        self.received: int | None = None
        if threading.current_thread() is threading.main_thread():
            self.previous = {sig: signal.signal(sig, self._record) for sig in self.SIGNALS}
        return self

    def raise_if_received(self) -> None:
        """Raise KeyboardInterrupt if a stop signal has arrived."""
        if self.received is not None:
            raise KeyboardInterrupt(f"signal {self.received}")

    def ignore(self) -> None:
        """Ignore further stop signals, so that stopping the runs is not cut short."""
        for sig in self.previous:
            signal.signal(sig, signal.SIG_IGN)

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        """Restore the handlers; a stop signal that arrived after the last
        check raises KeyboardInterrupt here, so that it is not lost."""
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        if exc_type is None:
            self.raise_if_received()

    def _record(self, signum: int, frame: Any) -> None:
        self.received = signum


def _print_summary(summary: SweepSummary) -> None:
    print(f"Sweep finished: {len(summary.done)} done, {len(summary.failed)} failed "
          f"({summary.exp_dir})")
    for label, records in (("skipped (finished before)", [r for r in summary.runs if r.skipped]),
            ("resumed", [r for r in summary.runs if r.resumed]),
            ("retried", [r for r in summary.runs if r.retries])):
        if records:
            print(f"  {label}: " + ", ".join(os.path.relpath(r.run_dir, summary.exp_dir)
                + (f" ({r.retries}x)" if label == "retried" else "") for r in records))
    for record in summary.failed:
        print(f"  failed: {record.run_dir} (exit {record.returncode}), log {record.output_log}")
