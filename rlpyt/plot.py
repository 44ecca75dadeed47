"""Turn run folders (progress.csv + params.json) into a PNG of learning curves.

``python -m rlpyt.plot data/local/20240101/ppo --split algo.learning_rate``
finds every run under the given paths, groups runs by the values of the
``--split`` keys (dotted paths into the run's params.json, or else into the
``variant_config.json`` the launcher saved beside the run), and draws per
group the mean over runs with a shaded spread (min-max, or +-1 standard
deviation with ``--spread std``), after interpolating every run onto a common
x grid. It also prints a table per group of the final values (each run's last
logged value: mean, standard deviation, min, max over runs) and the best value
of the mean curve. Scripts call :func:`plot_runs` directly.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

VARIANT_FILE = "variant_config.json"
SPREADS = ("minmax", "std")
MISSING_MATPLOTLIB = ("rlpyt.plot needs matplotlib, which is not installed; "
                      "install the plot extra: pip install rlpyt[plot]")
GRID_POINTS = 200


class PlotError(Exception):
    """A problem with the user's input (paths, columns) reported without a traceback."""


@dataclass
class _Run:
    """One run's curve (x and y with nan rows dropped, sorted by x) and its
    settings: ``params`` holds the run's params.json under ``"params"`` and the
    launcher's variant for its folder under ``"variant"`` ({} where missing)."""

    folder: str
    x: np.ndarray
    y: np.ndarray
    params: dict


def _find_progress_files(paths: Sequence[str]) -> list[str]:
    """Every progress.csv under the folders in ``paths``, plus files named directly."""
    found = []
    for path in paths:
        if os.path.isfile(path):
            found.append(os.path.abspath(path))
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                if "progress.csv" in files:
                    found.append(os.path.abspath(os.path.join(root, "progress.csv")))
        else:
            raise PlotError(f"path does not exist: {path}")
    return list(dict.fromkeys(found))


def _to_float(cell: str | None) -> float:
    try:
        return float(cell)
    except (TypeError, ValueError):
        return math.nan


def _read_run(csv_path: str, x: str, y: str) -> _Run | None:
    """Read columns ``x`` and ``y`` of one progress file; None (with a note) if unusable."""
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        missing = [c for c in (x, y) if c not in columns]
        if missing:
            print(f"note: skipping {csv_path}: no column {', '.join(map(repr, missing))}")
            return None
        pairs = [(_to_float(row.get(x)), _to_float(row.get(y))) for row in reader]
    xs = np.array([p[0] for p in pairs], dtype=np.float64)
    ys = np.array([p[1] for p in pairs], dtype=np.float64)
    keep = np.isfinite(xs) & ~np.isnan(ys)
    if not keep.any():
        print(f"note: skipping {csv_path}: no row has numeric {x!r} and {y!r}")
        return None
    order = np.argsort(xs[keep], kind="stable")
    folder = os.path.dirname(csv_path)
    params = dict(variant=_read_json(os.path.join(os.path.dirname(folder), VARIANT_FILE)),
                  params=_read_json(os.path.join(folder, "params.json")))
    return _Run(folder, xs[keep][order], ys[keep][order], params)


def _read_json(path: str) -> dict:
    """A json dict from ``path``; {} if it is missing or unreadable (with a note)."""
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as err:
        print(f"note: ignoring unreadable {path}: {err}")
        return {}
    return data if isinstance(data, dict) else {}


def _lookup(run_params: dict, dotted: str) -> Any:
    """The value of a split key for one run: from params.json, else its variant."""
    for source in (run_params["params"], run_params["variant"]):
        value = _lookup_in(source, dotted)
        if value is not None:
            return value
    return None


def _lookup_in(params: dict, dotted: str) -> Any:
    """``params["algo"]["learning_rate"]`` for ``"algo.learning_rate"`` (or a flat key)."""
    if dotted in params:
        return params[dotted]
    node: Any = params
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _group_runs(runs: list[_Run], split: Sequence[str]) -> dict[str, list[_Run]]:
    """Group label -> runs; without split keys all runs share their common parent's name."""
    if not split:
        parent = os.path.commonpath([os.path.dirname(r.folder) for r in runs])
        return {os.path.basename(parent) or parent: runs}
    groups: dict[str, list[_Run]] = {}
    for run in runs:
        label = ", ".join(f"{key}={_lookup(run.params, key)}" for key in split)
        groups.setdefault(label, []).append(run)
    return dict(sorted(groups.items()))


def _curves_on_grid(runs: list[_Run]) -> tuple[np.ndarray, np.ndarray]:
    """A common x grid and the runs' y on it (nan outside each run's own x range)."""
    lo = min(r.x[0] for r in runs)
    hi = max(r.x[-1] for r in runs)
    grid = np.linspace(lo, hi, GRID_POINTS) if hi > lo else np.array([lo])
    rows = []
    for r in runs:
        ys = np.interp(grid, r.x, r.y)
        ys[(grid < r.x[0]) | (grid > r.x[-1])] = np.nan
        rows.append(ys)
    return grid, np.array(rows)


