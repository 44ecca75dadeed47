"""Sampler worker processes: start, command, supervise, stop.

Each worker owns a duplex pipe to the main process. The main process sends a
command and waits for every worker's reply, checking every half second that
the worker is alive: a worker that raises (its traceback travels back in the
reply) or dies (killed by a signal: its end of the pipe closes) is reported
at once instead of leaving the main process waiting. Workers ignore SIGINT: Ctrl-C reaches the
main process, which shuts them down. A worker whose main process died without
shutting it down (SIGKILL) exits within a poll interval: it cannot count on
its pipe closing, since workers forked later hold copies of the main
process's pipe ends.
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import traceback
from typing import Any, Callable

import cloudpickle

from rlpyt.utils.launching.affinity import apply_process_affinity
from rlpyt.utils.seed import set_seed

POLL_SECONDS = 0.5
JOIN_SECONDS = 2.0


class WorkerError(RuntimeError):
    """A sampler worker raised an exception or died."""


def _receive_while_parent_lives(conn, parent_pid: int):
    """The next command; exits the process if the main process is gone."""
    while not conn.poll(POLL_SECONDS):
        if os.getppid() != parent_pid:
            os._exit(0)
    return conn.recv()


def _worker_main(conn, rank: int, payload: bytes, shared: dict) -> None:
    """Process entry point: build the worker's state, then serve commands.

    A forked worker never garbage-collects what it inherited (``gc.freeze``):
    the destructors of the parent's objects (a SyncRl rank's gloo process
    group and its threads, which a fork does not copy) are not safe to run
    here, and a collection that reached them crashed the worker."""
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent_pid = os.getppid()
    try:
        setup = cloudpickle.loads(payload)
        apply_process_affinity(setup["cpus"], setup["torch_threads"], setup["set_affinity"], who=f"sampler worker {rank}")
        set_seed(setup["seed"])
        handler = setup["build"](**setup["config"], **shared)
        conn.send(("ok", None))
        while True:
            command, argument = _receive_while_parent_lives(conn, parent_pid)
            if command == "quit":
                break
            conn.send(("ok", handler(command, argument)))
    except (EOFError, BrokenPipeError):
        return
    except BaseException:
        try:
            conn.send(("error", traceback.format_exc()))
        except (OSError, ValueError):
            pass
        os._exit(1)


def _death(rank: int, process) -> WorkerError:
    process.join(timeout=JOIN_SECONDS)
    code = process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return WorkerError(f"sampler worker {rank} (pid {process.pid}) died ({how})")


class WorkerGroup:
    """The sampler's worker processes.

    ``build(**setup["config"], **shared)`` runs in each worker and
    returns a handler ``handler(command, argument) -> reply``; a setup also
    holds the worker's ``cpus``, ``torch_threads``, ``set_affinity`` and
    ``seed``. ``build`` and everything in ``setups`` travel with cloudpickle (so environment factories may be
    lambdas or local classes); ``shared`` (shared-memory buffers, the agent
    with its shared model) travels with multiprocessing's own pickling, which
    hands shared memory over instead of copying it.
    """

    def __init__(self, build: Callable, setups: list[dict], shared: list[dict],
            start_method: str | None = None) -> None:
        ctx = mp.get_context(start_method)
        self.processes, self.conns = [], []
        gc.collect()  # no garbage pending in the parent for a forked worker to inherit (see _worker_main)
        try:
            for rank, (setup, worker_shared) in enumerate(zip(setups, shared)):
                parent_conn, child_conn = ctx.Pipe()
                payload = cloudpickle.dumps(dict(setup, build=build))
                process = ctx.Process(target=_worker_main, args=(child_conn, rank, payload, worker_shared),
                    name=f"rlpyt-sampler-{rank}", daemon=True)
                process.start()
                child_conn.close()
                self.processes.append(process)
                self.conns.append(parent_conn)
            self.gather()
        except BaseException:
            self.shutdown()
            raise

    def __len__(self) -> int:
        return len(self.processes)

    def send(self, command: str, argument: Any = None, ranks=None) -> None:
        """Send ``(command, argument)`` to the workers (all, or ``ranks``)."""
        for rank in range(len(self)) if ranks is None else ranks:
            try:
                self.conns[rank].send((command, argument))
            except OSError:
                if self.conns[rank].poll():
                    self._receive(rank)
                raise _death(rank, self.processes[rank]) from None

    def gather(self, ranks=None) -> list:
        """Wait for one reply from each worker (all, or ``ranks``); raise
        WorkerError naming the worker if one raised or died."""
        ranks = list(range(len(self))) if ranks is None else list(ranks)
        replies = []
        for rank in ranks:
            conn, process = self.conns[rank], self.processes[rank]
            while not conn.poll(POLL_SECONDS):
                if not process.is_alive():
                    raise _death(rank, process)
            replies.append(self._receive(rank))
        return replies

    def call(self, command: str, argument: Any = None) -> list:
        """Send a command to every worker and return their replies in rank order."""
        self.send(command, argument)
        return self.gather()

    def _receive(self, rank: int):
        """The reply of worker ``rank``; WorkerError if it raised or died."""
        conn, process = self.conns[rank], self.processes[rank]
        try:
            status, reply = conn.recv()
        except (EOFError, OSError):
            raise _death(rank, process) from None
        if status == "error":
            raise WorkerError(f"sampler worker {rank} (pid {process.pid}) raised:\n{reply}")
        return reply

    def shutdown(self) -> None:
        """Stop every worker: ask, then terminate, then kill; leave none behind."""
        for conn, process in zip(self.conns, self.processes):
            if process.is_alive():
                try:
                    conn.send(("quit", None))
                except (OSError, ValueError):
                    pass
        for process in self.processes:
            process.join(timeout=JOIN_SECONDS)
            if process.is_alive():
                process.terminate()
                process.join(timeout=JOIN_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        for conn in self.conns:
            conn.close()
        self.processes, self.conns = [], []
