"""Tests of variants: cross products, dir names, save/load, update_config."""
import pytest

from rlpyt.utils.launching.variant import (VARIANT, VariantLevel, load_variant, make_variants,
    save_variant, update_config)

DEFAULT = dict(algo=dict(learning_rate=1e-3, discount=0.99), env=dict(id="CartPole-v1"),
               runner=dict(n_steps=1000, log=dict(interval=100)))


def test_cross_product_and_dir_names():
    lrs = VariantLevel([("algo", "learning_rate")], [(1e-3,), (3e-4,)], ["lr_1e-3", "lr_3e-4"])
    envs = VariantLevel([("env", "id"), ("runner", "n_steps")],
                        [("CartPole-v1", 100), ("Acrobot-v1", 200), ("Pendulum-v1", 300)],
                        ["cartpole", "acrobot", "pendulum"])
    variants, log_dirs = make_variants(lrs, envs)
    assert len(variants) == 6
    assert log_dirs[:3] == ["lr_1e-3/cartpole", "lr_1e-3/acrobot", "lr_1e-3/pendulum"]
    assert variants[4] == dict(algo=dict(learning_rate=3e-4),
                               env=dict(id="Acrobot-v1"), runner=dict(n_steps=200))
    assert len(set(log_dirs)) == 6
    variants[0]["algo"]["learning_rate"] = 0
    assert variants[1]["algo"]["learning_rate"] == 1e-3, "variants must not share dicts"


def test_no_levels_and_plain_string_keys():
    assert make_variants() == ([{}], [""])
    variants, log_dirs = make_variants(VariantLevel(["seed"], [(1,), (2,)], ["s1", "s2"]))
    assert variants == [{"seed": 1}, {"seed": 2}] and log_dirs == ["s1", "s2"]


@pytest.mark.parametrize("level, match", [
    (VariantLevel([("a",)], [(1,), (2,)], ["x"]), "2 values but 1 dir_names"),
    (VariantLevel([("a",), ("b",)], [(1,)], ["x"]), "tuple of 2"),
    (VariantLevel([("a",)], [(1,), (2,)], ["x", "x"]), "unique"),
    (VariantLevel([()], [(1,)], ["x"]), "non-empty"),
])
def test_bad_levels_raise(level, match):
    with pytest.raises(ValueError, match=match):
        make_variants(level)


def test_save_load_round_trip(tmp_path):
    variant = dict(algo=dict(learning_rate=3e-4), env=dict(id="CartPole-v1"), tags=[1, 2])
    path = save_variant(variant, str(tmp_path / "new" / "dir"))
    assert path.endswith(VARIANT)
    assert load_variant(str(tmp_path / "new" / "dir")) == variant
    with pytest.raises(FileNotFoundError, match="no variant_config.json"):
        load_variant(str(tmp_path))


def test_update_config_deep_merges_without_touching_default():
    merged = update_config(DEFAULT, dict(algo=dict(learning_rate=3e-4),
                                         runner=dict(log=dict(interval=5))))
    assert merged["algo"] == dict(learning_rate=3e-4, discount=0.99)
    assert merged["runner"] == dict(n_steps=1000, log=dict(interval=5))
    assert DEFAULT["algo"]["learning_rate"] == 1e-3 and DEFAULT["runner"]["log"]["interval"] == 100
    assert merged["env"] is not DEFAULT["env"]


def test_update_config_unknown_key_names_path_and_valid_keys():
    with pytest.raises(KeyError) as err:
        update_config(DEFAULT, dict(runner=dict(log=dict(intervall=5))))
    message = str(err.value)
    assert "'runner.log.intervall'" in message and "['interval']" in message
    with pytest.raises(KeyError, match=r"'lr'.*\['algo', 'env', 'runner'\]"):
        update_config(DEFAULT, dict(lr=1))
    with pytest.raises(TypeError, match="'algo' is a dict"):
        update_config(DEFAULT, dict(algo=0.1))
