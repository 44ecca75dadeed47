"""Spaces: sampling, null values, validation, and Gymnasium conversion."""
import pickle
from collections import namedtuple

import gymnasium
import numpy as np
import pytest
from gymnasium import spaces as gs
from hypothesis import given, settings
from hypothesis import strategies as st

from rlpyt.spaces.composite import Composite
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.gym_wrapper import (GymSpaceWrapper, gym_space_to_rlpyt, rlpyt_space_to_gym,
    sanitize_field_names)
from rlpyt.spaces.int_box import IntBox

Pair = namedtuple("Pair", ["a", "b"])


@settings(max_examples=50, deadline=None)
@given(low=st.integers(-1000, 1000), width=st.integers(1, 1000), seed=st.integers(0, 2**31))
def test_int_box_samples_in_bounds(low, width, seed):
    space = IntBox(low, low + width, shape=(7,))
    space.seed(seed)
    for _ in range(5):
        x = space.sample()
        assert x.shape == (7,) and x.dtype == np.int64
        assert np.all(x >= low) and np.all(x < low + width)
        assert space.contains(x)


def test_int_box_scalar_and_n():
    space = IntBox(0, 3)
    assert space.shape == () and space.n == 3
    x = space.sample()
    assert np.shape(x) == () and x.dtype == np.int64
    assert {int(space.sample()) for _ in range(200)} == {0, 1, 2}


def test_int_box_per_element_bounds():
    space = IntBox([0, 10], [2, 13], dtype="uint8")
    assert space.shape == (2,) and space.dtype == np.uint8
    samples = np.stack([space.sample() for _ in range(200)])
    assert samples[:, 0].min() >= 0 and samples[:, 0].max() < 2
    assert samples[:, 1].min() >= 10 and samples[:, 1].max() < 13
    with pytest.raises(AttributeError, match="n is undefined"):
        space.n


def test_int_box_null_value():
    assert IntBox(-2, 5).null_value() == 0
    assert IntBox(3, 5, shape=(2,)).null_value().tolist() == [3, 3]
    null = IntBox(0, 5, shape=(2,), dtype="int32", null_value=4).null_value()
    assert null.tolist() == [4, 4] and null.dtype == np.int32
    space = IntBox(0, 5, shape=(2,))
    space.null_value()[0] = 3
    assert space.null_value().tolist() == [0, 0]


