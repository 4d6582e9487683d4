"""Accuracy, offline: the Hub's ``accuracy`` module's configs, inputs and keys, with scikit-learn.

Load it with ``evaluate.load(helpers.metric_source("accuracy"))``.
"""

import datasets
import evaluate

from helpers.metric_inputs import CheckedInputs, check_label_batch
from helpers.metrics import accuracy_scores

_DESCRIPTION = """Accuracy: the share of predictions equal to their reference.
The fine-tuning course kit's offline copy of the Hub's `accuracy` metric (scikit-learn)."""

_KWARGS_DESCRIPTION = """
Args:
    predictions: class ids, one per example (a list of 0/1 labels each for `multilabel`).
    references: the labels, in the same order.
    normalize: False returns the number of correct predictions instead of the share.
    sample_weight: one weight per example.
Returns:
    {"accuracy"}
Examples:

    >>> import helpers
    >>> accuracy = evaluate.load(helpers.local_metric_path("accuracy"))
    >>> accuracy.compute(predictions=[0, 1, 1, 0], references=[0, 1, 0, 0])
    {'accuracy': 0.75}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Accuracy(CheckedInputs, evaluate.Metric):
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

    def _compute(self, predictions, references, normalize=True, sample_weight=None):
        return accuracy_scores(predictions, references, normalize, sample_weight)
