"""Buffers built from examples, numpy/torch conversion, shared memory across processes."""
import multiprocessing as mp
from collections import namedtuple

import numpy as np
import pytest
import torch

from rlpyt.utils.buffer import (buffer_from_example, buffer_func, buffer_method, buffer_to,
    get_leading_dims, numpify_buffer, torchify_buffer)
from rlpyt.utils.collections import is_namedarraytuple

Ex = namedtuple("Ex", ["obs", "info", "nothing"])
Info = namedtuple("Info", ["timeout", "count"])


def example():
    return Ex(obs=np.zeros((3, 2), dtype=np.float32), info=Info(timeout=False, count=np.int64(1)), nothing=None)


def test_buffer_from_example_shapes_dtypes_and_types():
    buf = buffer_from_example(example(), (5, 4))
    assert is_namedarraytuple(buf) and is_namedarraytuple(buf.info)
    assert buf.obs.shape == (5, 4, 3, 2) and buf.obs.dtype == np.float32
    assert buf.info.timeout.shape == (5, 4) and buf.info.timeout.dtype == np.bool_
    assert buf.info.count.dtype == np.int64
    assert buf.nothing is None
    assert get_leading_dims(buf, 2) == (5, 4)


def test_buffer_from_example_rejects_objects():
    with pytest.raises(TypeError, match="numeric"):
        buffer_from_example(Ex(obs="text", info=None, nothing=None), 2)


def test_torchify_numpify_share_memory():
    buf = buffer_from_example(example(), (2,))
    t = torchify_buffer(buf)
    t.obs[0] += 1
    assert buf.obs[0].sum() == 6
    back = numpify_buffer(t)
    back.info.count[1] = 9
    assert buf.info.count[1] == 9
    assert isinstance(buffer_to(t, "cpu").obs, torch.Tensor)
    assert buffer_method(t, "sum").obs.item() == 6
    assert buffer_func(buf, np.shape).obs == (2, 3, 2)


def test_get_leading_dims_mismatch_names_fields():
    bad = Ex(obs=np.zeros((3, 2)), info=Info(timeout=np.zeros(4), count=None), nothing=None)
    with pytest.raises(ValueError, match="info.timeout"):
        get_leading_dims(bad, 1)


def _write_child(buf, value):
    buf.obs[1] = value
    buf.info.count[:] = 7


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_shared_memory_written_by_child_is_seen_by_parent(method):
    buf = buffer_from_example(example(), (3,), share_memory=True)
    ctx = mp.get_context(method)
    p = ctx.Process(target=_write_child, args=(buf[1:], 4.0))
    p.start()
    p.join(timeout=60)
    assert p.exitcode == 0
    np.testing.assert_array_equal(buf.obs[2], np.full((3, 2), 4.0))
    np.testing.assert_array_equal(buf.info.count, [0, 7, 7])
    np.testing.assert_array_equal(buf.obs[:2], 0)
