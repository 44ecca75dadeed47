"""Asynchronous runners: sampling and optimization at the same time.

The optimizer runs in the training process; an async sampler
(``rlpyt.samplers.async_``) runs in a spawned sampler process (which may
start worker processes of its own) and appends every batch to a replay
buffer in shared memory (``rlpyt.replays.async_``). Parameters reach the
sampler through shared memory every ``updates_per_sync`` updates
(``rlpyt.agents.parameter_sync``); both sides follow the pacing rule of
``rlpyt.runners.async_control``, so the realised replay ratio stays at the
algorithm's ``replay_ratio`` whichever side is slower.
"""
from __future__ import annotations

import time

import cloudpickle

from rlpyt.agents.parameter_sync import SharedParameters
from rlpyt.runners.async_control import AsyncControl, Pacing
from rlpyt.runners.minibatch_rl import MinibatchRl, MinibatchRlEval
from rlpyt.samplers.async_.process import SamplerProcess
from rlpyt.utils.collections import AttrDict
from rlpyt.utils.launching.affinity import apply_process_affinity
from rlpyt.utils.logging import logger
from rlpyt.utils.seed import make_seed, set_seed

WAIT_S = 0.001


def split_async_affinity(owner: str, affinity) -> tuple[dict, dict]:
    """``(optimizer, sampler)`` affinity dicts from ``make_affinity(...,
    async_sample=True)``'s ``{"optimizer": [...], "sampler": {...}}``; a plain
    dict (or None) serves both processes."""
    if affinity is None:
        return {}, {}
    if not isinstance(affinity, dict):
        raise TypeError(f"{owner}: affinity must be a dict (make_affinity(..., async_sample=True)), "
            f"got {type(affinity).__name__}")
    if "optimizer" not in affinity:
        return dict(affinity), dict(affinity)
    optimizer = affinity["optimizer"]
    if isinstance(optimizer, (list, tuple)):
        if len(optimizer) != 1:
            raise NotImplementedError(f"{owner}: one optimizer process per run; the affinity "
                f"gives {len(optimizer)} (gpu_per_run > 1 is not supported asynchronously)")
        optimizer = optimizer[0]
    if "sampler" not in affinity:
        raise ValueError(f"{owner}: affinity with an 'optimizer' part needs a 'sampler' part")
    return dict(optimizer), dict(affinity["sampler"])


