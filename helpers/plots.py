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


# ---------------------------------------------------------------- over-fitting


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


# ---------------------------------------------------------------- named entities

SCORE_KEYS = ("precision", "recall", "f1")


def entity_scores_frame(seqeval_results: Mapping[str, Any]) -> pd.DataFrame:
    """The per-entity part of seqeval's results as a table.

    Args:
        seqeval_results: what the ``seqeval`` metric's ``compute`` returned.

    Returns:
        One row per entity type: precision, recall, f1 and number (true entities).

    >>> results = {"PER": {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "number": 2},
    ...            "overall_precision": 1.0, "overall_recall": 0.5, "overall_f1": 2 / 3, "overall_accuracy": 0.9}
    >>> entity_scores_frame(results).round(2).to_dict("index")
    {'PER': {'precision': 1.0, 'recall': 0.5, 'f1': 0.67, 'number': 2}}

    Used in: 04_ner (through ``plot_entity_scores``).
    """
    import pandas as pd

    rows = {
        name: value
        for name, value in seqeval_results.items()
        if isinstance(value, Mapping) and set(SCORE_KEYS) <= set(value)
    }
    if not rows:
        raise ValueError(
            f"no per-entity scores in {sorted(seqeval_results)}. Fix: pass the whole dict that "
            "the seqeval metric's compute() returned (entity types map to precision, recall, "
            "f1, number), not the overall scores that compute_metrics keeps."
        )
    frame = pd.DataFrame.from_dict(rows, orient="index")[[*SCORE_KEYS, "number"]]
    frame.index.name = "entity type"
    return frame.astype({"number": int})


def plot_entity_scores(seqeval_results: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Precision, recall and F1 per entity type, as grouped bars; overall F1 as a line.

    Args:
        seqeval_results: what the ``seqeval`` metric's ``compute`` returned.
        ax: the Axes to draw on; None creates a figure.

    Returns:
        The Axes.

    Used in: 04_ner.
    """
    import numpy as np

    frame = entity_scores_frame(seqeval_results)
    ax = _new_axes(ax, (1.4 * len(frame) + 3, 4))
    positions = np.arange(len(frame))
    width = 0.8 / len(SCORE_KEYS)
    handles = []
    for i, key in enumerate(SCORE_KEYS):
        bars = ax.bar(positions + (i - 1) * width, frame[key], width, label=key, color=f"C{i}")
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
        handles.append(bars)
    if "overall_f1" in seqeval_results:
        overall = seqeval_results["overall_f1"]
        handles.append(
            ax.axhline(overall, color="grey", linestyle="--", label=f"overall F1 {overall:.2f}")
        )
    labels = [f"{name}\n({n} true)" for name, n in frame["number"].items()]
    ax.set_xticks(positions, labels)
    ax.set_xlabel("entity type")
    ax.set_ylabel("score")
    ax.set_ylim(0, 1.1)
    ax.set_title("Scores per entity type (seqeval)")
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False
    )
    return ax


MISSED = "missed"
SPURIOUS = "spurious"


def entity_confusion(
    true_tag_sentences: Sequence[Sequence[str]],
    pred_tag_sentences: Sequence[Sequence[str]],
    suffix: bool = False,
) -> pd.DataFrame:
    """Which entity type the model predicted for each true entity, at the entity level.

    The rule, sentence by sentence: entities are read from the tags as seqeval reads them
    by default (``seqeval.metrics.sequence_labeling.get_entities``: a type and a span of
    words, ``I-`` without a ``B-`` opening one). Then

    - a true entity with a predicted entity on exactly the same span counts in row (true
      type), column (predicted type): the diagonal when the types agree;
    - a true entity with no predicted entity on exactly its span counts in column
      ``"missed"`` (a span predicted one word too short is missed, as seqeval counts it);
    - a predicted entity with no true entity on exactly its span counts in row
      ``"spurious"``.

    So the diagonal is seqeval's true positives per type, a row's sum its ``number`` of
    true entities, and a type's column sum (``"spurious"`` row included) the entities
    predicted as that type: precision and recall per type follow from the table.

    Args:
        true_tag_sentences: reference tags, one list per sentence.
        pred_tag_sentences: predicted tags, same shape (after ``postprocess``).
        suffix: tags put the type first (``"PER-B"``).

    Returns:
        A DataFrame of counts: rows are the true types then ``"spurious"``; columns the
        predicted types then ``"missed"``; types are those seen in either, sorted.

    >>> true = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    >>> pred = [["B-PER", "I-PER", "O", "B-ORG"], ["O", "B-MISC"]]
    >>> entity_confusion(true, pred)  # doctest: +NORMALIZE_WHITESPACE
    predicted entity  LOC  MISC  ORG  PER  missed
    true entity
    LOC                 0     0    1    0       0
    MISC                0     0    0    0       0
    ORG                 0     0    0    0       1
    PER                 0     0    0    1       0
    spurious            0     1    0    0       0

    Used in: 04_ner (through ``plot_entity_confusion``).
    """
    import pandas as pd
    from seqeval.metrics.sequence_labeling import get_entities

    from helpers.metric_inputs import check_tag_batch

    # the messages call the predicted tags "predictions" and the true ones "references"
    pred_sentences, true_sentences = check_tag_batch(pred_tag_sentences, true_tag_sentences)
    pairs: list[tuple[str, str]] = []
    for true_tags, pred_tags in zip(true_sentences, pred_sentences):
        true_spans = {(s, e): t for t, s, e in get_entities(true_tags, suffix=suffix)}
        pred_spans = {(s, e): t for t, s, e in get_entities(pred_tags, suffix=suffix)}
        pairs += [(t, pred_spans.get(span, MISSED)) for span, t in true_spans.items()]
        pairs += [(SPURIOUS, t) for span, t in pred_spans.items() if span not in true_spans]
    types = sorted({t for pair in pairs for t in pair} - {MISSED, SPURIOUS})
    counts = pd.DataFrame(0, index=[*types, SPURIOUS], columns=[*types, MISSED])
    for true_type, pred_type in pairs:
        counts.loc[true_type, pred_type] += 1
    counts.index.name, counts.columns.name = "true entity", "predicted entity"
    return counts


def plot_entity_confusion(
    true_tag_sentences: Sequence[Sequence[str]],
    pred_tag_sentences: Sequence[Sequence[str]],
    ax: Axes | None = None,
    suffix: bool = False,
) -> Axes:
    """The entity-type confusion table (``entity_confusion``) as a labelled grid of counts.

    Args:
        true_tag_sentences: reference tags, one list per sentence.
        pred_tag_sentences: predicted tags, same shape.
        ax: the Axes to draw on; None creates a figure.
        suffix: tags put the type first.

    Returns:
        The Axes.

    Used in: 04_ner.
    """
    counts = entity_confusion(true_tag_sentences, pred_tag_sentences, suffix=suffix)
    ax = _new_axes(ax, (1.2 * counts.shape[1] + 2.5, 1.0 * counts.shape[0] + 1.5))
    _heatmap(ax, counts)
    ax.set_title("Entity types: true (rows) against predicted (columns)")
    return ax


__all__ = [
    "best_epoch",
    "confusion_counts",
    "early_stopping_epoch",
    "entity_confusion",
    "entity_scores_frame",
    "log_history_frame",
    "plot_confusion_matrix",
    "plot_entity_confusion",
    "plot_entity_scores",
    "plot_learning_curve",
    "plot_loss_curves",
    "rising_epoch",
]
