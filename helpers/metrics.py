"""Metrics the course's way, ``evaluate.load(...)``, online and offline.

``evaluate.load("glue", "mrpc")`` downloads the metric's script from the Hub, so it fails
offline. The kit ships its own ``evaluate`` modules (``helpers/metric_modules/<name>/``:
``glue``, ``seqeval``, ``accuracy``, ``f1``), computed with scikit-learn and seqeval, with the
Hub modules' configs, inputs and output keys; ``evaluate.load(<that folder>, config_name)``
loads one without the network. ``metric_source`` picks the Hub's name when the Hub can be
reached and the kit's folder otherwise; ``load_metric`` is ``evaluate.load`` on that source.

The scores themselves are the plain functions below (``glue_scores``, ``seqeval_scores``...),
which the modules call once ``evaluate`` has gathered the inputs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.metric_inputs import check_seqeval_options, check_tag_batch

if TYPE_CHECKING:
    import evaluate

METRIC_MODULES_DIR = Path(__file__).parent / "metric_modules"
# what the kit ships, by the name evaluate.load takes on the Hub
LOCAL_METRICS = ("glue", "seqeval", "accuracy", "f1")
GLUE_CONFIGS = {
    "mrpc": "accuracy_f1",
    "qqp": "accuracy_f1",
    "cola": "matthews",
    "stsb": "correlation",
    **dict.fromkeys(
        ["sst2", "mnli", "mnli_mismatched", "mnli_matched", "qnli", "rte", "wnli", "hans"],
        "accuracy",
    ),
}


def local_metric_path(name: str) -> str:
    """The folder of the kit's own ``evaluate`` module for ``name``.

    Args:
        name: a metric the kit ships: ``"glue"``, ``"seqeval"``, ``"accuracy"`` or ``"f1"``.

    Returns:
        The folder, as a string ``evaluate.load`` takes.

    >>> Path(local_metric_path("seqeval")).name
    'seqeval'

    Used in: ``metric_source``; tests.
    """
    if name not in LOCAL_METRICS:
        raise ValueError(
            f"the kit has no offline module for metric {name!r}; it ships "
            f"{', '.join(LOCAL_METRICS)}. Fix: use one of those, run where the Hub can be "
            f"reached (evaluate.load({name!r}) downloads it), or compute the score with "
            "scikit-learn directly."
        )
    return str(METRIC_MODULES_DIR / name)


def metric_source(name: str) -> str:
    """What to pass to ``evaluate.load`` for ``name``: the Hub's module, or the kit's offline.

    The Hub's name (``"glue"``, ``"seqeval"``) when the Hub answers and ``HF_HUB_OFFLINE``
    is not set; otherwise the kit's module folder for the same metric. A path to a module
    script, or to a folder holding ``<folder>.py``, is returned as it is.

    Args:
        name: the metric as the course names it: ``"glue"``, ``"seqeval"``, ...

    Returns:
        A Hub module name or a local folder.

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner
    (``evaluate.load(helpers.metric_source("glue"), "mrpc")``), ``load_metric``.
    """
    from helpers.profiles import hub_offline_requested, hub_reachable

    # evaluate.load's own rule for a local module: a script, or a folder holding <folder>.py
    if os.path.isfile(name) or os.path.isfile(os.path.join(name, f"{Path(name).name}.py")):
        return name
    if not hub_offline_requested() and hub_reachable():
        return name
    return local_metric_path(name)


def load_metric(
    path: str, config_name: str | None = None, **kwargs: Any
) -> evaluate.EvaluationModule:
    """``evaluate.load(path, config_name, **kwargs)``, from the Hub or the kit's own module.

    The single place that picks the source (``metric_source``): with the Hub reachable,
    the Hub's module; offline, the kit's, with the same configs, inputs and keys.

    Args:
        path: the metric's name (``"glue"``, ``"seqeval"``, ``"accuracy"``, ``"f1"``) or a
            module folder.
        config_name: the config (``"mrpc"`` for ``glue``).
        **kwargs: passed to ``evaluate.load`` (``keep_in_memory``, ``process_id``...).

    Returns:
        An ``evaluate.EvaluationModule``: ``add``, ``add_batch``, ``compute``.

    >>> metric = load_metric("glue", "mrpc")
    >>> metric.add_batch(predictions=[1, 0, 1, 1], references=[1, 0, 0, 1])
    >>> metric.compute()
    {'accuracy': 0.75, 'f1': 0.8}

    Used in: ``helpers.mrpc``, ``helpers.loops``, ``helpers.ner``, ``helpers.train``.
    """
    import evaluate

    return evaluate.load(metric_source(path), config_name, **kwargs)


def glue_scores(config_name: str, predictions: Sequence, references: Sequence) -> dict[str, float]:
    """The GLUE task's scores, with the keys of the Hub's ``glue`` metric, as Python floats.

    Args:
        config_name: the GLUE task: ``"mrpc"`` and ``"qqp"`` (accuracy, f1), ``"cola"``
            (matthews_correlation), ``"stsb"`` (pearson, spearmanr), the others (accuracy).
        predictions: class ids (scores for ``stsb``).
        references: the labels, in the same order.

    Returns:
        A dict of plain floats.

    >>> glue_scores("mrpc", [1, 0, 1, 1], [1, 0, 0, 1])
    {'accuracy': 0.75, 'f1': 0.8}

    Accuracy and F1 are counted here, to the bit what scikit-learn computes (tested):
    importing ``sklearn.metrics`` takes a second on 2 cores, in the notebook and in every
    process of a launch. The other configs use scikit-learn and SciPy.

    Used in: the kit's ``glue`` module.
    """
    kind = GLUE_CONFIGS.get(config_name)
    if kind is None:
        raise ValueError(
            f"GLUE has no config {config_name!r}. Fix: evaluate.load(..., 'mrpc'), or one of "
            f"{', '.join(GLUE_CONFIGS)}."
        )
    if kind == "correlation":
        from scipy.stats import pearsonr, spearmanr

        return {
            "pearson": float(pearsonr(predictions, references)[0]),
            "spearmanr": float(spearmanr(predictions, references)[0]),
        }
    if kind == "matthews":
        from sklearn.metrics import matthews_corrcoef

        return {"matthews_correlation": float(matthews_corrcoef(references, predictions))}
    scores = {"accuracy": accuracy_of(predictions, references)}
    if kind == "accuracy_f1":
        scores["f1"] = binary_f1_of(predictions, references)
    return scores


def accuracy_of(predictions: Sequence, references: Sequence) -> float:
    """The share of predictions equal to their reference (scikit-learn's ``accuracy_score``).

    >>> accuracy_of([1, 0, 1], [1, 1, 1])
    0.6666666666666666
    """
    import numpy as np

    predictions, references = np.asarray(predictions), np.asarray(references)
    if predictions.shape != references.shape or predictions.ndim != 1 or not len(predictions):
        raise ValueError(
            f"accuracy needs as many predictions as references, one per example: got shapes "
            f"{predictions.shape} and {references.shape}"
        )
    return int((predictions == references).sum()) / len(predictions)


def binary_f1_of(predictions: Sequence, references: Sequence) -> float:
    """F1 of the positive class 1 (scikit-learn's ``f1_score``, ``average="binary"``).

    0.0 where there is no positive prediction or reference at all (scikit-learn also
    returns 0.0 there, with a warning).

    >>> binary_f1_of([1, 0, 1, 1], [1, 0, 0, 1])
    0.8
    >>> binary_f1_of([0, 2], [0, 1])
    Traceback (most recent call last):
    ...
    ValueError: binary F1 takes the labels 0 and 1, but these inputs hold [2]. Fix: a model with num_labels=2, or an average over classes (the f1 metric's average="macro")
    """
    import numpy as np

    predictions, references = np.asarray(predictions), np.asarray(references)
    others = sorted(set(np.unique(predictions).tolist()) | set(np.unique(references).tolist()))
    others = [label for label in others if label not in (0, 1)]
    if others:
        raise ValueError(
            f"binary F1 takes the labels 0 and 1, but these inputs hold {others}. Fix: a model "
            'with num_labels=2, or an average over classes (the f1 metric\'s average="macro")'
        )
    accuracy_of(predictions, references)  # the same shape checks
    true_positives = int(((predictions == 1) & (references == 1)).sum())
    false_positives = int(((predictions == 1) & (references == 0)).sum())
    false_negatives = int(((predictions == 0) & (references == 1)).sum())
    counted = 2 * true_positives + false_positives + false_negatives
    return 2 * true_positives / counted if counted else 0.0


def _floats(score: Any) -> float | list[float]:
    """A score as a float, or a list of floats where it is one per class."""
    return [float(s) for s in score] if getattr(score, "ndim", 0) else float(score)


def accuracy_scores(
    predictions: Sequence, references: Sequence, normalize: bool = True, sample_weight=None
) -> dict[str, float]:
    """scikit-learn's accuracy under the key of the Hub's ``accuracy`` metric.

    >>> accuracy_scores([1, 0, 1], [1, 1, 1])
    {'accuracy': 0.6666666666666666}

    Used in: the kit's ``accuracy`` module.
    """
    from sklearn.metrics import accuracy_score

    score = accuracy_score(
        references, predictions, normalize=normalize, sample_weight=sample_weight
    )
    return {"accuracy": float(score)}


def f1_scores(
    predictions: Sequence,
    references: Sequence,
    labels=None,
    pos_label=1,
    average: str | None = "binary",
    sample_weight=None,
) -> dict[str, float | list[float]]:
    """scikit-learn's F1 under the key of the Hub's ``f1`` metric.

    With ``average=None`` the value is a list of floats, one per class.

    >>> f1_scores([1, 0, 1], [1, 1, 0], average=None)
    {'f1': [0.0, 0.5]}

    Used in: the kit's ``f1`` module.
    """
    from sklearn.metrics import f1_score

    score = f1_score(
        references,
        predictions,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
    )
    return {"f1": _floats(score)}


def seqeval_scores(
    predictions: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    suffix: bool = False,
    scheme: str | None = None,
    mode: str | None = None,
    sample_weight: Sequence[float] | None = None,
    zero_division: str | int = "warn",
) -> dict[str, Any]:
    """seqeval's scores with the keys of the Hub's ``seqeval`` metric, as Python numbers.

    One dict per entity type (``precision``, ``recall``, ``f1``, ``number``: how many true
    entities of that type), then ``overall_precision``, ``overall_recall``, ``overall_f1``
    (micro averages over entities) and ``overall_accuracy`` (over tags).

    Args:
        predictions: predicted tags, one list per sentence (tuples and numpy arrays work).
        references: reference tags, in the same shape.
        suffix: tags put the type first (``"PER-B"``).
        scheme: ``"IOB1"``, ``"IOB2"``, ``"IOE1"``, ``"IOE2"``, ``"IOBES"`` or ``"BILOU"``;
            used by ``mode="strict"``.
        mode: ``"strict"`` counts an entity only with its scheme's exact tags; None
            (default) is conlleval's lenient reading.
        sample_weight: passed to seqeval, which (1.2.2) does not use it for these scores.
        zero_division: ``"warn"``, 0 or 1: the score of a type with nothing to divide by.

    >>> scores = seqeval_scores([["B-PER", "O"]], [["B-PER", "B-LOC"]], zero_division=0)
    >>> scores["PER"], scores["overall_f1"], scores["overall_accuracy"]
    ({'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'number': 1}, 0.6666666666666666, 0.5)

    Used in: the kit's ``seqeval`` module; ``helpers.entity_plots.plot_entity_scores`` reads its
    output.
    """
    import seqeval.scheme
    from seqeval.metrics import accuracy_score, classification_report

    predictions, references = check_tag_batch(predictions, references)
    check_seqeval_options(suffix, scheme, mode, sample_weight, zero_division)
    if isinstance(scheme, str):
        scheme = getattr(seqeval.scheme, scheme)
    report = classification_report(
        y_true=references,
        y_pred=predictions,
        suffix=suffix,
        output_dict=True,
        scheme=scheme,
        mode=mode,
        sample_weight=sample_weight,
        zero_division=zero_division,
    )
    overall = report.pop("micro avg")
    scores: dict[str, Any] = {
        entity: {
            "precision": float(s["precision"]),
            "recall": float(s["recall"]),
            "f1": float(s["f1-score"]),
            "number": int(s["support"]),
        }
        for entity, s in report.items()
        if entity not in ("macro avg", "weighted avg")
    }
    scores["overall_precision"] = float(overall["precision"])
    scores["overall_recall"] = float(overall["recall"])
    scores["overall_f1"] = float(overall["f1-score"])
    scores["overall_accuracy"] = float(accuracy_score(y_true=references, y_pred=predictions))
    return scores


__all__ = [
    "GLUE_CONFIGS",
    "LOCAL_METRICS",
    "accuracy_scores",
    "f1_scores",
    "glue_scores",
    "load_metric",
    "local_metric_path",
    "metric_source",
    "seqeval_scores",
]
