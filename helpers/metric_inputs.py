"""Checks on what a learner passes to a metric, with errors that say what to pass instead.

The kit's ``evaluate`` modules (``helpers/metric_modules/``) run these checks in ``add``,
``add_batch`` and ``compute`` before ``evaluate`` stores anything, so a wrong input fails
on the call that passed it, with a message naming the value and the fix. ``evaluate``'s own
feature validation would reject some of these inputs with a bare "don't match the expected
format", and would silently truncate others (float predictions 0.9 become class 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np

# seqeval.scheme's classes, by the names evaluate's seqeval takes
SCHEMES = ("IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU")
MODES = (None, "strict")


def _describe(values: Any, limit: int = 60) -> str:
    text = repr(values.tolist() if hasattr(values, "tolist") else values)
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def as_array(values: Any, name: str) -> np.ndarray:
    """``values`` (a list, tuple, numpy array or torch tensor) as a numpy array.

    >>> as_array((1, 0), "predictions")
    array([1, 0])

    Used in: the kit's ``glue``, ``accuracy`` and ``f1`` modules.
    """
    if hasattr(values, "detach"):  # a torch tensor, possibly on a GPU
        values = values.detach().cpu().numpy()
    if values is None or isinstance(values, (str, bytes, dict)):
        raise ValueError(
            f"{name} is {_describe(values)}; pass a list, numpy array or tensor of labels, "
            f"one per example, e.g. {name}=[1, 0, 1]."
        )
    try:
        return np.asarray(values)
    except ValueError as error:  # ragged nesting
        raise ValueError(
            f"{name} is {_describe(values)}, which is not one label per example ({error}). "
            f"Fix: pass one class id per example, e.g. {name}=[1, 0, 1]."
        ) from None


def check_lengths(predictions: Sequence, references: Sequence) -> None:
    """Raise when predictions and references do not pair up one to one.

    >>> check_lengths([1, 0], [1])
    Traceback (most recent call last):
    ...
    ValueError: got 2 predictions but 1 references. Fix: pass one prediction per reference, for the same examples in the same order (in a distributed loop, gather both with accelerator.gather_for_metrics).

    Used in: every kit metric module.
    """
    if len(predictions) != len(references):
        raise ValueError(
            f"got {len(predictions)} predictions but {len(references)} references. "
            "Fix: pass one prediction per reference, for the same examples in the same order "
            "(in a distributed loop, gather both with accelerator.gather_for_metrics)."
        )


def check_label_batch(
    predictions: Any, references: Any, *, multilabel: bool = False, regression: bool = False
) -> None:
    """Raise unless predictions and references are one class id (or score) per example.

    Accepts lists, tuples, numpy arrays and torch tensors. Rejects logits (one row of
    scores per example), non-integer class ids (probabilities), nesting where a flat list
    is expected, and lengths that differ.

    Args:
        predictions: the batch's predictions.
        references: the batch's reference labels.
        multilabel: each example holds a list of 0/1 labels (the ``multilabel`` config).
        regression: scores are floats (GLUE ``stsb``).

    >>> check_label_batch([[0.2, 0.8]], [1])
    Traceback (most recent call last):
    ...
    ValueError: predictions has shape (1, 2): one row of scores per example, logits or probabilities. Fix: pass class ids, predictions=logits.argmax(axis=-1) (np.argmax(logits, axis=-1) in compute_metrics).

    Used in: the kit's ``glue``, ``accuracy`` and ``f1`` modules.
    """
    arrays = {"predictions": as_array(predictions, "predictions")}
    arrays["references"] = as_array(references, "references")
    for name, array in arrays.items():
        ndim = 2 if multilabel else 1
        if array.ndim == 2 and not multilabel and name == "predictions":
            raise ValueError(
                f"predictions has shape {array.shape}: one row of scores per example, logits "
                "or probabilities. Fix: pass class ids, predictions=logits.argmax(axis=-1) "
                "(np.argmax(logits, axis=-1) in compute_metrics)."
            )
        if array.ndim != ndim and array.size:
            kind = "a list of 0/1 labels per example" if multilabel else "one label per example"
            raise ValueError(
                f"{name} has shape {array.shape} ({_describe(array)}), expected {kind}. "
                f"Fix: pass {name} as {'[[0, 1], [1, 1]]' if multilabel else '[1, 0, 1]'}"
                + ("" if multilabel else ", or load the 'multilabel' config")
                + "."
            )
        if not regression and array.dtype.kind == "f" and not np.all(np.mod(array, 1) == 0):
            raise ValueError(
                f"{name} holds non-integer values ({_describe(array)}), probabilities or "
                "scores rather than class ids, which evaluate would silently cast to integers (0.9 to 0). "
                f"Fix: pass class ids, e.g. {name}=probabilities.argmax(axis=-1), or "
                "(probabilities[:, 1] > 0.5).astype(int)."
            )
    check_lengths(arrays["predictions"], arrays["references"])


def _check_sentences(values: Any, name: str) -> list[list[str]]:
    if isinstance(values, str) or values is None or not hasattr(values, "__len__"):
        raise ValueError(
            f"{name} is {_describe(values)}; seqeval takes a list of sentences, each a list "
            f"of tag strings. Fix: {name}=[['B-PER', 'I-PER', 'O'], ['B-LOC']]."
        )
    sentences = []
    for i, sentence in enumerate(values):
        if isinstance(sentence, str):
            raise ValueError(
                f"{name} is a flat list of tags ({_describe(values)}); seqeval scores "
                "sentences. Fix: pass a list of sentences, each a list of tags: wrap a single "
                f"sentence in a list, {name}=[{_describe(values, 30)}]."
            )
        if not hasattr(sentence, "__len__"):
            raise ValueError(
                f"{name}[{i}] is {_describe(sentence)}, not a sentence. Fix: pass a list of "
                f"sentences, each a list of tag strings: {name}=[['B-PER', 'O'], ['B-LOC']]."
            )
        for j, tag in enumerate(sentence):
            if not isinstance(tag, str):
                raise ValueError(
                    f"{name}[{i}][{j}] is {_describe(tag)} ({type(tag).__name__}); seqeval compares tag "
                    "strings such as 'B-PER'. Fix: map label ids to names and drop the "
                    "ignored positions, [label_names[t] for t in ids if t != -100]."
                )
        sentences.append([str(tag) for tag in sentence])
    return sentences


def check_tag_batch(predictions: Any, references: Any) -> tuple[list[list[str]], list[list[str]]]:
    """Check a batch of tag sentences for seqeval and return them as lists of lists of str.

    Accepts lists, tuples and numpy arrays (of sentences, and of tags in a sentence).
    Rejects a flat tag list, non-string tags (label ids), and lengths that differ, over
    the batch or in any sentence.

    Args:
        predictions: predicted tags, one sequence of tags per sentence.
        references: reference tags, in the same shape.

    Returns:
        ``(predictions, references)`` as lists of lists of ``str``.

    >>> check_tag_batch([("B-PER", "O")], (["B-PER", "B-LOC"],))
    ([['B-PER', 'O']], [['B-PER', 'B-LOC']])
    >>> check_tag_batch([["B-PER"]], [["B-PER", "O"]])
    Traceback (most recent call last):
    ...
    ValueError: sentence 0: 1 predicted tags but 2 reference tags (predictions[0]=['B-PER'], references[0]=['B-PER', 'O']). Fix: keep the same positions in both, e.g. drop the positions labelled -100 from both (postprocess).

    Used in: the kit's ``seqeval`` module.
    """
    pred_sentences = _check_sentences(predictions, "predictions")
    ref_sentences = _check_sentences(references, "references")
    if len(pred_sentences) != len(ref_sentences):
        raise ValueError(
            f"got {len(pred_sentences)} predicted sentences but {len(ref_sentences)} reference "
            "sentences. Fix: pass one list of tags per sentence in both, for the same sentences "
            "in the same order."
        )
    for i, (pred, ref) in enumerate(zip(pred_sentences, ref_sentences)):
        if len(pred) != len(ref):
            raise ValueError(
                f"sentence {i}: {len(pred)} predicted tags but {len(ref)} reference tags "
                f"(predictions[{i}]={_describe(pred, 40)}, references[{i}]={_describe(ref, 40)}). "
                "Fix: keep the same positions in both, e.g. drop the positions labelled -100 "
                "from both (postprocess)."
            )
    return pred_sentences, ref_sentences


def check_seqeval_options(
    suffix: Any = False,
    scheme: Any = None,
    mode: Any = None,
    sample_weight: Any = None,
    zero_division: Any = "warn",
) -> None:
    """Raise on a seqeval option that seqeval would reject late or silently misread.

    seqeval reads an unknown ``mode`` as the default and an unknown ``zero_division`` as 1;
    here both are errors. ``scheme`` is a name from ``SCHEMES`` (or a ``seqeval.scheme``
    class).

    >>> check_seqeval_options(scheme="IOB3")
    Traceback (most recent call last):
    ...
    ValueError: scheme='IOB3' is not a seqeval tagging scheme. Fix: pass one of 'IOB1', 'IOB2', 'IOE1', 'IOE2', 'IOBES', 'BILOU' (CoNLL-2003 as the course loads it is 'IOB2'), or leave scheme=None.

    Used in: the kit's ``seqeval`` module.
    """
    import seqeval.scheme

    is_class = isinstance(scheme, type) and issubclass(scheme, seqeval.scheme.Token)
    if scheme is not None and not is_class and scheme not in SCHEMES:
        raise ValueError(
            f"scheme={scheme!r} is not a seqeval tagging scheme. Fix: pass one of "
            f"{', '.join(repr(s) for s in SCHEMES)} (CoNLL-2003 as the course loads it is "
            "'IOB2'), or leave scheme=None."
        )
    if mode not in MODES:
        raise ValueError(
            f"mode={mode!r} is not a seqeval mode. Fix: mode='strict' (an entity counts only "
            "with the exact tags of its scheme) or mode=None (the default, lenient)."
        )
    if zero_division != "warn" and not (
        isinstance(zero_division, Real) and zero_division in (0, 1)
    ):
        raise ValueError(
            f"zero_division={zero_division!r}; seqeval takes 'warn' (0 with a warning), 0 "
            "or 1: the score given to a type with no predicted (or no true) entity."
        )
    if not isinstance(suffix, (bool, np.bool_)):
        raise ValueError(
            f"suffix={suffix!r}; pass True when tags put the type first ('PER-B'), "
            "False (the default) for 'B-PER'."
        )
    if sample_weight is not None and isinstance(sample_weight, (str, bytes)):
        raise ValueError(f"sample_weight={sample_weight!r}; pass a list of numbers or None.")


class CheckedInputs:
    """Mixin for the kit's ``evaluate`` modules: checks inputs before ``evaluate`` stores them.

    Put it before ``evaluate.Metric`` in the bases and define ``_check_batch`` (and, for
    compute-time options, ``_check_options``). ``add``, ``add_batch`` and ``compute`` then
    behave as ``evaluate``'s, after the checks; options are checked before ``compute`` reads
    what was collected, so a corrected call can follow a rejected one.

    Used in: the kit's metric modules in ``helpers/metric_modules/``.
    """

    def _check_batch(self, predictions: Any, references: Any) -> None:
        raise NotImplementedError

    def _check_options(self, **options: Any) -> None:
        return None

    def add_batch(self, *, predictions=None, references=None, **kwargs):
        """Add a batch of predictions and references (checked first)."""
        self._check_batch(predictions, references)
        return super().add_batch(predictions=predictions, references=references, **kwargs)

    def add(self, *, prediction=None, reference=None, **kwargs):
        """Add one prediction and its reference (checked first)."""
        self._check_batch([prediction], [reference])
        return super().add(prediction=prediction, reference=reference, **kwargs)

    def compute(self, *, predictions=None, references=None, **kwargs):
        """Compute the score over what was added and what is passed (options checked first)."""
        self._check_options(**kwargs)
        return super().compute(predictions=predictions, references=references, **kwargs)


__all__ = [
    "SCHEMES",
    "CheckedInputs",
    "as_array",
    "check_label_batch",
    "check_lengths",
    "check_seqeval_options",
    "check_tag_batch",
]
