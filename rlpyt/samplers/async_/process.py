"""AsyncRl's sampler process: its entry point and the training process's handle on it.

The process receives the sampler and its agent copy as cloudpickle bytes (a
private copy: the trained model stays in the training process) and, as
``Process`` arguments, what is shared: the replay buffer, the published
parameters (``SharedParameters``), the control block (``AsyncControl``) and
the sending end of a pipe. It then samples batch after batch, as pacing
allows, each with the latest published parameters, appends each to the
replay buffer with the parameter version it was sampled with, and sends the
completed trajectories with the batch's staleness (updates made by then
since the parameters it acted with) and, every log interval, an evaluation
down the pipe. An error travels down the pipe as its traceback; the process ignores
Ctrl-C (the training process ends it) and exits when the training process
dies.
"""
from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import signal
import threading
import time
import traceback

import cloudpickle

from rlpyt.utils.launching.affinity import apply_process_affinity
from rlpyt.utils.logging.logger import set_logger
from rlpyt.utils.logging.loggers import NullLogger
from rlpyt.utils.processes import PayloadPipe, receive_payload, stop_process
from rlpyt.utils.seed import set_seed

PARENT_POLL_S = 0.5
PACE_SLEEP_S = 0.001
STOP_WAIT_S = 3.0
PROCESS_NAME = "AsyncRl sampler process"


class AsyncProcessFailure(RuntimeError):
    """A process of an AsyncRl run raised or died; the message names it and
    holds its traceback."""


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def run_sampler(payload_reader, replay_buffer, parameters, control, channel, parent_pid: int) -> None:
    """Entry point of the sampler process (see the module docstring); the
    pickled setup comes through ``payload_reader``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    set_logger(NullLogger())
    sampler = initialized = None
    try:
        setup = cloudpickle.loads(receive_payload(payload_reader))
        sampler = setup["sampler"]
        affinity = setup["affinity"]
        apply_process_affinity(affinity.get("master_cpus"), affinity.get("master_torch_threads", 1),
            affinity.get("set_affinity", True), who=PROCESS_NAME)
        set_seed(setup["seed"])
        sampler.initialize(affinity)
        initialized = sampler
        _sample(sampler=sampler, setup=setup, replay_buffer=replay_buffer, parameters=parameters,
            control=control, channel=channel)
    except BaseException:
        if not control.abort.is_set():
            channel.send(("error", traceback.format_exc()))
        raise SystemExit(1)
    finally:
        if initialized is not None:
            initialized.shutdown()


def _wait_for_pace(steps: int, control) -> bool:
    """Wait until the sampler may go on; False when the run is ending."""
    while not control.pacing.sampler_may_start(steps, control.updates):
        if control.stopping():
            return False
        time.sleep(PACE_SLEEP_S)
    return not control.stopping()


def _sample(sampler, setup: dict, replay_buffer, parameters, control, channel) -> None:
    agent = sampler.agent
    to_buffer = setup["samples_to_buffer"]
    batch_size = sampler.batch_spec.size
    log_every = setup["log_interval_itrs"]
    evaluate = setup["evaluate"]
    version = parameters.pull(agent.model, known_version=-1)

    def log(itr: int) -> None:
        nonlocal version
        if not evaluate:
            channel.send(("log", itr, None, 0.0))
            return
        version = parameters.pull(agent.model, known_version=version)
        start = time.time()
        traj_infos = sampler.evaluate_agent(itr)
        channel.send(("log", itr, traj_infos, time.time() - start))

    if control.start_itr == 0 and evaluate:
        log(-1)
    for itr in range(control.start_itr, setup["n_itr"]):
        if not _wait_for_pace(itr * batch_size, control):
            return
        version = parameters.pull(agent.model, known_version=version)
        agent.sample_mode(itr)
        samples, traj_infos = sampler.obtain_samples(itr)
        replay_buffer.append_samples(to_buffer(samples), version=version)
        control.set_sampled(itrs=itr + 1, steps=(itr + 1) * batch_size)
        channel.send(("batch", itr, traj_infos, control.updates - version))
        if (itr + 1) % log_every == 0:
            log(itr)
    control.set_sampler_done()
    channel.send(("done", setup["n_itr"]))
    while not control.stopping():
        time.sleep(PARENT_POLL_S / 5)


class SamplerProcess:
    """The training process's handle on the sampler process: start it,
    take its messages, notice its failure, stop it."""

    def __init__(self, payload: bytes, replay_buffer, parameters, control) -> None:
        context = mp.get_context("spawn")
        self.control = control
        self._receive, send = context.Pipe(duplex=False)
        payload_pipe = PayloadPipe(context)
        self.process = context.Process(target=run_sampler, name=PROCESS_NAME,
            kwargs=dict(payload_reader=payload_pipe.reader, replay_buffer=replay_buffer, parameters=parameters,
                control=control, channel=send, parent_pid=os.getpid()))
        self.process.start()
        send.close()
        threading.Thread(target=self._watch, name="AsyncRl sampler watch", daemon=True).start()
        payload_pipe.send(payload)  # a process that died first is reported by messages()

    def _watch(self) -> None:
        """Set the abort flag when the process ends before it was asked to
        quit, so that no wait on a lock it held goes on."""
        mp_connection.wait([self.process.sentinel])  # (join would reap it under the main thread's feet)
        if not self.control.quit.is_set():
            self.control.abort.set()

    def failure(self) -> AsyncProcessFailure | None:
        """The process's failure (its traceback, or its death), else None."""
        try:
            self.messages()
        except AsyncProcessFailure as failure:
            return failure
        return None

    def messages(self) -> list:
        """Every message sent so far; raises AsyncProcessFailure when the
        process reported an error or died."""
        out = []
        while self._receive.poll():
            try:
                message = self._receive.recv()
            except (EOFError, OSError):
                raise self._death() from None
            if message[0] == "error":
                raise AsyncProcessFailure(f"{PROCESS_NAME} (pid {self.process.pid}) raised:\n{message[1]}")
            out.append(message)
        if not out and not self.process.is_alive():
            raise self._death()
        return out

    def _death(self) -> AsyncProcessFailure:
        self.process.join(STOP_WAIT_S)
        code = self.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return AsyncProcessFailure(f"{PROCESS_NAME} (pid {self.process.pid}) died ({how}) without a "
            f"traceback (if it died while starting, its stderr says why, e.g. a script without the "
            f"'if __name__ == \"__main__\":' guard that spawned processes need)")

    def stop(self) -> None:
        """End the process: let it finish (quit), then terminate, then kill."""
        self.control.quit.set()
        self.process.join(STOP_WAIT_S)
        stop_process(self.process, grace_s=STOP_WAIT_S)
        self._receive.close()
