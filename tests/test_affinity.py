"""Tests of affinity codes: encoding, decoding, disjoint run slots, errors,
detection; pinning a process."""
import itertools

import psutil
import pytest
import torch

from rlpyt.utils.launching import affinity as aff
from rlpyt.utils.launching.affinity import (affinity_cpus, affinity_from_code, apply_process_affinity,
    encode_affinity, get_n_run_slots, get_run_slot, make_affinity, prepend_run_slot, quick_affinity_code)

FIELDS = {"all_cpus", "master_cpus", "workers_cpus", "master_torch_threads",
          "worker_torch_threads", "cuda_idx", "alternating", "set_affinity"}

GRID = [
    dict(n_cpu_core=2, cpu_per_run=1),
    dict(n_cpu_core=8, cpu_per_run=4, cpu_per_worker=2),
    dict(n_cpu_core=8, cpu_per_run=4, cpu_reserved=1, hyperthread_offset=8),
    dict(n_cpu_core=6, cpu_per_run=3, set_affinity=False),
    dict(n_cpu_core=8, n_gpu=1),
    dict(n_cpu_core=16, n_gpu=4, hyperthread_offset=20, n_socket=2),
    dict(n_cpu_core=12, n_gpu=2, contexts_per_gpu=3),
    dict(n_cpu_core=8, n_gpu=2, contexts_per_gpu=2, alternating=True, hyperthread_offset=8),
    dict(n_cpu_core=8, n_gpu=2, alternating=True),
    dict(n_cpu_core=16, n_gpu=4, gpu_per_run=2, cpu_reserved=1),
    dict(n_cpu_core=16, n_gpu=4, async_sample=True, sample_gpu_per_run=1),
    dict(n_cpu_core=16, n_gpu=4, async_sample=True, gpu_per_run=2, sample_gpu_per_run=2,
         optim_sample_share_gpu=True, alternating=True),
    dict(n_cpu_core=8, n_gpu=2, async_sample=True, cpu_reserved=2),
]


def flat_dicts(affinity):
    """Every process-group dict inside an affinity (list or async pair included)."""
    if isinstance(affinity, list):
        return [d for item in affinity for d in flat_dicts(item)]
    if "optimizer" in affinity:
        return flat_dicts(affinity["optimizer"]) + flat_dicts(affinity["sampler"])
    return [affinity]


@pytest.fixture(autouse=True)
def identity_cpus(monkeypatch):
    """Decode core numbers as CPU ids, whatever CPUs this test machine has."""
    monkeypatch.setenv(aff.CPU_IDS_ENV, ",".join(map(str, range(64))))


@pytest.mark.parametrize("kwargs", GRID, ids=lambda kw: encode_affinity(**kw))
def test_slots_are_disjoint_and_documented(kwargs):
    code = encode_affinity(**kwargs)
    n_slots = get_n_run_slots(code)
    assert n_slots >= 1
    used = []
    for slot in range(n_slots):
        slot_code = prepend_run_slot(slot, code)
        assert slot_code == encode_affinity(run_slot=slot, **kwargs)
        assert get_run_slot(slot_code) == slot
        affinity = affinity_from_code(slot_code)
        for d in flat_dicts(affinity):
            assert set(d) == FIELDS
            assert set(d["master_cpus"]) <= set(d["all_cpus"])
            assert all(set(w) <= set(d["all_cpus"]) for w in d["workers_cpus"])
            assert d["set_affinity"] == kwargs.get("set_affinity", True)
            assert d["master_torch_threads"] >= 1
        used.append(set(affinity_cpus(affinity)))
    for a, b in itertools.combinations(used, 2):
        assert not a & b, f"{code}: run slots share CPUs {a & b}"
    n_cpu = kwargs["n_cpu_core"]
    hto = kwargs.get("hyperthread_offset")
    allowed = set(range(n_cpu)) | ({c + hto for c in range(n_cpu)} if hto else set())
    assert set().union(*used) <= allowed


def test_cpu_only_fields():
    affinity = make_affinity(run_slot=1, n_cpu_core=8, cpu_per_run=4, cpu_per_worker=2,
                             cpu_reserved=0, hyperthread_offset=8)
    assert affinity.all_cpus == (4, 5, 6, 7, 12, 13, 14, 15)
    assert affinity.master_cpus == affinity.all_cpus
    assert affinity.workers_cpus == ((4, 5, 12, 13), (6, 7, 14, 15))
    assert (affinity.master_torch_threads, affinity.worker_torch_threads) == (4, 2)
    assert affinity.cuda_idx is None and affinity.alternating is False
    assert affinity.set_affinity is True


