"""The learning curve, drawn headless from a synthetic ``trainer.state.log_history``."""

import math

import matplotlib

matplotlib.use("Agg")  # headless: no display, no window

import matplotlib.pyplot as plt
import pytest

from helpers.history import best_epoch, early_stopping_epoch, log_history_frame, rising_epoch
from helpers.plots import (
    confusion_counts,
    plot_confusion_matrix,
    plot_learning_curve,
    plot_loss_curves,
)


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


# ---------------------------------------------------------------- over-fitting

# validation loss falls to epoch 3, then rises while the training loss goes on falling
EVAL_LOSSES = [0.70, 0.60, 0.55, 0.58, 0.66, 0.75]


def overfitting_history(strategy: str = "epoch", steps_per_epoch: int = 4):
    """A Trainer-shaped log_history: eval every epoch, or every 2 steps (fractional epochs)."""
    history = []
    eval_every = steps_per_epoch if strategy == "epoch" else 2
    losses = iter(EVAL_LOSSES)
    for step in range(1, len(EVAL_LOSSES) * eval_every + 1):
        epoch = step / steps_per_epoch
        history.append({"loss": 1.0 / step, "learning_rate": 1e-3, "epoch": epoch, "step": step})
        if step % eval_every == 0:
            history.append(
                {"eval_loss": next(losses), "eval_f1": 0.5, "epoch": epoch, "step": step}
            )
    history.append({"train_runtime": 1.0, "train_loss": 0.2, "epoch": epoch, "step": step})
    return history


def test_best_and_rising_epoch():
    history = overfitting_history()
    assert best_epoch(history) == 3.0
    assert rising_epoch(history) == 4.0
    assert best_epoch(history, "eval_loss", greater_is_better=True) == 6.0
    still_improving = [h for h in history if h["step"] <= 12]  # evaluations at epochs 1-3
    assert rising_epoch(still_improving) is None
    assert best_epoch(overfitting_history("steps")) == 1.5  # the 3rd evaluation, at step 6


def test_best_epoch_of_a_metric_is_its_highest():
    history = [{"eval_f1": v, "epoch": e, "step": e} for e, v in [(1, 0.5), (2, 0.8), (3, 0.7)]]
    assert best_epoch(history, "eval_f1") == 2.0
    assert best_epoch(history, "eval_f1", greater_is_better=False) == 1.0


def test_rising_epoch_ignores_a_plateau_at_the_best():
    history = [{"eval_loss": v, "epoch": e, "step": e} for e, v in [(1, 0.5), (2, 0.5), (3, 0.6)]]
    assert (best_epoch(history), rising_epoch(history)) == (1.0, 3.0)


def test_no_evaluation_says_how_to_log_one():
    history = [h for h in overfitting_history() if "eval_loss" not in h]
    for call in (best_epoch, rising_epoch, plot_loss_curves):
        with pytest.raises(ValueError, match=r"no 'eval_loss'.*eval_strategy='epoch'"):
            call(history)


def _callback_stop_epoch(values, patience, threshold=0.0, greater_is_better=False):
    """transformers' own EarlyStoppingCallback, fed the evaluations as the Trainer feeds it."""
    from transformers import EarlyStoppingCallback, TrainerControl, TrainerState

    args = type("Args", (), {"metric_for_best_model": "eval_loss"})()
    args.greater_is_better = greater_is_better
    callback = EarlyStoppingCallback(patience, threshold)
    state, control = TrainerState(), TrainerControl()
    for epoch, value in enumerate(values, start=1):
        callback.on_evaluate(args, state, control, metrics={"eval_loss": value})
        # then the Trainer records the best metric (Trainer._determine_best_metric)
        better = state.best_metric is None or (
            value > state.best_metric if greater_is_better else value < state.best_metric
        )
        if better:
            state.best_metric = value
        if control.should_training_stop:
            return float(epoch)
    return None


@pytest.mark.parametrize(
    ("values", "patience", "threshold"),
    [
        (EVAL_LOSSES, 1, 0.0),
        (EVAL_LOSSES, 2, 0.0),
        (EVAL_LOSSES, 4, 0.0),
        ([0.7, 0.69, 0.68, 0.5, 0.49, 0.6], 2, 0.05),
        ([0.7, 0.69, 0.68, 0.5, 0.49, 0.6], 2, 0.0),
        ([0.5, 0.5, 0.5], 2, 0.0),
    ],
)
def test_early_stopping_epoch_is_the_callbacks(values, patience, threshold):
    history = [{"eval_loss": v, "epoch": e, "step": 10 * e} for e, v in enumerate(values, 1)]
    expected = _callback_stop_epoch(values, patience, threshold)
    assert early_stopping_epoch(history, patience, threshold=threshold) == expected


def test_early_stopping_epoch_values():
    history = overfitting_history()
    assert early_stopping_epoch(history, patience=2) == 5.0
    assert early_stopping_epoch(history, patience=3) == 6.0
    assert early_stopping_epoch(history, patience=4) is None


