"""Plots of a training run: learning curves from ``trainer.state.log_history``, confusion matrices.

Nothing is drawn or imported from matplotlib until a function is called, so importing this
module has no side effects and works headless (the Agg backend) as well as in Jupyter. The
log's table and the epochs read from it are in ``helpers.history``; the named-entity plots
of chapter 4 in ``helpers.entity_plots``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from helpers.history import _evaluations, best_epoch, log_history_frame

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def plot_learning_curve(
    log_history: Sequence[Mapping[str, Any]],
    ax: Axes | None = None,
    metrics: Sequence[str] | None = None,
) -> Axes:
    """Plot the training loss per logged step, and the validation loss and metrics per evaluation.

    Losses share the left axis; validation metrics (``eval_accuracy``, ``eval_f1``...) go on
    a second axis at the right, with dashed lines. The top axis counts epochs.

    Args:
        log_history: ``trainer.state.log_history``.
        ax: the Axes to draw on; None creates a new figure (7 x 4.5 inches) with pyplot.
        metrics: validation metrics to draw, without the ``eval_`` prefix (``["f1"]``);
            None draws every one that was logged, ``[]`` none.

    Returns:
        The Axes of the losses (``ax.figure`` is the Figure); the metrics' Axes is its twin,
        in ``ax.figure.axes``.

    Raises:
        ValueError: when the history holds no training loss (``logging_steps`` larger than
            the run), or ``metrics`` names a metric that was not logged.

    Used in: 02_mrpc_trainer.
    """
    frame = log_history_frame(log_history)
    last_step = int(frame.index.max()) if len(frame) else 0
    if "loss" not in frame.columns or frame["loss"].isna().all():
        raise ValueError(
            f"log_history has no training loss: the Trainer logs it every logging_steps steps "
            f"and this run made {last_step}. Fix: TrainingArguments(logging_steps=...) smaller "
            f"than {max(last_step, 1)}, e.g. logging_steps={max(1, last_step // 20)}."
        )
    logged = [
        c[len("eval_") :] for c in frame.columns if c.startswith("eval_") and c != "eval_loss"
    ]
    if metrics is None:
        metrics = logged
    missing = [m for m in metrics if m not in logged]
    if missing:
        raise ValueError(
            f"metrics {missing} were not logged; the history has {logged or 'no metrics'}. "
            "Fix: pick from those, or return them from compute_metrics (the Trainer adds eval_)."
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    train_loss = frame["loss"].dropna()
    ax.plot(train_loss.index, train_loss.to_numpy(), color="C0", label="training loss")
    if "eval_loss" in frame.columns:
        eval_loss = frame["eval_loss"].dropna()
        ax.plot(eval_loss.index, eval_loss.to_numpy(), "o-", color="C1", label="validation loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    handles, labels = ax.get_legend_handles_labels()
    if metrics:
        twin = ax.twinx()
        for i, name in enumerate(metrics):
            values = frame[f"eval_{name}"].dropna()
            twin.plot(
                values.index,
                values.to_numpy(),
                "s--",
                color=f"C{i + 2}",
                label=f"validation {name}",
            )
        twin.set_ylabel("validation metric")
        more_handles, more_labels = twin.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    # below the plot, where it hides no point of the curves
    ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, frameon=False
    )
    _epoch_axis(ax, frame)
    return ax


def _epoch_axis(ax: Axes, frame: pd.DataFrame) -> None:
    """An epoch scale on the top of an Axes whose x axis counts steps."""
    epochs = frame["epoch"].dropna()
    if len(epochs) and epochs.iloc[-1] > 0:
        steps_per_epoch = epochs.index[-1] / epochs.iloc[-1]
        top = ax.secondary_xaxis(
            "top", functions=(lambda s: s / steps_per_epoch, lambda e: e * steps_per_epoch)
        )
        top.set_xlabel("epoch")


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_loss_curves(log_history: Sequence[Mapping[str, Any]], ax: Axes | None = None) -> Axes:
    """Training and validation loss per step, epochs on top: where the curves part, it over-fits.

    The training loss keeps falling on the data the model learns from; the validation
    loss, on data it never trains on, falls with it and then rises once the model starts
    memorising. A dotted line marks the lowest validation loss (``best_epoch``), the
    checkpoint ``load_best_model_at_end`` keeps. Works with ``eval_strategy="epoch"`` and
    ``"steps"``.

    Args:
        log_history: ``trainer.state.log_history`` (with an ``eval_dataset``).
        ax: the Axes to draw on; None creates a figure (7 x 4 inches).

    Returns:
        The Axes (``ax.figure`` is the Figure).

    Used in: 02_mrpc_trainer (learning curves).
    """
    frame = log_history_frame(log_history)
    evaluations = _evaluations(log_history, "eval_loss")  # raises without evaluations
    if "loss" not in frame.columns or frame["loss"].isna().all():
        raise ValueError(
            "log_history has no training loss. Fix: TrainingArguments(logging_steps=...) "
            "smaller than the number of steps, e.g. logging_steps=1 for a short run."
        )
    ax = _new_axes(ax, (7, 4))
    train_loss = frame["loss"].dropna()
    eval_loss = frame["eval_loss"].dropna()
    ax.plot(train_loss.index, train_loss.to_numpy(), color="C0", label="training loss")
    ax.plot(eval_loss.index, eval_loss.to_numpy(), "o-", color="C1", label="validation loss")
    best = best_epoch(log_history)
    best_step = eval_loss.index[int(evaluations.to_numpy().argmin())]  # the first lowest
    ax.axvline(
        best_step, color="grey", linestyle=":", label=f"lowest validation loss (epoch {best:g})"
    )
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("Training and validation loss")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    _epoch_axis(ax, frame)
    return ax


# ---------------------------------------------------------------- confusion matrices


def confusion_counts(
    references: Sequence[int], predictions: Sequence[int], label_names: Sequence[str]
) -> pd.DataFrame:
    """How many examples of each true label got each predicted label.

    Args:
        references: true class ids (a list, numpy array or tensor).
        predictions: predicted class ids, same order (``logits.argmax(-1)``).
        label_names: the names of ids 0, 1, ... (``features["label"].names``).

    Returns:
        A DataFrame of counts: one row per true label, one column per predicted label.

    >>> confusion_counts([1, 1, 0, 0, 1], [1, 0, 0, 1, 1], ["not_equivalent", "equivalent"]).to_dict("index")
    {'not_equivalent': {'not_equivalent': 1, 'equivalent': 1}, 'equivalent': {'not_equivalent': 1, 'equivalent': 2}}

    Used in: 02_mrpc_trainer (through ``plot_confusion_matrix``).
    """
    import numpy as np
    import pandas as pd

    from helpers.metric_inputs import as_array, check_label_batch

    check_label_batch(predictions, references)
    refs = as_array(references, "references").astype(int)
    preds = as_array(predictions, "predictions").astype(int)
    n = len(label_names)
    outside = [int(v) for v in np.concatenate([refs, preds]) if not 0 <= v < n]
    if outside:
        raise ValueError(
            f"class id {outside[0]} is outside label_names ({n} names: ids 0 to {n - 1}). Fix: "
            "pass the dataset's label names, features['label'].names, and class ids, not -100."
        )
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (refs, preds), 1)
    names = list(label_names)
    return pd.DataFrame(
        counts,
        index=pd.Index(names, name="true label"),
        columns=pd.Index(names, name="predicted label"),
    )


def _heatmap(ax: Axes, counts: pd.DataFrame, shares: pd.DataFrame | None = None) -> None:
    """Counts as a labelled grid of cells, coloured by share of the row when given."""
    colours = (shares if shares is not None else counts).to_numpy(dtype=float)
    image = ax.imshow(colours, cmap="Blues", vmin=0, vmax=1 if shares is not None else None)
    ax.figure.colorbar(image, ax=ax, label="share of the row" if shares is not None else "count")
    ax.set_xticks(range(counts.shape[1]), [str(c) for c in counts.columns], rotation=30, ha="right")
    ax.set_yticks(range(counts.shape[0]), [str(i) for i in counts.index])
    ax.set_xlabel(counts.columns.name)
    ax.set_ylabel(counts.index.name)
    top = colours.max() or 1
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            text = f"{counts.iat[i, j]}"
            if shares is not None:
                text += f"\n{shares.iat[i, j]:.0%}"
            dark = colours[i, j] > (0.5 if shares is not None else top / 2)
            ax.text(j, i, text, ha="center", va="center", color="white" if dark else "black")


def plot_confusion_matrix(
    references: Sequence[int],
    predictions: Sequence[int],
    label_names: Sequence[str],
    ax: Axes | None = None,
) -> Axes:
    """The confusion matrix: counts in each cell, coloured by their share of the true label.

    Each row is a true label; its cells say how many of its examples were predicted as each
    label, and which share of the row that is (rows sum to 100%). The diagonal is what the
    model got right.

    Args:
        references: true class ids.
        predictions: predicted class ids (``logits.argmax(-1)``).
        label_names: names of ids 0, 1, ...
        ax: the Axes to draw on; None creates a figure.

    Returns:
        The Axes.

    Used in: 02_mrpc_trainer.
    """
    counts = confusion_counts(references, predictions, label_names)
    rows = counts.sum(axis=1).replace(0, 1)  # an absent label: shares 0, not NaN
    shares = counts.div(rows, axis=0)
    ax = _new_axes(ax, (1.6 * len(label_names) + 2.5, 1.3 * len(label_names) + 1.5))
    _heatmap(ax, counts, shares)
    ax.set_title(f"Confusion matrix ({int(counts.to_numpy().sum())} examples)")
    return ax


__all__ = [
    "confusion_counts",
    "plot_confusion_matrix",
    "plot_learning_curve",
    "plot_loss_curves",
]
