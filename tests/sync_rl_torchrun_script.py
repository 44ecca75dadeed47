"""Run by torchrun in tests/test_sync_rl.py: a tiny A2C SyncRl in torchrun's
process group, saving this rank's final state to ``<argv[1]>/rank<r>.pt``,
logged with ``logger_context`` into ``<argv[1]>/log`` as a user's script does
(on every node; rank 0's alone writes the run folder). A rank still running
after 100 s prints every thread's stack and exits, so that a hang shows where
it is in the test's output."""
import faulthandler
import os
import sys

import torch

from rlpyt.utils.logging.context import logger_context
from tests.sync_rl_helpers import ONE_THREAD, StateSavingSyncRl, algo_agent_sampler


def main(state_dir: str) -> None:
    """Train a few iterations on this process's rank."""
    faulthandler.dump_traceback_later(100, exit=True)
    torch.set_num_threads(1)
    algo, agent, sampler = algo_agent_sampler("a2c")
    runner = StateSavingSyncRl(algo=algo, agent=agent, sampler=sampler, n_steps=128, seed=5,
        affinity=ONE_THREAD, log_interval_steps=64, state_dir=state_dir)
    with logger_context(os.path.join(state_dir, "log"), 0, "a2c_torchrun", dict(rank=os.environ["RANK"]),
            override_prefix=True):
        runner.train()


if __name__ == "__main__":
    main(sys.argv[1])
