"""The learning curve, drawn headless from a synthetic ``trainer.state.log_history``."""

import math

import matplotlib

matplotlib.use("Agg")  # headless: no display, no window

import matplotlib.pyplot as plt
import pytest

from helpers.plots import log_history_frame, plot_learning_curve


def synthetic_history(epochs: int = 2, steps_per_epoch: int = 6, logging_steps: int = 2):
    """What the Trainer logs with eval_strategy="epoch": training entries, then one eval per epoch."""
    history = []
    for step in range(1, epochs * steps_per_epoch + 1):
        epoch = step / steps_per_epoch
        if step % logging_steps == 0:
            history.append(
                {
                    "loss": 1.0 / step,
                    "grad_norm": 0.5,
                    "learning_rate": 1e-4,
                    "epoch": epoch,
                    "step": step,
                }
            )
        if step % steps_per_epoch == 0:
            history.append(
                {
                    "eval_loss": 0.5 / epoch,
                    "eval_accuracy": 0.6 + 0.1 * epoch,
                    "eval_f1": 0.7 + 0.1 * epoch,
                    "eval_runtime": 0.3,
                    "eval_samples_per_second": 300.0,
                    "eval_steps_per_second": 40.0,
                    "epoch": epoch,
                    "step": step,
                }
            )
    history.append(
        {
            "train_runtime": 4.2,
            "train_loss": 0.3,
            "total_flos": 1e9,
            "epoch": float(epochs),
            "step": step,
        }
    )
    return history


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_frame_merges_training_and_evaluation_rows_by_step():
    frame = log_history_frame(synthetic_history())
    assert list(frame.index) == [2, 4, 6, 8, 10, 12]
    assert list(frame.columns) == [
        "epoch",
        "loss",
        "grad_norm",
        "learning_rate",
        "eval_loss",
        "eval_accuracy",
        "eval_f1",
    ]
    assert frame.loc[6, "eval_loss"] == 0.5 and frame.loc[6, "loss"] == pytest.approx(1 / 6)
    assert math.isnan(frame.loc[4, "eval_loss"])
    assert frame["eval_loss"].notna().sum() == 2


def test_frame_keeps_the_first_of_two_evaluations_at_one_step():
    history = synthetic_history(epochs=1)
    history.append({"eval_loss": 9.9, "epoch": 1.0, "step": 6})
    assert log_history_frame(history).loc[6, "eval_loss"] == 0.5


@pytest.mark.parametrize(
    "history, message",
    [
        ([], "log_history is empty"),
        ([{"loss": 0.5, "epoch": 1.0}], "entry 0 has no 'step'"),
    ],
)
def test_frame_errors_say_what_to_pass(history, message):
    with pytest.raises(ValueError, match=message):
        log_history_frame(history)


def test_curve_has_the_losses_on_the_left_and_the_metrics_on_the_right():
    ax = plot_learning_curve(synthetic_history())
    assert [line.get_label() for line in ax.get_lines()] == ["training loss", "validation loss"]
    train, validation = ax.get_lines()
    assert list(train.get_xdata()) == [2, 4, 6, 8, 10, 12]
    assert list(train.get_ydata()) == pytest.approx([1 / s for s in (2, 4, 6, 8, 10, 12)])
    assert list(validation.get_xdata()) == [6, 12]
    assert list(validation.get_ydata()) == pytest.approx([0.5, 0.25])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step", "loss")
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert [line.get_label() for line in twin.get_lines()] == [
        "validation accuracy",
        "validation f1",
    ]
    assert twin.get_ylabel() == "validation metric"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation accuracy", "validation f1"]
    assert ax.child_axes[0].get_xlabel() == "epoch"


def test_curve_draws_into_a_given_axes_and_only_the_metrics_asked_for():
    fig, given = plt.subplots()
    ax = plot_learning_curve(synthetic_history(), ax=given, metrics=["f1"])
    assert ax is given and len(plt.get_fignums()) == 1
    twin = next(a for a in fig.axes if a is not ax)
    assert [line.get_label() for line in twin.get_lines()] == ["validation f1"]


def test_curve_without_metrics_or_evaluation():
    history = [h for h in synthetic_history() if "eval_loss" not in h]
    ax = plot_learning_curve(history)
    assert [line.get_label() for line in ax.get_lines()] == ["training loss"]
    assert len(ax.figure.axes) == 1
    ax = plot_learning_curve(synthetic_history(), metrics=[])
    assert len(ax.figure.axes) == 1


def test_no_training_loss_names_logging_steps():
    # logging_steps larger than the run: only evaluations and the summary were logged
    history = synthetic_history(logging_steps=100)
    with pytest.raises(ValueError, match=r"made 12\. Fix: .*logging_steps=1\b"):
        plot_learning_curve(history)


def test_unknown_metric_lists_the_logged_ones():
    with pytest.raises(
        ValueError, match=r"\['precision'\] were not logged; .*\['accuracy', 'f1'\]"
    ):
        plot_learning_curve(synthetic_history(), metrics=["precision"])
