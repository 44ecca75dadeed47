"""Spawned processes' life: handing one its (possibly large) pickled
payload without ever blocking on a child that died, and stopping one.

``multiprocessing`` writes a spawned process's arguments into a pipe whose
read end the parent itself keeps open until the write ends: a child that dies
while starting (a script without the ``if __name__ == "__main__":`` guard, a
failed import, SIGKILL) leaves the parent blocked forever once the arguments
pass the pipe's 64 KiB. So the payload (a runner with its models, megabytes
for Atari) travels after ``start()``, on a pipe whose read end the parent has
closed: if the child is gone the parent gets BrokenPipeError, never a hang.
"""
from __future__ import annotations

from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess


class PayloadPipe:
    """A one-way pipe for one payload: give ``reader`` to the child's
    arguments, then call :meth:`send` after ``process.start()``; the child
    calls :func:`receive_payload` on its reader."""

    def __init__(self, context) -> None:
        self.reader, self._writer = context.Pipe(duplex=False)

    def send(self, payload: bytes) -> bool:
        """Close the parent's copy of the reader and send ``payload``;
        returns False when the child is already gone (its failure is then
        reported by whoever watches the process)."""
        self.reader.close()
        try:
            self._writer.send_bytes(payload)
        except (BrokenPipeError, ConnectionResetError):
            return False
        finally:
            self._writer.close()
        return True


def receive_payload(reader: Connection) -> bytes:
    """The child's side: the payload bytes."""
    try:
        return reader.recv_bytes()
    finally:
        reader.close()


def stop_process(process: BaseProcess, grace_s: float) -> None:
    """End ``process`` if it still runs: terminate (SIGTERM), and after
    ``grace_s`` seconds kill (SIGKILL); always reap it."""
    if process.is_alive():
        process.terminate()
        process.join(grace_s)
    if process.is_alive():
        process.kill()
    process.join()
