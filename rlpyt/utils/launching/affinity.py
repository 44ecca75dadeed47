"""Affinity codes: which CPU cores and GPU each run of a sweep may use.

A launch script describes the machine once with :func:`encode_affinity`, e.g.
``encode_affinity(n_cpu_core=8, n_gpu=2)`` -> ``"8cpu_2gpu"``. The machine is
cut into *run slots* (disjoint sets of cores, and GPUs if any); the launcher
gives each run its slot by prepending it (``"1slt_8cpu_2gpu"``) and passes the
string to the train script on the command line. The train script turns it
into the affinity dict that runners and samplers read with
:func:`affinity_from_code`:

- ``all_cpus``: every CPU of the slot (cores and their hyperthreads);
- ``master_cpus`` / ``master_torch_threads``: where the main process runs and
  how many torch threads it uses;
- ``workers_cpus`` (one tuple of CPUs per sampler worker process) /
  ``worker_torch_threads``;
- ``cuda_idx`` (None for CPU-only), ``alternating``, ``set_affinity``.

A run with ``gpu_per_run > 1`` gets a list of such dicts (one per GPU); an
async run (``async_sample=True``) gets ``{"optimizer": [dict per optimizer
GPU], "sampler": dict}``.

Core *i* of a code is CPU *i* of the machine (its hyperthread is CPU
``i + hyperthread_offset``). Where this process may only use a set of CPUs that
is not ``0..n-1`` (a container with a restricted CPU set), core *i* is the
*i*-th CPU of that set instead; the launcher passes its own set to its runs in
``RLPYT_CPU_IDS`` so that a pinned run decodes its code the same way.
"""
from __future__ import annotations

import os
import re
import warnings
from typing import Any

import psutil
import torch

from rlpyt.utils.checks import check_count
from rlpyt.utils.collections import AttrDict

# Readable name -> abbreviation in the code string (rlpyt's format).
N_CPU_CORE = "cpu"
N_GPU = "gpu"
CONTEXTS_PER_GPU = "cxg"
GPU_PER_RUN = "gpr"
CPU_PER_RUN = "cpr"
CPU_PER_WORKER = "cpw"
CPU_RESERVED = "res"
HYPERTHREAD_OFFSET = "hto"
N_SOCKET = "skt"
RUN_SLOT = "slt"
ASYNC_SAMPLE = "ass"
SAMPLE_GPU_PER_RUN = "sgr"
OPTIM_SAMPLE_SHARE_GPU = "oss"
ALTERNATING = "alt"
SET_AFFINITY = "saf"

_ABBREV_TO_ARG = {
    N_CPU_CORE: "n_cpu_core", N_GPU: "n_gpu", CONTEXTS_PER_GPU: "contexts_per_gpu",
    GPU_PER_RUN: "gpu_per_run", CPU_PER_RUN: "cpu_per_run", CPU_PER_WORKER: "cpu_per_worker",
    CPU_RESERVED: "cpu_reserved", HYPERTHREAD_OFFSET: "hyperthread_offset",
    N_SOCKET: "n_socket", ASYNC_SAMPLE: "async_sample", SAMPLE_GPU_PER_RUN: "sample_gpu_per_run",
    OPTIM_SAMPLE_SHARE_GPU: "optim_sample_share_gpu", ALTERNATING: "alternating",
    SET_AFFINITY: "set_affinity",
}
_DEFAULTS: dict[str, Any] = dict(
    n_cpu_core=1, n_gpu=0, contexts_per_gpu=1, gpu_per_run=1, cpu_per_run=1, cpu_per_worker=1,
    cpu_reserved=0, hyperthread_offset=None, n_socket=None, async_sample=False,
    sample_gpu_per_run=0, optim_sample_share_gpu=False, alternating=False, set_affinity=True,
)
_TOKEN = re.compile(r"^(\d+)([a-z]+)$")
CPU_IDS_ENV = "RLPYT_CPU_IDS"


