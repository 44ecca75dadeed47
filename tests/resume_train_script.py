"""A launcher train script for the sweep-resume tests:

    python resume_train_script.py <slot_affinity_code> <log_dir> <run_ID> <family>

It trains ``resume_script.build(family)`` with a checkpoint at every log
interval; ``logger_context`` resumes when the launcher sets RLPYT_RESUME.
With ``RLPYT_TEST_FAIL_ONCE`` set to a file path, the first run to find that
file missing creates it and fails in iteration 5 (a failure to retry).
"""
import os
import sys

import torch

from resume_script import SAMPLERS, build
from rlpyt.utils.logging.context import logger_context


def main(slot_affinity_code: str, log_dir: str, run_ID: str, family: str) -> None:
    torch.set_num_threads(1)
    runner = build(family, SAMPLERS["serial"])
    flag = os.environ.get("RLPYT_TEST_FAIL_ONCE")
    if flag is not None and not os.path.exists(flag):
        open(flag, "w").close()
        optimize = runner.algo.optimize_agent

        def optimize_or_fail(itr, samples):
            if itr == 5:
                raise RuntimeError("planned failure")
            return optimize(itr, samples)
        runner.algo.optimize_agent = optimize_or_fail
    with logger_context(log_dir, run_ID, family, dict(family=family), snapshot_mode="last"):
        runner.train()


if __name__ == "__main__":
    main(*sys.argv[1:])
