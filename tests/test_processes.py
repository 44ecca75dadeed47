"""Spawned processes' plumbing (rlpyt.utils.processes): a payload never
blocks on a child that died, and stop_process ends a process that ignores
SIGTERM."""
import multiprocessing as mp
import os
import signal
import threading
import time

from rlpyt.utils.processes import PayloadPipe, receive_payload, stop_process

BIG = b"x" * (4 << 20)  # far more than a pipe buffer


def _exit_at_once(reader) -> None:
    os._exit(3)


def _report_length(reader, out) -> None:
    out.send(len(receive_payload(reader)))


def _ignore_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(600)


def _send_in_thread(pipe: PayloadPipe, payload: bytes) -> list:
    result = []
    thread = threading.Thread(target=lambda: result.append(pipe.send(payload)), daemon=True)
    thread.start()
    thread.join(30)
    return result


def test_payload_to_a_child_that_died_returns_false_instead_of_blocking():
    context = mp.get_context("spawn")
    pipe = PayloadPipe(context)
    process = context.Process(target=_exit_at_once, args=(pipe.reader,))
    process.start()
    process.join(30)
    assert process.exitcode == 3
    assert _send_in_thread(pipe, BIG) == [False]


def test_payload_reaches_a_live_child():
    context = mp.get_context("spawn")
    pipe = PayloadPipe(context)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_report_length, args=(pipe.reader, send))
    process.start()
    send.close()
    assert _send_in_thread(pipe, BIG) == [True]
    assert receive.poll(30) and receive.recv() == len(BIG)
    process.join(30)
    assert process.exitcode == 0


def test_stop_process_kills_what_ignores_sigterm():
    context = mp.get_context("spawn")
    process = context.Process(target=_ignore_sigterm)
    process.start()
    time.sleep(2.0)  # past the interpreter's start, into the handler
    start = time.time()
    stop_process(process, grace_s=0.5)
    assert process.exitcode == -signal.SIGKILL and time.time() - start < 10