@pytest.mark.parametrize("kwargs, argument", [
    (dict(low=3, high=3), "high"),
    (dict(low=5, high=2), "high"),
    (dict(low=0, high=2, dtype="float32"), "dtype"),
    (dict(low=0.5, high=2), "low"),
    (dict(low=0, high=300, dtype="uint8"), "dtype"),
    (dict(low=[0, 0], high=[1, 1, 1]), "broadcast"),
])
def test_int_box_bad_args(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        IntBox(**kwargs)


def test_float_box_bounded_samples_and_null():
    space = FloatBox(-1.0, [1.0, 2.0, 3.0])
    assert space.shape == (3,) and space.dtype == np.float32 and space.bounded
    for _ in range(100):
        x = space.sample()
        assert x.dtype == np.float32 and space.contains(x)
    assert space.null_value().tolist() == [0.0, 0.0, 0.0]
    assert FloatBox(0, 1, shape=(2,), null_value=0.5).null_value().tolist() == [0.5, 0.5]


def test_float_box_unbounded_sides():
    space = FloatBox([-np.inf, 2.0, -np.inf], [np.inf, np.inf, -3.0], dtype="float64")
    assert not space.bounded
    samples = np.stack([space.sample() for _ in range(500)])
    assert samples.dtype == np.float64
    assert np.all(np.isfinite(samples))
    assert np.all(samples[:, 1] >= 2.0) and np.all(samples[:, 2] <= -3.0)
    assert samples[:, 0].min() < 0 < samples[:, 0].max()


@pytest.mark.parametrize("kwargs, argument", [
    (dict(low=0, high=1, dtype="int64"), "dtype"),
    (dict(low=1, high=0), "low"),
    (dict(low=np.nan, high=0), "low"),
])
def test_float_box_bad_args(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        FloatBox(**kwargs)


def test_seeding_repeats_samples():
    space = FloatBox(-1, 1, shape=(4,))
    space.seed(7)
    first = [space.sample() for _ in range(3)]
    space.seed(7)
    assert all(np.array_equal(a, b) for a, b in zip(first, [space.sample() for _ in range(3)]))
    np.random.seed(11)
    a = IntBox(0, 100, shape=(5,)).sample()
    np.random.seed(11)
    assert np.array_equal(a, IntBox(0, 100, shape=(5,)).sample())


def test_composite_sample_null_and_shape():
    space = Composite([IntBox(0, 4), FloatBox(-1, 1, shape=(2, 3))], Pair)
    assert space.shape == ((), (2, 3)) and space.names == ("a", "b")
    assert space.dtype == (np.int64, np.float32)
    x = space.sample()
    assert isinstance(x, Pair) and x.b.shape == (2, 3) and space.contains(x)
    null = space.null_value()
    assert null.a == 0 and null.b.shape == (2, 3)
    with pytest.raises(ValueError, match="fields"):
        Composite([IntBox(0, 4)], Pair)


def test_discrete_conversion():
    wrapper = GymSpaceWrapper(gs.Discrete(5, start=2))
    space = wrapper.space
    assert isinstance(space, IntBox) and space.shape == () and wrapper.n == 5
    assert int(space.low) == 2 and int(space.high) == 7
    assert wrapper.null_value() == 2  # 0 is outside [2, 7)
    value = wrapper.convert(np.int64(4))
    assert value.dtype == np.int64 and value == 4
    reverted = wrapper.revert(np.asarray(3))
    assert type(reverted) is int and reverted == 3
    back = rlpyt_space_to_gym(space)
    assert back == gs.Discrete(5, start=2)


def test_box_float64_to_float32_and_back():
    gym_space = gs.Box(-2.0, 3.0, shape=(3,), dtype=np.float64)
    wrapper = GymSpaceWrapper(gym_space)
    assert isinstance(wrapper.space, FloatBox) and wrapper.dtype == np.float32
    value = wrapper.convert(gym_space.sample())
    assert value.dtype == np.float32 and wrapper.contains(value)
    reverted = wrapper.revert(value)
    assert reverted.dtype == np.float64 and gym_space.contains(reverted)
    back = rlpyt_space_to_gym(wrapper.space)
    assert isinstance(back, gs.Box) and back.dtype == np.float32 and back.shape == (3,)
    assert np.all(back.low == -2.0) and np.all(back.high == 3.0)


def test_box_keeps_float64_without_force():
    wrapper = GymSpaceWrapper(gs.Box(-1.0, 1.0, shape=(2,), dtype=np.float64), force_float32=False)
    assert wrapper.dtype == np.float64
    assert wrapper.convert(np.zeros(2)).dtype == np.float64


def test_integer_box_becomes_int_box():
    gym_space = gs.Box(0, 255, shape=(4, 4), dtype=np.uint8)
    space = gym_space_to_rlpyt(gym_space)
    assert isinstance(space, IntBox) and space.dtype == np.uint8
    assert space.high.max() == 256 and space.n == 256


def test_multi_discrete_conversion():
    gym_space = gs.MultiDiscrete([3, 4], start=[1, -2])
    wrapper = GymSpaceWrapper(gym_space)
    space = wrapper.space
    assert isinstance(space, IntBox) and space.shape == (2,)
    assert space.low.tolist() == [1, -2] and space.high.tolist() == [4, 2]
    assert wrapper.null_value().tolist() == [1, 0]
    for _ in range(50):
        assert gym_space.contains(wrapper.revert(wrapper.sample()))
    back = rlpyt_space_to_gym(space)
    assert isinstance(back, gs.MultiDiscrete)
    assert back.nvec.tolist() == [3, 4] and back.start.tolist() == [1, -2]


def test_multi_binary_conversion():
    gym_space = gs.MultiBinary((2, 3))
    wrapper = GymSpaceWrapper(gym_space)
    assert isinstance(wrapper.space, IntBox) and wrapper.shape == (2, 3) and wrapper.n == 2
    for _ in range(20):
        assert gym_space.contains(wrapper.revert(wrapper.sample()))


def _nested_gym_space():
    return gs.Dict({
        "pos.x": gs.Box(-1.0, 1.0, shape=(2,), dtype=np.float64),
        "mode": gs.Discrete(3),
        "parts": gs.Tuple((gs.Discrete(2), gs.Dict({"v": gs.Box(0, 1, shape=(1,))}))),
    })


def test_dict_and_nested_tuple_conversion():
    wrapper = GymSpaceWrapper(_nested_gym_space())
    space = wrapper.space
    assert isinstance(space, Composite)
    assert space.names == ("mode", "parts", "pos_x")
    parts = space.spaces[1]
    assert isinstance(parts, Composite) and parts.names == ("tuple_0", "tuple_1")
    assert isinstance(parts.spaces[1], Composite) and parts.spaces[1].names == ("v",)
    assert space.spaces[2].dtype == np.float32
    assert wrapper.shape == ((), ((), ((1,),)), (2,))
    back = rlpyt_space_to_gym(space)
    assert isinstance(back, gs.Dict) and set(back.spaces) == {"mode", "parts", "pos_x"}
    assert isinstance(back["parts"], gs.Dict) and set(back["parts"].spaces) == {"tuple_0", "tuple_1"}


def test_convert_revert_round_trip():
    gym_space = _nested_gym_space()
    gym_space.seed(0)
    wrapper = GymSpaceWrapper(gym_space)
    for _ in range(20):
        gym_value = gym_space.sample()
        value = wrapper.convert(gym_value)
        assert value.pos_x.dtype == np.float32 and value.parts.tuple_1.v.dtype == np.float32
        assert wrapper.contains(value)
        reverted = wrapper.revert(value)
        assert gym_space.contains(reverted)
        assert set(reverted) == {"pos.x", "mode", "parts"}
        assert isinstance(reverted["parts"], tuple) and type(reverted["mode"]) is int
        assert reverted["mode"] == gym_value["mode"]
        np.testing.assert_allclose(reverted["pos.x"], gym_value["pos.x"], rtol=1e-6)
        for _ in range(3):
            assert gym_space.contains(wrapper.revert(wrapper.sample()))


def test_converted_values_and_spaces_pickle():
    wrapper = GymSpaceWrapper(_nested_gym_space())
    value = wrapper.convert(wrapper.gym_space.sample())
    loaded = pickle.loads(pickle.dumps(value))
    assert type(loaded) is type(value) and loaded._fields == value._fields
    assert type(loaded.parts) is type(value.parts)
    np.testing.assert_array_equal(loaded.pos_x, value.pos_x)
    loaded_wrapper = pickle.loads(pickle.dumps(wrapper))
    assert loaded_wrapper.space.names == wrapper.space.names
    converted = loaded_wrapper.convert(wrapper.revert(value))
    assert type(converted) is type(value)
    assert type(loaded_wrapper.sample()) is type(value)


def test_composite_of_module_level_namedtuple_pickles_by_reference():
    space = pickle.loads(pickle.dumps(Composite([IntBox(0, 2), IntBox(0, 3)], Pair)))
    assert space.NamedTupleCls is Pair and isinstance(space.sample(), Pair)


@pytest.mark.parametrize("gym_space", [
    gs.Text(5),
    gs.Sequence(gs.Discrete(2)),
    gs.Graph(node_space=gs.Discrete(2), edge_space=None),
    gs.Dict({"ok": gs.Discrete(2), "bad": gs.Text(3)}),
])
def test_unsupported_space_raises_type_error(gym_space):
    with pytest.raises(TypeError, match=r"(Text|Sequence|Graph).*supported spaces: Discrete, Box"):
        GymSpaceWrapper(gym_space)


def test_rlpyt_space_to_gym_rejects_other_objects():
    with pytest.raises(TypeError, match="unsupported space"):
        rlpyt_space_to_gym(gymnasium.spaces.Discrete(2))


def test_sanitize_field_names():
    assert sanitize_field_names(["a.b", "_c", "1x", "class", "a_b", ""], reserved=["c"]) == (
        "a_b", "c_1", "f_1x", "f_class", "a_b_1", "f_")
