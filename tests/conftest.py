"""Fixtures shared by the test files.

- ``data_dir``: points ``RLPYT_DATA_DIR`` (the root of relative run folders)
  at the test's ``tmp_path``, so no test writes under ``./data``. A file that
  logs runs applies it to every test with
  ``pytestmark = pytest.mark.usefixtures("data_dir")``.
- ``read_progress``: reads a run folder's ``progress.csv`` as a list of rows,
  key -> float.
- ``run_example``: runs an example script's ``build_and_train`` in a fresh
  interpreter and returns the run folder, so that tests exercise the shipped
  examples without importing from ``examples/`` (not a package of the library).
- ``no_child_process_left`` (every test): a multiprocessing child still
  running 5 s after a test ends is killed and fails that test, instead of
  failing the later tests that check they leave no process behind.

Started with Ctrl-C ignored (as a shell starts a background job), the suite
takes Ctrl-C back for the processes it starts (``pytest_configure``): the
Ctrl-C tests interrupt children, which inherit an ignored Ctrl-C.
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
EXAMPLE_TIMEOUT_S = 1800
_RUN_DIR_MARK = "RUN_DIR="
_EXAMPLE_DRIVER = (
    "import json, runpy, sys, torch\n"
    "torch.set_num_threads(1)\n"
    "namespace = runpy.run_path(sys.argv[1])\n"
    "run_dir = namespace['build_and_train'](**json.loads(sys.argv[2]))\n"
    f"print({_RUN_DIR_MARK!r} + run_dir, flush=True)\n"
)


CHILD_GRACE_S = 5


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C handled in this process, so that the processes the tests start
    (which inherit an ignored Ctrl-C, not a handled one) take it."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def no_child_process_left():
    """After the test: kill the multiprocessing children still running
    ``CHILD_GRACE_S`` seconds later and fail the test naming them."""
    yield
    leaked = multiprocessing.active_children()
    for process in leaked:
        process.join(CHILD_GRACE_S)
    leaked = [process for process in leaked if process.is_alive()]
    for process in leaked:
        process.kill()
        process.join(CHILD_GRACE_S)
    if leaked:
        pytest.fail(f"the test left child processes running (killed): {leaked}")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``tmp_path`` the data root (``RLPYT_DATA_DIR``) and return it."""
    monkeypatch.setenv("RLPYT_DATA_DIR", str(tmp_path))
    return tmp_path


def _read_progress(exp_dir: str | os.PathLike) -> list[dict[str, float]]:
    """The rows of ``<exp_dir>/progress.csv``, every cell as a float."""
    with open(os.path.join(exp_dir, "progress.csv"), newline="") as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


@pytest.fixture
def read_progress() -> Callable[[str | os.PathLike], list[dict[str, float]]]:
    """A function reading a run folder's progress.csv as rows of key -> float."""
    return _read_progress


def _run_example(name: str, **kwargs: Any) -> str:
    """Call ``build_and_train(**kwargs)`` of ``examples/<name>.py`` in a new
    Python process (one torch thread, this process's environment, so the
    data root set by ``data_dir`` holds) and return the run folder it made."""
    script = EXAMPLES / f"{name}.py"
    result = subprocess.run(
        [sys.executable, "-c", _EXAMPLE_DRIVER, str(script), json.dumps(kwargs)],
        cwd=REPO, capture_output=True, text=True, timeout=EXAMPLE_TIMEOUT_S)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or not lines or not lines[-1].startswith(_RUN_DIR_MARK):
        pytest.fail(f"examples/{name}.py build_and_train({kwargs}) failed "
                    f"(exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return lines[-1][len(_RUN_DIR_MARK):]


@pytest.fixture
def run_example() -> Callable[..., str]:
    """A function ``run_example(name, **kwargs) -> run folder`` that trains
    with ``examples/<name>.py``'s ``build_and_train`` in a subprocess."""
    return _run_example