@pytest.mark.parametrize("strategy", ["epoch", "steps"])
def test_loss_curves_draw_both_losses_and_the_best_epoch(strategy):
    history = overfitting_history(strategy)
    ax = plot_loss_curves(history)
    train, validation, best = ax.get_lines()
    assert train.get_label() == "training loss" and validation.get_label() == "validation loss"
    assert list(validation.get_ydata()) == EVAL_LOSSES
    expected_best_step = 12 if strategy == "epoch" else 6
    assert list(best.get_xdata()) == [expected_best_step] * 2
    assert best.get_label() == f"lowest validation loss (epoch {best_epoch(history):g})"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step", "loss")
    assert ax.child_axes[0].get_xlabel() == "epoch"
    ax.figure.canvas.draw()


def _mlp_trainer(tmp_path, strategy, callbacks=()):
    """A Trainer on a small MLP that memorises random labels: its curves must part."""
    import datasets
    import torch
    from transformers import Trainer, TrainingArguments

    class MLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(8, 128), torch.nn.ReLU(), torch.nn.Linear(128, 2)
            )

        def forward(self, x, labels=None):
            logits = self.net(x)
            return {"loss": torch.nn.functional.cross_entropy(logits, labels), "logits": logits}

    generator = torch.Generator().manual_seed(0)

    def split(n):
        data = {"x": torch.randn(n, 8, generator=generator).tolist()}
        data["labels"] = torch.randint(0, 2, (n,), generator=generator).tolist()
        return datasets.Dataset.from_dict(data).with_format("torch")

    args = TrainingArguments(
        output_dir=str(tmp_path),
        eval_strategy=strategy,
        save_strategy=strategy,
        eval_steps=4,
        save_steps=4,
        logging_steps=2,
        num_train_epochs=12,
        per_device_train_batch_size=8,
        learning_rate=1e-2,
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        report_to=[],
        use_cpu=True,
        seed=0,
        disable_tqdm=True,
        save_only_model=True,
    )
    torch.manual_seed(0)
    return Trainer(
        model=MLP(), args=args, train_dataset=split(32), eval_dataset=split(32), callbacks=callbacks
    )


@pytest.mark.parametrize("strategy", ["epoch", "steps"])
def test_a_real_trainer_history_overfits_and_early_stopping_agrees(tmp_path, strategy):
    from transformers import EarlyStoppingCallback

    trainer = _mlp_trainer(tmp_path, strategy, [EarlyStoppingCallback(early_stopping_patience=2)])
    trainer.train()
    history = trainer.state.log_history
    stop = early_stopping_epoch(history, patience=2)
    assert stop is not None and stop < 12, "the MLP should over-fit and be stopped"
    assert trainer.state.epoch == pytest.approx(stop)
    assert rising_epoch(history) is not None and rising_epoch(history) > best_epoch(history)
    frame = log_history_frame(history)
    evaluations = frame["eval_loss"].dropna()
    assert evaluations.min() < evaluations.iloc[-1]  # the validation loss rose again
    assert trainer.state.best_metric == evaluations.min()
    ax = plot_loss_curves(history)
    assert ax.get_lines()[1].get_label() == "validation loss"
    ax.figure.canvas.draw()


# ---------------------------------------------------------------- confusion matrix

LABEL_NAMES = ["not_equivalent", "equivalent"]


def test_confusion_counts_rows_are_the_truth():
    references = [0, 0, 0, 1, 1]
    predictions = [0, 1, 1, 1, 1]
    counts = confusion_counts(references, predictions, LABEL_NAMES)
    assert counts.to_numpy().tolist() == [[1, 2], [0, 2]]
    assert (counts.index.name, counts.columns.name) == ("true label", "predicted label")
    assert list(counts.index) == list(counts.columns) == LABEL_NAMES
    swapped = confusion_counts(predictions, references, LABEL_NAMES)
    assert swapped.to_numpy().tolist() == [[1, 0], [2, 2]]  # wrong-answer check: transposed


def test_confusion_counts_takes_tensors_and_arrays():
    import numpy as np
    import torch

    counts = confusion_counts(torch.tensor([2, 0, 1]), np.array([2, 1, 1]), ["a", "b", "c"])
    assert counts.to_numpy().tolist() == [[0, 1, 0], [0, 1, 0], [0, 0, 1]]


@pytest.mark.parametrize(
    ("references", "predictions", "message"),
    [
        ([0, 2], [0, 1], r"class id 2 is outside label_names \(2 names"),
        ([0, -100], [0, 1], r"class id -100 .* not -100"),
        ([0, 1], [[0.2, 0.8], [0.6, 0.4]], r"logits"),
        ([0, 1], [0], r"2 references|1 predictions"),
    ],
)
def test_confusion_counts_rejects(references, predictions, message):
    with pytest.raises(ValueError, match=message):
        confusion_counts(references, predictions, LABEL_NAMES)


def test_confusion_matrix_plot_shows_counts_and_row_shares():
    ax = plot_confusion_matrix([0, 0, 0, 1, 1], [0, 1, 1, 1, 1], LABEL_NAMES)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["1\n33%", "2\n67%", "0\n0%", "2\n100%"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")
    assert [t.get_text() for t in ax.get_yticklabels()] == LABEL_NAMES
    assert "5 examples" in ax.get_title()
    ax.figure.canvas.draw()
