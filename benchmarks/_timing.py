"""The timing loop the throughput benchmarks share (a helper module, not a
benchmark: ``make bench`` skips files starting with an underscore)."""
from __future__ import annotations

import itertools
import statistics
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


def alternating_rates(runs: dict, rounds: int, units: int, steps_per_unit: int) -> dict:
    """Median steps per second of each ``run(units)`` in ``runs`` (name ->
    function of a number of units) over ``rounds`` rounds that alternate
    between them, so that every variant sees the same machine load."""
    rates = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run(units)
            rates[name].append(units * steps_per_unit / (time.perf_counter() - start))
    return {name: statistics.median(r) for name, r in rates.items()}


def training_loop(sampler, agent, algo) -> Callable[[int], None]:
    """``run(n)``: ``n`` more iterations of an initialized sampler, agent and
    algorithm, as the runner makes them (sampling, then optimization;
    no logging)."""
    itrs = itertools.count()

    def run(n: int) -> None:
        for _ in range(n):
            itr = next(itrs)
            agent.sample_mode(itr)
            samples, _ = sampler.obtain_samples(itr)
            agent.train_mode(itr)
            algo.optimize_agent(itr, samples)
    return run


def interleaved_times(fns: dict, seconds: float) -> dict:
    """Seconds per call of every function in ``fns`` (name -> function),
    called in turn, one call each per round, until the first has run about
    ``seconds`` (after one untimed call of each): name -> list of the
    rounds' times, so that ``times[a][i]`` and ``times[b][i]`` were taken
    within one round, the same moment of machine load (this VM's speed
    drifts by up to 2x within minutes, which rounds of seconds per side turn
    into ratios spread by +-0.05)."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    first = times[next(iter(fns))]
    while sum(first) < seconds:
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def round_ratio(times: dict, name: str, over: str) -> float:
    """The median over rounds of ``name``'s speed over ``over``'s (of
    ``interleaved_times``' output): both sides of each ratio ran in one round."""
    return statistics.median(o / n for n, o in zip(times[name], times[over]))


def paired_rates(ours: Callable[[], object], bare: Callable[[], object], seconds: float,
        steps_per_call: int) -> tuple[float, float, float]:
    """``(ours steps/s, bare steps/s, ratio)`` of ``ours()`` and ``bare()``
    called in turn (``interleaved_times``) until ``ours`` has run about
    ``seconds``. The rates are medians over the calls and the ratio is the
    median of the rounds' ratios (``round_ratio``)."""
    times = interleaved_times(dict(ours=ours, bare=bare), seconds)
    return (steps_per_call / statistics.median(times["ours"]),
        steps_per_call / statistics.median(times["bare"]), round_ratio(times, "ours", "bare"))
