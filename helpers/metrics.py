"""Offline metrics with the call shape of ``evaluate.load``.

``evaluate.load("glue", "mrpc")`` downloads the metric's code from the Hub each time it is
not cached, so it fails offline (and in CI). ``load_metric`` takes the same arguments and
returns an object with the same ``add_batch`` / ``add`` / ``compute`` methods and the same
output keys, computed locally with scikit-learn and seqeval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def _glue_mrpc(predictions: Sequence[int], references: Sequence[int]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": float(accuracy_score(references, predictions)),
        "f1": float(f1_score(references, predictions)),
    }


def _accuracy(predictions: Sequence[int], references: Sequence[int]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score

    return {"accuracy": float(accuracy_score(references, predictions))}


def _f1(
    predictions: Sequence[int], references: Sequence[int], average: str = "binary"
) -> dict[str, float]:
    from sklearn.metrics import f1_score

    return {"f1": float(f1_score(references, predictions, average=average))}


def _seqeval(
    predictions: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    suffix: bool = False,
    scheme: str | None = None,
    mode: str | None = None,
    sample_weight: Sequence[int] | None = None,
    zero_division: str | int = "warn",
) -> dict[str, Any]:
    """The keys of ``evaluate``'s seqeval: per entity type, then overall_* scores."""
    import seqeval.scheme
    from seqeval.metrics import accuracy_score, classification_report

    for i, (pred, ref) in enumerate(zip(predictions, references)):
        if len(pred) != len(ref):
            raise ValueError(
                f"sequence {i}: {len(pred)} predicted tags but {len(ref)} reference tags. "
                "Fix: drop the same positions (label -100) from both before computing."
            )
    scheme_cls = getattr(seqeval.scheme, scheme) if scheme is not None else None
    report = classification_report(
        y_true=references,
        y_pred=predictions,
        suffix=suffix,
        output_dict=True,
        scheme=scheme_cls,
        mode=mode,
        sample_weight=sample_weight,
        zero_division=zero_division,
    )
    report.pop("macro avg")
    report.pop("weighted avg")
    overall = report.pop("micro avg")
    scores: dict[str, Any] = {
        entity: {
            "precision": float(s["precision"]),
            "recall": float(s["recall"]),
            "f1": float(s["f1-score"]),
            "number": int(s["support"]),
        }
        for entity, s in report.items()
    }
    scores["overall_precision"] = float(overall["precision"])
    scores["overall_recall"] = float(overall["recall"])
    scores["overall_f1"] = float(overall["f1-score"])
    scores["overall_accuracy"] = float(accuracy_score(y_true=references, y_pred=predictions))
    return scores


_METRICS: dict[tuple[str, str | None], Callable[..., dict[str, Any]]] = {
    ("glue", "mrpc"): _glue_mrpc,
    ("accuracy", None): _accuracy,
    ("f1", None): _f1,
    ("seqeval", None): _seqeval,
}


class LocalMetric:
    """A metric computed on this machine, used like an ``evaluate.EvaluationModule``.

    Collect with ``add_batch(predictions=..., references=...)`` or ``add(...)``, then call
    ``compute()``; or pass everything to ``compute(predictions=..., references=...)``.
    """

    def __init__(self, name: str, config_name: str | None, fn: Callable[..., dict[str, Any]]):
        self.name = name
        self.config_name = config_name
        self._fn = fn
        self._predictions: list = []
        self._references: list = []

    def __repr__(self) -> str:
        config = f", {self.config_name!r}" if self.config_name else ""
        return f"LocalMetric({self.name!r}{config}, collected={len(self._predictions)})"

    @staticmethod
    def _as_list(values: Any) -> list:
        if hasattr(values, "tolist"):
            return values.tolist()
        return list(values)

    def add_batch(self, *, predictions: Any, references: Any) -> None:
        """Collect one batch of predictions and references."""
        predictions, references = self._as_list(predictions), self._as_list(references)
        if len(predictions) != len(references):
            raise ValueError(
                f"add_batch got {len(predictions)} predictions but {len(references)} references. "
                "Fix: pass the same examples' predictions and labels (after gather_for_metrics "
                "in a distributed loop)."
            )
        self._predictions.extend(predictions)
        self._references.extend(references)

    def add(self, *, prediction: Any, reference: Any) -> None:
        """Collect one example."""
        self.add_batch(predictions=[prediction], references=[reference])

    def compute(
        self, *, predictions: Any = None, references: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Compute the metric over what was collected (and/or what is passed), then reset."""
        if predictions is not None or references is not None:
            self.add_batch(predictions=predictions, references=references)
        if not self._predictions:
            raise ValueError(
                f"nothing to compute for {self.name!r}: no predictions were added. "
                "Fix: call add_batch(...) in the evaluation loop, or pass predictions= and references=."
            )
        predictions, references = self._predictions, self._references
        self._predictions, self._references = [], []
        return self._fn(predictions, references, **kwargs)


def load_metric(path: str, config_name: str | None = None, **_: Any) -> LocalMetric:
    """A drop-in for ``evaluate.load(path, config_name)``, computed offline.

    Supports ``("glue", "mrpc")`` (accuracy, f1), ``"seqeval"`` (per-entity dicts and
    overall_precision/recall/f1/accuracy), ``"accuracy"`` and ``"f1"``.

    >>> metric = load_metric("glue", "mrpc")
    >>> metric.add_batch(predictions=[1, 0, 1, 1], references=[1, 0, 0, 1])
    >>> {k: round(v, 3) for k, v in metric.compute().items()}
    {'accuracy': 0.75, 'f1': 0.8}

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner, ``helpers.train``.
    """
    key = (path, config_name)
    if key not in _METRICS and (path, None) in _METRICS and config_name is None:
        key = (path, None)
    if key not in _METRICS:
        known = ", ".join(f"{p!r}" + (f", {c!r}" if c else "") for p, c in _METRICS)
        raise ValueError(
            f"no local metric for {path!r}"
            + (f", {config_name!r}" if config_name else "")
            + f"; this kit computes {known}. Fix: use one of those, or compute the score with "
            "scikit-learn directly."
        )
    return LocalMetric(path, config_name, _METRICS[key])


__all__ = ["LocalMetric", "load_metric"]
