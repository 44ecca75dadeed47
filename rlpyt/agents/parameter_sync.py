"""The trained model's parameters handed to sampler processes through shared memory.

The optimizer process trains its own copy of the model and, every
``updates_per_sync`` updates, ``publish``es it: the state tensors are copied
into shared-memory tensors under a lock and a version (the update counter)
is set. A sampler process ``pull``s before a batch: when the version moved,
it copies the shared tensors into the model it acts with, under the same
lock, so it never acts with half of one update and half of another.
"""
from __future__ import annotations

import multiprocessing as mp

import torch

from rlpyt.agents.base import unwrap_ddp
from rlpyt.utils.synchronize import POLL_S, LockAborted, release_semaphores


class SharedParameters:
    """Shared-memory copy of a model's ``state_dict`` with a version number.

    Passed to a spawned process as a ``Process`` argument (the tensors and
    the lock travel as shared handles). ``abort`` is a flag (``SharedFlag``) whose setting
    ends any wait for the lock (a process that died holding it).
    """

    def __init__(self, model: torch.nn.Module, abort=None) -> None:
        state = unwrap_ddp(model).state_dict()
        self.tensors = {k: v.detach().to("cpu", copy=True).share_memory_() for k, v in state.items()}
        self.version = torch.zeros(1, dtype=torch.int64).share_memory_()
        self._lock = mp.get_context("spawn").Lock()
        self._abort = abort

    def release(self) -> None:
        """Remove the lock's semaphore from /dev/shm (see ``release_semaphores``)."""
        release_semaphores(self._lock)

    def _acquire(self) -> None:
        while not self._lock.acquire(timeout=POLL_S):
            if self._abort is not None and self._abort.is_set():
                raise LockAborted("SharedParameters: the run is aborting")

    @torch.no_grad()
    def publish(self, model: torch.nn.Module, version: int) -> None:
        """Copy ``model``'s state into shared memory as ``version``."""
        state = unwrap_ddp(model).state_dict()
        self._acquire()
        try:
            for key, tensor in self.tensors.items():
                tensor.copy_(state[key])
            self.version[0] = version
        finally:
            self._lock.release()

    @torch.no_grad()
    def pull(self, model: torch.nn.Module, known_version: int) -> int:
        """Load the shared state into ``model`` if its version differs from
        ``known_version``; returns the version ``model`` now holds."""
        if int(self.version[0]) == known_version:
            return known_version
        self._acquire()
        try:
            unwrap_ddp(model).load_state_dict(self.tensors)
            return int(self.version[0])
        finally:
            self._lock.release()
