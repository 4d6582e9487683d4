"""Plots of a training run: the learning curve from ``trainer.state.log_history``.

Nothing is drawn or imported from matplotlib until a function is called, so importing this
module has no side effects and works headless (the Agg backend) as well as in Jupyter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

# Speed figures (eval_runtime, eval_samples_per_second...) say how fast, not how well.
SPEED_SUFFIXES = ("_runtime", "_samples_per_second", "_steps_per_second")
# The Trainer ends log_history with a summary of the whole run (train_runtime, the mean
# train_loss, total_flos): not a point on the curve.
SUMMARY_KEY = "train_runtime"


def log_history_frame(log_history: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """``trainer.state.log_history`` as a table: one row per logged step.

    The Trainer logs training (``loss``, ``learning_rate``, ``grad_norm``) and evaluation
    (``eval_loss``, ``eval_accuracy``...) as separate entries that share a step; here they
    are merged into one row. The run's final summary and the speed figures
    (``eval_runtime``, ``..._per_second``) are left out; where two entries of one kind share
    a step (a ``trainer.evaluate()`` after training), the first is kept.

    Args:
        log_history: ``trainer.state.log_history``: dicts that each carry ``step`` and
            ``epoch``.

    Returns:
        A DataFrame indexed by ``step``, with ``epoch`` first and one column per logged
        number; NaN where a step has no value (no evaluation at that step, say).

    >>> history = [
    ...     {"loss": 0.69, "learning_rate": 0.001, "epoch": 0.5, "step": 5},
    ...     {"loss": 0.61, "learning_rate": 0.0005, "epoch": 1.0, "step": 10},
    ...     {"eval_loss": 0.64, "eval_f1": 0.8, "eval_runtime": 0.2, "epoch": 1.0, "step": 10},
    ...     {"train_runtime": 3.1, "train_loss": 0.65, "epoch": 1.0, "step": 10},
    ... ]
    >>> log_history_frame(history).to_dict("index")
    {5: {'epoch': 0.5, 'loss': 0.69, 'learning_rate': 0.001, 'eval_loss': nan, 'eval_f1': nan}, 10: {'epoch': 1.0, 'loss': 0.61, 'learning_rate': 0.0005, 'eval_loss': 0.64, 'eval_f1': 0.8}}

    Used in: 02_mrpc_trainer (through ``plot_learning_curve``).
    """
    import pandas as pd

    if len(log_history) == 0:
        raise ValueError(
            "log_history is empty. Fix: train first (trainer.train()), then pass "
            "trainer.state.log_history."
        )
    rows = []
    for i, entry in enumerate(log_history):
        if "step" not in entry:
            raise ValueError(
                f"log_history entry {i} has no 'step' (it has {sorted(entry)}). Fix: pass "
                "trainer.state.log_history, whose entries all carry step and epoch."
            )
        if SUMMARY_KEY in entry:
            continue
        rows.append(
            {
                key: value
                for key, value in entry.items()
                if isinstance(value, Real) and not key.endswith(SPEED_SUFFIXES)
            }
        )
    frame = pd.DataFrame(rows, dtype=float)
    if frame.empty:
        return pd.DataFrame(columns=["epoch"], index=pd.Index([], name="step"), dtype=float)
    frame["step"] = frame["step"].astype(int)
    # groupby().first() takes each column's first non-missing value: one row per step
    frame = frame.groupby("step", sort=True).first()
    columns = ["epoch", *(c for c in frame.columns if c != "epoch")]
    return frame[[c for c in columns if c in frame.columns]]


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
    epochs = frame["epoch"].dropna()
    if len(epochs) and epochs.iloc[-1] > 0:
        steps_per_epoch = epochs.index[-1] / epochs.iloc[-1]
        top = ax.secondary_xaxis(
            "top", functions=(lambda s: s / steps_per_epoch, lambda e: e * steps_per_epoch)
        )
        top.set_xlabel("epoch")
    return ax


__all__ = ["log_history_frame", "plot_learning_curve"]
