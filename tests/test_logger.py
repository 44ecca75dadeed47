"""Tests of the logger and logger_context: the run-folder contract viskit relies on."""
import csv
import glob
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

from rlpyt.utils.checkpoint import save_checkpoint
from rlpyt.utils.logging import logger
from rlpyt.utils.logging.context import add_exp_param, get_log_dir, logger_context
from rlpyt.utils.logging.logger import Logger, NullLogger
from rlpyt.utils.logging.run_dir import RunDirInUse


@pytest.fixture(autouse=True)
def clean_logger():
    logger.reset()
    logger.disable()
    yield
    logger.reset()


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def run_dir(tmp_path, **kwargs):
    return logger_context(str(tmp_path / "exp"), 0, "test", **kwargs)


def test_params_json_written_at_start(tmp_path):
    params = {"algo": {"learning_rate": 1e-3}, "cls": torch.nn.Linear, "arr": np.arange(2)}
    with run_dir(tmp_path, log_params=params) as exp_dir:
        assert exp_dir == str(tmp_path / "exp" / "run_0")
        with open(os.path.join(exp_dir, "params.json")) as f:
            saved = json.load(f)
        assert saved["name"] == "test"
        assert saved["run_ID"] == 0
        assert saved["algo"] == {"learning_rate": 1e-3}
        assert saved["cls"] == "torch.nn.modules.linear.Linear"
        assert saved["arr"] == [0, 1]
    assert "name" not in params


def test_relative_log_dir_goes_under_data_root(tmp_path, monkeypatch):
    monkeypatch.setenv("RLPYT_DATA_DIR", str(tmp_path / "root"))
    assert get_log_dir() == str(tmp_path / "root")
    with logger_context("ppo", 3, "n") as exp_dir:
        parts = os.path.relpath(exp_dir, tmp_path / "root").split(os.sep)
        assert parts[0] == "local" and len(parts[1]) == 8 and parts[1].isdigit()
        assert parts[2:] == ["ppo", "run_3"]


def test_progress_csv_numeric_cells_one_header(tmp_path):
    with run_dir(tmp_path) as exp_dir:
        for itr in range(3):
            logger.record_tabular("Iteration", itr)
            logger.record_tabular("Loss", np.float32(0.5 * itr))
            logger.record_tabular("Flag", True)
            logger.record_tabular("Tensor", torch.tensor(2.5))
            logger.record_tabular("Missing", None)
            logger.dump_tabular()
            header, rows = read_csv(os.path.join(exp_dir, "progress.csv"))
            assert len(rows) == itr + 1, "progress.csv must be flushed after every dump"
    assert header == ["Iteration", "Loss", "Flag", "Tensor", "Missing"]
    for row in rows:
        values = [float(cell) for cell in row]
        assert math.isnan(values[-1])
    assert [float(c) for c in rows[2][:4]] == [2.0, 1.0, 1.0, 2.5]


def test_new_column_rewrites_under_one_header(tmp_path):
    with run_dir(tmp_path) as exp_dir:
        for itr in range(4):
            logger.record_tabular("A", itr)
            if itr == 2:
                logger.record_tabular("B", 10 + itr)
            if itr < 3:
                logger.record_tabular("C", -itr)
            logger.dump_tabular()
    with open(os.path.join(exp_dir, "progress.csv")) as f:
        text = f.read()
    assert text.count("A,") == 1
    header, rows = read_csv(os.path.join(exp_dir, "progress.csv"))
    assert header == ["A", "C", "B"]
    assert len(rows) == 4
    assert [r[2] for r in rows[:2]] == ["nan", "nan"]
    assert float(rows[2][2]) == 12.0
    assert rows[3][1] == "nan" and rows[3][2] == "nan"


def test_progress_csv_continues_on_resume(tmp_path):
    exp_dirs = []
    for itr in range(2):
        with run_dir(tmp_path, resume=itr > 0) as exp_dir:
            logger.record_tabular("A", itr)
            logger.dump_tabular()
            exp_dirs.append(exp_dir)
    assert exp_dirs[0] == exp_dirs[1]
    header, rows = read_csv(os.path.join(exp_dir, "progress.csv"))
    assert header == ["A"] and rows == [["0"], ["1"]]


