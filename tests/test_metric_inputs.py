"""The input checks of the kit's metric modules, called directly (no evaluate)."""

import numpy as np
import pytest
import seqeval.scheme
import torch

from helpers.metric_inputs import (
    as_array,
    check_label_batch,
    check_lengths,
    check_seqeval_options,
    check_tag_batch,
)


@pytest.mark.parametrize(
    "values",
    [[1, 0, 1], (1, 0, 1), np.array([1, 0, 1]), torch.tensor([1, 0, 1]), np.array([1.0, 0.0, 1.0])],
)
def test_as_array_takes_every_container(values):
    assert as_array(values, "predictions").tolist() == [1, 0, 1]


@pytest.mark.parametrize("values", ["101", None, {"a": 1}])
def test_as_array_rejects_what_is_not_a_batch(values):
    with pytest.raises(ValueError, match=r"predictions is .*; pass a list, numpy array or tensor"):
        as_array(values, "predictions")


@pytest.mark.parametrize(
    ("predictions", "references"),
    [
        ([1, 0], [1, 1]),
        (np.array([1, 0], dtype=np.int32), np.array([1, 1])),
        (torch.tensor([1, 0]), torch.tensor([1, 1])),
        (np.array([1.0, 0.0]), [1, 1]),  # whole-number floats are class ids
    ],
)
def test_label_batch_accepts_class_ids(predictions, references):
    check_label_batch(predictions, references)


@pytest.mark.parametrize(
    ("predictions", "references", "message"),
    [
        (np.array([[0.1, 0.9], [0.8, 0.2]]), [1, 0], r"shape \(2, 2\).*logits.argmax\(axis=-1\)"),
        (torch.tensor([[0.1, 0.9]]), [1], r"shape \(1, 2\).*logits"),
        ([0.9, 0.2], [1, 0], r"non-integer values \(\[0.9, 0.2\]\).*argmax"),
        ([1, 0], [[1], [0]], r"references has shape \(2, 1\).*one label per example"),
        ([1, 0], [1], r"got 2 predictions but 1 references"),
        ([1], [0, 1], r"got 1 predictions but 2 references"),
    ],
)
def test_label_batch_rejects_with_the_fix(predictions, references, message):
    with pytest.raises(ValueError, match=message):
        check_label_batch(predictions, references)


def test_label_batch_multilabel_and_regression():
    check_label_batch([[0, 1], [1, 1]], [[0, 1], [1, 0]], multilabel=True)
    with pytest.raises(ValueError, match=r"expected a list of 0/1 labels per example"):
        check_label_batch([0, 1], [0, 1], multilabel=True)
    check_label_batch([0.5, 3.2], [0.4, 3.0], regression=True)
    with pytest.raises(ValueError, match="non-integer"):
        check_label_batch([0.5, 3.2], [0.4, 3.0])


def test_check_lengths():
    check_lengths([1, 2], [3, 4])
    with pytest.raises(ValueError, match="gather_for_metrics"):
        check_lengths([1, 2], [3])


@pytest.mark.parametrize(
    ("predictions", "references"),
    [
        ([["B-PER", "O"]], [["B-PER", "B-LOC"]]),
        ([("B-PER", "O")], [("B-PER", "B-LOC")]),
        ((("B-PER", "O"),), (("B-PER", "B-LOC"),)),
        ([np.array(["B-PER", "O"])], [np.array(["B-PER", "B-LOC"])]),
        (np.array([["B-PER", "O"]]), np.array([["B-PER", "B-LOC"]])),
    ],
)
def test_tag_batch_returns_lists_of_str(predictions, references):
    preds, refs = check_tag_batch(predictions, references)
    assert preds == [["B-PER", "O"]] and refs == [["B-PER", "B-LOC"]]
    assert all(type(tag) is str for sentence in preds + refs for tag in sentence)


@pytest.mark.parametrize(
    ("predictions", "references", "message"),
    [
        (
            ["B-PER", "O"],
            [["B-PER", "O"]],
            r"predictions is a flat list of tags.*\[\['B-PER', 'O'\]\]",
        ),
        ([["B-PER", "O"]], np.array(["B-PER", "O"]), r"references is a flat list of tags"),
        (
            "B-PER O",
            [["B-PER", "O"]],
            r"predictions is 'B-PER O'; seqeval takes a list of sentences",
        ),
        ([[1, 0]], [["B-PER", "O"]], r"predictions\[0\]\[0\] is 1 \(int\).*label_names\[t\]"),
        ([["B-PER", "O"]], [np.array([3, 0])], r"references\[0\]\[0\] is 3 \(int64\)"),
        ([["B-PER", "O"]], [["B-PER", None]], r"references\[0\]\[1\] is None"),
        ([None], [["O"]], r"predictions\[0\] is None, not a sentence"),
        ([["O"], ["O"]], [["O"]], r"2 predicted sentences but 1 reference sentences"),
        (
            [["O"], ["B-PER"]],
            [["O"], ["B-PER", "O"]],
            r"sentence 1: 1 predicted tags but 2 reference",
        ),
    ],
)
def test_tag_batch_rejects_with_the_fix(predictions, references, message):
    with pytest.raises(ValueError, match=message):
        check_tag_batch(predictions, references)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"scheme": "IOB2", "mode": "strict"},
        {"scheme": seqeval.scheme.IOBES},
        {"suffix": True, "zero_division": 0},
        {"zero_division": 1.0, "sample_weight": [1, 2]},
    ],
)
def test_seqeval_options_accepted(options):
    check_seqeval_options(**options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scheme": "IOB3"}, r"scheme='IOB3' is not a seqeval tagging scheme.*'IOB2'"),
        ({"scheme": "iob2"}, r"scheme='iob2'"),
        ({"mode": "lenient"}, r"mode='lenient' is not a seqeval mode.*mode='strict'"),
        ({"zero_division": 2}, r"zero_division=2; seqeval takes 'warn'"),
        ({"zero_division": "nan"}, r"zero_division='nan'"),
        ({"suffix": "yes"}, r"suffix='yes'; pass True"),
        ({"sample_weight": "1,2"}, r"sample_weight='1,2'"),
    ],
)
def test_seqeval_options_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        check_seqeval_options(**options)