def encode_affinity(n_cpu_core: int = 1, n_gpu: int = 0, contexts_per_gpu: int = 1,
        gpu_per_run: int = 1, cpu_per_run: int = 1, cpu_per_worker: int = 1,
        cpu_reserved: int = 0, hyperthread_offset: int | None = None,
        n_socket: int | None = None, run_slot: int | None = None,
        async_sample: bool = False, sample_gpu_per_run: int = 0,
        optim_sample_share_gpu: bool = False, alternating: bool = False,
        set_affinity: bool = True) -> str:
    """Describe the machine's resources for a sweep as a code string.

    ``n_cpu_core`` physical cores (their hyperthreads, if used, are CPUs
    ``core + hyperthread_offset``) and ``n_gpu`` GPUs. CPU-only: one run slot
    per ``cpu_per_run`` cores. With GPUs: one slot per CUDA context
    (``contexts_per_gpu`` per GPU), or per ``gpu_per_run`` contexts for
    multi-GPU runs, each with an equal share of the cores; ``n_socket`` checks
    that no slot's cores straddle two sockets. Within a slot the sampler gets
    one worker per ``cpu_per_worker`` cores, after ``cpu_reserved`` cores
    reserved for the master process. ``async_sample`` gives each run
    ``gpu_per_run`` optimizer GPUs and ``sample_gpu_per_run`` sampler GPUs
    (shared with the optimizer when ``optim_sample_share_gpu``; 0 for CPU
    sampling); with ``n_gpu=0`` an async run is CPU-only: it takes
    ``cpu_per_run`` cores when that is above 1, else all ``n_cpu_core``, the
    optimizer the first ``max(cpu_reserved, 1)`` of them and the sampler the
    rest (the optimizer's, when there is no other). ``alternating`` doubles the workers into two groups (the
    alternating GPU sampler). ``set_affinity=False`` keeps processes unpinned.
    Invalid combinations raise ValueError naming the argument.
    """
    params = dict(n_cpu_core=n_cpu_core, n_gpu=n_gpu, contexts_per_gpu=contexts_per_gpu,
        gpu_per_run=gpu_per_run, cpu_per_run=cpu_per_run, cpu_per_worker=cpu_per_worker,
        cpu_reserved=cpu_reserved, hyperthread_offset=hyperthread_offset, n_socket=n_socket,
        async_sample=async_sample, sample_gpu_per_run=sample_gpu_per_run,
        optim_sample_share_gpu=optim_sample_share_gpu, alternating=alternating,
        set_affinity=set_affinity)
    _validate(params)
    p = params
    code = f"{p['n_cpu_core']}{N_CPU_CORE}_{p['n_gpu']}{N_GPU}"
    optional = [
        (HYPERTHREAD_OFFSET, p["hyperthread_offset"], p["hyperthread_offset"] is not None),
        (N_SOCKET, p["n_socket"], p["n_socket"] is not None),
        (CONTEXTS_PER_GPU, p["contexts_per_gpu"], p["contexts_per_gpu"] != 1),
        (GPU_PER_RUN, p["gpu_per_run"], p["gpu_per_run"] != 1),
        (CPU_PER_RUN, p["cpu_per_run"], p["n_gpu"] == 0),
        (CPU_PER_WORKER, p["cpu_per_worker"], p["cpu_per_worker"] != 1),
        (CPU_RESERVED, p["cpu_reserved"], p["cpu_reserved"] != 0),
        (ASYNC_SAMPLE, 1, async_sample),
        (SAMPLE_GPU_PER_RUN, p["sample_gpu_per_run"], p["sample_gpu_per_run"] != 0),
        (OPTIM_SAMPLE_SHARE_GPU, 1, optim_sample_share_gpu),
        (ALTERNATING, 1, alternating),
        (SET_AFFINITY, 0, not set_affinity),
    ]
    code += "".join(f"_{value}{abbrev}" for abbrev, value, used in optional if used)
    if run_slot is not None:
        run_slot = check_count("affinity", "run_slot", run_slot, 0)
        _check_run_slot(run_slot, params, code)
        code = prepend_run_slot(run_slot, code)
    return code


def prepend_run_slot(run_slot: int, affinity_code: str) -> str:
    """The code of one run slot: ``"<run_slot>slt_" + affinity_code``."""
    if isinstance(run_slot, bool) or not isinstance(run_slot, int) or run_slot < 0:
        raise ValueError(f"prepend_run_slot: run_slot must be an int >= 0, got {run_slot!r}")
    return f"{run_slot}{RUN_SLOT}_{affinity_code}"