def test_a_fresh_run_never_writes_into_another_runs_folder(tmp_path):
    exp_dirs = []
    for itr in range(3):
        with run_dir(tmp_path) as exp_dir:
            logger.record_tabular("A", itr)
            logger.dump_tabular()
            exp_dirs.append(exp_dir)
    assert [os.path.basename(d) for d in exp_dirs] == ["run_0", "run_0_1", "run_0_2"]
    for itr, exp_dir in enumerate(exp_dirs):
        assert read_csv(os.path.join(exp_dir, "progress.csv")) == (["A"], [[str(itr)]])
    with open(os.path.join(exp_dirs[1], "debug.log")) as f:
        assert f"{exp_dirs[0]} holds another run's log or is in use: this run logs to {exp_dirs[1]}" in f.read()


def test_live_runs_never_share_a_folder_and_a_dead_runs_lock_is_taken_over(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = tmp_path / "exp" / "run_0"
        folder.mkdir(parents=True)
        (folder / ".lock").write_text(f"{other.pid}\n")
        with run_dir(tmp_path) as exp_dir:  # fresh: the locked folder is someone else's
            assert os.path.basename(exp_dir) == "run_0_1"
        with pytest.raises(RunDirInUse, match=f"in use by the live process {other.pid}"):
            with run_dir(tmp_path, resume=True):
                pass
    finally:
        other.kill()
        other.wait()
    with run_dir(tmp_path, resume=True) as exp_dir:  # the owner died: its lock is stale
        assert os.path.basename(exp_dir) == "run_0"
        assert (folder / ".lock").read_text() == f"{os.getpid()}\n"
    assert not (folder / ".lock").exists()


def test_resume_warns_when_params_differ(tmp_path):
    with run_dir(tmp_path, log_params=dict(lr=1e-3)):
        pass
    with run_dir(tmp_path, log_params=dict(lr=1e-4), resume=True) as exp_dir:
        pass
    with open(os.path.join(exp_dir, "debug.log")) as f:
        text = f.read()
    assert "resuming with parameters that differ from" in text and "['lr']" in text
    with open(os.path.join(exp_dir, "params.json")) as f:
        assert json.load(f)["lr"] == 1e-3


def test_record_tabular_rejects_strings():
    with pytest.raises(TypeError, match="MyKey.*str"):
        logger.record_tabular("MyKey", "hello")
    with pytest.raises(TypeError, match="Vec"):
        logger.record_tabular("Vec", np.zeros(3))


def test_misc_stat_and_prefixes(tmp_path):
    with run_dir(tmp_path) as exp_dir:
        with logger.tabular_prefix("Eval/"):
            logger.record_tabular_misc_stat("Return", [1.0, 2.0, 3.0])
            logger.record_tabular_misc_stat("Len", [], placement="front")
        logger.dump_tabular()
    header, rows = read_csv(os.path.join(exp_dir, "progress.csv"))
    row = dict(zip(header, map(float, rows[0])))
    assert row["Eval/ReturnAverage"] == 2.0 and row["Eval/ReturnMedian"] == 2.0
    assert row["Eval/ReturnMin"] == 1.0 and row["Eval/ReturnMax"] == 3.0
    assert row["Eval/ReturnStd"] == pytest.approx(np.std([1, 2, 3]))
    assert all(math.isnan(row[f"Eval/{s}Len"]) for s in ("Average", "Std", "Median", "Min", "Max"))


def test_debug_log_contains_lines(tmp_path):
    with run_dir(tmp_path) as exp_dir:
        logger.log("first line")
        with logger.prefix("[inner] "):
            logger.log("second line", with_timestamp=False)
        logger.record_tabular("Iteration", 7)
        logger.dump_tabular()
    with open(os.path.join(exp_dir, "debug.log")) as f:
        text = f.read()
    assert "Logging to" in text and "first line" in text
    assert "test_0 [inner] second line" in text
    assert "Iteration" in text
    assert logger.get_snapshot_dir() is None


def test_stdout_printing_switches(tmp_path, capsys):
    logger.enable()
    logger.log("visible")
    logger.set_log_tabular_only(True)
    logger.log("hidden")
    logger.set_log_tabular_only(False)
    logger.disable()
    logger.log("also hidden")
    out = capsys.readouterr().out
    assert "visible" in out and "hidden" not in out


@pytest.mark.parametrize("mode, gap, expected", [
    ("all", 1, {"itr_0.pkl", "itr_1.pkl", "itr_2.pkl", "itr_3.pkl"}),
    ("last", 1, {"params.pkl"}),
    ("gap", 2, {"itr_0.pkl", "itr_2.pkl"}),
    ("none", 1, set()),
])
def test_snapshot_modes(tmp_path, mode, gap, expected):
    with run_dir(tmp_path, snapshot_mode=mode) as exp_dir:
        logger.set_snapshot_gap(gap)
        for itr in range(4):
            logger.save_itr_params(itr, {"itr": itr, "w": torch.full((2,), float(itr))})
    files = {f for f in os.listdir(exp_dir) if f.endswith(".pkl") or f.endswith(".tmp")}
    assert files == expected
    for name in expected:
        loaded = torch.load(os.path.join(exp_dir, name), weights_only=False)
        itr = 3 if name == "params.pkl" else int(name[4:-4])
        assert loaded["itr"] == itr
        assert torch.equal(loaded["w"], torch.full((2,), float(itr)))


def test_bad_snapshot_mode(tmp_path):
    with pytest.raises(ValueError, match="snapshot_mode.*'gap'"):
        logger.set_snapshot_mode("sometimes")
    with pytest.raises(ValueError, match="snapshot_mode"):
        with run_dir(tmp_path, snapshot_mode="every"):
            pass


def test_context_closes_outputs_after_exception(tmp_path):
    with pytest.raises(RuntimeError):
        with run_dir(tmp_path):
            logger.push_prefix("leak ")
            raise RuntimeError("boom")
    with logger_context(str(tmp_path / "exp"), 1, "next") as exp_dir:
        logger.log("clean", with_timestamp=False)
    with open(os.path.join(exp_dir, "debug.log")) as f:
        assert "next_1 clean" in f.read()
    with open(tmp_path / "exp" / "run_0" / "debug.log") as f:
        assert "clean" not in f.read()


def test_summary_writer_missing_tensorboard_warns(tmp_path):
    with run_dir(tmp_path, use_summary_writer=True) as exp_dir:
        logger.record_tabular("A", 1)
        logger.dump_tabular()
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        with open(os.path.join(exp_dir, "debug.log")) as f:
            assert "tensorboard is not installed" in f.read()
    assert logger.get_tf_summary_writer() is None


def test_tensorboard_event_files_hold_the_scalars(tmp_path):
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    with run_dir(tmp_path, use_summary_writer=True) as exp_dir:
        for itr in range(3):
            logger.set_iteration(itr)
            logger.record_tabular("Loss", itr * 0.5)
            logger.dump_tabular()
    events = event_accumulator.EventAccumulator(exp_dir)
    events.Reload()
    assert [(e.step, e.value) for e in events.Scalars("Loss")] == [(0, 0.0), (1, 0.5), (2, 1.0)]


def test_summary_writer_receives_scalars(tmp_path):
    class Writer:
        def __init__(self):
            self.calls = []

        def add_scalar(self, key, val, step):
            self.calls.append((key, val, step))

        def flush(self):
            pass

    writer = Writer()
    logger.set_tf_summary_writer(writer)
    logger.set_iteration(5)
    logger.record_tabular("A", 1.5)
    logger.dump_tabular()
    assert writer.calls == [("A", 1.5, 5)]


def test_add_exp_param(tmp_path):
    with run_dir(tmp_path, log_params={"a": 1}) as exp_dir:
        add_exp_param("b", 2)
        with pytest.raises(ValueError, match="'a'"):
            add_exp_param("a", 5)
        add_exp_param("a", 5, overwrite=True)
    with open(os.path.join(exp_dir, "params.json")) as f:
        assert json.load(f) == {"a": 5, "name": "test", "run_ID": 0, "b": 2}


def test_two_logger_objects_share_no_state(tmp_path):
    first, second = Logger(), Logger()
    first.disable()
    second.disable()
    first.push_prefix("first ")
    first.push_tabular_prefix("A/")
    first.set_snapshot_mode("last")
    first.set_snapshot_dir(str(tmp_path / "first"))
    first.set_iteration(7)
    first.add_text_output(str(tmp_path / "first" / "debug.log"))
    first.add_tabular_output(str(tmp_path / "first" / "progress.csv"))
    first.record_tabular("X", 1)
    second.add_text_output(str(tmp_path / "second" / "debug.log"))
    second.add_tabular_output(str(tmp_path / "second" / "progress.csv"))
    second.record_tabular("Y", 2)
    second.log("second line", with_timestamp=False)
    second.dump_tabular()
    first.dump_tabular()
    first.reset()
    second.reset()
    assert read_csv(tmp_path / "first" / "progress.csv") == (["A/X"], [["1"]])
    assert read_csv(tmp_path / "second" / "progress.csv") == (["Y"], [["2"]])
    with open(tmp_path / "first" / "debug.log") as f:
        assert "second line" not in f.read()
    with open(tmp_path / "second" / "debug.log") as f:
        assert "second line\n" in f.read()
    assert logger.get_snapshot_dir() is None and logger.get_iteration() == 0


def test_null_logger_writes_nothing_to_disk(tmp_path, capsys):
    with logger.use_logger(NullLogger()):
        logger.enable()
        with run_dir(tmp_path, log_params={"a": 1}, snapshot_mode="all", use_summary_writer=True) as exp_dir:
            assert exp_dir == str(tmp_path / "exp" / "run_0")
            logger.log("a line")
            logger.record_tabular("A", 1)
            logger.dump_tabular()
            assert logger.save_itr_params(0, {"w": torch.zeros(2)}) is None
            add_exp_param("b", 2)
            assert logger.get_snapshot_dir() is None and logger.get_tf_summary_writer() is None
        logger.add_text_output(str(tmp_path / "other" / "debug.log"))
        logger.add_tabular_output(str(tmp_path / "other" / "progress.csv"))
        logger.record_tabular("B", 2)
        logger.dump_tabular()
        with pytest.raises(TypeError, match="MyKey"):
            logger.record_tabular("MyKey", "hello")
    assert list(tmp_path.rglob("*")) == []
    assert capsys.readouterr().out == ""


def test_replacing_the_current_logger_redirects_the_module_functions(tmp_path):
    default = logger.get_logger()
    replacement = Logger()
    replacement.disable()
    with logger.use_logger(replacement) as installed:
        assert installed is replacement and logger.get_logger() is replacement
        with run_dir(tmp_path) as exp_dir:
            logger.record_tabular("A", 1)
            logger.dump_tabular()
            assert replacement.get_snapshot_dir() == exp_dir
            assert default.get_snapshot_dir() is None
        logger.set_snapshot_mode("gap")
    assert logger.get_logger() is default
    assert default.get_snapshot_mode() == "all" and replacement.get_snapshot_mode() == "gap"
    assert read_csv(os.path.join(exp_dir, "progress.csv")) == (["A"], [["1"]])
    with pytest.raises(RuntimeError):
        with logger.use_logger(NullLogger()):
            raise RuntimeError("boom")
    assert logger.get_logger() is default
    assert logger.set_logger(replacement) is default
    assert logger.set_logger(default) is replacement
    with pytest.raises(TypeError, match="set_logger: expected a Logger"):
        logger.set_logger(object())


def test_resumed_tensorboard_purges_what_followed_the_checkpoint(tmp_path):
    """A killed run logged iterations 0-9; resumed from iteration 5's
    checkpoint, ``rewind`` starts a tensorboard session at iteration 6, so
    the curve holds 0-5 of the first run and 6-7 of the resumed one."""
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

    def log(itrs, value):
        for itr in itrs:
            logger.set_iteration(itr)
            logger.record_tabular("Loss", value)
            logger.dump_tabular()

    with run_dir(tmp_path, use_summary_writer=True) as exp_dir:
        log(range(10), 1.0)
    with run_dir(tmp_path, resume=True, use_summary_writer=True):
        logger.rewind(n_rows=6, next_itr=6)
        log(range(6, 8), 2.0)
    events = event_accumulator.EventAccumulator(exp_dir)
    events.Reload()
    assert [(e.step, e.value) for e in events.Scalars("Loss")] == [(i, 1.0) for i in range(6)] + [(6, 2.0), (7, 2.0)]
    with open(os.path.join(exp_dir, "progress.csv")) as f:
        assert [row["Loss"] for row in csv.DictReader(f)] == ["1.0"] * 6 + ["2.0"] * 2