def _summarize(curves: np.ndarray, spread: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over runs and the band's low and high edges (min and max, or mean
    +- standard deviation), ignoring nan without warnings."""
    valid = ~np.isnan(curves)
    count = valid.sum(axis=0)
    nan = np.full(curves.shape[1], np.nan)
    total = np.where(valid, curves, 0.0).sum(axis=0)
    mean = np.divide(total, count, out=nan.copy(), where=count > 0)
    if spread == "minmax":
        return mean, np.fmin.reduce(curves, axis=0), np.fmax.reduce(curves, axis=0)
    squares = np.where(valid, (curves - mean) ** 2, 0.0).sum(axis=0)
    std = np.sqrt(np.divide(squares, count, out=nan.copy(), where=count > 0))
    return mean, mean - std, mean + std


def _figure_classes() -> tuple[Any, Any]:
    """matplotlib's Figure and Agg canvas, used directly so no global backend is touched."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError(MISSING_MATPLOTLIB) from err
    return Figure, FigureCanvasAgg


def _default_out(first_path: str) -> str:
    folder = first_path if os.path.isdir(first_path) else os.path.dirname(first_path)
    return os.path.join(folder or ".", "plot.png")


@dataclass
class GroupSummary:
    """One row of the printed table: a group's runs and their final values.

    ``final`` and ``final_std`` are the mean and (population) standard
    deviation over runs of each run's last logged value, ``final_min`` and
    ``final_max`` their extremes, ``best`` the peak of the group's mean curve.
    """

    label: str
    runs: int
    final: float
    final_std: float
    final_min: float
    final_max: float
    best: float


def _group_summary(label: str, group: list[_Run], mean_curve: np.ndarray) -> GroupSummary:
    finals = np.array([r.y[-1] for r in group])
    return GroupSummary(label, len(group), float(finals.mean()), float(finals.std()),
                        float(finals.min()), float(finals.max()), float(np.nanmax(mean_curve)))


def _print_table(rows: list[GroupSummary]) -> None:
    width = max([len("group")] + [len(r.label) for r in rows])
    names = ("final", "final_std", "final_min", "final_max", "best")
    print(f"{'group':<{width}}  {'runs':>4}" + "".join(f"  {n:>12}" for n in names))
    for row in rows:
        numbers = "".join(f"  {getattr(row, n):>12.6g}" for n in names)
        print(f"{row.label:<{width}}  {row.runs:>4d}{numbers}")


def plot_runs(paths: str | Sequence[str], y: str = "ReturnAverage",
              x: str = "Diagnostics/CumSteps", split: Sequence[str] = (),
              out: str | None = None, title: str | None = None,
              spread: str = "minmax") -> str:
    """Plot the runs under ``paths`` into a PNG and print a summary table.

    Runs lacking ``x`` or ``y`` are skipped with a printed note; runs of
    different lengths each count where they have data. Per group the table
    gives a :class:`GroupSummary`. ``spread`` is the band drawn around each
    mean: ``"minmax"`` over runs or ``"std"`` (+-1 standard deviation).
    Returns the path of the PNG written.
    """
    if spread not in SPREADS:
        raise PlotError(f"spread must be one of {SPREADS}, got {spread!r}")
    Figure, FigureCanvasAgg = _figure_classes()
    paths = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [
        os.fspath(p) for p in paths]
    if not paths:
        raise PlotError("no paths given")
    progress_files = _find_progress_files(paths)
    if not progress_files:
        raise PlotError(f"no progress.csv found under {', '.join(paths)}")
    runs = [r for r in (_read_run(p, x, y) for p in progress_files) if r is not None]
    if not runs:
        raise PlotError(f"no run has numeric columns {x!r} and {y!r}")
    fig = Figure(figsize=(8, 5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    table = []
    for label, group in _group_runs(runs, split).items():
        grid, curves = _curves_on_grid(group)
        mean, low, high = _summarize(curves, spread)
        line, = ax.plot(grid, mean, label=f"{label} (n={len(group)})")
        ax.fill_between(grid, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        table.append(_group_summary(label, group, mean))
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title if title is not None else y)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    out = out if out is not None else _default_out(paths[0])
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=120)
    _print_table(table)
    print(f"saved {out}")
    return out


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="rlpyt-plot", description="Plot learning curves from rlpyt run folders.")
    parser.add_argument("paths", nargs="+", help="run folders, folders of runs, or progress.csv files")
    parser.add_argument("--y", default="ReturnAverage", help="column for the y axis")
    parser.add_argument("--x", default="Diagnostics/CumSteps", help="column for the x axis")
    parser.add_argument("--split", nargs="*", default=[],
                        help="dotted params.json keys (e.g. algo.learning_rate) to group runs by")
    parser.add_argument("--out", default=None,
                        help="PNG path (default: plot.png in the first path's folder)")
    parser.add_argument("--title", default=None, help="figure title (default: the y column)")
    parser.add_argument("--spread", default="minmax", choices=SPREADS,
                        help="band around each group's mean: min-max over runs, or +-1 std")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``rlpyt-plot``, ``python -m rlpyt.plot``)."""
    args = _parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        sys.exit(MISSING_MATPLOTLIB)
    try:
        plot_runs(args.paths, y=args.y, x=args.x, split=args.split, out=args.out,
                  title=args.title, spread=args.spread)
    except PlotError as err:
        sys.exit(f"rlpyt-plot: {err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
