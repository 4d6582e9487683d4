"""Training-time estimates and budgets from the measured speeds."""

import dataclasses
import importlib.util
from pathlib import Path

import pytest
import torch

from helpers import budget
from helpers.budget import (
    MEASURED_SAMPLES_PER_SECOND,
    estimate_seconds,
    samples_per_second,
    samples_within,
    training_estimate,
)
from helpers.profiles import SMALL_MODEL_HUB_ID, get_profile

ROOT = Path(__file__).resolve().parent.parent


def test_every_path_the_benchmark_measures_in_fp32_has_a_figure():
    spec = importlib.util.spec_from_file_location(
        "bench_paths", ROOT / "benchmarks" / "bench_paths.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    wanted = {(task, path, "no") for task, paths in bench.PATHS.items() for path in paths}
    assert wanted <= set(MEASURED_SAMPLES_PER_SECOND)
    assert all(speed > 0 for speed in MEASURED_SAMPLES_PER_SECOND.values())


def test_estimate_scales_with_samples_and_epochs():
    one = estimate_seconds(1000, 1, "mrpc")
    assert estimate_seconds(2000, 1, "mrpc") == pytest.approx(2 * one)
    assert estimate_seconds(1000, 3, "mrpc") == pytest.approx(3 * one)
    assert estimate_seconds(0, 2, "ner") == 0


@pytest.mark.parametrize("num_samples, epochs", [(-1, 1), (10, -0.5)])
def test_negative_sizes_are_refused(num_samples, epochs):
    with pytest.raises(ValueError, match="must be >= 0"):
        estimate_seconds(num_samples, epochs, "mrpc")


def test_unknown_combination_names_what_was_measured():
    with pytest.raises(KeyError, match="no measured speed .* Measured: .*mrpc/trainer/no"):
        samples_per_second("mrpc", "trainer", "fp16")


def test_samples_within_inverts_the_estimate():
    fit = samples_within(120, 2, "ner", path="accelerate")
    assert estimate_seconds(fit, 2, "ner", path="accelerate") <= 120
    assert estimate_seconds(fit + 1, 2, "ner", path="accelerate") > 120
    assert samples_within(10_000, 2, "ner", available=5000) == 5000


@pytest.mark.parametrize("seconds, epochs", [(0, 1), (60, 0)])
def test_an_empty_budget_is_refused(seconds, epochs):
    with pytest.raises(ValueError, match="must be > 0"):
        samples_within(seconds, epochs, "mrpc")


def test_estimate_line_on_the_laptop_profile(monkeypatch):
    laptop = dataclasses.replace(
        get_profile("laptop"), mrpc_model=SMALL_MODEL_HUB_ID, ner_model=SMALL_MODEL_HUB_ID
    )
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert budget.estimates_apply(laptop)
    line = training_estimate(laptop, 3668, 2, "mrpc", how_to_shorten="set COURSE_EPOCHS=1")
    speed = samples_per_second("mrpc", "trainer", "no")
    assert line.startswith("Training 3668 examples x 2 epochs in fp32: about ")
    assert f"({speed:.0f} samples/s measured there)" in line
    assert line.endswith("To shorten it: set COURSE_EPOCHS=1.")
    assert budget.format_duration(estimate_seconds(3668, 2, "mrpc")) in line


def test_estimate_line_says_when_no_figure_applies():
    embedded = get_profile("embedded")
    assert "a few seconds" in training_estimate(embedded, 32, 8, "mrpc")
    other = dataclasses.replace(get_profile("laptop"), mrpc_model="bert-base-uncased")
    assert "no measured speed for this model" in training_estimate(other, 3668, 2, "mrpc")
    assert not budget.estimates_apply(other)
    assert not budget.estimates_apply(embedded)


def test_no_estimate_on_a_gpu(monkeypatch):
    laptop = dataclasses.replace(
        get_profile("laptop"), mrpc_model=SMALL_MODEL_HUB_ID, ner_model=SMALL_MODEL_HUB_ID
    )
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert not budget.estimates_apply(laptop)
    assert "no measured speed" in training_estimate(laptop, 3668, 2, "mrpc")


def test_without_a_bf16_figure_the_fp32_one_bounds_the_time(monkeypatch):
    monkeypatch.setattr(budget, "estimates_apply", lambda profile: True)
    laptop = get_profile("laptop")
    assert ("ner", "trainer", "bf16") not in MEASURED_SAMPLES_PER_SECOND
    line = training_estimate(laptop, 5000, 2, "ner", precision="bf16")
    # the line names the precision the run uses, and says the figure is fp32's
    assert line.startswith("Training 5000 examples x 2 epochs in bf16 autocast: at most ")
    assert "the table has only fp32's" in line
