"""The training log: ``trainer.state.log_history`` as a table, and the epochs read from it.

The best evaluation (``load_best_model_at_end``), the epoch where the validation loss starts
rising, and the epoch where ``EarlyStoppingCallback`` stops: each is read from the logged
evaluations with the Trainer's own rule. ``helpers.plots`` draws them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

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


def _evaluations(log_history: Sequence[Mapping[str, Any]], metric: str) -> pd.Series:
    """The metric at each evaluation, indexed by epoch (the first evaluation of a step)."""
    frame = log_history_frame(log_history)
    if metric not in frame.columns or frame[metric].isna().all():
        logged = [c for c in frame.columns if c.startswith("eval_")]
        raise ValueError(
            f"log_history has no {metric!r}; it logged {logged or 'no evaluation'}. Fix: "
            "TrainingArguments(eval_strategy='epoch') (or 'steps' with eval_steps) and an "
            "eval_dataset, and a metric from that list."
        )
    values = frame[["epoch", metric]].dropna()
    return values.set_index("epoch")[metric]


def _greater_is_better(metric: str, greater_is_better: bool | None) -> bool:
    # the Trainer's own default: a loss is better lower, any other metric higher
    return not metric.endswith("loss") if greater_is_better is None else greater_is_better


def best_epoch(
    log_history: Sequence[Mapping[str, Any]],
    metric: str = "eval_loss",
    greater_is_better: bool | None = None,
) -> float:
    """The epoch of the best evaluation: the one ``load_best_model_at_end`` keeps.

    Args:
        log_history: ``trainer.state.log_history``.
        metric: the logged name, ``eval_`` included.
        greater_is_better: None: lower is better for a loss, higher for anything else
            (the Trainer's default for ``metric_for_best_model``).

    Returns:
        The epoch as logged (a float; fractional with ``eval_strategy="steps"``); the first
        one on a tie.

    >>> history = [{"eval_loss": v, "epoch": e, "step": 10 * e} for e, v in [(1, 0.6), (2, 0.5), (3, 0.7)]]
    >>> best_epoch(history), best_epoch(history, greater_is_better=True)
    (2.0, 3.0)

    Used in: 02_mrpc_trainer (learning curves).
    """
    values = _evaluations(log_history, metric)
    best = values.idxmax() if _greater_is_better(metric, greater_is_better) else values.idxmin()
    return float(best)


def rising_epoch(
    log_history: Sequence[Mapping[str, Any]], metric: str = "eval_loss"
) -> float | None:
    """The epoch where validation loss starts rising: the first evaluation after the best.

    From the evaluation with the lowest validation loss on, later evaluations score worse:
    the model has begun to fit the training set's noise (over-fitting) while the training
    loss, measured on the data it learns from, goes on falling.

    Args:
        log_history: ``trainer.state.log_history``.
        metric: the validation loss's logged name.

    Returns:
        The epoch of the first evaluation after the lowest one whose value is higher, or
        None while the last evaluation is still the lowest.

    >>> history = [{"eval_loss": v, "epoch": e, "step": 10 * e} for e, v in [(1, 0.6), (2, 0.5), (3, 0.7)]]
    >>> rising_epoch(history), rising_epoch(history[:2])
    (3.0, None)

    Used in: 02_mrpc_trainer (learning curves).
    """
    values = _evaluations(log_history, metric)
    best = best_epoch(log_history, metric, greater_is_better=False)
    after = values[(values.index > best) & (values > values[best])]
    return float(after.index[0]) if len(after) else None


def early_stopping_epoch(
    log_history: Sequence[Mapping[str, Any]],
    patience: int,
    metric: str = "eval_loss",
    threshold: float = 0.0,
    greater_is_better: bool | None = None,
) -> float | None:
    """The epoch at which ``EarlyStoppingCallback(patience, threshold)`` stops this history.

    The callback's rule: an evaluation that beats the best so far by more than
    ``threshold`` resets a counter, any other adds one; training stops at the evaluation
    where the counter reaches ``patience``.

    Args:
        log_history: ``trainer.state.log_history``.
        patience: ``early_stopping_patience``.
        metric: ``metric_for_best_model``, with its ``eval_`` prefix.
        threshold: ``early_stopping_threshold``.
        greater_is_better: as ``TrainingArguments``; None: the Trainer's default.

    Returns:
        The stopping epoch, or None when the history never meets the rule.

    >>> losses = [(1, 0.6), (2, 0.5), (3, 0.55), (4, 0.7)]
    >>> history = [{"eval_loss": v, "epoch": e, "step": 10 * e} for e, v in losses]
    >>> early_stopping_epoch(history, patience=2), early_stopping_epoch(history, patience=3)
    (4.0, None)

    Used in: 02_mrpc_trainer (early stopping).
    """
    higher = _greater_is_better(metric, greater_is_better)
    best, waited = None, 0
    for epoch, value in _evaluations(log_history, metric).items():
        improved = best is None or (
            (value > best if higher else value < best) and abs(value - best) > threshold
        )
        waited = 0 if improved else waited + 1
        if best is None or (value > best if higher else value < best):
            best = value
        if waited >= patience:
            return float(epoch)
    return None


__all__ = [
    "best_epoch",
    "early_stopping_epoch",
    "log_history_frame",
    "rising_epoch",
]
