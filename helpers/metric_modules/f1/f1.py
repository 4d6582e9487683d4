"""F1, offline: the Hub's ``f1`` module's configs, inputs and keys, with scikit-learn.

Load it with ``evaluate.load(helpers.metric_source("f1"))``.
"""

import datasets
import evaluate

from helpers.metric_inputs import CheckedInputs, check_label_batch
from helpers.metrics import f1_scores

_DESCRIPTION = """F1: the harmonic mean of precision and recall.
The fine-tuning course kit's offline copy of the Hub's `f1` metric (scikit-learn)."""

_KWARGS_DESCRIPTION = """
Args:
    predictions: class ids, one per example (a list of 0/1 labels each for `multilabel`).
    references: the labels, in the same order.
    labels: the labels to include when average is not "binary".
    pos_label: the positive class for average="binary" (default 1).
    average: "binary" (default), "micro", "macro", "weighted", "samples" or None (one
        score per class, as a list).
    sample_weight: one weight per example.
Returns:
    {"f1"}
Examples:

    >>> import helpers
    >>> f1 = evaluate.load(helpers.local_metric_path("f1"))
    >>> f1.compute(predictions=[0, 1, 1, 0], references=[0, 1, 0, 1])
    {'f1': 0.5}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class F1(CheckedInputs, evaluate.Metric):
    def _info(self):
        label = datasets.Value("int32")
        multilabel = self.config_name == "multilabel"
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "predictions": datasets.List(label) if multilabel else label,
                    "references": datasets.List(label) if multilabel else label,
                }
            ),
        )

    def _check_batch(self, predictions, references):
        check_label_batch(predictions, references, multilabel=self.config_name == "multilabel")

    def _compute(
        self,
        predictions,
        references,
        labels=None,
        pos_label=1,
        average="binary",
        sample_weight=None,
    ):
        return f1_scores(predictions, references, labels, pos_label, average, sample_weight)
