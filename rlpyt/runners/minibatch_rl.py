"""Runners that alternate sampling a batch and optimizing on it, in one process."""
from __future__ import annotations

import math
import time
from collections import deque

from tqdm import tqdm

from rlpyt.runners.base import BaseRunner
from rlpyt.utils.checks import check_count
from rlpyt.utils.collections import AttrDict
from rlpyt.utils.launching.affinity import apply_process_affinity
from rlpyt.utils.logging import logger
from rlpyt.utils.seed import make_seed, set_seed

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
    """

    def __init__(self, algo, agent, sampler, n_steps: int, seed: int | None = None,
            affinity: dict | None = None, log_interval_steps: int = int(1e5),
            log_traj_window: int = 100) -> None:
        owner = type(self).__name__
        n_steps = check_count(owner, "n_steps", n_steps, 1)
        log_interval_steps = check_count(owner, "log_interval_steps", log_interval_steps, 1)
        log_traj_window = check_count(owner, "log_traj_window", log_traj_window, 1)
        if affinity is not None and not isinstance(affinity, dict):
            raise TypeError(f"{owner}: affinity must be a dict (see affinity_from_code), "
                f"got {type(affinity).__name__}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"{owner}: seed must be an int or None, got {seed!r}")
        self.algo = algo
        self.agent = agent
        self.sampler = sampler
        self.n_steps = n_steps
        self.seed = seed
        self.affinity = AttrDict(affinity or {})
        self.log_interval_steps = log_interval_steps
        self.log_traj_window = log_traj_window
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

    def shutdown(self) -> None:
        """Close the progress bar and the sampler (also after an error or Ctrl-C)."""
        if self._progress is not None:
            self._progress.close()
        self.sampler.shutdown()

    def get_itr_snapshot(self, itr: int) -> dict:
        """What a snapshot holds: counters, agent and optimizer state."""
        return dict(itr=itr, cum_steps=self._cum_steps,
            agent_state_dict=self.agent.state_dict(),
            optimizer_state_dict=self.algo.optim_state_dict())

    def save_itr_snapshot(self, itr: int) -> None:
        """Save a snapshot per the logger's snapshot mode."""
        logger.save_itr_params(itr, self.get_itr_snapshot(itr))

    def store_diagnostics(self, itr: int, traj_infos: list, opt_info) -> None:
        """Accumulate one iteration's diagnostics until the next log line."""
        self._cum_completed_trajs += len(traj_infos)
        self._new_completed_trajs += len(traj_infos)
        self._cum_steps += self.itr_batch_size
        for k, values in self._opt_infos.items():
            values.extend(getattr(opt_info, k, []))
        if self._progress is None:
            self._progress = tqdm(total=self.log_interval_itrs * self.itr_batch_size,
                desc="steps to next log", unit="step", leave=False, disable=None)
        self._progress.update(self.itr_batch_size)

    def log_diagnostics(self, itr: int, traj_infos: list, eval_time: float = 0.0) -> None:
        """Write one row of progress.csv and save a snapshot."""
        if self._progress is not None:
            self._progress.close()
            self._progress = None
        self.save_itr_snapshot(itr)
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
        self._last_time = new_time
        self._last_cum_steps = self._cum_steps
        self._new_completed_trajs = 0
        self._opt_infos = {k: [] for k in self.algo.opt_info_fields}

    def log_extra_diagnostics(self, eval_time: float) -> None:
        """Hook for subclasses to record more columns."""

    def before_training(self) -> None:
        """Hook run after startup, before the first iteration."""

    def diagnostic_traj_infos(self, itr: int):
        """``(traj_infos, eval_time)`` to log at a log interval."""
        raise NotImplementedError

    def train(self) -> None:
        """Sample, optimize, log every ``log_interval_itrs``, until ``n_steps``."""
        n_itr = self.startup()
        try:
            self.before_training()
            for itr in range(n_itr):
                logger.set_iteration(itr)
                with logger.prefix(f"itr #{itr} "):
                    self.agent.sample_mode(itr)
                    samples, traj_infos = self.sampler.obtain_samples(itr)
                    self.agent.train_mode(itr)
                    opt_info = self.algo.optimize_agent(itr, samples)
                    self.store_diagnostics(itr, traj_infos, opt_info)
                    if (itr + 1) % self.log_interval_itrs == 0:
                        self.log_diagnostics(itr, *self.diagnostic_traj_infos(itr))
            logger.log("Training complete.")
        finally:
            self.shutdown()


class MinibatchRl(MinibatchRlBase):
    """Logs statistics of the last ``log_traj_window`` training trajectories."""

    def before_training(self) -> None:
        """Start the window of recent trajectories."""
        self._window = deque(maxlen=self.log_traj_window)

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

    def before_training(self) -> None:
        """Evaluate and log the untrained agent."""
        self._cum_eval_time = 0.0
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
