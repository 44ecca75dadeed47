"""namedarraytuple: every read and write equals the same operation field by field."""
import multiprocessing as mp
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rlpyt.utils.collections import (AttrDict, is_namedarraytuple, namedarraytuple,
    namedarraytuple_like, picklable_namedtuple)

Inner = namedarraytuple("Inner", ["x", "y"])
Outer = namedarraytuple("Outer", ["a", "b", "inner"])


def make_outer(n: int, with_none: bool) -> Outer:
    return Outer(
        a=np.arange(n * 3, dtype=np.float32).reshape(n, 3),
        b=None if with_none else np.arange(n, dtype=np.int64) * 10,
        inner=Inner(x=np.arange(n * 2, dtype=np.float64).reshape(n, 2) + 100, y=None),
    )


def fields(x, prefix=""):
    """Flatten to {path: leaf} for field-by-field comparison."""
    out = {}
    for name, value in zip(x._fields, x):
        if isinstance(value, tuple):
            out.update(fields(value, prefix + name + "."))
        else:
            out[prefix + name] = value
    return out


index_strategy = st.one_of(
    st.integers(min_value=-6, max_value=5),
    st.builds(slice, st.one_of(st.none(), st.integers(-6, 6)), st.one_of(st.none(), st.integers(-6, 6)),
        st.one_of(st.none(), st.integers(1, 3))),
    st.lists(st.integers(0, 5), min_size=1, max_size=4).map(np.array),
)


@settings(max_examples=200, deadline=None)
@given(idx=index_strategy, with_none=st.booleans())
def test_read_equals_fieldwise(idx, with_none):
    x = make_outer(6, with_none)
    got = x[idx]
    assert type(got) is Outer and type(got.inner) is Inner
    for path, leaf in fields(x).items():
        got_leaf = fields(got)[path]
        if leaf is None:
            assert got_leaf is None
        else:
            np.testing.assert_array_equal(got_leaf, leaf[idx])


@settings(max_examples=200, deadline=None)
@given(idx=index_strategy, with_none=st.booleans(), value=st.floats(-1e3, 1e3, allow_nan=False))
def test_broadcast_write_equals_fieldwise(idx, with_none, value):
    x = make_outer(6, with_none)
    expected = {p: None if v is None else v.copy() for p, v in fields(x).items()}
    for leaf in expected.values():
        if leaf is not None:
            leaf[idx] = value
    x[idx] = value
    for path, leaf in fields(x).items():
        if expected[path] is None:
            assert leaf is None
        else:
            np.testing.assert_array_equal(leaf, expected[path])


@settings(max_examples=100, deadline=None)
@given(start=st.integers(0, 5), length=st.integers(0, 3), with_none=st.booleans())
def test_structured_write_equals_fieldwise(start, length, with_none):
    x = make_outer(6, with_none)
    src = make_outer(6, with_none)
    src = Outer(a=src.a * -1, b=None if src.b is None else src.b + 7, inner=Inner(x=src.inner.x * 2, y=None))
    sl = slice(start, min(start + length, 6))
    part = src[sl]
    expected = {p: None if v is None else v.copy() for p, v in fields(x).items()}
    for path, leaf in fields(part).items():
        if expected[path] is not None and leaf is not None:
            expected[path][sl] = leaf
    x[sl] = part
    for path, leaf in fields(x).items():
        if expected[path] is not None:
            np.testing.assert_array_equal(leaf, expected[path])


def test_none_source_field_leaves_destination_untouched():
    x = make_outer(3, with_none=False)
    before = x.b.copy()
    x[0] = Outer(a=np.ones(3), b=None, inner=Inner(x=np.zeros(2), y=None))
    np.testing.assert_array_equal(x.b, before)
    np.testing.assert_array_equal(x.a[0], np.ones(3))


def test_torch_fields_index_and_write():
    x = Outer(a=torch.zeros(4, 2), b=None, inner=Inner(x=torch.arange(4), y=None))
    x[1:3] = 5
    assert x.a[1:3].eq(5).all() and x.inner.x.tolist() == [0, 5, 5, 3]
    assert x[torch.tensor([0, 3])].inner.x.tolist() == [0, 3]


def test_errors_name_the_field():
    x = Outer(a=np.zeros((4, 2)), b=np.zeros(2), inner=Inner(x=np.zeros(4), y=None))
    with pytest.raises(IndexError, match="field 'b'"):
        x[3]
    with pytest.raises(ValueError, match="field 'a'"):
        x[0] = Outer(a=np.zeros(5), b=None, inner=None)


def test_field_access_helpers():
    x = make_outer(2, with_none=False)
    assert "inner" in x and "nope" not in x
    assert x.get(0) is x.a
    assert [k for k, _ in x.items()] == ["a", "b", "inner"]
    assert is_namedarraytuple(x)


def test_namedarraytuple_like_is_cached_and_keeps_fields():
    from collections import namedtuple
    Nt = namedtuple("Nt", ["p", "q"])
    cls = namedarraytuple_like(Nt(1, 2))
    assert cls._fields == ("p", "q") and cls is namedarraytuple_like(Nt)
    with pytest.raises(TypeError, match="namedtuple"):
        namedarraytuple_like(dict)


def test_pickle_round_trip_module_and_runtime_classes():
    x = make_outer(3, with_none=True)
    y = pickle.loads(pickle.dumps(x))
    assert type(y) is Outer
    np.testing.assert_array_equal(y.inner.x, x.inner.x)
    Runtime = picklable_namedtuple("Runtime", ["u", "v"])
    r = pickle.loads(pickle.dumps(namedarraytuple_like(Runtime)(np.ones(2), None)))
    assert r._fields == ("u", "v") and r.v is None


def _child_check(x, queue):
    queue.put((type(x).__name__, float(x.inner.x.sum()), x.b is None))


def test_pickle_in_spawned_process():
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    x = make_outer(3, with_none=True)
    p = ctx.Process(target=_child_check, args=(x, queue))
    p.start()
    result = queue.get(timeout=60)
    p.join(timeout=30)
    assert result == ("Outer", float(x.inner.x.sum()), True)


def test_attrdict():
    d = AttrDict(a=1)
    d.b = 2
    assert d["b"] == 2 and d.a == 1
    with pytest.raises(AttributeError, match="'c'"):
        d.c
    assert pickle.loads(pickle.dumps(d)) == d


def test_attrdict_attributes_stay_items_after_pickling():
    """A TrajInfo restored from a checkpoint keeps counting into its items."""
    restored = pickle.loads(pickle.dumps(AttrDict(n=1)))
    restored.n += 1
    restored.m = 5
    assert restored == dict(n=2, m=5) and restored["n"] == 2