def remove_run_slot(run_slot_affinity_code: str) -> tuple[int, str]:
    """Split ``"<slot>slt_<code>"`` into the slot number and the machine code."""
    head, _, rest = run_slot_affinity_code.partition("_")
    match = _TOKEN.match(head)
    if match is None or match.group(2) != RUN_SLOT:
        raise ValueError(f"affinity code {run_slot_affinity_code!r} has no run slot: it must "
                         f"start with '<n>{RUN_SLOT}_' (see prepend_run_slot)")
    return int(match.group(1)), rest


def get_run_slot(run_slot_affinity_code: str) -> int:
    """The run slot number of a slot's code."""
    return remove_run_slot(run_slot_affinity_code)[0]


def decode_affinity(affinity_code: str) -> dict[str, Any]:
    """The ``encode_affinity`` keyword arguments (defaults filled in) of a code
    without run slot; raises ValueError on an unknown or malformed part."""
    params = dict(_DEFAULTS)
    seen = set()
    for token in affinity_code.split("_"):
        match = _TOKEN.match(token)
        if match is None or match.group(2) not in _ABBREV_TO_ARG:
            known = ", ".join(sorted(_ABBREV_TO_ARG))
            raise ValueError(f"affinity code {affinity_code!r}: cannot read part {token!r}; "
                             f"parts are <int><abbreviation> with abbreviations {known}")
        if match.group(2) in seen:
            raise ValueError(f"affinity code {affinity_code!r}: {match.group(2)!r} given twice")
        seen.add(match.group(2))
        name = _ABBREV_TO_ARG[match.group(2)]
        value = int(match.group(1))
        params[name] = bool(value) if isinstance(_DEFAULTS[name], bool) else value
    for required in (N_CPU_CORE, N_GPU):
        if required not in seen:
            raise ValueError(f"affinity code {affinity_code!r} lacks the {required!r} part")
    _validate(params)
    return params


def get_n_run_slots(affinity_code: str) -> int:
    """How many runs the machine described by ``affinity_code`` holds at once."""
    return _n_run_slots(decode_affinity(affinity_code))


def affinity_from_code(run_slot_affinity_code: str) -> AttrDict | list[AttrDict]:
    """The affinity a train script passes to its runner, from its slot's code.

    CPU-only and single-GPU runs get one AttrDict; ``gpu_per_run > 1`` a list
    of them (one per GPU); async runs ``AttrDict(optimizer=[...], sampler=...)``.
    """
    run_slot, code = remove_run_slot(run_slot_affinity_code)
    params = decode_affinity(code)
    _check_run_slot(run_slot, params, run_slot_affinity_code)
    if params["async_sample"] and params["n_gpu"] == 0:
        affinity = _cpu_async_affinity(run_slot, params)
    elif params["async_sample"]:
        affinity = _async_affinity(run_slot, params)
    elif params["n_gpu"] > 0:
        contexts = _gpu_contexts(run_slot, params)
        affinity = contexts[0] if len(contexts) == 1 else contexts
    else:
        cores = range(run_slot * params["cpu_per_run"], (run_slot + 1) * params["cpu_per_run"])
        affinity = _slot(cores, None, params)
    return _to_os_cpus(affinity, _machine_cpu_ids())


def make_affinity(run_slot: int = 0, **kwargs: Any) -> AttrDict | list[AttrDict]:
    """``affinity_from_code(encode_affinity(run_slot=run_slot, **kwargs))``: the
    affinity dict directly, for scripts run without the launcher."""
    return affinity_from_code(encode_affinity(run_slot=run_slot, **kwargs))


