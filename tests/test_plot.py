"""Tests of the plot command: fake run folders in, a PNG and a summary table out."""
import csv
import json
import sys

import pytest

from rlpyt import plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def make_run(folder, lr, n_rows, drop_rows=()):
    folder.mkdir(parents=True)
    (folder / "params.json").write_text(json.dumps({"algo": {"learning_rate": lr}}))
    with open(folder / "progress.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Diagnostics/CumSteps", "ReturnAverage"])
        for i in range(n_rows):
            y = "" if i in drop_rows else ("oops" if i == 1 else 10.0 * i * lr * 1e3)
            writer.writerow([100 * (i + 1), y])


@pytest.fixture
def runs(tmp_path):
    make_run(tmp_path / "exp" / "run_0", 0.001, 12)
    make_run(tmp_path / "exp" / "run_1", 0.01, 5, drop_rows=(2, 3))
    (tmp_path / "exp" / "run_2").mkdir()
    with open(tmp_path / "exp" / "run_2" / "progress.csv", "w") as f:
        f.write("Other\n1\n")
    return tmp_path / "exp"


def test_plot_writes_png_and_table(runs, tmp_path, capsys):
    out = tmp_path / "curves.png"
    assert plot.main([str(runs), "--split", "algo.learning_rate", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_MAGIC)
    printed = capsys.readouterr().out
    group_lines = [line for line in printed.splitlines() if line.startswith("algo.learning_rate=")]
    assert len(group_lines) == 2
    assert group_lines[0].split()[1] == "1" and group_lines[1].split()[1] == "1"
    assert "skipping" in printed and "run_2" in printed
    assert float(group_lines[1].split()[2]) == pytest.approx(400.0)


def test_plot_runs_default_single_group(runs, capsys):
    out = plot.plot_runs(str(runs))
    assert out == str(runs / "plot.png")
    with open(out, "rb") as f:
        assert f.read(8) == PNG_MAGIC
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines if line.startswith("exp ")] == [["exp", "2"]]


def test_plot_bad_input_exits_cleanly(tmp_path):
    with pytest.raises(SystemExit, match="does not exist"):
        plot.main([str(tmp_path / "nowhere")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="no progress.csv"):
        plot.main([str(tmp_path / "empty")])


def test_plot_without_matplotlib(runs, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SystemExit, match=r"rlpyt\[plot\]"):
        plot.main([str(runs)])