def test_code_strings_keep_rlpyt_format():
    assert encode_affinity(n_cpu_core=4, cpu_per_run=2) == "4cpu_0gpu_2cpr"
    assert encode_affinity(n_cpu_core=24, n_gpu=4, hyperthread_offset=24, n_socket=2,
                           run_slot=3) == "3slt_24cpu_4gpu_24hto_2skt"
    assert encode_affinity(n_cpu_core=8, n_gpu=2, async_sample=True, sample_gpu_per_run=1,
                           alternating=True, set_affinity=False) \
        == "8cpu_2gpu_1ass_1sgr_1alt_0saf"
    assert get_n_run_slots("8cpu_2gpu_2cxg") == 4


def test_gpu_contexts_share_a_gpu():
    code = encode_affinity(n_cpu_core=12, n_gpu=2, contexts_per_gpu=3)
    gpus = [affinity_from_code(prepend_run_slot(s, code)).cuda_idx for s in range(6)]
    assert gpus == [0, 0, 0, 1, 1, 1]
    assert affinity_from_code(prepend_run_slot(4, code)).all_cpus == (8, 9)


def test_multi_gpu_run_is_a_list():
    affinity = make_affinity(run_slot=1, n_cpu_core=16, n_gpu=4, gpu_per_run=2, cpu_reserved=1)
    assert [a.cuda_idx for a in affinity] == [2, 3]
    assert affinity[0].all_cpus == (8, 9, 10, 11) and affinity[0].workers_cpus == ((9,), (10,), (11,))


def test_async_has_optimizer_and_sampler():
    affinity = make_affinity(n_cpu_core=16, n_gpu=4, async_sample=True, sample_gpu_per_run=1)
    assert [o.cuda_idx for o in affinity.optimizer] == [0]
    assert affinity.optimizer[0].all_cpus == (0, 1, 2, 3) and affinity.optimizer[0].workers_cpus == ()
    assert affinity.sampler.cuda_idx == 1 and affinity.sampler.all_cpus == (4, 5, 6, 7)
    shared = make_affinity(n_cpu_core=8, n_gpu=2, async_sample=True, cpu_reserved=2)
    assert shared.optimizer[0].all_cpus == (0, 1) and shared.sampler.all_cpus == (2, 3)
    assert shared.sampler.cuda_idx is None


def test_cpu_only_async_puts_the_optimizer_on_one_core_and_the_sampler_on_the_rest():
    affinity = make_affinity(n_cpu_core=4, n_gpu=0, async_sample=True)
    assert affinity.optimizer[0].all_cpus == (0,) and affinity.optimizer[0].cuda_idx is None
    assert affinity.optimizer[0].workers_cpus == ()
    assert affinity.sampler.all_cpus == (1, 2, 3) and affinity.sampler.workers_cpus == ((1,), (2,), (3,))
    assert affinity.sampler.cuda_idx is None
    slots = make_affinity(n_cpu_core=4, n_gpu=0, async_sample=True, cpu_per_run=2, run_slot=1, cpu_reserved=1)
    assert slots.optimizer[0].all_cpus == (2,) and slots.sampler.all_cpus == (3,)
    alone = make_affinity(n_cpu_core=1, async_sample=True)
    assert alone.optimizer[0].all_cpus == alone.sampler.all_cpus == (0,)


