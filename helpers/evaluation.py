"""Evaluation for the training script: every process predicts, the predictions are gathered once.

Launched code evaluates under ``torch.no_grad()``, never ``torch.inference_mode()``: tensors
made under inference mode cannot be used by XLA (``Cannot set version_counter for inference
tensor`` on a TPU), and ``no_grad`` does the same work on CPUs and GPUs.
"""

from __future__ import annotations

import numpy as np

from helpers.ner import IGNORE_INDEX, overall_scores, postprocess


def compute_task_metrics(
    task: str, predictions: list, labels: list, label_names: list[str]
) -> dict[str, float]:
    """The task's metrics from gathered predictions and labels (lists of arrays).

    Args:
        task: ``"mrpc"`` (accuracy and F1) or ``"ner"`` (seqeval's overall scores).
        predictions: one array of predicted ids per batch.
        labels: the matching label arrays (-100 marks tokens that do not count).
        label_names: the ``ClassLabel`` names, for NER's tags.

    Returns:
        The metrics by name.

    Used in: ``evaluate``.
    """
    from helpers.metrics import load_metric

    if task == "mrpc":
        preds = np.concatenate(predictions)
        refs = np.concatenate(labels)
        return dict(load_metric("glue", "mrpc").compute(predictions=preds, references=refs))
    true_predictions: list[list[str]] = []
    true_labels: list[list[str]] = []
    for p, lab in zip(predictions, labels):
        tp, tl = postprocess(p, lab, label_names)
        true_predictions += tp
        true_labels += tl
    return overall_scores(true_predictions, true_labels)


def evaluate(
    model, eval_dataloader, accelerator, task: str, label_names: list[str]
) -> dict[str, float]:
    """Evaluate on every process; gather predictions without the duplicates of the last batch.

    Token-level predictions differ in length from one process to another, so they are padded
    to a common length (``pad_across_processes``, with -100 so the padding is dropped later)
    before ``gather_for_metrics``, which also removes the samples repeated to even out the
    last batch.

    Args:
        model: the prepared model.
        eval_dataloader: the prepared validation loader.
        accelerator: the run's ``Accelerator``.
        task: ``"mrpc"`` or ``"ner"``.
        label_names: the label names (NER's tags).

    Returns:
        The metrics plus ``samples``, the number of examples evaluated.

    Used in: ``helpers.train`` (after every epoch and ``--eval-only``).
    """
    import torch

    model.eval()
    predictions: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    samples = 0
    with torch.no_grad():
        for batch in eval_dataloader:
            logits = model(**batch).logits
            batch_predictions = logits.argmax(dim=-1)
            batch_labels = batch["labels"]
            if task == "ner":
                batch_predictions = accelerator.pad_across_processes(
                    batch_predictions, dim=1, pad_index=IGNORE_INDEX
                )
                batch_labels = accelerator.pad_across_processes(
                    batch_labels, dim=1, pad_index=IGNORE_INDEX
                )
            batch_predictions, batch_labels = accelerator.gather_for_metrics(
                (batch_predictions, batch_labels)
            )
            samples += len(batch_labels)
            predictions.append(batch_predictions.cpu().numpy())
            labels.append(batch_labels.cpu().numpy())
    model.train()
    return {**compute_task_metrics(task, predictions, labels, label_names), "samples": samples}


__all__ = ["compute_task_metrics", "evaluate"]
