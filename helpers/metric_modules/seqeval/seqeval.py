"""seqeval, offline: the Hub's ``seqeval`` module's inputs, options and keys.

Load it with ``evaluate.load(helpers.metric_source("seqeval"))``.
"""

import datasets
import evaluate

from helpers.metric_inputs import CheckedInputs, check_seqeval_options, check_tag_batch
from helpers.metrics import seqeval_scores

_DESCRIPTION = """seqeval: entity-level precision, recall and F1 for sequence labelling (NER),
as conlleval computes them. The fine-tuning course kit's offline copy of the Hub's `seqeval`
metric."""

_KWARGS_DESCRIPTION = """
Args:
    predictions: predicted tags, one list of tag strings per sentence.
    references: reference tags, in the same shape.
    suffix: True when tags put the type first ("PER-B"). Default False.
    scheme: "IOB1", "IOB2", "IOE1", "IOE2", "IOBES" or "BILOU" (used by mode="strict").
    mode: "strict" counts an entity only with its scheme's exact tags; None (default) is
        conlleval's lenient reading.
    sample_weight: passed to seqeval.
    zero_division: "warn" (default), 0 or 1: the score of a type with nothing to divide by.
Returns:
    one dict per entity type {"precision", "recall", "f1", "number"}, then
    "overall_precision", "overall_recall", "overall_f1", "overall_accuracy".
Examples:

    >>> import helpers
    >>> seqeval = evaluate.load(helpers.local_metric_path("seqeval"))
    >>> predictions = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]
    >>> references = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]
    >>> results = seqeval.compute(predictions=predictions, references=references)
    >>> list(results)
    ['MISC', 'PER', 'overall_precision', 'overall_recall', 'overall_f1', 'overall_accuracy']
    >>> results["overall_f1"], results["PER"]["f1"]
    (0.5, 1.0)
"""

OPTIONS = ("suffix", "scheme", "mode", "sample_weight", "zero_division")


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Seqeval(CheckedInputs, evaluate.Metric):
    def _info(self):
        tags = datasets.List(datasets.Value("string"))
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            homepage="https://github.com/chakki-works/seqeval",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": tags, "references": tags}),
        )

    def _check_batch(self, predictions, references):
        check_tag_batch(predictions, references)

    def _check_options(self, **options):
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise ValueError(
                f"seqeval has no option {', '.join(unknown)}. Fix: use {', '.join(OPTIONS)}."
            )
        check_seqeval_options(**options)

    def _compute(self, predictions, references, **options):
        return seqeval_scores(predictions, references, **options)