def test_alternating_doubles_workers():
    with_threads = make_affinity(n_cpu_core=4, n_gpu=1, alternating=True, hyperthread_offset=4)
    assert with_threads.workers_cpus == ((0,), (1,), (2,), (3,), (4,), (5,), (6,), (7,))
    without = make_affinity(n_cpu_core=2, n_gpu=1, alternating=True)
    assert without.workers_cpus == ((0,), (1,), (0,), (1,)) and without.alternating is True


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_cpu_core=0), "n_cpu_core"),
    (dict(n_cpu_core=2, cpu_per_run=3), "cpu_per_run"),
    (dict(n_cpu_core=4, cpu_per_run=4, cpu_per_worker=3), "cpu_per_worker"),
    (dict(n_cpu_core=4, cpu_per_run=2, cpu_reserved=2), "cpu_reserved"),
    (dict(n_cpu_core=4, hyperthread_offset=2), "hyperthread_offset"),
    (dict(n_cpu_core=4, alternating=True), "alternating"),
    (dict(n_cpu_core=4, async_sample=True, cpu_reserved=5), "cpu_reserved=5 exceeds"),
    (dict(n_cpu_core=4, async_sample=True, cpu_per_worker=2), "cpu_per_worker"),
    (dict(n_cpu_core=4, async_sample=True, alternating=True), "alternating"),
    (dict(n_cpu_core=2, n_gpu=4), "n_cpu_core"),
    (dict(n_cpu_core=8, n_gpu=2, gpu_per_run=3), "gpu_per_run"),
    (dict(n_cpu_core=8, n_gpu=2, async_sample=True, sample_gpu_per_run=2), "async run needs"),
    (dict(n_cpu_core=8, n_gpu=2, async_sample=True, contexts_per_gpu=2), "contexts_per_gpu"),
    (dict(n_cpu_core=8, n_gpu=2, optim_sample_share_gpu=True, sample_gpu_per_run=1), "async_sample"),
    (dict(n_cpu_core=2, n_gpu=2, async_sample=True), "cpu_reserved"),
    (dict(n_cpu_core=12, n_gpu=3, n_socket=2), "straddle"),
    (dict(n_cpu_core=4, cpu_per_run=2, run_slot=2), "run_slot"),
    (dict(n_cpu_core=4, cpu_per_run="2"), "cpu_per_run"),
    (dict(n_cpu_core=4, cpu_per_run=1.5), "cpu_per_run must be a whole number"),
])
def test_invalid_combinations_raise(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        encode_affinity(**kwargs)


def test_integral_float_counts_encode_as_ints():
    assert encode_affinity(n_cpu_core=4.0, cpu_per_run=2e0, run_slot=1.0) == encode_affinity(
        n_cpu_core=4, cpu_per_run=2, run_slot=1)


@pytest.mark.parametrize("code, match", [
    ("4cpu_0gpu_1cpr", "no run slot"),
    ("0slt_4cpu_0gpu_1xyz", "cannot read part 'xyz'|cannot read part '1xyz'"),
    ("0slt_4cpu", "lacks the 'gpu' part"),
    ("0slt_4cpu_0gpu_1cpr_2cpr", "given twice"),
    ("5slt_4cpu_0gpu_1cpr", "run_slot must be in 0..3"),
])
def test_bad_codes_raise(code, match):
    with pytest.raises(ValueError, match=match):
        affinity_from_code(code)


def test_restricted_cpu_set_maps_cores_to_its_cpus(monkeypatch):
    monkeypatch.setenv(aff.CPU_IDS_ENV, "4,5,6,7")
    affinity = make_affinity(run_slot=1, n_cpu_core=4, cpu_per_run=2)
    assert affinity.all_cpus == (6, 7) and affinity.workers_cpus == ((6,), (7,))
    with pytest.raises(ValueError, match="only 4 CPUs are available"):
        make_affinity(run_slot=2, n_cpu_core=8, cpu_per_run=2)


def test_detection_in_a_container_without_hyperthreads(monkeypatch):
    monkeypatch.setattr(aff, "available_cpus", lambda: [3, 5, 9])
    assert quick_affinity_code(n_parallel=2, use_gpu=False) == "2cpu_0gpu_1cpr"
    assert quick_affinity_code(n_parallel=8, use_gpu=False) == "3cpu_0gpu_1cpr"
    monkeypatch.setattr(aff, "_visible_gpus", lambda: 0)
    with pytest.raises(ValueError, match="n_parallel"):
        quick_affinity_code()


def test_detection_with_hyperthreads_and_gpus(monkeypatch):
    monkeypatch.setattr(aff, "available_cpus", lambda: list(range(8)))
    monkeypatch.setattr(aff, "_hyperthread_offset", lambda ids: 4)
    monkeypatch.setattr(aff, "_visible_gpus", lambda: 2)
    assert quick_affinity_code() == "4cpu_2gpu_4hto"
    assert quick_affinity_code(n_parallel=1, contexts_per_gpu=2) == "4cpu_1gpu_4hto_2cxg"


def test_detection_without_sched_getaffinity_or_proc(monkeypatch):
    """macOS: no os.sched_getaffinity, psutil has no cpu_affinity, no /sys topology."""
    monkeypatch.delattr(aff.os, "sched_getaffinity", raising=False)
    monkeypatch.delattr(aff.psutil.Process, "cpu_affinity", raising=False)
    monkeypatch.setattr(aff.os, "cpu_count", lambda: 6)
    assert aff.available_cpus() == [0, 1, 2, 3, 4, 5]
    real_open = open

    def no_sys(path, *args, **kwargs):
        if str(path).startswith("/sys/"):
            raise FileNotFoundError(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_sys)
    monkeypatch.setattr(aff.psutil, "cpu_count", lambda logical=True: 6 if logical else 3)
    assert aff._hyperthread_offset(list(range(6))) == 3
    monkeypatch.setattr(aff.psutil, "cpu_count", lambda logical=True: 6 if logical else None)
    assert aff._hyperthread_offset(list(range(6))) == 0


def test_quick_code_on_this_machine_decodes():
    code = quick_affinity_code(n_parallel=1, use_gpu=False)
    affinity = affinity_from_code(prepend_run_slot(0, code))
    assert len(affinity.master_cpus) >= 1 and affinity.cuda_idx is None


def test_pinning_that_the_os_refuses_warns_and_goes_on():
    allowed = psutil.Process().cpu_affinity()
    threads = torch.get_num_threads()
    try:
        with pytest.warns(UserWarning, match=r"could not pin sampler worker 3 to CPUs \[4096\]"):
            apply_process_affinity([4096], torch_threads=1, who="sampler worker 3")
        assert psutil.Process().cpu_affinity() == allowed
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads)
