"""The concurrent append-and-sample loop of the shared-memory replay tests:
a spawned writer process appends while this process samples, checks each
batch and writes priorities back."""
import multiprocessing as mp

import numpy as np

from rlpyt.replays.non_sequence.prioritized import PrioritizedReplay

MIN_BATCHES, MAX_BATCHES, WRITER_JOIN_S = 50, 20000, 60


def sample_while_appending(buffer, append, append_args: tuple, batch_size: int, problems_of) -> int:
    """Start ``append(buffer, *append_args)`` in a spawned process and sample
    ``batch_size`` batches until it has ended (at least ``MIN_BATCHES``),
    asserting ``problems_of(batch)`` is empty for each and, for prioritized
    buffers, writing random priorities back; returns the number of batches.
    The writer must exit cleanly; it is killed if it outlives the loop."""
    writer = mp.get_context("spawn").Process(target=append, args=(buffer, *append_args))
    writer.start()
    rng = np.random.default_rng(0)
    n_batches = 0
    try:
        while writer.is_alive() or n_batches < MIN_BATCHES:
            batch = buffer.sample_batch(batch_size)
            problems = problems_of(batch)
            assert not problems, (problems, n_batches)
            if isinstance(buffer, PrioritizedReplay):
                buffer.update_batch_priorities(rng.random(batch_size) + 0.1)
            n_batches += 1
            if n_batches > MAX_BATCHES:
                break
        writer.join(timeout=WRITER_JOIN_S)
        assert writer.exitcode == 0
    finally:
        if writer.is_alive():
            writer.kill()
            writer.join()
    return n_batches
