"""Soft and hard target updates of parameters and buffers."""
import copy

import pytest
import torch

from rlpyt.models.utils import update_module, update_state_dict


def model_and_target():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    target = copy.deepcopy(model)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
        model(torch.randn(10, 3))  # moves the running statistics and counts a batch (an integer buffer)
    return model, target


@pytest.mark.parametrize("update", ["module", "state_dict"])
def test_soft_update_is_the_formula_and_integers_are_copied(update):
    model, target = model_and_target()
    before = {k: v.clone() for k, v in target.state_dict().items()}
    if update == "module":
        update_module(target, model, tau=0.25)
    else:
        update_state_dict(target, model.state_dict(), tau=0.25)
    for name, new in model.state_dict().items():
        got = target.state_dict()[name]
        if new.is_floating_point():
            torch.testing.assert_close(got, 0.75 * before[name] + 0.25 * new)
        else:
            assert torch.equal(got, new), name


def test_tau_one_copies_and_bad_input_is_named():
    model, target = model_and_target()
    update_module(target, model)
    for name, value in model.state_dict().items():
        assert torch.equal(target.state_dict()[name], value), name
    with pytest.raises(ValueError, match="tau must be in"):
        update_module(target, model, tau=0.0)
    with pytest.raises(KeyError, match=r"lacks \['0.bias'\]"):
        update_state_dict(target, {k: v for k, v in model.state_dict().items() if k != "0.bias"})
    with pytest.raises(ValueError, match="2 targets but 7 sources"):
        update_module(torch.nn.Linear(3, 4), model)
