"""A stand-in train script for the launcher tests (no training).

Called as ``python tiny_train_script.py <slot_affinity_code> <log_dir> <run_ID> *args``
like a real train script, it records into its run folder when it started and
ended, its pid, the CPUs it was pinned to, the CUDA devices its affinity
gives (one per SyncRl rank with ``gpu_per_run > 1``) and the variant it
loaded; then it
sleeps ``variant["sleep"]`` seconds. With ``variant["fail_run"] == run_ID`` it
exits with status 3; with ``variant["grandchild"]`` it first starts a sleeping
child process (to check that stopping a run stops its whole process tree).
"""
import json
import os
import subprocess
import sys
import time

from rlpyt.utils.launching.affinity import affinity_cpus, affinity_from_code
from rlpyt.utils.launching.variant import load_variant


def write(path: str, record: dict) -> None:
    with open(path + ".tmp", "w") as f:
        json.dump(record, f)
    os.replace(path + ".tmp", path)


def main(slot_affinity_code: str, log_dir: str, run_ID: str, *args: str) -> None:
    variant = load_variant(log_dir)
    run_dir = os.path.join(log_dir, f"run_{run_ID}")
    os.makedirs(run_dir, exist_ok=True)
    affinity = affinity_from_code(slot_affinity_code)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    record = dict(start=time.time(), pid=os.getpid(), cpus=cpus, slot_code=slot_affinity_code,
                  all_cpus=affinity_cpus(affinity), variant=variant, args=list(args),
                  cuda_idxs=[a["cuda_idx"] for a in (affinity if isinstance(affinity, list) else [affinity])])
    if variant.get("grandchild"):
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        record["grandchild_pid"] = child.pid
    write(os.path.join(run_dir, "start.json"), record)
    time.sleep(float(variant["sleep"]))
    write(os.path.join(run_dir, "end.json"), dict(end=time.time()))
    if variant.get("fail_run") == int(run_ID):
        print("deliberate failure", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main(*sys.argv[1:])
