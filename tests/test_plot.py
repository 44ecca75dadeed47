"""Tests of the plot command: fake run folders in, a PNG and a summary table out."""
import csv
import json
import sys

import numpy as np
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


def write_progress(folder, rows, columns=("Diagnostics/CumSteps", "ReturnAverage")):
    folder.mkdir(parents=True)
    with open(folder / "progress.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)


def table_rows(printed):
    """{label: [runs, final, final_std, final_min, final_max, best]} from the printed table."""
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("group "))
    rows = {}
    for line in lines[start + 1:]:
        if line.startswith("saved "):
            break
        label, *numbers = line.split()
        rows[label] = [float(n) for n in numbers]
    return rows


def test_table_matches_direct_computation_across_seeds(tmp_path, capsys):
    """A launcher-style sweep: variant files beside the runs (no split key in
    params.json), 3 seeds of unequal length for one rate, a run lacking the
    column, and a run whose last row has no value."""
    rng = np.random.default_rng(0)
    finals = {}
    for lr, lengths in ((0.001, (10, 7, 4)), (0.01, (6, 6))):
        group = tmp_path / "sweep" / f"lr_{lr}"
        group.mkdir(parents=True)
        (group / "variant_config.json").write_text(json.dumps({"algo": {"learning_rate": lr}}))
        for seed, n in enumerate(lengths):
            ys = np.cumsum(rng.uniform(0, 10, size=n))
            rows = [[100 * (i + 1), y] for i, y in enumerate(ys)]
            if seed == 1:
                rows.append([100 * (n + 1), ""])
            write_progress(group / f"run_{seed}", rows)
            (group / f"run_{seed}" / "params.json").write_text(json.dumps({"run_ID": seed}))
            finals.setdefault(lr, []).append(ys[-1])
    write_progress(tmp_path / "sweep" / "lr_0.01" / "run_9", [[100, 1.0]],
                   columns=("Diagnostics/CumSteps", "Other"))
    out = tmp_path / "std.png"
    plot.main([str(tmp_path / "sweep"), "--split", "algo.learning_rate", "--out", str(out),
               "--spread", "std"])
    assert out.read_bytes().startswith(PNG_MAGIC)
    printed = capsys.readouterr().out
    rows = table_rows(printed)
    assert set(rows) == {"algo.learning_rate=0.001", "algo.learning_rate=0.01"}
    for lr, values in finals.items():
        runs, final, final_std, final_min, final_max, best = rows[f"algo.learning_rate={lr}"]
        values = np.array(values)
        assert runs == len(values)
        assert final == pytest.approx(values.mean(), rel=1e-5)
        assert final_std == pytest.approx(np.sqrt(np.mean((values - values.mean()) ** 2)), rel=1e-5)
        assert (final_min, final_max) == (pytest.approx(values.min(), rel=1e-5),
                                          pytest.approx(values.max(), rel=1e-5))
    # Equal-length increasing curves: the mean curve peaks at the mean of the finals.
    assert rows["algo.learning_rate=0.01"][5] == pytest.approx(np.mean(finals[0.01]), rel=1e-5)
    assert "skipping" in printed and "run_9" in printed


def test_bad_spread_is_a_clean_error(runs):
    with pytest.raises(plot.PlotError, match="spread"):
        plot.plot_runs(str(runs), spread="iqr")
