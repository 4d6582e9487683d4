import numpy as np
import pytest

from helpers.metrics import load_metric


def test_glue_mrpc_matches_sklearn_and_resets():
    metric = load_metric("glue", "mrpc")
    metric.add_batch(predictions=np.array([1, 1]), references=np.array([1, 0]))
    metric.add_batch(predictions=[0, 1], references=[0, 1])
    assert metric.compute() == {"accuracy": 0.75, "f1": 0.8}
    with pytest.raises(ValueError, match="no predictions were added"):
        metric.compute()


def test_compute_with_arguments_like_evaluate():
    metric = load_metric("glue", "mrpc")
    assert metric.compute(predictions=[0, 1], references=[0, 1]) == {"accuracy": 1.0, "f1": 1.0}


def test_seqeval_course_example():
    # Chapter 7.2 of the course: the reference labels and one changed prediction.
    labels = ["B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "I-MISC", "I-MISC"]
    predictions = labels.copy()
    predictions[2] = "O"
    metric = load_metric("seqeval")
    result = metric.compute(predictions=[predictions], references=[labels])
    assert result["MISC"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "number": 2}
    assert result["ORG"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "number": 1}
    assert result["overall_precision"] == 1.0
    assert round(result["overall_recall"], 2) == 0.67
    assert result["overall_f1"] == pytest.approx(0.8)
    assert round(result["overall_accuracy"], 2) == 0.89


def test_seqeval_length_mismatch_is_explained():
    with pytest.raises(ValueError, match="2 predicted tags but 1 reference"):
        load_metric("seqeval").compute(predictions=[["O", "O"]], references=[["O"]])


def test_batch_length_mismatch_is_explained():
    with pytest.raises(ValueError, match="2 predictions but 1 references"):
        load_metric("accuracy").add_batch(predictions=[0, 1], references=[0])


def test_unknown_metric():
    with pytest.raises(ValueError, match="no local metric for 'bleu'"):
        load_metric("bleu")
