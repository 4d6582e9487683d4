"""helpers.speed: a speed measured here, the estimate from it, and the check against the actual."""

import dataclasses

import pytest
import torch
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

import helpers
from helpers import speed
from helpers.budget import training_estimate
from helpers.profiles import get_profile


@pytest.mark.parametrize(
    "estimated, actual",
    [(100.0, 100.0), (125.0, 100.0), (75.0, 100.0), (110.0, 95.0)],
)
def test_an_estimate_within_a_quarter_passes(estimated, actual):
    within, line = speed.estimate_check(estimated, actual)
    assert within, line
    assert "within 25%" in line


@pytest.mark.parametrize(
    "estimated, actual",
    # the banner's fp32 table figure for a bf16 run (2.7x too long), half, a little over 25%
    [(180.0, 66.0), (50.0, 100.0), (126.0, 100.0), (0.0, 10.0)],
)
def test_a_wrong_estimate_is_rejected(estimated, actual):
    within, line = speed.estimate_check(estimated, actual)
    assert not within
    assert "OFF by more than 25%" in line


def test_the_check_refuses_nonsense_times():
    with pytest.raises(ValueError, match="actual > 0"):
        speed.estimate_check(10.0, 0.0)


def test_training_seconds_leave_the_evaluations_out():
    history = [{"loss": 0.7, "step": 10}, {"eval_runtime": 4.0}, {"eval_runtime": 6.0}]
    assert speed.trainer_train_seconds(history, 100.0) == 90.0
    assert speed.trainer_train_seconds([], 12.5) == 12.5


def test_a_measured_speed_makes_the_estimate_and_names_the_precision():
    measured = speed.Speed(50.0, "bf16", "6 timed steps here")
    line = training_estimate(get_profile("embedded"), 1000, 2, "mrpc", "bf16", measured=measured)
    # 1000 x 2 / 50 = 40 s, from the speed measured here, not from the table or the toy note
    assert line.startswith("Training 1000 examples x 2 epochs in bf16 autocast: about 40 s")
    assert "50 samples/s measured: 6 timed steps here" in line
    fp32 = training_estimate(get_profile("embedded"), 10, 1, "mrpc", "no")
    assert "in fp32" in fp32


def test_a_speed_must_be_positive():
    with pytest.raises(ValueError, match="must be > 0"):
        speed.remember_speed(("mrpc", "trainer", "no", "x"), 0.0)


@pytest.fixture
def tiny_trainer(tmp_path):
    torch.manual_seed(0)
    checkpoint = helpers.model_checkpoint(get_profile("embedded"), "mrpc")
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    raw_datasets = helpers.load_mrpc()
    train = raw_datasets["train"].select(range(64))
    train = train.map(helpers.tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer})
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
    args = TrainingArguments(
        output_dir=str(tmp_path / "run"),
        per_device_train_batch_size=8,
        num_train_epochs=1,
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
        train_sampling_strategy="group_by_length",
    )
    collator = DataCollatorWithPadding(tokenizer=tokenizer)
    return Trainer(model, args, train_dataset=train, data_collator=collator)


def test_measuring_leaves_the_run_untouched(tiny_trainer, monkeypatch):
    monkeypatch.setattr(speed, "SESSION_SPEEDS", {})
    before = {k: v.clone() for k, v in tiny_trainer.model.state_dict().items()}
    rng = torch.get_rng_state()
    key = ("mrpc", "trainer", "no", "tiny")
    measured = speed.measure_trainer_speed(tiny_trainer, key, steps=3, warmup=1)
    assert measured.samples_per_second > 0
    assert measured.precision == "no"
    assert measured.how == "3 timed steps here"
    # the model that will train, its random state and its output folder: as they were
    after = tiny_trainer.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert torch.equal(rng, torch.get_rng_state())
    assert not (tiny_trainer.args.output_dir and list_dir(tiny_trainer.args.output_dir))
    # kept for the session: the next cell of the same path and precision measures nothing
    again = speed.measure_trainer_speed(tiny_trainer, key)
    assert again.samples_per_second == measured.samples_per_second
    assert again.how == "an earlier run of this session"


def test_measuring_needs_two_batches(tiny_trainer):
    small = dataclasses.replace(tiny_trainer.args, per_device_train_batch_size=64)
    tiny_trainer.args = small
    with pytest.raises(ValueError, match="at least 2 batches"):
        speed.measure_trainer_speed(tiny_trainer)


def list_dir(path):
    import os

    return os.listdir(path) if os.path.isdir(path) else []


def test_the_probes_batches_are_as_homogeneous_as_a_grouped_runs():
    lengths = [7, 30, 8, 31, 9, 29, 10, 32]
    order = speed.grouped_order([[0] * n for n in lengths], batch_size=2)
    assert sorted(order) == list(range(8))
    batches = [[lengths[i] for i in order[k : k + 2]] for k in (0, 2, 4, 6)]
    # each batch pads to within 1 token of its longest; random pairs would pad ~20 tokens
    assert all(max(b) - min(b) <= 1 for b in batches)
