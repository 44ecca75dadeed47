"""The timing loop the throughput benchmarks share (a helper module, not a
benchmark: ``make bench`` skips files starting with an underscore)."""
from __future__ import annotations

import time
from typing import Callable


def steps_per_second(fn: Callable[[], object], seconds: float, steps_per_call: int,
        warm_up: bool = True) -> float:
    """Steps per second of repeated ``fn()`` calls for about ``seconds``
    (after one untimed call when ``warm_up``)."""
    if warm_up:
        fn()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        steps += steps_per_call
    return steps / (time.perf_counter() - start)
