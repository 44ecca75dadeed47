"""Runners that alternate sampling a batch and optimizing on it, in one process."""
from __future__ import annotations

import math
import time
from collections import deque

from tqdm import tqdm

from rlpyt.runners.base import BaseRunner
from rlpyt.utils.checks import check_count, check_number
from rlpyt.utils.collections import AttrDict
from rlpyt.utils.launching.affinity import apply_process_affinity
from rlpyt.utils.logging import logger
from rlpyt.utils.checkpoint import Checkpoint, CheckpointWriter, load_checkpoint
from rlpyt.utils.seed import get_rng_state, make_seed, set_rng_state, set_seed

_STAT_SUFFIXES = ("Average", "Std", "Median", "Min", "Max")


class MinibatchRlBase(BaseRunner):
    """Sets up the run and logs diagnostics every ``log_interval_steps``.

    The run makes ``ceil(n_steps / batch size)`` iterations, rounded up to
    whole log intervals: it goes beyond ``n_steps`` by less than one
    iteration, or by less than one log interval where ``log_interval_steps``
    does not divide ``n_steps``. A log interval longer than the run is cut to
    the run (logged once, at the end), and the log says so. The affinity dict
    may give ``master_cpus``, ``master_torch_threads``, ``cuda_idx`` and
    ``set_affinity``.

    Checkpoints (``rlpyt.utils.checkpoint``) go to the logger's run folder
    whenever a snapshot is saved (the logger's snapshot mode) and, with
    ``checkpoint_interval_s``, at the first iteration end after that many
    seconds since the last one. Under ``logger_context(..., resume=True)``
    a run folder holding a checkpoint continues from it: agent, optimizers,
    counters, replay buffer, every RNG, the sampler's environments where
    they can be restored, the runner's counters and log window;
    progress.csv is cut back to the checkpoint's rows and appended.
    """

    checkpoint_keep = 1  # committed checkpoints kept loadable (see rlpyt.utils.checkpoint)

    def __init__(self, algo, agent, sampler, n_steps: int, seed: int | None = None,
            affinity: dict | None = None, log_interval_steps: int = int(1e5),
            log_traj_window: int = 100, checkpoint_interval_s: float | None = None) -> None:
        owner = type(self).__name__
        n_steps = check_count(owner, "n_steps", n_steps, 1)
        log_interval_steps = check_count(owner, "log_interval_steps", log_interval_steps, 1)
        log_traj_window = check_count(owner, "log_traj_window", log_traj_window, 1)
        if affinity is not None and not isinstance(affinity, dict):
            raise TypeError(f"{owner}: affinity must be a dict (see affinity_from_code), "
                f"got {type(affinity).__name__}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"{owner}: seed must be an int or None, got {seed!r}")
        if checkpoint_interval_s is not None:
            check_number(owner, "checkpoint_interval_s", checkpoint_interval_s, 0)
        self.algo = algo
        self.agent = agent
        self.sampler = sampler
        self.n_steps = n_steps
        self.seed = seed
        self.affinity = AttrDict(affinity or {})
        self.log_interval_steps = log_interval_steps
        self.log_traj_window = log_traj_window
        self.checkpoint_interval_s = checkpoint_interval_s
        self.rank = 0
        self.world_size = 1

    def startup(self) -> int:
        """Seed, initialize sampler, agent and algorithm; returns the number of iterations."""
        apply_process_affinity(self.affinity.get("master_cpus"), self.affinity.get("master_torch_threads"),
            self.affinity.get("set_affinity", True), who="the training process (master_cpus)")
        if self.seed is None:
            self.seed = make_seed()
        set_seed(self.seed)
        examples = self.sampler.initialize(agent=self.agent, affinity=self.affinity,
            seed=self.seed + 1, bootstrap_value=self.algo.bootstrap_value,
            traj_info_kwargs=self.get_traj_info_kwargs(), rank=self.rank, world_size=self.world_size)
        self.itr_batch_size = self.sampler.batch_spec.size * self.world_size
        n_itr = self.get_n_itr()
        self.agent.to_device(self.affinity.get("cuda_idx"))
        self.algo.initialize(agent=self.agent, n_itr=n_itr, batch_spec=self.sampler.batch_spec,
            mid_batch_reset=self.sampler.mid_batch_reset, examples=examples,
            world_size=self.world_size, rank=self.rank)
        self.initialize_logging()
        return n_itr

    def get_traj_info_kwargs(self) -> dict:
        """Passed to every TrajInfo: the algorithm's discount."""
        return dict(discount=getattr(self.algo, "discount", 1.0))

    def get_n_itr(self) -> int:
        """Iterations for ``n_steps``, rounded up to whole log intervals (a
        log interval longer than the run is cut to the run)."""
        n_itr = math.ceil(self.n_steps / self.itr_batch_size)
        self.log_interval_itrs = max(self.log_interval_steps // self.itr_batch_size, 1)
        if self.log_interval_itrs > n_itr:
            logger.log(f"log_interval_steps ({self.log_interval_steps}) is longer than the run "
                f"(n_steps {self.n_steps}): logging once, at the end of the run.")
            self.log_interval_itrs = n_itr
        n_itr = math.ceil(n_itr / self.log_interval_itrs) * self.log_interval_itrs
        self.n_itr = n_itr
        logger.log(f"Running {n_itr} iterations of batch size {self.itr_batch_size} "
            f"({n_itr * self.itr_batch_size} steps), logging every {self.log_interval_itrs}.")
        return n_itr

    def initialize_logging(self) -> None:
        """Start the clocks and counters, and fix the logged columns."""
        self._opt_infos = {k: [] for k in self.algo.opt_info_fields}
        self._start_time = self._last_time = time.time()
        self._cum_completed_trajs = 0
        self._new_completed_trajs = 0
        self._cum_steps = 0
        self._last_cum_steps = 0
        self._traj_info_keys = [k for k in self.sampler.TrajInfoCls(**self.get_traj_info_kwargs())
            if not k.startswith("_")]
        self._progress = None
        self._log_rows = 0
        self._checkpoint_writer = CheckpointWriter(keep=self.checkpoint_keep)

    def shutdown(self) -> None:
        """Finish the last checkpoint's commit; close the progress bar and the
        sampler (also after an error or Ctrl-C)."""
        if self._progress is not None:
            self._progress.close()
        try:
            self._checkpoint_writer.wait()
        finally:
            self.sampler.shutdown()

    def get_itr_snapshot(self, itr: int) -> dict:
        """What a snapshot holds: counters, agent and optimizer state."""
        return dict(itr=itr, cum_steps=self._cum_steps,
            agent_state_dict=self.agent.state_dict(),
            optimizer_state_dict=self.algo.optim_state_dict())

    def save_itr_snapshot(self, itr: int) -> str | None:
        """Save a snapshot per the logger's snapshot mode; returns its path
        (None when the mode saved nothing)."""
        return logger.save_itr_params(itr, self.get_itr_snapshot(itr))

    def runner_state(self) -> dict:
        """The runner's counters and log accumulators, for checkpoints."""
        return dict(cum_steps=self._cum_steps, last_cum_steps=self._last_cum_steps,
            cum_completed_trajs=self._cum_completed_trajs, new_completed_trajs=self._new_completed_trajs,
            opt_infos=self._opt_infos, elapsed=time.time() - self._start_time,
            since_log=time.time() - self._last_time, log_rows=self._log_rows)

    def load_runner_state(self, state: dict) -> None:
        """Continue the counters and accumulators of ``runner_state()``."""
        now = time.time()
        self._cum_steps = state["cum_steps"]
        self._last_cum_steps = state["last_cum_steps"]
        self._cum_completed_trajs = state["cum_completed_trajs"]
        self._new_completed_trajs = state["new_completed_trajs"]
        self._opt_infos = state["opt_infos"]
        self._start_time = now - state["elapsed"]
        self._last_time = now - state["since_log"]
        self._log_rows = state["log_rows"]

    def checkpoint_due(self) -> bool:
        """Whether ``checkpoint_interval_s`` has passed since the last checkpoint."""
        return (self.checkpoint_interval_s is not None
            and time.time() - self._last_checkpoint_time >= self.checkpoint_interval_s)

    def should_checkpoint(self, logged: bool, snapshot: str | None) -> bool:
        """Whether to checkpoint at the end of this iteration: when a
        snapshot was saved or ``checkpoint_interval_s`` has passed.
        ``logged`` says whether this iteration wrote a log row (the only
        iterations where data-parallel ranks must agree without a timer)."""
        return snapshot is not None or self.checkpoint_due()

    def checkpoint_dir(self) -> str | None:
        """The folder this process's checkpoints go to: the logger's run folder."""
        return logger.get_snapshot_dir()

    def resuming(self) -> bool:
        """Whether this run continues its run folder's checkpoint."""
        return logger.get_resume()

    def find_checkpoint(self, run_dir: str) -> Checkpoint | None:
        """The checkpoint to continue from: the committed one of ``run_dir``."""
        return load_checkpoint(run_dir)

    def save_checkpoint(self, itr: int) -> None:
        """Checkpoint everything needed to continue after iteration ``itr``
        into ``checkpoint_dir()`` (nothing when no run is logged)."""
        run_dir = self.checkpoint_dir()
        self._last_checkpoint_time = time.time()
        if run_dir is None:
            return
        algo_state, arrays = self.algo.checkpoint_state()
        state = dict(itr=itr, runner=self.runner_state(), agent=self.agent.checkpoint_state(),
            algo=algo_state, sampler=self.sampler.checkpoint_state(), rng=get_rng_state())
        self._checkpoint_writer.save(run_dir, state=state, arrays=arrays,
            info=dict(itr=itr, n_itr=self.n_itr, progress_rows=self._log_rows, finished=itr + 1 >= self.n_itr))

    def resume_from_checkpoint(self) -> int:
        """Load the run folder's checkpoint when the logger resumes; returns
        the first iteration to run (0 for a fresh start)."""
        self._last_checkpoint_time = time.time()
        run_dir = self.checkpoint_dir()
        if run_dir is None or not self.resuming():
            return 0
        checkpoint = self.find_checkpoint(run_dir)
        if checkpoint is None:
            logger.log(f"No checkpoint in {run_dir}: starting fresh.")
            logger.rewind(n_rows=0, next_itr=0)
            return 0
        state = checkpoint.state
        self.agent.load_checkpoint_state(state["agent"])
        self.algo.load_checkpoint_state(state["algo"], checkpoint.arrays)
        self.sampler.load_checkpoint_state(state["sampler"])
        self.load_runner_state(state["runner"])
        set_rng_state(state["rng"])
        start_itr = state["itr"] + 1
        logger.rewind(n_rows=state["runner"]["log_rows"], next_itr=start_itr)
        logger.log(f"Resumed from the checkpoint of iteration {state['itr']} "
            f"({self._cum_steps} steps): continuing at iteration {start_itr}.")
        return start_itr

    def store_diagnostics(self, itr: int, traj_infos: list, opt_info) -> None:
        """Accumulate one iteration's diagnostics until the next log line."""
        self._cum_completed_trajs += len(traj_infos)
        self._new_completed_trajs += len(traj_infos)
        for k, values in self._opt_infos.items():
            values.extend(getattr(opt_info, k, []))
        if self._progress is None:
            self._progress = tqdm(total=self.log_interval_itrs * self.itr_batch_size,
                initial=self._cum_steps - self._last_cum_steps, desc="steps to next log", unit="step",
                leave=False, disable=None)
        self._cum_steps += self.itr_batch_size
        self._progress.update(self.itr_batch_size)

    def log_diagnostics(self, itr: int, traj_infos: list, eval_time: float = 0.0) -> str | None:
        """Write one row of progress.csv and save a snapshot; returns the
        snapshot's path (None when the snapshot mode saved nothing)."""
        if self._progress is not None:
            self._progress.close()
            self._progress = None
        snapshot = self.save_itr_snapshot(itr)
        new_time = time.time()
        interval_steps = self._cum_steps - self._last_cum_steps
        train_time = max(new_time - self._last_time - eval_time, 1e-9)
        logger.record_tabular("Diagnostics/Iteration", itr)
        logger.record_tabular("Diagnostics/CumSteps", self._cum_steps)
        logger.record_tabular("Diagnostics/CumTime (s)", new_time - self._start_time)
        logger.record_tabular("Diagnostics/StepsPerSecond", interval_steps / train_time)
        logger.record_tabular("Diagnostics/CumCompletedTrajs", self._cum_completed_trajs)
        logger.record_tabular("Diagnostics/NewCompletedTrajs", self._new_completed_trajs)
        logger.record_tabular("Diagnostics/CumUpdates", self.algo.update_counter)
        logger.record_tabular("Diagnostics/StepsInTrajWindow", sum(t["Length"] for t in traj_infos))
        for key in self._traj_info_keys:
            logger.record_tabular_misc_stat(key, [t[key] for t in traj_infos])
        for key, values in self._opt_infos.items():
            logger.record_tabular_misc_stat(key, values)
        self.log_extra_diagnostics(eval_time)
        logger.dump_tabular(with_prefix=False)
        self._log_rows += 1
        self._last_time = new_time
        self._last_cum_steps = self._cum_steps
        self._new_completed_trajs = 0
        self._opt_infos = {k: [] for k in self.algo.opt_info_fields}
        return snapshot

    def log_extra_diagnostics(self, eval_time: float) -> None:
        """Hook for subclasses to record more columns."""

    def before_training(self) -> None:
        """Hook run after startup, before the first iteration."""

    def diagnostic_traj_infos(self, itr: int):
        """``(traj_infos, eval_time)`` to log at a log interval."""
        raise NotImplementedError

    def train(self) -> None:
        """Sample, optimize, log every ``log_interval_itrs``, until ``n_steps``
        (from the run folder's checkpoint when resuming)."""
        n_itr = self.startup()
        try:
            start_itr = self.resume_from_checkpoint()
            if start_itr == 0:
                self.before_training()
            for itr in range(start_itr, n_itr):
                logger.set_iteration(itr)
                with logger.prefix(f"itr #{itr} "):
                    self.agent.sample_mode(itr)
                    samples, traj_infos = self.sampler.obtain_samples(itr)
                    self.agent.train_mode(itr)
                    opt_info = self.algo.optimize_agent(itr, samples)
                    self.store_diagnostics(itr, traj_infos, opt_info)
                    snapshot = None
                    logged = (itr + 1) % self.log_interval_itrs == 0
                    if logged:
                        snapshot = self.log_diagnostics(itr, *self.diagnostic_traj_infos(itr))
                    if self.should_checkpoint(logged=logged, snapshot=snapshot):
                        self.save_checkpoint(itr)
            logger.log("Training complete.")
        finally:
            self.shutdown()


class MinibatchRl(MinibatchRlBase):
    """Logs statistics of the last ``log_traj_window`` training trajectories."""

    def initialize_logging(self) -> None:
        """Also start the window of recent trajectories."""
        super().initialize_logging()
        self._window = deque(maxlen=self.log_traj_window)

    def runner_state(self) -> dict:
        """Also the window of recent trajectories."""
        return dict(super().runner_state(), window=list(self._window))

    def load_runner_state(self, state: dict) -> None:
        """Also the window of recent trajectories."""
        super().load_runner_state(state)
        self._window.extend(state["window"])

    def store_diagnostics(self, itr: int, traj_infos: list, opt_info) -> None:
        """Also remember the trajectories in the window."""
        self._window.extend(traj_infos)
        super().store_diagnostics(itr, traj_infos, opt_info)

    def diagnostic_traj_infos(self, itr: int):
        """``(trajectories in the window, 0.0)``."""
        return list(self._window), 0.0


class MinibatchRlEval(MinibatchRlBase):
    """Evaluates the agent (sampler's eval environments, eval mode) before
    training and at every log interval; the logged trajectory statistics are
    the evaluation's."""

    def initialize_logging(self) -> None:
        """Also start the evaluation clock."""
        super().initialize_logging()
        self._cum_eval_time = 0.0

    def runner_state(self) -> dict:
        """Also the evaluation clock."""
        return dict(super().runner_state(), cum_eval_time=self._cum_eval_time)

    def load_runner_state(self, state: dict) -> None:
        """Also the evaluation clock."""
        super().load_runner_state(state)
        self._cum_eval_time = state["cum_eval_time"]

    def before_training(self) -> None:
        """Evaluate and log the untrained agent."""
        with logger.prefix("itr #0 "):
            self.log_diagnostics(0, *self.evaluate_agent(0))

    def diagnostic_traj_infos(self, itr: int):
        """``(eval_traj_infos, eval_time)``."""
        return self.evaluate_agent(itr)

    def evaluate_agent(self, itr: int):
        """``(eval_traj_infos, eval_time)``."""
        start = time.time()
        traj_infos = self.sampler.evaluate_agent(itr)
        eval_time = time.time() - start
        self._cum_eval_time += eval_time
        logger.log(f"Evaluation: {len(traj_infos)} trajectories in {eval_time:.2f} s")
        return traj_infos, eval_time

    def log_extra_diagnostics(self, eval_time: float) -> None:
        """Eval timing columns."""
        logger.record_tabular("Diagnostics/CumEvalTime (s)", self._cum_eval_time)
        logger.record_tabular("Diagnostics/EvalTime (s)", eval_time)
