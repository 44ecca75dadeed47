"""Makespan of a sweep through the launcher versus the ideal.

    python benchmarks/launcher_makespan.py [--runs 8] [--slots 2] [--run_seconds 3] [--repeats 3]

Launches ``--runs`` runs of a stand-in train script that keeps its CPU busy
for ``--run_seconds`` of wall time, over ``--slots`` one-core run slots. With
equal runs the ideal makespan is ``runs / slots`` run lengths. The table
compares the sweep's wall time with that ideal, taking a run's length both as
the nominal busy time and as measured by the launcher (process start to exit,
Python start-up included). Logs go to a temporary folder, deleted afterwards.
"""
import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time

from rlpyt.utils.launching.affinity import encode_affinity
from rlpyt.utils.launching.exp_launcher import run_experiments

BUSY_SCRIPT = """
import sys, time
end = time.perf_counter() + float(sys.argv[4])
while time.perf_counter() < end:
    sum(range(1000))
"""


def one_sweep(script: str, n_runs: int, n_slots: int, run_seconds: float) -> tuple[float, float]:
    """Run the sweep once; returns (makespan, median run length measured by the launcher)."""
    code = encode_affinity(n_cpu_core=n_slots, cpu_per_run=1)
    variants = [{} for _ in range(n_runs)]
    log_dirs = [f"v{i}" for i in range(n_runs)]
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        summary = run_experiments(script, code, "makespan", 1, variants, log_dirs,
                                  common_args=[run_seconds])
    makespan = time.perf_counter() - start
    if summary.failed:
        sys.exit(f"{len(summary.failed)} runs failed, e.g. see {summary.failed[0].output_log}")
    return makespan, statistics.median(r.end_time - r.start_time for r in summary.runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--run_seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    waves = -(-args.runs // args.slots)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RLPYT_DATA_DIR"] = tmp
        script = os.path.join(tmp, "busy.py")
        with open(script, "w") as f:
            f.write(BUSY_SCRIPT)
        for repeat in range(args.repeats):
            makespan, run_length = one_sweep(script, args.runs, args.slots, args.run_seconds)
            rows.append((repeat + 1, makespan, run_length))
    print(f"{args.runs} runs of {args.run_seconds:g} s busy CPU on {args.slots} slots "
          f"(ideal = {waves} run lengths)\n")
    print("| repeat | makespan s | measured run s | ideal (nominal) s | ratio nominal "
          "| ideal (measured) s | ratio measured |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for repeat, makespan, run_length in rows:
        nominal, measured = waves * args.run_seconds, waves * run_length
        print(f"| {repeat} | {makespan:.2f} | {run_length:.2f} | {nominal:.2f} | "
              f"{makespan / nominal:.3f} | {measured:.2f} | {makespan / measured:.3f} |")
    worst = max(m / (waves * args.run_seconds) for _, m, _ in rows)
    print(f"\nworst ratio to the nominal ideal: {worst:.3f} (target <= 1.15)")


if __name__ == "__main__":
    main()
