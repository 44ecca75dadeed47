"""rlpyt's Atari DQN train scripts sample with wait-reset collectors, as
rlpyt's did, and train from their ``dqn`` / ``catdqn`` presets unchanged but
for the budgets (two iterations on CPU), started by the launcher's command line."""
import os

import pytest

import rlpyt.experiments.scripts.common as common
from tests.test_train_scripts import DQN, SCRIPTS, check_run

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("data_dir")]


@pytest.mark.parametrize("script,key", [("atari/dqn/train/atari_dqn_gpu.py", "dqn"),
    ("atari/dqn/train/atari_catdqn_gpu.py", "catdqn")])
def test_rlpyts_dqn_scripts_train_with_wait_reset_collectors(script, key, read_progress):
    path = os.path.join(SCRIPTS, script)
    with open(path) as f:
        assert "CollectorCls=GpuWaitResetCollector" in f.read()
    summary = common.run_experiments(script=path, affinity_code=common.local_affinity_code(),
        experiment_title=f"wait_reset_{key}", runs_per_setting=1, variants=[DQN], log_dirs=[key],
        common_args=(key,))
    (run,) = summary.runs
    with open(run.output_log) as f:
        output = f.read()
    assert run.returncode == 0, output[-3000:]
    check_run(read_progress(run.run_dir), run.run_dir, DQN, evaluates=True, output=output)
