"""GLUE metric, offline: the Hub's ``glue`` module's configs, inputs and keys, scikit-learn's scores.

Load it with ``evaluate.load(helpers.metric_source("glue"), "mrpc")`` (this folder when the
Hub cannot be reached).
"""

import datasets
import evaluate

from helpers.metric_inputs import CheckedInputs, check_label_batch
from helpers.metrics import GLUE_CONFIGS, glue_scores

_DESCRIPTION = """GLUE (General Language Understanding Evaluation) metrics, one config per task.
The fine-tuning course kit's offline copy of the Hub's `glue` metric, with scikit-learn's scores."""

_KWARGS_DESCRIPTION = """
Args:
    predictions: class ids, one per example (list, numpy array or torch tensor);
        scores for `stsb`.
    references: the labels, in the same order.
Returns: by config
    mrpc, qqp: {"accuracy", "f1"}; cola: {"matthews_correlation"}; stsb: {"pearson",
    "spearmanr"}; sst2, mnli, mnli_matched, mnli_mismatched, qnli, rte, wnli, hans: {"accuracy"}.
Examples:

    >>> import helpers
    >>> glue_metric = evaluate.load(helpers.local_metric_path("glue"), "mrpc")
    >>> glue_metric.compute(predictions=[0, 1, 1], references=[0, 1, 0])
    {'accuracy': 0.6666666666666666, 'f1': 0.6666666666666666}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Glue(CheckedInputs, evaluate.Metric):
    def _info(self):
        if self.config_name not in GLUE_CONFIGS:
            raise ValueError(
                f"GLUE has no config {self.config_name!r}. Fix: evaluate.load(..., 'mrpc'), "
                f"or one of {', '.join(GLUE_CONFIGS)}."
            )
        dtype = "float32" if self.config_name == "stsb" else "int64"
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value(dtype), "references": datasets.Value(dtype)}
            ),
            format="numpy",
        )

    def _check_batch(self, predictions, references):
        check_label_batch(predictions, references, regression=self.config_name == "stsb")

    def _compute(self, predictions, references):
        return glue_scores(self.config_name, predictions, references)
