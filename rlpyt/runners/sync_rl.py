"""Synchronous data-parallel runners: N processes, each a MinibatchRl replica
with its own sampler, training one model in DistributedDataParallel.

Rank 0 runs in the launching process (it keeps that process's logger, so a
surrounding ``logger_context`` writes the run folder); ranks 1..N-1 are
spawned processes that log to a ``NullLogger``. Under torchrun every process
joins the process group torchrun set up instead, and nothing is spawned.
"""
from __future__ import annotations

import datetime
import multiprocessing
import os
import socket
import threading
import time
import traceback

import cloudpickle
import torch
import torch.distributed as dist

from rlpyt.runners.minibatch_rl import MinibatchRl, MinibatchRlEval
from rlpyt.utils.checkpoint import Checkpoint, CheckpointError, checkpoint_itrs, load_checkpoint, remove_leftovers
from rlpyt.utils.collections import AttrDict
from rlpyt.utils.launching.torchrun import torchrun_rank
from rlpyt.utils.logging import logger
from rlpyt.utils.logging.logger import set_logger, use_logger
from rlpyt.utils.logging.loggers import NullLogger
from rlpyt.utils.processes import PayloadPipe, receive_payload, stop_process
from rlpyt.utils.seed import make_seed

_PARENT_POLL_S = 1.0
_REPORT_WAIT_S = 5.0
_STOP_WAIT_S = 5.0


class RankFailure(RuntimeError):
    """A SyncRl rank failed; the message names the rank and holds its traceback."""

    def __init__(self, rank: int, detail: str) -> None:
        super().__init__(f"SyncRl rank {rank} failed:\n{detail}")
        self.rank = rank


def find_free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for the process group's store)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _exit_with_parent(parent_pid: int) -> None:
    """Daemon thread body: end this process when its parent is gone (no orphans)."""
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_S)
    os._exit(1)


def _rank_process(payload_reader, rank: int, world_size: int, init_method: str, report,
        parent_pid: int) -> None:
    """Entry point of a spawned rank: train the pickled runner (read from
    ``payload_reader``) as ``rank``; on an error send its traceback to rank 0
    through ``report`` and exit 1."""
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    set_logger(NullLogger())
    try:
        runner = cloudpickle.loads(receive_payload(payload_reader))
        runner.run_rank(rank=rank, world_size=world_size, local_rank=rank, init_method=init_method)
    except BaseException:
        report.send(traceback.format_exc())
        report.close()
        raise SystemExit(1)


class _SpawnedRank:
    """A spawned rank's process and the pipe its traceback comes back on."""

    def __init__(self, rank: int, process, report) -> None:
        self.rank = rank
        self.process = process
        self.report = report

    def failure(self) -> RankFailure | None:
        """Its failure, once it reported one or exited with an error; else None."""
        if self.report.poll():
            try:
                return RankFailure(self.rank, self.report.recv())
            except EOFError:
                self.process.join(_STOP_WAIT_S)
        code = self.process.exitcode
        if code not in (None, 0):
            return RankFailure(self.rank, f"the process exited with code {code} and no traceback (if it "
                f"died while starting, its stderr says why, e.g. a script without the "
                f"'if __name__ == \"__main__\":' guard that spawned processes need)")
        return None

    def stop(self) -> None:
        """Terminate the process if it still runs (kill it after a grace period)."""
        stop_process(self.process, grace_s=_STOP_WAIT_S)


