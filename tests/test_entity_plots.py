"""Chapter 4's entity plots: seqeval's per-type scores and the entity-type confusion table."""

import matplotlib

matplotlib.use("Agg")  # headless: no display, no window

import matplotlib.pyplot as plt
import pytest

from helpers.entity_plots import (
    entity_confusion,
    entity_scores_frame,
    plot_entity_confusion,
    plot_entity_scores,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


TRUE_TAGS = [
    ["B-PER", "I-PER", "O", "B-LOC", "O"],
    ["B-ORG", "I-ORG", "O", "B-MISC"],
    ["O", "B-PER", "O", "B-LOC", "I-LOC"],
]
PRED_TAGS = [
    ["B-PER", "I-PER", "O", "B-ORG", "O"],  # PER right; LOC predicted as ORG
    ["B-ORG", "O", "O", "B-MISC"],  # ORG one word short: missed, and a spurious ORG
    ["B-PER", "I-PER", "O", "I-LOC", "I-LOC"],  # PER too long: missed + spurious; LOC from I- right
]


def test_entity_confusion_counts_by_the_documented_rule():
    table = entity_confusion(TRUE_TAGS, PRED_TAGS)
    assert list(table.index) == ["LOC", "MISC", "ORG", "PER", "spurious"]
    assert list(table.columns) == ["LOC", "MISC", "ORG", "PER", "missed"]
    assert table.to_dict("index") == {
        "LOC": {"LOC": 1, "MISC": 0, "ORG": 1, "PER": 0, "missed": 0},
        "MISC": {"LOC": 0, "MISC": 1, "ORG": 0, "PER": 0, "missed": 0},
        "ORG": {"LOC": 0, "MISC": 0, "ORG": 0, "PER": 0, "missed": 1},
        "PER": {"LOC": 0, "MISC": 0, "ORG": 0, "PER": 1, "missed": 1},
        "spurious": {"LOC": 0, "MISC": 0, "ORG": 1, "PER": 1, "missed": 0},
    }


def test_entity_confusion_agrees_with_seqeval():
    """Diagonal = seqeval's true positives: per-type precision and recall follow."""
    from helpers.metrics import seqeval_scores

    table = entity_confusion(TRUE_TAGS, PRED_TAGS)
    scores = seqeval_scores(PRED_TAGS, TRUE_TAGS, zero_division=0)
    for entity in ["LOC", "MISC", "ORG", "PER"]:
        hits = table.loc[entity, entity]
        assert table.loc[entity].sum() == scores[entity]["number"]
        assert hits / table.loc[entity].sum() == pytest.approx(scores[entity]["recall"])
        predicted = table[entity].sum()
        assert (hits / predicted if predicted else 0.0) == pytest.approx(
            scores[entity]["precision"]
        )


def test_entity_confusion_wrong_answer_and_inputs():
    perfect = entity_confusion(TRUE_TAGS, TRUE_TAGS)
    assert perfect["missed"].sum() == 0 and perfect.loc["spurious"].sum() == 0
    assert perfect.to_numpy().trace() == 6
    assert not perfect.equals(entity_confusion(TRUE_TAGS, PRED_TAGS))
    suffixed = [
        [t.split("-")[-1] + "-" + t.split("-")[0] if t != "O" else t for t in s] for s in TRUE_TAGS
    ]
    assert entity_confusion(suffixed, suffixed, suffix=True).equals(perfect)
    with pytest.raises(ValueError, match="flat list of tags"):
        entity_confusion(TRUE_TAGS[0], PRED_TAGS[0])
    with pytest.raises(ValueError, match=r"sentence 1: 3 predicted tags but 4 reference"):
        entity_confusion(TRUE_TAGS, [PRED_TAGS[0], PRED_TAGS[1][:3], PRED_TAGS[2]])


def test_entity_confusion_plot_is_labelled():
    ax = plot_entity_confusion(TRUE_TAGS, PRED_TAGS)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted entity", "true entity")
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "missed"
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "spurious"
    assert len(ax.texts) == 25
    ax.figure.canvas.draw()


def test_entity_scores_from_the_seqeval_metric():
    from helpers.metrics import load_metric

    results = load_metric("seqeval").compute(
        predictions=PRED_TAGS, references=TRUE_TAGS, zero_division=0
    )
    frame = entity_scores_frame(results)
    assert list(frame.index) == ["LOC", "MISC", "ORG", "PER"]
    assert frame.loc["MISC"].tolist() == [1.0, 1.0, 1.0, 1]
    assert frame.loc["PER", "recall"] == 0.5 and frame.loc["ORG", "number"] == 1
    ax = plot_entity_scores(results)
    assert len(ax.patches) == 12
    heights = [round(p.get_height(), 3) for p in ax.patches[:4]]  # precision, per type
    assert heights == [round(results[t]["precision"], 3) for t in frame.index]
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "LOC\n(2 true)"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("entity type", "score")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["precision", "recall", "f1"] and legend[3].startswith("overall F1")
    ax.figure.canvas.draw()


def test_entity_scores_reject_the_overall_scores_only():
    overall = {"precision": 0.5, "recall": 0.5, "f1": 0.5, "accuracy": 0.9}
    with pytest.raises(ValueError, match=r"no per-entity scores .* not the overall scores"):
        entity_scores_frame(overall)
