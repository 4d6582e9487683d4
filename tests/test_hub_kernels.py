"""The TPU path on transformers 5.25+: Hub kernels stay off where torch-xla runs.

No torch-xla here: a model is made to report the device type ``xla`` the way transformers'
kernelize reads it (``_kernels_device``, which transformers caches for offloaded models), so
``model.train()`` takes the path it takes on a TPU.
"""

from __future__ import annotations

import importlib.util
import os

import pytest
import torch

import helpers
from helpers.hub_kernels import hub_kernels_off_on_xla


@pytest.fixture
def no_switch(monkeypatch):
    """USE_HUB_KERNELS unset for the test, and whatever the test sets undone afterwards."""
    monkeypatch.setenv("USE_HUB_KERNELS", "placeholder")  # remembered as "was unset"
    monkeypatch.delenv("USE_HUB_KERNELS")


def model_on_xla():
    """The embedded MRPC model, as ``training_function`` loads it, reporting device type xla."""
    from transformers import AutoModelForSequenceClassification

    checkpoint = helpers.model_checkpoint(helpers.get_profile("embedded"), "mrpc")
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
    model._kernels_device = torch.device("xla")  # torch knows the type without torch-xla
    return model


def test_without_the_switch_model_train_fails_on_xla_as_learners_saw_it(no_switch):
    model = model_on_xla()
    if not getattr(model, "use_kernels", False):
        pytest.skip("this transformers does not kernelize by default (before 5.25)")
    with pytest.raises(ValueError, match="Unsupported device type 'xla'"):
        model.train()


def test_with_the_kits_switch_a_model_on_xla_trains_and_evaluates(no_switch):
    assert hub_kernels_off_on_xla(xla=True)
    model = model_on_xla()
    assert not getattr(model, "use_kernels", False)
    model.train()
    model.eval()
    model.train()
    assert model.training


def test_setup_turns_hub_kernels_off_where_torch_xla_is_installed(no_switch, monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return object() if name == "torch_xla" else real(name, *args, **kwargs)

    helpers.setup("embedded", progress_bars=False)
    assert "USE_HUB_KERNELS" not in os.environ  # no torch-xla: upstream's default stays
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    helpers.setup("embedded", progress_bars=False)
    assert os.environ["USE_HUB_KERNELS"] == "NO"


def test_a_value_the_user_chose_stays(monkeypatch):
    monkeypatch.setenv("USE_HUB_KERNELS", "yes")
    assert not hub_kernels_off_on_xla(xla=True)
    assert os.environ["USE_HUB_KERNELS"] == "yes"
    monkeypatch.setenv("USE_HUB_KERNELS", "false")
    assert hub_kernels_off_on_xla(xla=False)


def test_the_training_script_turns_them_off_too(no_switch, monkeypatch):
    from helpers import train_model

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a, **k: object())
    seen = {}

    def check_head(*args):
        seen["switch"] = os.environ.get("USE_HUB_KERNELS")
        raise RuntimeError("stop before loading")

    monkeypatch.setattr(train_model, "check_head", check_head)
    with pytest.raises(RuntimeError, match="stop before loading"):
        train_model.load_model("mrpc", "unused", ["a", "b"], recipe=None)
    assert seen["switch"] == "NO"