class SyncRlMixin:
    """Runs one MinibatchRl replica per entry of ``affinity`` (a list of
    affinity dicts, e.g. from ``make_affinity(..., gpu_per_run=...)``; a
    single dict means one process), on a torch.distributed process group:
    gloo on CPUs, NCCL where the affinity gives a ``cuda_idx``.

    Batch sizes are per process (the total batch grows with the world size);
    ``Diagnostics/CumSteps`` counts every rank's samples and the trajectory
    statistics are over every rank's trajectories. Each rank is seeded with
    ``seed + rank`` and starts from rank 0's agent state. Rank 0 alone logs
    and evaluates (SyncRlEval).

    Checkpoints: every rank checkpoints its part (its replay buffer,
    sampler, RNG; rank 0 also the log counters) at the same iterations, rank
    0 into the run folder, rank r into ``<run folder>/rank<r>/`` on its own
    machine (on several nodes, give them a shared file system or the same
    path). Each keeps its last 3 checkpoints, so that the ranks, whose
    background commits may end up to two checkpoints apart when a process
    is killed, always share one: a resumed run (``logger_context(...,
    resume=True)``) continues on every rank from the newest iteration they
    all hold. A rank that raises ends the run: the launching process raises
    :class:`RankFailure` with that rank's traceback. ``timeout_s`` bounds how
    long a rank waits for the others in a collective (a rank that hangs, or a
    rank 0 evaluation longer than this, ends the run).
    """

    def __init__(self, algo, agent, sampler, n_steps: int, seed: int | None = None,
            affinity: list | dict | None = None, log_interval_steps: int = int(1e5), timeout_s: float = 20.0,
            backend: str | None = None, **kwargs) -> None:
        owner = type(self).__name__
        affinities = [affinity or {}] if affinity is None or isinstance(affinity, dict) else list(affinity)
        if not affinities or not all(isinstance(a, dict) for a in affinities):
            raise TypeError(f"{owner}: affinity must be a non-empty list of affinity dicts (or one dict), "
                f"got {affinity!r}")
        if not timeout_s > 0:
            raise ValueError(f"{owner}: timeout_s must be > 0, got {timeout_s!r}")
        super().__init__(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
            affinity=affinities[0], log_interval_steps=log_interval_steps, **kwargs)
        self.affinities = affinities
        self.timeout_s = timeout_s
        self.backend = backend
        self._spawned = []

    checkpoint_keep = 3

    def train(self) -> None:
        """Train on all ranks: join torchrun's process group when torchrun
        started this process, else run rank 0 here and spawn the others."""
        launched = torchrun_rank()
        if launched is not None:
            rank, world_size, local_rank = launched
            with use_logger(logger.get_logger() if rank == 0 else NullLogger()):
                self.run_rank(rank=rank, world_size=world_size, local_rank=local_rank, init_method="env://")
            return
        self._train_spawned()

    def _train_spawned(self) -> None:
        world_size = len(self.affinities)
        if self.seed is None:
            self.seed = make_seed()
        init_method = f"tcp://127.0.0.1:{find_free_port()}"
        payload = cloudpickle.dumps(self)
        context = multiprocessing.get_context("spawn")
        try:
            for rank in range(1, world_size):
                self._spawn_rank(context=context, rank=rank, world_size=world_size, init_method=init_method,
                    payload=payload)
            self.run_rank(rank=0, world_size=world_size, local_rank=0, init_method=init_method)
            for spawned in self._spawned:
                spawned.process.join(self.timeout_s)
            self.check_ranks()
        finally:
            for spawned in self._spawned:
                spawned.stop()
            self._spawned = []

    def _spawn_rank(self, context, rank: int, world_size: int, init_method: str, payload: bytes) -> None:
        """Start rank ``rank``'s process and hand it the pickled runner;
        raise its RankFailure if it died before taking it."""
        receive, send = context.Pipe(duplex=False)
        payload_pipe = PayloadPipe(context)
        process = context.Process(target=_rank_process, name=f"SyncRl-rank-{rank}",
            kwargs=dict(payload_reader=payload_pipe.reader, rank=rank, world_size=world_size,
                init_method=init_method, report=send, parent_pid=os.getpid()))
        process.start()
        send.close()
        spawned = _SpawnedRank(rank=rank, process=process, report=receive)
        self._spawned.append(spawned)
        if not payload_pipe.send(payload):
            process.join(_STOP_WAIT_S)
            raise spawned.failure() or RankFailure(rank, "the process ended while starting")

    def _raise_cause(self, error: BaseException) -> None:
        """Raise what rank 0's ``error`` came from: a spawned rank's failure
        reported within a few seconds (rank 0's error followed from it),
        else ``error`` itself (also Ctrl-C, and a RankFailure already found)."""
        if isinstance(error, (KeyboardInterrupt, RankFailure)) or not self._spawned:
            raise error
        failure = self._wait_for_failure()
        if failure is None:
            raise error
        raise failure from error

    def _wait_for_failure(self) -> RankFailure | None:
        """A spawned rank's failure reported within a few seconds, else None
        (rank 0's own error is then the cause)."""
        deadline = time.time() + _REPORT_WAIT_S
        while time.time() < deadline:
            for spawned in self._spawned:
                failure = spawned.failure()
                if failure is not None:
                    return failure
            time.sleep(0.05)
        return None

    def check_ranks(self) -> None:
        """Raise the failure of a spawned rank, if one failed (rank 0 checks
        at every iteration)."""
        for spawned in self._spawned:
            failure = spawned.failure()
            if failure is not None:
                raise failure

    def run_rank(self, rank: int, world_size: int, local_rank: int, init_method: str) -> None:
        """Join the process group as ``rank`` and train this rank's replica."""
        self.rank = rank
        self.world_size = world_size
        self.affinity = AttrDict(self.affinities[local_rank if len(self.affinities) > 1 else 0])
        if self.seed is not None:
            self.seed += rank
        cuda_idx = self.affinity.get("cuda_idx")
        if cuda_idx is not None:
            torch.cuda.set_device(cuda_idx)
        backend = self.backend or ("gloo" if cuda_idx is None else "nccl")
        joined = False
        try:
            dist.init_process_group(backend, init_method=init_method, rank=rank, world_size=world_size,
                timeout=datetime.timedelta(seconds=self.timeout_s))
            joined = True
            super().train()
        except BaseException as error:  # its cause found while the other ranks still wait in the process group
            self._raise_cause(error)
        finally:
            if joined:
                self.algo.end_data_parallel()
                dist.destroy_process_group()

    def startup(self) -> int:
        """Also make the training data-parallel (``algo.data_parallel``:
        rank 0's agent state to every rank, gradients averaged over the ranks)."""
        n_itr = super().startup()
        self.algo.data_parallel(self.world_size)
        run = [logger.get_snapshot_dir(), logger.get_resume()] if self.rank == 0 else [None, None]
        dist.broadcast_object_list(run, src=0)
        run_dir, self._resuming = run
        self._checkpoint_dir = run_dir
        if run_dir is not None and self.rank != 0:
            self._checkpoint_dir = os.path.join(run_dir, f"rank{self.rank}")
            os.makedirs(self._checkpoint_dir, exist_ok=True)
        return n_itr

    def checkpoint_dir(self) -> str | None:
        """Rank 0: the run folder; rank r: its ``rank<r>`` subfolder."""
        return self._checkpoint_dir

    def resuming(self) -> bool:
        """Rank 0's logger decides for every rank."""
        return self._resuming

    def should_checkpoint(self, logged: bool, snapshot: str | None) -> bool:
        """Rank 0's decision, broadcast (only at log rows, or at every
        iteration when ``checkpoint_interval_s`` is set)."""
        if not logged and self.checkpoint_interval_s is None:
            return False
        decision = [super().should_checkpoint(logged=logged, snapshot=snapshot) if self.rank == 0 else None]
        dist.broadcast_object_list(decision, src=0)
        return decision[0]

    def find_checkpoint(self, run_dir: str) -> Checkpoint | None:
        """The newest checkpoint every rank holds (None when no rank has one)."""
        remove_leftovers(run_dir)
        held = [None] * self.world_size
        dist.all_gather_object(held, checkpoint_itrs(run_dir))
        if not any(held):
            return None
        common = set(held[0]).intersection(*held[1:])
        if not common:
            raise CheckpointError(f"{type(self).__name__}: the ranks share no checkpoint to resume from "
                f"(iterations held by rank: {dict(enumerate(held))}); rank r keeps its part in "
                f"<run folder>/rank<r>/")
        return load_checkpoint(run_dir, itr=max(common))

    def store_diagnostics(self, itr: int, traj_infos: list, opt_info) -> None:
        """Gather every rank's trajectories to rank 0 (which first checks
        that the spawned ranks are alive)."""
        if self.rank == 0:
            self.check_ranks()
        parts = [None] * self.world_size if self.rank == 0 else None
        dist.gather_object(traj_infos, parts, dst=0)
        if self.rank == 0:
            traj_infos = [traj_info for part in parts for traj_info in part]
        super().store_diagnostics(itr, traj_infos, opt_info)


class SyncRl(SyncRlMixin, MinibatchRl):
    """Data-parallel MinibatchRl: logs statistics of the last
    ``log_traj_window`` training trajectories of all ranks (see SyncRlMixin)."""


class SyncRlEval(SyncRlMixin, MinibatchRlEval):
    """Data-parallel MinibatchRlEval: rank 0 evaluates the agent and logs the
    evaluation's statistics; the other ranks go on to the next batch."""

    def evaluate_agent(self, itr: int):
        """Rank 0's evaluation; ``([], 0.0)`` on the other ranks."""
        if self.rank != 0:
            return [], 0.0
        return super().evaluate_agent(itr)
