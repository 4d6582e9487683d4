"""Token classification (chapter 7.2 of the course): aligning word labels with sub-tokens.

The functions keep the course's names (``align_labels_with_tokens``,
``tokenize_and_align_labels``, ``postprocess``, ``compute_metrics``) so that learners find
what the course text talks about; notebook 04 shows their source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from helpers.metrics import load_metric

IGNORE_INDEX = -100  # positions the loss and the metric skip (special tokens, padding)


def align_labels_with_tokens(labels: list[int], word_ids: list[int | None]) -> list[int]:
    """Give each sub-token its word's label, as the course does.

    Special tokens (word id None) get -100 so the loss ignores them. A word's first sub-token
    keeps the word's label; the following sub-tokens take it too, with B-X turned into I-X
    (odd label ids are B- tags in CoNLL-2003's order, so B-X + 1 is I-X).

    Args:
        labels: one label id per word.
        word_ids: ``encoding.word_ids(i)`` of the tokenized words.

    Returns:
        One label id per token.

    >>> align_labels_with_tokens([3, 0, 7, 0, 0, 0, 7, 0, 0],
    ...                          [None, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, None])
    [-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100]
    >>> align_labels_with_tokens([1, 2], [None, 0, 0, 1, 1, None])
    [-100, 1, 2, 2, 2, -100]

    Used in: 04_ner (the notebook's cell is this function's twin), ``tokenize_and_align_labels``.
    """
    new_labels = []
    current_word = None
    for word_id in word_ids:
        if word_id != current_word:
            # the start of a new word (or a special token)
            current_word = word_id
            label = -100 if word_id is None else labels[word_id]
            new_labels.append(label)
        elif word_id is None:
            # a special token: -100 is ignored by the loss and by the metric
            new_labels.append(-100)
        else:
            # the same word as the previous token: B-XXX becomes I-XXX (odd ids are B- tags)
            label = labels[word_id]
            if label % 2 == 1:
                label += 1
            new_labels.append(label)
    return new_labels


def align_labels_first_subtoken(labels: Sequence[int], word_ids: Sequence[int | None]) -> list[int]:
    """The course's exercise variant: only a word's first sub-token is labelled, the rest -100.

    >>> align_labels_first_subtoken([3, 0, 7, 0, 0, 0, 7, 0, 0],
    ...                             [None, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, None])
    [-100, 3, 0, 7, 0, 0, 0, 7, 0, -100, 0, -100]

    Used in: 04_ner, ``helpers.train`` (``--label-all-tokens`` off).
    """
    new_labels = []
    previous = None
    for word_id in word_ids:
        if word_id is None or word_id == previous:
            new_labels.append(IGNORE_INDEX)
        else:
            new_labels.append(_label_of(labels, word_id))
        previous = word_id
    return new_labels


def _label_of(labels: Sequence[int], word_id: int) -> int:
    if word_id >= len(labels):
        raise ValueError(
            f"the tokenizer saw word {word_id} but there are only {len(labels)} labels. "
            "Fix: give one tag per word (tokens and ner_tags of the same length)."
        )
    return labels[word_id]


def check_tokens_and_tags(
    tokens: Sequence[Sequence[str]], tags: Sequence[Sequence[int]], num_labels: int | None = None
) -> None:
    """Refuse examples whose tokens and tags differ in length, or tags outside the label set.

    Args:
        tokens: one list of words per example.
        tags: one list of tag ids per example.
        num_labels: the size of the label set; ids must be in ``0..num_labels-1``. None
            checks the lengths only.

    Raises:
        ValueError: naming the example and the fix.

    >>> check_tokens_and_tags([["EU", "rejects"]], [[3, 0]], num_labels=9)
    >>> check_tokens_and_tags([["EU", "rejects"]], [[3, 9]], num_labels=9)
    Traceback (most recent call last):
    ...
    ValueError: example 0: tag 9 is not a label id in 0..8. Fix: map tags with label2id of the dataset's label_names, or rebuild label_names to include it.

    Used in: ``tokenize_and_align_labels``.
    """
    if len(tokens) != len(tags):
        raise ValueError(
            f"{len(tokens)} token lists but {len(tags)} tag lists. "
            "Fix: pass the tokens and ner_tags columns of the same examples."
        )
    for i, (words, labels) in enumerate(zip(tokens, tags)):
        if len(words) != len(labels):
            raise ValueError(
                f"example {i}: {len(words)} tokens but {len(labels)} tags ({list(words)[:8]}...). "
                "Fix: give exactly one tag per token."
            )
        if num_labels is None:
            continue
        bad = [t for t in labels if not _is_label_id(t, num_labels)]
        if bad:
            raise ValueError(
                f"example {i}: tag {bad[0]!r} is not a label id in 0..{num_labels - 1}. "
                "Fix: map tags with label2id of the dataset's label_names, or rebuild label_names "
                "to include it."
            )


def _is_label_id(tag: Any, num_labels: int) -> bool:
    # bool is an int subclass, and True is never meant as label 1
    is_int = isinstance(tag, (int, np.integer)) and not isinstance(tag, (bool, np.bool_))
    return is_int and 0 <= tag < num_labels


def check_fast_tokenizer(tokenizer: Any) -> None:
    """Word ids need a fast (Rust) tokenizer; say so plainly when one is slow.

    In transformers 5 ``AutoTokenizer`` gives BERT checkpoints a fast tokenizer (even with
    ``use_fast=False``); the slow ones (``PythonBackend`` subclasses such as
    ``BertTokenizerLegacy``, or a tokenizer of your own) cannot give ``word_ids()``.

    Raises:
        TypeError: naming the tokenizer's class and the fix.

    Used in: ``tokenize_and_align_labels``, 04_ner.
    """
    if not getattr(tokenizer, "is_fast", False):
        raise TypeError(
            f"{type(tokenizer).__name__} is a slow (Python) tokenizer: it cannot give word_ids(), "
            "which label alignment needs. Fix: load it with AutoTokenizer.from_pretrained(checkpoint) "
            "(fast by default), or pick a checkpoint that ships a tokenizer.json."
        )


def check_ner_batch(examples: dict[str, list], num_labels: int | None = None) -> None:
    """Refuse a batch that ``tokenize_and_align_labels`` cannot align, with the fix.

    Args:
        examples: a batch with ``tokens`` and ``ner_tags`` (lists of lists).
        num_labels: when given, tags outside ``0..num_labels-1`` are refused too.

    Raises:
        KeyError: a column is missing. ValueError: one example instead of a batch, or
        tokens and tags of different lengths, or a tag that is not a label id.

    >>> check_ner_batch({"tokens": ["EU", "rejects"], "ner_tags": [3, 0]})
    Traceback (most recent call last):
    ...
    ValueError: tokens holds words, not lists of words: this function takes a batch of examples. Fix: call Dataset.map(tokenize_and_align_labels, batched=True), or wrap one example's columns in lists.

    Used in: ``tokenize_and_align_labels`` (04_ner, ``helpers.train``).
    """
    for column in ("tokens", "ner_tags"):
        if column not in examples:
            raise KeyError(
                f"the batch has no {column!r} column (it has {list(examples)}). Fix: pass CoNLL-style examples."
            )
    if examples["tokens"] and isinstance(examples["tokens"][0], str):
        raise ValueError(
            "tokens holds words, not lists of words: this function takes a batch of examples. "
            "Fix: call Dataset.map(tokenize_and_align_labels, batched=True), or wrap one "
            "example's columns in lists."
        )
    check_tokens_and_tags(examples["tokens"], examples["ner_tags"], num_labels)


def tokenize_and_align_labels(
    examples: dict[str, list],
    tokenizer,
    label_all_tokens: bool = True,
    max_length: int | None = None,
    num_labels: int | None = None,
) -> dict[str, list]:
    """Tokenize pre-split words and align their labels; for ``Dataset.map(batched=True)``.

    Sentences longer than ``max_length`` (default: the model's maximum) are truncated;
    their labels are cut at the same place, since alignment follows the kept word ids.

    Args:
        examples: a batch with ``tokens`` and ``ner_tags``.
        tokenizer: a fast tokenizer.
        label_all_tokens: the course's rule (True) or first sub-token only (False).
        max_length: truncation length.
        num_labels: when given, tags outside ``0..num_labels-1`` are refused.

    Returns:
        The tokenizer's columns plus ``labels``.

    Used in: 04_ner (the notebook's cell is this function's twin), ``helpers.train``.
    """
    check_fast_tokenizer(tokenizer)  # word_ids() exists only on fast tokenizers
    check_ner_batch(examples, num_labels)  # clear errors before any tokenizing
    tokenized_inputs = tokenizer(
        examples["tokens"], truncation=True, is_split_into_words=True, max_length=max_length
    )
    if label_all_tokens:
        align = align_labels_with_tokens
    else:
        align = align_labels_first_subtoken
    all_labels = examples["ner_tags"]
    new_labels = []
    for i, labels in enumerate(all_labels):
        word_ids = tokenized_inputs.word_ids(i)
        new_labels.append(align(labels, word_ids))
    tokenized_inputs["labels"] = new_labels
    return tokenized_inputs


def postprocess(predictions, labels, label_names: list[str]) -> tuple[list, list]:
    """Turn predicted and reference label ids into tag strings, dropping -100 positions.

    Returns ``(true_predictions, true_labels)``, in the order its caller unpacks them (the
    course's version returns them the other way round while its caller unpacks predictions
    first, which silently swaps precision and recall).

    >>> postprocess([[0, 1, 2, 0]], [[-100, 1, 2, -100]], ["O", "B-PER", "I-PER"])
    ([['B-PER', 'I-PER']], [['B-PER', 'I-PER']])

    Used in: 04_ner (the notebook's cell is this function's twin), ``compute_metrics``,
    ``helpers.train``.
    """
    # tensors from the Accelerate loop, NumPy arrays from the Trainer, lists in tests
    predictions = to_numpy(predictions)
    labels = to_numpy(labels)
    # -100 marks special tokens and padding: no label to score there
    true_labels = [[label_names[l] for l in label if l != -100] for label in labels]  # noqa: E741
    true_predictions = [
        [label_names[p] for (p, l) in zip(prediction, label) if l != -100]  # noqa: E741
        for prediction, label in zip(predictions, labels)
    ]
    return true_predictions, true_labels


def to_numpy(values):
    """A tensor (on any device) or array-like as a NumPy array; lists of lists stay as they are.

    >>> to_numpy([[1, 2]])
    [[1, 2]]

    Used in: ``postprocess``.
    """
    if hasattr(values, "detach"):
        return values.detach().cpu().numpy()
    return values


def make_compute_metrics(label_names: Sequence[str]) -> Callable[[Any], dict[str, float]]:
    """``compute_metrics`` for the Trainer: argmax of the logits, -100 dropped, seqeval overall scores.

    An entity type the model never predicts scores 0 (``zero_division=0``, as in
    ``helpers.train``) instead of warning at every early evaluation.

    Args:
        label_names: the tag names, in label-id order.

    Returns:
        A function of ``(logits, labels)`` giving precision, recall, f1 and accuracy.

    >>> labels = np.array([[-100, 1, 2, 0, -100]])
    >>> logits = np.eye(3)[[[0, 1, 2, 0, 2]]]
    >>> make_compute_metrics(["O", "B-PER", "I-PER"])((logits, labels))
    {'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'accuracy': 1.0}

    Used in: 04_ner, tests.
    """

    def compute_metrics(eval_preds: Any) -> dict[str, float]:
        logits, labels = eval_preds
        predictions = np.argmax(logits, axis=-1)
        return overall_scores(*postprocess(predictions, labels, label_names))

    return compute_metrics


def overall_scores(
    true_predictions: list[list[str]], true_labels: list[list[str]]
) -> dict[str, float]:
    """seqeval's overall precision, recall, F1 and accuracy, under the Trainer's key names.

    >>> overall_scores([["B-PER", "O"]], [["B-PER", "B-LOC"]])
    {'precision': 1.0, 'recall': 0.5, 'f1': 0.6666666666666666, 'accuracy': 0.5}

    Used in: ``make_compute_metrics``, ``helpers.train``.
    """
    # zero_division=0: an early model that predicts no entity scores 0 instead of warning
    all_metrics = load_metric("seqeval").compute(
        predictions=true_predictions, references=true_labels, zero_division=0
    )
    return {
        "precision": all_metrics["overall_precision"],
        "recall": all_metrics["overall_recall"],
        "f1": all_metrics["overall_f1"],
        "accuracy": all_metrics["overall_accuracy"],
    }


def label_maps_from_names(label_names: Sequence[str]) -> tuple[dict[int, str], dict[str, int]]:
    """``id2label`` and ``label2id`` from a ``ClassLabel``'s names.

    >>> label_maps_from_names(["O", "B-PER"])
    ({0: 'O', 1: 'B-PER'}, {'O': 0, 'B-PER': 1})

    Used in: 04_ner, ``helpers.train``.
    """
    id2label = dict(enumerate(label_names))
    return id2label, {v: k for k, v in id2label.items()}


__all__ = [
    "IGNORE_INDEX",
    "align_labels_first_subtoken",
    "align_labels_with_tokens",
    "check_fast_tokenizer",
    "check_ner_batch",
    "check_tokens_and_tags",
    "label_maps_from_names",
    "make_compute_metrics",
    "overall_scores",
    "postprocess",
    "to_numpy",
    "tokenize_and_align_labels",
]