def quick_affinity_code(n_parallel: int | None = None, use_gpu: bool = True,
        contexts_per_gpu: int = 1, alternating: bool = False) -> str:
    """A code for this machine, detected: the CPUs this process may use (a
    container's restricted set counts, not the host's), their hyperthread
    layout, and the visible GPUs when ``use_gpu``. With GPUs, one slot per
    context on ``min(n_parallel, n_gpu)`` GPUs; without, ``n_parallel``
    CPU-only slots sharing the cores equally."""
    if not (use_gpu or n_parallel):
        raise ValueError("quick_affinity_code: give n_parallel > 0 or use_gpu=True")
    cpu_ids = available_cpus()
    hyperthread_offset = _hyperthread_offset(cpu_ids)
    n_cpu_core = hyperthread_offset or len(cpu_ids)
    n_gpu = _visible_gpus() if use_gpu else 0
    if n_gpu > 0:
        n_gpu = min(n_parallel, n_gpu) if n_parallel else n_gpu
        n_runs = n_gpu * contexts_per_gpu
        if n_cpu_core < n_runs:
            raise ValueError(f"quick_affinity_code: {n_runs} GPU contexts need at least as many "
                             f"cores, found {n_cpu_core}; lower contexts_per_gpu or n_parallel")
        return encode_affinity(n_cpu_core=n_cpu_core // n_runs * n_runs, n_gpu=n_gpu,
            contexts_per_gpu=contexts_per_gpu, alternating=alternating,
            hyperthread_offset=hyperthread_offset or None)
    if not n_parallel:
        raise ValueError("quick_affinity_code: no GPU found; give n_parallel > 0 (parallel runs)")
    n_parallel = min(n_parallel, n_cpu_core)
    return encode_affinity(n_cpu_core=n_cpu_core // n_parallel * n_parallel, n_gpu=0,
        cpu_per_run=n_cpu_core // n_parallel, hyperthread_offset=hyperthread_offset or None)


def affinity_cpus(affinity: dict | list) -> list[int]:
    """Every CPU an affinity (dict, list of dicts, or async pair) uses, sorted:
    what the launcher pins a run's process to."""
    if isinstance(affinity, list):
        return sorted({cpu for item in affinity for cpu in affinity_cpus(item)})
    if "all_cpus" not in affinity:
        return affinity_cpus(list(affinity.values()))
    return sorted(affinity["all_cpus"])


def available_cpus() -> list[int]:
    """OS ids of the CPUs this process may run on, sorted: ``os.sched_getaffinity``
    on Linux, psutil where it knows, else ``range(os.cpu_count())`` (macOS)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    try:
        return sorted(psutil.Process().cpu_affinity())
    except (AttributeError, NotImplementedError, OSError):
        return list(range(os.cpu_count() or 1))


def _validate(p: dict[str, Any]) -> None:
    """Turn the counts of ``p`` into ints (``1e4``-style floats accepted) and
    raise naming the argument of a bad value or an impossible combination."""
    minimums = dict(n_cpu_core=1, n_gpu=0, contexts_per_gpu=1, gpu_per_run=1, cpu_per_run=1,
        cpu_per_worker=1, cpu_reserved=0, sample_gpu_per_run=0)
    for name, low in minimums.items():
        p[name] = check_count("affinity", name, p[name], low)
    for name in ("hyperthread_offset", "n_socket"):
        p[name] = check_count("affinity", name, p[name], None, allow_none=True)
    hto = p["hyperthread_offset"]
    if hto and hto < p["n_cpu_core"]:
        raise ValueError(f"affinity: hyperthread_offset={hto} is below n_cpu_core="
                         f"{p['n_cpu_core']}, so hyperthreads would overlap cores")
    n_socket = p["n_socket"]
    if n_socket is not None and (n_socket < 1 or p["n_cpu_core"] % n_socket):
        raise ValueError(f"affinity: n_socket={n_socket} must be >= 1 and divide "
                         f"n_cpu_core={p['n_cpu_core']}")
    if p["n_gpu"] == 0:
        _validate_cpu_only(p)
    else:
        _validate_gpu(p)
    cores = _cores_per_slot(p)
    if n_socket is not None and (p["n_cpu_core"] // n_socket) % cores:
        raise ValueError(f"affinity: slots of {cores} cores would straddle sockets of "
                         f"{p['n_cpu_core'] // n_socket} cores (n_socket={n_socket})")


def _validate_cpu_only(p: dict[str, Any]) -> None:
    for name in ("alternating", "optim_sample_share_gpu"):
        if p[name]:
            raise ValueError(f"affinity: {name}=True needs n_gpu >= 1")
    for name in ("sample_gpu_per_run", "gpu_per_run", "contexts_per_gpu"):
        if p[name] != _DEFAULTS[name]:
            raise ValueError(f"affinity: {name}={p[name]} needs n_gpu >= 1")
    if p["cpu_per_run"] > p["n_cpu_core"]:
        raise ValueError(f"affinity: cpu_per_run={p['cpu_per_run']} exceeds "
                         f"n_cpu_core={p['n_cpu_core']}")
    if p["async_sample"]:
        cores = _cpu_async_cores(p)
        keep = max(p["cpu_reserved"], 1)
        if keep > cores:
            raise ValueError(f"affinity: cpu_reserved={p['cpu_reserved']} exceeds the {cores} cores "
                             f"of an async run (cpu_per_run, or n_cpu_core)")
        if cores > keep:
            _check_workers(cores - keep, dict(p, cpu_reserved=0), "async sampler cores")
        return
    _check_workers(p["cpu_per_run"], p, "cpu_per_run")


def _validate_gpu(p: dict[str, Any]) -> None:
    n_contexts = p["n_gpu"] * p["contexts_per_gpu"]
    if p["n_cpu_core"] < n_contexts:
        raise ValueError(f"affinity: n_cpu_core={p['n_cpu_core']} is fewer than the "
                         f"{n_contexts} GPU contexts (n_gpu x contexts_per_gpu); each needs a core")
    if p["async_sample"]:
        if p["contexts_per_gpu"] != 1:
            raise ValueError("affinity: async_sample needs contexts_per_gpu=1")
        if p["optim_sample_share_gpu"] and not 1 <= p["sample_gpu_per_run"] <= p["gpu_per_run"]:
            raise ValueError("affinity: optim_sample_share_gpu needs 1 <= sample_gpu_per_run "
                             f"<= gpu_per_run, got {p['sample_gpu_per_run']} and {p['gpu_per_run']}")
        if _gpus_per_async_run(p) > p["n_gpu"]:
            raise ValueError(f"affinity: an async run needs {_gpus_per_async_run(p)} GPUs "
                             f"(gpu_per_run + sample_gpu_per_run), n_gpu={p['n_gpu']}")
        per_gpu = _cores_per_slot(p)
        if p["optim_sample_share_gpu"] or not p["sample_gpu_per_run"]:
            keep = max(p["cpu_reserved"], 1)
            if keep >= per_gpu:
                raise ValueError(f"affinity: async sampler shares the optimizer GPUs' cores, but "
                                 f"each GPU has {per_gpu} cores, none left after the optimizer's "
                                 f"max(cpu_reserved, 1)={keep}")
            sampler_cores = p["gpu_per_run"] * (per_gpu - keep)
            _check_workers(sampler_cores, dict(p, cpu_reserved=0), "async sampler cores")
        else:
            _check_workers(p["sample_gpu_per_run"] * per_gpu, p, "async sampler GPUs' cores")
        return
    if p["sample_gpu_per_run"] or p["optim_sample_share_gpu"]:
        raise ValueError("affinity: sample_gpu_per_run and optim_sample_share_gpu need "
                         "async_sample=True")
    if p["gpu_per_run"] > n_contexts:
        raise ValueError(f"affinity: gpu_per_run={p['gpu_per_run']} exceeds the {n_contexts} "
                         "GPU contexts (n_gpu x contexts_per_gpu)")
    _check_workers(_cores_per_slot(p), p, "n_cpu_core // (n_gpu x contexts_per_gpu)")


def _check_workers(cores: int, p: dict[str, Any], what: str) -> None:
    """The cores left after the reservation must split evenly into workers."""
    free = cores - p["cpu_reserved"]
    if free < 1:
        raise ValueError(f"affinity: cpu_reserved={p['cpu_reserved']} leaves no core for "
                         f"workers out of {cores} ({what})")
    if free % p["cpu_per_worker"]:
        raise ValueError(f"affinity: cpu_per_worker={p['cpu_per_worker']} does not divide the "
                         f"{free} worker cores per slot ({what} minus cpu_reserved)")


def _check_run_slot(run_slot: int, p: dict[str, Any], code: str) -> None:
    n_slots = _n_run_slots(p)
    if isinstance(run_slot, bool) or not isinstance(run_slot, int) or not 0 <= run_slot < n_slots:
        raise ValueError(f"affinity code {code!r}: run_slot must be in 0..{n_slots - 1}, "
                         f"got {run_slot!r}")


def _gpus_per_async_run(p: dict[str, Any]) -> int:
    if p["optim_sample_share_gpu"]:
        return p["gpu_per_run"]
    return p["gpu_per_run"] + p["sample_gpu_per_run"]


def _cores_per_slot(p: dict[str, Any]) -> int:
    """Cores per CPU-only slot, or per GPU context (per GPU when async)."""
    if p["n_gpu"] == 0:
        return p["cpu_per_run"]
    return p["n_cpu_core"] // (p["n_gpu"] * p["contexts_per_gpu"])


def _cpu_async_cores(p: dict[str, Any]) -> int:
    """Cores of a CPU-only async run: ``cpu_per_run`` when above 1, else all."""
    return p["cpu_per_run"] if p["cpu_per_run"] > 1 else p["n_cpu_core"]


def _n_run_slots(p: dict[str, Any]) -> int:
    if p["n_gpu"] == 0:
        return p["n_cpu_core"] // (_cpu_async_cores(p) if p["async_sample"] else p["cpu_per_run"])
    if p["async_sample"]:
        return p["n_gpu"] // _gpus_per_async_run(p)
    return p["n_gpu"] * p["contexts_per_gpu"] // p["gpu_per_run"]


def _slot(cores: range | list[int], cuda_idx: int | None, p: dict[str, Any],
          reserved: int | None = None) -> AttrDict:
    """One process group's affinity: master on all ``cores`` (+ hyperthreads),
    workers on the cores after the first ``reserved`` in ``cpu_per_worker`` chunks."""
    cores = list(cores)
    hto = p["hyperthread_offset"] or 0
    reserved = p["cpu_reserved"] if reserved is None else reserved

    def with_threads(group: list[int]) -> tuple[int, ...]:
        return tuple(group + [c + hto for c in group]) if hto else tuple(group)

    free, per = cores[reserved:], p["cpu_per_worker"]
    chunks = [free[i:i + per] for i in range(0, len(free), per)]
    if p["alternating"]:
        first = [tuple(chunk) for chunk in chunks]
        second = [tuple(c + hto for c in chunk) for chunk in chunks] if hto else first
        workers = first + second
    else:
        workers = [with_threads(chunk) for chunk in chunks]
    return AttrDict(all_cpus=with_threads(cores), master_cpus=with_threads(cores),
        workers_cpus=tuple(workers), master_torch_threads=len(cores),
        worker_torch_threads=per, cuda_idx=cuda_idx, alternating=p["alternating"],
        set_affinity=p["set_affinity"])


def _gpu_contexts(run_slot: int, p: dict[str, Any]) -> list[AttrDict]:
    """Synchronous GPU runs: the slot's ``gpu_per_run`` contexts, each with its cores."""
    per_context = _cores_per_slot(p)
    contexts = range(run_slot * p["gpu_per_run"], (run_slot + 1) * p["gpu_per_run"])
    return [_slot(range(ctx * per_context, (ctx + 1) * per_context),
                  ctx // p["contexts_per_gpu"], p) for ctx in contexts]


def _async_affinity(run_slot: int, p: dict[str, Any]) -> AttrDict:
    """Optimizer GPUs each with their cores (no workers); the sampler on its own
    GPUs' cores, or, when sharing GPUs or sampling on CPU, on the optimizer
    GPUs' cores after the first ``max(cpu_reserved, 1)`` of each, which the
    optimizer keeps."""
    per_gpu = p["n_cpu_core"] // p["n_gpu"]
    n_run_gpus = _gpus_per_async_run(p)
    gpus = list(range(run_slot * n_run_gpus, (run_slot + 1) * n_run_gpus))
    opt_gpus = gpus[:p["gpu_per_run"]]
    own_sampler_gpus = gpus[p["gpu_per_run"]:]

    def cores_of(gpu: int) -> list[int]:
        return list(range(gpu * per_gpu, (gpu + 1) * per_gpu))

    if own_sampler_gpus:
        optimizer = [_optimizer_slot(cores_of(g), g, p) for g in opt_gpus]
        sampler_cores = [c for g in own_sampler_gpus for c in cores_of(g)]
        sampler = _slot(sampler_cores, own_sampler_gpus[0], p)
    else:
        keep = max(p["cpu_reserved"], 1)
        optimizer = [_optimizer_slot(cores_of(g)[:keep], g, p) for g in opt_gpus]
        sampler_cores = [c for g in opt_gpus for c in cores_of(g)[keep:]]
        sampler_cuda = opt_gpus[0] if p["sample_gpu_per_run"] else None
        sampler = _slot(sampler_cores, sampler_cuda, p, reserved=0)
    return AttrDict(optimizer=optimizer, sampler=sampler)


def _optimizer_slot(cores: list[int], cuda_idx: int | None, p: dict[str, Any]) -> AttrDict:
    """An async run's optimizer process: on ``cores``, no sampler workers."""
    slot = _slot(cores, cuda_idx, dict(p, alternating=False), reserved=0)
    slot.workers_cpus = ()
    return slot


def _cpu_async_affinity(run_slot: int, p: dict[str, Any]) -> AttrDict:
    """CPU-only async run: the optimizer on the slot's first ``max(cpu_reserved,
    1)`` cores, the sampler (and its workers) on the rest, or on the
    optimizer's core when the slot has one core."""
    per_run = _cpu_async_cores(p)
    cores = list(range(run_slot * per_run, (run_slot + 1) * per_run))
    keep = max(p["cpu_reserved"], 1)
    sampler_cores = cores[keep:] or cores[:keep]
    return AttrDict(optimizer=[_optimizer_slot(cores[:keep], None, p)],
        sampler=_slot(sampler_cores, None, p, reserved=0))


def _machine_cpu_ids() -> list[int]:
    """The CPUs core numbers refer to: the launcher's set (``RLPYT_CPU_IDS``) in
    a launched run, else this process's available CPUs."""
    env = os.environ.get(CPU_IDS_ENV)
    if env:
        try:
            return [int(c) for c in env.split(",")]
        except ValueError:
            raise ValueError(f"{CPU_IDS_ENV}={env!r} must be comma-separated CPU ids") from None
    return available_cpus()


def _to_os_cpus(affinity: Any, cpu_ids: list[int]) -> Any:
    """Rename core numbers to OS CPU ids when the usable CPUs are not 0..n-1."""
    if cpu_ids == list(range(len(cpu_ids))):
        return affinity
    if isinstance(affinity, list):
        return [_to_os_cpus(a, cpu_ids) for a in affinity]
    if "all_cpus" not in affinity:
        return AttrDict({k: _to_os_cpus(v, cpu_ids) for k, v in affinity.items()})

    def rename(cpus: tuple[int, ...]) -> tuple[int, ...]:
        if max(cpus, default=-1) >= len(cpu_ids):
            raise ValueError(f"affinity uses CPU number {max(cpus)} but only {len(cpu_ids)} "
                             f"CPUs are available here ({cpu_ids})")
        return tuple(cpu_ids[c] for c in cpus)

    out = AttrDict(affinity)
    out.all_cpus = rename(affinity.all_cpus)
    out.master_cpus = rename(affinity.master_cpus)
    out.workers_cpus = tuple(rename(w) for w in affinity.workers_cpus)
    return out


def _hyperthread_offset(cpu_ids: list[int]) -> int:
    """n when the CPUs are n cores followed by their n hyperthread siblings, else 0."""
    n = len(cpu_ids)
    if n % 2 or cpu_ids != list(range(n)):
        return 0
    half = n // 2
    try:
        with open("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list") as f:
            return half if f.read().strip() == f"0,{half}" else 0
    except OSError:
        return half if psutil.cpu_count(logical=False) == half and psutil.cpu_count() == n else 0


def _visible_gpus() -> int:
    try:
        import torch
    except ImportError:
        return 0
    return torch.cuda.device_count()


def apply_process_affinity(cpus, torch_threads: int | None, set_affinity: bool = True,
        who: str = "this process") -> None:
    """Pin the calling process to ``cpus`` (when given and ``set_affinity``)
    and set torch's thread count (when given); where the OS does not allow
    pinning, warn, naming ``who``, and go on."""
    if cpus and set_affinity:
        try:
            psutil.Process().cpu_affinity(list(cpus))
        except (AttributeError, OSError, ValueError) as err:
            warnings.warn(f"could not pin {who} to CPUs {list(cpus)}: {err}", stacklevel=2)
    if torch_threads:
        torch.set_num_threads(int(torch_threads))
