"""Hub kernels off (transformers 5.25+): the TPU and GPU paths, without a TPU or a GPU.

A model is made to report another device type the way transformers' kernelize reads it
(``_kernels_device``, which transformers caches for offloaded models), so ``model.train()``
and ``model.eval()`` take the path they take on that device. On a GPU, ``kernels`` also asks
for the compute capability, answered here as an A100's.
"""

from __future__ import annotations

import importlib
import os

import pytest
import torch

import helpers
from helpers.hub_kernels import hub_kernels_off


@pytest.fixture
def no_switch(monkeypatch):
    """USE_HUB_KERNELS unset for the test, and whatever the test sets undone afterwards."""
    monkeypatch.setenv("USE_HUB_KERNELS", "placeholder")  # remembered as "was unset"
    monkeypatch.delenv("USE_HUB_KERNELS")


def model_on(device_type: str, monkeypatch):
    """The embedded MRPC model, as ``training_function`` loads it, reporting ``device_type``."""
    from transformers import AutoModelForSequenceClassification

    checkpoint = helpers.model_checkpoint(helpers.get_profile("embedded"), "mrpc")
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
    model._kernels_device = torch.device(device_type)  # torch knows the types without them
    if device_type == "cuda":
        monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (8, 0))
    return model


def kernelizes_by_default() -> bool:
    """Whether this transformers turns Hub kernels on by default (5.25 and later)."""
    if importlib.util.find_spec("kernels") is None:
        return False
    from transformers.integrations import hub_kernels

    return hasattr(hub_kernels, "_kernels_enabled") and hub_kernels._kernels_enabled()


def test_without_the_switch_a_model_on_xla_fails_as_learners_saw_it(no_switch, monkeypatch):
    if not kernelizes_by_default():
        pytest.skip("this transformers does not kernelize by default (before 5.25)")
    model = model_on("xla", monkeypatch)
    with pytest.raises(ValueError, match="Unsupported device type 'xla'"):
        model.train()


def test_without_the_switch_eval_on_a_gpu_fetches_a_kernel_from_the_hub(no_switch, monkeypatch):
    if not kernelizes_by_default():
        pytest.skip("this transformers does not kernelize by default (before 5.25)")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = model_on("cuda", monkeypatch)
    model.train()
    with pytest.raises(ValueError, match="kernels-community/activation"):
        model.eval()  # offline: not in the local cache


@pytest.mark.parametrize("device_type", ["xla", "cuda", "cpu"])
def test_with_the_kits_switch_a_model_trains_and_evaluates(no_switch, monkeypatch, device_type):
    assert hub_kernels_off()
    model = model_on(device_type, monkeypatch)
    assert not getattr(model, "use_kernels", False)
    model.train()
    model.eval()
    model.train()
    assert model.training
    activation = model.bert.encoder.layer[0].intermediate.intermediate_act_fn
    assert "forward" not in vars(activation)  # PyTorch's GELU, not a kernel's


def test_setup_turns_hub_kernels_off(no_switch):
    helpers.setup("embedded", progress_bars=False)
    assert os.environ["USE_HUB_KERNELS"] == "NO"


def test_a_value_the_user_chose_stays(monkeypatch):
    monkeypatch.setenv("USE_HUB_KERNELS", "yes")
    assert not hub_kernels_off()
    assert os.environ["USE_HUB_KERNELS"] == "yes"
    monkeypatch.setenv("USE_HUB_KERNELS", "false")
    assert hub_kernels_off()


def test_the_training_script_turns_them_off_too(no_switch, monkeypatch):
    from helpers import train_model

    seen = {}

    def check_head(*args):
        seen["switch"] = os.environ.get("USE_HUB_KERNELS")
        raise RuntimeError("stop before loading")

    monkeypatch.setattr(train_model, "check_head", check_head)
    with pytest.raises(RuntimeError, match="stop before loading"):
        train_model.load_model("mrpc", "unused", ["a", "b"], recipe=None)
    assert seen["switch"] == "NO"