class AsyncRlMixin:
    """The optimizer's loop and the sampler process of AsyncRl / AsyncRlEval.

    Arguments as rlpyt's (``algo, agent, sampler, n_steps, affinity, seed,
    log_interval_steps``), ``sampler`` an async sampler and ``algo`` a
    replay algorithm (DQN, CategoricalDQN, DDPG, TD3, SAC). ``n_steps`` is
    rounded up to whole log intervals of sampler batches, as in MinibatchRl.

    The optimizer makes ``updates_per_sync`` updates at a time once the
    replay buffer holds ``min_steps_learn`` steps, as many in all as
    ``replay_ratio x (sampled steps - min_steps_learn) / batch_size``; after
    the sampler's last batch it makes the updates still due, then the run
    ends. Each log row (one per log interval of sampler steps) adds
    ``Diagnostics/ReplayRatio`` (this interval) and ``CumReplayRatio``
    (since ``min_steps_learn``), ``Diagnostics/PolicyLag`` (updates between
    the parameters a replayed transition was sampled with and the update
    that learns from it, mean over the interval's batches),
    ``Diagnostics/SamplerStaleness`` (updates made, when a batch was
    appended, since the parameters it was sampled with; mean over the
    interval's batches),
    ``UpdatesPerSecond`` and ``OptimizerWaitFraction`` (time the optimizer
    waited for samples).

    Failures: an error or death of the sampler process ends the run within
    seconds raising AsyncProcessFailure with its traceback; an error in the
    optimizer ends the sampler process; Ctrl-C stops both; no process or
    shared memory is left behind.

    Checkpoints and resume work as in MinibatchRl (agent, optimizers, replay
    buffer, counters, RNG of the training process, log position); the
    sampler's environments restart fresh and the trajectories in progress or
    completed after the last log row are dropped, and sampling is not
    repeatable step for step (the two processes interleave differently), so
    a resumed run continues the same training, not the same numbers.
    """

    def __init__(self, algo, agent, sampler, n_steps: int, affinity=None, seed: int | None = None,
            log_interval_steps: int = int(1e5), **kwargs) -> None:
        owner = type(self).__name__
        optimizer_affinity, sampler_affinity = split_async_affinity(owner, affinity)
        if not hasattr(sampler, "async_initialize"):
            raise TypeError(f"{owner}: sampler must be an async sampler (rlpyt.samplers.async_), "
                f"got {type(sampler).__name__}")
        if not hasattr(algo, "async_initialize"):
            raise TypeError(f"{owner}: algo must be a replay algorithm (DQN, CategoricalDQN, R2D1, DDPG, TD3, "
                f"SAC), got {type(algo).__name__}")
        super().__init__(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
            affinity=optimizer_affinity, log_interval_steps=log_interval_steps, **kwargs)
        self.sampler_affinity = AttrDict(sampler_affinity)
        self._sampler_process = None

    def startup(self) -> int:
        """Initialize sampler examples, agent, replay buffer and optimizer;
        resume a checkpoint if asked; start the sampler process. Returns the
        number of sampler iterations."""
        apply_process_affinity(self.affinity.get("master_cpus"), self.affinity.get("master_torch_threads"),
            self.affinity.get("set_affinity", True), who="the optimizer process (optimizer master_cpus)")
        if self.seed is None:
            self.seed = make_seed()
        set_seed(self.seed)
        examples = self.sampler.async_initialize(agent=self.agent, bootstrap_value=self.algo.bootstrap_value,
            traj_info_kwargs=self.get_traj_info_kwargs(), seed=self.seed + 1)
        self.itr_batch_size = self.sampler.batch_spec.size
        n_itr = self.get_n_itr()
        algo = self.algo
        self.control = AsyncControl(Pacing(replay_ratio=algo.replay_ratio, batch_size=algo.batch_size,
            min_steps_learn=algo.min_steps_learn, updates_per_sync=algo.updates_per_sync))
        self.replay_buffer = algo.async_initialize(agent=self.agent, sampler_n_itr=n_itr,
            batch_spec=self.sampler.batch_spec, mid_batch_reset=self.sampler.mid_batch_reset,
            examples=examples, lock_abort=self.control.abort)
        payload = cloudpickle.dumps(dict(sampler=self.sampler, affinity=dict(self.sampler_affinity),
            seed=self.seed + 1, n_itr=n_itr, log_interval_itrs=self.log_interval_itrs,
            evaluate=self.evaluates, samples_to_buffer=algo.samples_to_buffer_function()))
        self.agent.to_device(self.affinity.get("cuda_idx"))
        algo.optim_initialize(rank=0)
        self.initialize_logging()
        start_itr = self.resume_from_checkpoint()
        self.control.start_at(itr=start_itr, steps=start_itr * self.itr_batch_size, updates=algo.update_counter)
        self.parameters = SharedParameters(self.agent.model, abort=self.control.abort)
        self.parameters.publish(self.agent.model, version=algo.update_counter)
        self._sampler_process = SamplerProcess(payload, replay_buffer=self.replay_buffer,
            parameters=self.parameters, control=self.control)
        return n_itr

    def initialize_logging(self) -> None:
        """Also the async counters of the log interval."""
        super().initialize_logging()
        self._opt_itr = 0
        self._wait_time = 0.0
        self._lags = []
        self._staleness = []
        self._last_log_updates = self.algo.update_counter
        self._last_log_steps = 0
        self._final_log = None

    def train(self) -> None:
        """Optimize while the sampler process samples, until the sampler's
        last batch and the updates due for it are done."""
        try:
            self.startup()
            self._optimize_until_done()
            logger.log("Training complete.")
        except BaseException as error:
            if getattr(self, "control", None) is not None:
                self.control.abort.set()
            failure = None if self._sampler_process is None else self._sampler_process.failure()
            if failure is not None and failure is not error:
                raise failure from error
            raise
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop the sampler process; remove the run's semaphores from
        /dev/shm; close the progress bar and finish the last checkpoint's
        commit (whatever of it startup got to)."""
        try:
            if self._sampler_process is not None:
                self._sampler_process.stop()
                self._sampler_process = None
        finally:
            for owner in ("parameters", "replay_buffer"):
                shared = getattr(self, owner, None)
                if shared is not None:
                    shared.release()
            if getattr(self, "_progress", None) is not None:
                self._progress.close()
            if getattr(self, "_checkpoint_writer", None) is not None:
                self._checkpoint_writer.wait()

    def _optimize_until_done(self) -> None:
        control, algo = self.control, self.algo
        while True:
            self._handle_messages()
            done = control.sampler_done
            due = control.pacing.updates_allowed(control.sampled_steps) - algo.update_counter
            if due >= algo.updates_per_sync or (done and due > 0):
                self._optimize(min(due, algo.updates_per_sync))
            elif done:
                break
            else:
                start = time.time()
                time.sleep(WAIT_S)
                self._wait_time += time.time() - start
        self._handle_messages()
        if self._final_log is not None:
            self._log(*self._final_log)

    def _optimize(self, n_updates: int) -> None:
        """``n_updates`` updates, then publish the parameters."""
        algo = self.algo
        first = algo.update_counter
        algo.updates_per_optimize = n_updates
        sampler_itr = self.control.sampled_itrs
        self.agent.train_mode(sampler_itr)
        opt_info = algo.optimize_agent(self._opt_itr, sampler_itr=sampler_itr)
        self._opt_itr += 1
        versions = self.replay_buffer.pop_sampled_versions()
        self._lags.extend(first + i - v for i, v in enumerate(versions))
        self.parameters.publish(self.agent.model, version=algo.update_counter)
        self.control.set_updates(algo.update_counter)
        for k, values in self._opt_infos.items():
            values.extend(getattr(opt_info, k, []))

    def _handle_messages(self) -> None:
        for message in self._sampler_process.messages():
            kind = message[0]
            if kind == "batch":
                _, itr, traj_infos, staleness = message
                self._staleness.append(staleness)
                logger.set_iteration(itr)
                self.store_diagnostics(itr, traj_infos, ())
            elif kind == "log":
                _, itr, traj_infos, eval_time = message
                if itr + 1 >= self.n_itr:
                    self._final_log = (itr, traj_infos, eval_time)
                else:
                    self._log(itr, traj_infos, eval_time)

    def _log(self, itr: int, eval_traj_infos, eval_time: float) -> None:
        """One log row (and a checkpoint when a snapshot was saved or due)."""
        with logger.prefix(f"itr #{max(itr, 0)} "):
            traj_infos, eval_time = self.interval_traj_infos(eval_traj_infos, eval_time)
            snapshot = self.log_diagnostics(max(itr, 0), traj_infos, eval_time)
            if itr >= 0 and (snapshot is not None or self.checkpoint_due()):
                with self.replay_buffer.rw_lock.write_lock():
                    self.save_checkpoint(self.control.sampled_itrs - 1)

    def interval_traj_infos(self, eval_traj_infos, eval_time: float):
        """``(traj_infos, eval_time)`` a log row reports (subclasses)."""
        raise NotImplementedError

    @property
    def evaluates(self) -> bool:
        """Whether the sampler evaluates the agent every log interval."""
        return False

    def log_extra_diagnostics(self, eval_time: float) -> None:
        """Replay ratio, policy lag, update rate and optimizer waiting."""
        super().log_extra_diagnostics(eval_time)
        algo, pacing = self.algo, self.control.pacing
        now = time.time()
        steps = self._cum_steps
        updates = algo.update_counter
        new_steps = max(steps - max(self._last_log_steps, pacing.min_steps_learn), 0)
        interval = max(now - self._last_time, 1e-9)
        logger.record_tabular("Diagnostics/SamplerIteration", steps // self.itr_batch_size)
        logger.record_tabular("Diagnostics/ReplayRatio",
            (updates - self._last_log_updates) * algo.batch_size / new_steps if new_steps else float("nan"))
        learn_steps = steps - pacing.min_steps_learn
        logger.record_tabular("Diagnostics/CumReplayRatio",
            updates * algo.batch_size / learn_steps if learn_steps > 0 else float("nan"))
        logger.record_tabular("Diagnostics/PolicyLag",
            sum(self._lags) / len(self._lags) if self._lags else float("nan"))
        logger.record_tabular("Diagnostics/SamplerStaleness",
            sum(self._staleness) / len(self._staleness) if self._staleness else float("nan"))
        logger.record_tabular("Diagnostics/UpdatesPerSecond", (updates - self._last_log_updates) / interval)
        logger.record_tabular("Diagnostics/OptimizerWaitFraction", min(self._wait_time / interval, 1.0))
        self._last_log_updates = updates
        self._last_log_steps = steps
        self._lags = []
        self._staleness = []
        self._wait_time = 0.0

    def runner_state(self) -> dict:
        """The base state with the steps counted as the replay buffer holds
        them (called under the buffer's write lock)."""
        state = super().runner_state()
        state["cum_steps"] = self.control.sampled_steps
        state["last_log_updates"] = self._last_log_updates
        state["last_log_steps"] = self._last_log_steps
        return state

    def load_runner_state(self, state: dict) -> None:
        """Also the async interval counters."""
        super().load_runner_state(state)
        self._last_log_updates = state["last_log_updates"]
        self._last_log_steps = state["last_log_steps"]


class AsyncRl(AsyncRlMixin, MinibatchRl):
    """AsyncRl logging the last ``log_traj_window`` training trajectories
    (see AsyncRlMixin)."""

    def interval_traj_infos(self, eval_traj_infos, eval_time: float):
        """The trajectories in the window."""
        return list(self._window), 0.0


class AsyncRlEval(AsyncRlMixin, MinibatchRlEval):
    """AsyncRl whose sampler process evaluates the agent (its eval
    environments, eval mode, the latest parameters) before the first batch
    and at every log interval, while the optimizer goes on; the logged
    trajectory statistics are the evaluation's."""

    @property
    def evaluates(self) -> bool:
        """The sampler evaluates."""
        return True

    def before_training(self) -> None:
        """Nothing: the sampler process evaluates the untrained agent."""

    def interval_traj_infos(self, eval_traj_infos, eval_time: float):
        """The evaluation's trajectories; its time counts to CumEvalTime."""
        self._cum_eval_time += eval_time
        return eval_traj_infos, eval_time
