"""Sentence-pair classification on GLUE MRPC (chapter 3 of the course).

The functions keep the course's names (``tokenize_function``, ``compute_metrics``) so that
learners find what the course text talks about.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.metrics import load_metric


def tokenize_function(
    examples: dict[str, list], tokenizer: Any, max_length: int | None = None
) -> dict[str, list]:
    """Tokenize MRPC's sentence pairs for ``Dataset.map(batched=True)``, without padding.

    Padding is left to the data collator, so each batch is padded only to its own longest
    pair (dynamic padding).

    Used in: 02_mrpc_trainer (shown), ``helpers.train``.
    """
    for column in ("sentence1", "sentence2"):
        if column not in examples:
            raise KeyError(
                f"the batch has no {column!r} column (it has {list(examples)}). "
                "Fix: rename your columns to sentence1/sentence2, or tokenize them yourself."
            )
    return tokenizer(
        examples["sentence1"], examples["sentence2"], truncation=True, max_length=max_length
    )


def compute_metrics(eval_preds: Any) -> dict[str, float]:
    """The course's ``compute_metrics`` for the Trainer: accuracy and F1 from logits.

    >>> compute_metrics((np.array([[0.2, 0.8], [0.9, 0.1], [0.3, 0.7]]), np.array([1, 0, 0])))
    {'accuracy': 0.6666666666666666, 'f1': 0.6666666666666666}

    Used in: 02_mrpc_trainer.
    """
    metric = load_metric("glue", "mrpc")
    logits, labels = eval_preds
    predictions = np.argmax(logits, axis=-1)
    return metric.compute(predictions=predictions, references=labels)


def check_label_values(labels: Any, num_labels: int, where: str = "the data") -> None:
    """Refuse label ids outside ``0..num_labels-1`` (the loss would fail deep inside, or on a
    GPU as "CUDA error: device-side assert triggered").

    >>> check_label_values([0, 1, 1], 2)
    >>> check_label_values([0, 2], 2)
    Traceback (most recent call last):
    ...
    ValueError: the data has label 2 outside 0..1 (2 labels). Fix: map labels to ids 0..1 (label2id), or build the model with num_labels=3.

    Used in: ``helpers.train``.
    """
    values = np.asarray(labels)
    values = values[values != -100]
    if values.size == 0:
        return
    low, high = int(values.min()), int(values.max())
    if low < 0 or high >= num_labels:
        bad = low if low < 0 else high
        raise ValueError(
            f"{where} has label {bad} outside 0..{num_labels - 1} ({num_labels} labels). "
            f"Fix: map labels to ids 0..{num_labels - 1} (label2id), or build the model with "
            f"num_labels={high + 1}."
        )


__all__ = ["check_label_values", "compute_metrics", "tokenize_function"]
