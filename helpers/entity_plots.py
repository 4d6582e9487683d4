"""Chapter 4's plots of named entities: seqeval's per-type scores, and which type the model
predicted for each true entity.

Nothing is drawn or imported from matplotlib until a function is called (see ``helpers.plots``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from helpers.plots import _heatmap, _new_axes

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

SCORE_KEYS = ("precision", "recall", "f1")


def entity_scores_frame(seqeval_results: Mapping[str, Any]) -> pd.DataFrame:
    """The per-entity part of seqeval's results as a table.

    Args:
        seqeval_results: what the ``seqeval`` metric's ``compute`` returned.

    Returns:
        One row per entity type: precision, recall, f1 and number (true entities).

    >>> results = {"PER": {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "number": 2},
    ...            "overall_precision": 1.0, "overall_recall": 0.5, "overall_f1": 2 / 3, "overall_accuracy": 0.9}
    >>> entity_scores_frame(results).round(2).to_dict("index")
    {'PER': {'precision': 1.0, 'recall': 0.5, 'f1': 0.67, 'number': 2}}

    Used in: 04_ner (through ``plot_entity_scores``).
    """
    import pandas as pd

    rows = {
        name: value
        for name, value in seqeval_results.items()
        if isinstance(value, Mapping) and set(SCORE_KEYS) <= set(value)
    }
    if not rows:
        raise ValueError(
            f"no per-entity scores in {sorted(seqeval_results)}. Fix: pass the whole dict that "
            "the seqeval metric's compute() returned (entity types map to precision, recall, "
            "f1, number), not the overall scores that compute_metrics keeps."
        )
    frame = pd.DataFrame.from_dict(rows, orient="index")[[*SCORE_KEYS, "number"]]
    frame.index.name = "entity type"
    return frame.astype({"number": int})


def plot_entity_scores(seqeval_results: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Precision, recall and F1 per entity type, as grouped bars; overall F1 as a line.

    Args:
        seqeval_results: what the ``seqeval`` metric's ``compute`` returned.
        ax: the Axes to draw on; None creates a figure.

    Returns:
        The Axes.

    Used in: 04_ner.
    """
    import numpy as np

    frame = entity_scores_frame(seqeval_results)
    ax = _new_axes(ax, (1.4 * len(frame) + 3, 4))
    positions = np.arange(len(frame))
    width = 0.8 / len(SCORE_KEYS)
    handles = []
    for i, key in enumerate(SCORE_KEYS):
        bars = ax.bar(positions + (i - 1) * width, frame[key], width, label=key, color=f"C{i}")
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
        handles.append(bars)
    if "overall_f1" in seqeval_results:
        overall = seqeval_results["overall_f1"]
        handles.append(
            ax.axhline(overall, color="grey", linestyle="--", label=f"overall F1 {overall:.2f}")
        )
    labels = [f"{name}\n({n} true)" for name, n in frame["number"].items()]
    ax.set_xticks(positions, labels)
    ax.set_xlabel("entity type")
    ax.set_ylabel("score")
    ax.set_ylim(0, 1.1)
    ax.set_title("Scores per entity type (seqeval)")
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False
    )
    return ax


MISSED = "missed"
SPURIOUS = "spurious"


def entity_confusion(
    true_tag_sentences: Sequence[Sequence[str]],
    pred_tag_sentences: Sequence[Sequence[str]],
    suffix: bool = False,
) -> pd.DataFrame:
    """Which entity type the model predicted for each true entity, at the entity level.

    The rule, sentence by sentence: entities are read from the tags as seqeval reads them
    by default (``seqeval.metrics.sequence_labeling.get_entities``: a type and a span of
    words, ``I-`` without a ``B-`` opening one). Then

    - a true entity with a predicted entity on exactly the same span counts in row (true
      type), column (predicted type): the diagonal when the types agree;
    - a true entity with no predicted entity on exactly its span counts in column
      ``"missed"`` (a span predicted one word too short is missed, as seqeval counts it);
    - a predicted entity with no true entity on exactly its span counts in row
      ``"spurious"``.

    So the diagonal is seqeval's true positives per type, a row's sum its ``number`` of
    true entities, and a type's column sum (``"spurious"`` row included) the entities
    predicted as that type: precision and recall per type follow from the table.

    Args:
        true_tag_sentences: reference tags, one list per sentence.
        pred_tag_sentences: predicted tags, same shape (after ``postprocess``).
        suffix: tags put the type first (``"PER-B"``).

    Returns:
        A DataFrame of counts: rows are the true types then ``"spurious"``; columns the
        predicted types then ``"missed"``; types are those seen in either, sorted.

    >>> true = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    >>> pred = [["B-PER", "I-PER", "O", "B-ORG"], ["O", "B-MISC"]]
    >>> entity_confusion(true, pred)  # doctest: +NORMALIZE_WHITESPACE
    predicted entity  LOC  MISC  ORG  PER  missed
    true entity
    LOC                 0     0    1    0       0
    MISC                0     0    0    0       0
    ORG                 0     0    0    0       1
    PER                 0     0    0    1       0
    spurious            0     1    0    0       0

    Used in: 04_ner (through ``plot_entity_confusion``).
    """
    import pandas as pd
    from seqeval.metrics.sequence_labeling import get_entities

    from helpers.metric_inputs import check_tag_batch

    # the messages call the predicted tags "predictions" and the true ones "references"
    pred_sentences, true_sentences = check_tag_batch(pred_tag_sentences, true_tag_sentences)
    pairs: list[tuple[str, str]] = []
    for true_tags, pred_tags in zip(true_sentences, pred_sentences):
        true_spans = {(s, e): t for t, s, e in get_entities(true_tags, suffix=suffix)}
        pred_spans = {(s, e): t for t, s, e in get_entities(pred_tags, suffix=suffix)}
        pairs += [(t, pred_spans.get(span, MISSED)) for span, t in true_spans.items()]
        pairs += [(SPURIOUS, t) for span, t in pred_spans.items() if span not in true_spans]
    types = sorted({t for pair in pairs for t in pair} - {MISSED, SPURIOUS})
    counts = pd.DataFrame(0, index=[*types, SPURIOUS], columns=[*types, MISSED])
    for true_type, pred_type in pairs:
        counts.loc[true_type, pred_type] += 1
    counts.index.name, counts.columns.name = "true entity", "predicted entity"
    return counts


def plot_entity_confusion(
    true_tag_sentences: Sequence[Sequence[str]],
    pred_tag_sentences: Sequence[Sequence[str]],
    ax: Axes | None = None,
    suffix: bool = False,
) -> Axes:
    """The entity-type confusion table (``entity_confusion``) as a labelled grid of counts.

    Args:
        true_tag_sentences: reference tags, one list per sentence.
        pred_tag_sentences: predicted tags, same shape.
        ax: the Axes to draw on; None creates a figure.
        suffix: tags put the type first.

    Returns:
        The Axes.

    Used in: 04_ner.
    """
    counts = entity_confusion(true_tag_sentences, pred_tag_sentences, suffix=suffix)
    ax = _new_axes(ax, (1.2 * counts.shape[1] + 2.5, 1.0 * counts.shape[0] + 1.5))
    _heatmap(ax, counts)
    ax.set_title("Entity types: true (rows) against predicted (columns)")
    return ax


__all__ = [
    "entity_confusion",
    "entity_scores_frame",
    "plot_entity_confusion",
    "plot_entity_scores",
]
