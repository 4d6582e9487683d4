"""The graded edition's points and hidden tests, per exercise (instructor-only: never released).

Each hidden test calls ``helpers.classroom.grading.verify`` on inputs the learner has not
seen: other cases for a function (other sentences, other word splits, other label sets),
other rows of the data for an answer computed from it (the answer cell runs again on a
reshuffled or smaller split, with another seed), or other data that the answer cell itself
defines. ``nbgrader generate_assignment`` removes them from the student's copy; the
gradebook keeps them and ``nbgrader autograde`` puts them back before it runs a submission.
An exercise without one here (a table of the learner's own; the SST-2 runs, whose check
already scores the learner's model itself) still gets the fresh, unpatchable check.
"""

from __future__ import annotations

POINTS = 2  # each exercise; each quiz question is worth QUIZ_POINTS
QUIZ_POINTS = 1

MRPC_LABELS = "question praise complaint praise question complaint praise question"
FIRST_SUBTOKEN = [
    ([0, 3, 4, 0], [None, 0, 1, 1, 1, 2, 3, 3, None]),
    ([7, 8], [None, 0, 0, 1, 1, None]),
    ([2, 0, 1], [None, 0, 1, 2, 2, 2, None]),
]
ENTITIES = [
    (
        "",
        "Mara Olsen flew from Brindle to Corvath on Monday".split(),
        ["B-PER", "I-PER", "O", "O", "B-LOC", "O", "B-LOC", "O", "O"],
        [("PER", "Mara Olsen"), ("LOC", "Brindle"), ("LOC", "Corvath")],
    ),
    (
        "",
        "Kestrel Bank and Finch Group Oslo".split(),
        ["B-ORG", "I-ORG", "O", "B-ORG", "I-ORG", "B-LOC"],
        [("ORG", "Kestrel Bank"), ("ORG", "Finch Group"), ("LOC", "Oslo")],
    ),
    ("", ["Tove", "Lind"], ["I-PER", "I-PER"], [("PER", "Tove Lind")]),
]
LABEL_SETS = [
    (["a", "b", "c", "d", "e"], [0, 4, 2], 5),
    (["neg", "pos"], [0, 1], 3),
    (None, [0, 1, 2, 5], 4),
    (None, [1, 2], 3),
    (["x", "y", "z"], [0, 2], 2),
]

# (chapter, exercise) -> the keyword arguments of grading.verify, as source text
HIDDEN = {
    (
        1,
        "label_counts",
    ): 'replace={"raw_datasets": _grading.resampled(raw_datasets, seed=11, fraction=0.5)}, rerun=True',
    (1, "own_dataset"): "",
    (
        1,
        "label2id",
    ): f"rerun=True, edits=(({MRPC_LABELS!r}, {'praise bug question complaint bug praise praise question'!r}),)",
    (1, "label_count"): f"cases={LABEL_SETS!r}",
    (
        2,
        "element_labels",
    ): 'replace={"raw_datasets": _grading.resampled(raw_datasets, seed=5)}, rerun=True',
    (
        2,
        "pair_vs_separate",
    ): 'replace={"raw_datasets": _grading.resampled(raw_datasets, seed=5)}, rerun=True',
    (
        2,
        "dynamic_padding",
    ): 'replace={"tokenized_datasets": _grading.resampled(tokenized_datasets, seed=5)}, rerun=True',
    (2, "sst2_trainer"): "",
    (3, "sst2_loop_data"): "",
    (
        3,
        "num_steps",
    ): 'replace={"sst2_loop_datasets": _grading.resampled(sst2_loop_datasets, seed=3, fraction=0.7)}, rerun=True',
    (
        3,
        "accuracy_of",
    ): 'replace={"eval_dataloader": _grading.other_loader(eval_dataloader, seed=3)}',
    (3, "sst2_loop"): "",
    (
        4,
        "pos_chunk_tags",
    ): 'replace={"raw_datasets": _grading.resampled(raw_datasets, seed=9)}, rerun=True',
    (4, "first_subtoken"): f"cases={FIRST_SUBTOKEN!r}",
    (
        4,
        "pad_labels",
    ): 'replace={"tokenized_datasets": _grading.resampled(tokenized_datasets, seed=9)}',
    (4, "entity_spans"): f"cases={ENTITIES!r}",
}

# Imports the kit afresh: a check, a class or a module replaced from an answer cell is gone.
FRESH_IMPORT = """import sys as _sys

for _name in [_n for _n in _sys.modules if _n.split(".")[0] == "helpers"]:
    del _sys.modules[_name]
from helpers.classroom import grading as _grading
"""


def hidden_block(chapter: int, key: str) -> str:
    """The hidden part of exercise ``key``'s test cell, between nbgrader's markers."""
    extra = HIDDEN[(chapter, key)]
    call = f'_grading.verify({chapter}, "{key}", globals()' + (f", {extra})" if extra else ")")
    return f"### BEGIN HIDDEN TESTS\n{FRESH_IMPORT}\n{call}\n### END HIDDEN TESTS"


def quiz_hidden_block(chapter: int, number: int, question: dict) -> str:
    """The hidden part of quiz question ``number``'s test cell: its key, judged afresh."""
    if "number" in question:
        key = f"{question['number']!r}, tolerance={float(question.get('tolerance', 0))!r}"
    else:
        key = repr(question["answer"])
    call = f"_grading.verify_quiz({chapter}, {number}, quiz_answers, {key})"
    return f"### BEGIN HIDDEN TESTS\n{FRESH_IMPORT}\n{call}\n### END HIDDEN TESTS"
