"""The graded edition's runtime: checks that raise under nbgrader, hidden tests, the quiz in
code, and solutions kept out of the package (nbgrader itself runs in tests/test_grading.py)."""

from __future__ import annotations

import pytest
from classroom_testing import not_strict, solution, stub  # noqa: F401 - an autouse fixture

from helpers import classroom
from helpers.classroom import grading, text
from tools import nbgrader_hidden as hidden


@pytest.fixture
def grading_run(monkeypatch):
    monkeypatch.setenv(text.GRADING_VARIABLE, "autograde")


def _namespace(chapter: int, key: str, *codes: str) -> dict:
    namespace: dict = {"exercises": classroom.exercises(chapter)}
    for code in codes:
        exec(code, namespace)
    return namespace


def test_a_check_raises_only_while_nbgrader_grades(monkeypatch, capsys):
    first = classroom.exercises(4).first_subtoken
    first.check(...)  # self-study: untouched prints, Run All goes on
    assert "not attempted yet" in capsys.readouterr().out
    namespace = _namespace(4, "first_subtoken", solution(4, "first_subtoken"))
    monkeypatch.setenv(text.GRADING_VARIABLE, "autograde")
    with pytest.raises(AssertionError, match="not attempted yet"):
        first.check(...)
    first.check(namespace["align_first_subtoken"])  # a right answer does not raise


def test_no_solution_while_nbgrader_grades(grading_run, capsys):
    assert text.solutions(4) is None
    classroom.exercises(4).first_subtoken.solution()
    assert "This edition has no solutions" in capsys.readouterr().out


def test_the_solutions_are_outside_the_package(monkeypatch, tmp_path):
    assert not list((text.PACKAGE_DIR).rglob("solutions"))
    assert text.SOLUTIONS_DIR.parent.name == "instructor" and text.solutions(4)
    (tmp_path / "ch4.yaml").write_text("first_subtoken: mine\n")
    monkeypatch.setenv(text.SOLUTIONS_VARIABLE, str(tmp_path))
    assert text.solutions(4) == {"first_subtoken": "mine"}


def test_verify_passes_the_reference_on_the_hidden_cases():
    namespace = _namespace(4, "first_subtoken", solution(4, "first_subtoken"))
    grading.verify(4, "first_subtoken", namespace, cases=hidden.FIRST_SUBTOKEN)
    namespace = _namespace(4, "entity_spans", solution(4, "entity_spans"))
    grading.verify(4, "entity_spans", namespace, cases=hidden.ENTITIES)


def test_an_answer_tuned_to_the_visible_check_fails_the_hidden_one():
    tuned = (
        "from helpers.classroom.ch4 import FIRST_SUBTOKEN_CASES as _seen\n"
        "_right = align_first_subtoken\n"
        "_known = {repr((l, w)): _right(l, w) for l, w in _seen}\n"
        "def align_first_subtoken(labels, word_ids):\n"
        "    return _known[repr((labels, word_ids))]\n"
    )
    namespace = _namespace(4, "first_subtoken", solution(4, "first_subtoken"), tuned)
    grading.verify(4, "first_subtoken", namespace)  # the visible check alone passes it
    with pytest.raises(grading.NotPassed, match="Hidden test"):
        grading.verify(4, "first_subtoken", namespace, cases=hidden.FIRST_SUBTOKEN)


def test_verify_uses_its_own_checks_not_the_notebooks(monkeypatch):
    namespace = _namespace(4, "pad_labels", stub(4, "pad_labels"))
    namespace["exercises"].pad_labels.check = lambda *a, **k: None  # patched in the notebook
    namespace.update(tokenized_datasets=None, data_collator=None)
    with pytest.raises(grading.NotPassed, match="not attempted yet"):
        grading.verify(4, "pad_labels", namespace)


def test_a_missing_answer_is_named():
    with pytest.raises(grading.NotPassed, match="`align_first_subtoken` is not defined"):
        grading.verify(4, "first_subtoken", {})


def test_the_label_sets_of_the_hidden_test(monkeypatch):
    namespace = _namespace(
        1,
        "label_count",
        "from datasets import ClassLabel\n"
        + solution(1, "label_count").split("\n\n\ncheck_dataset_labels(")[0],
    )
    grading.verify(1, "label_count", namespace, cases=hidden.LABEL_SETS)
    lax = "def check_dataset_labels(dataset, num_labels):\n    if max(dataset['label']) >= num_labels:\n        raise ValueError(f'{num_labels} {max(dataset[\"label\"])}')\n"
    namespace = _namespace(1, "label_count", lax)
    with pytest.raises(grading.NotPassed):
        grading.verify(1, "label_count", namespace, cases=hidden.LABEL_SETS)


def test_rerun_on_other_data(monkeypatch):
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

    features = Features({"text": Value("string"), "label": ClassLabel(names=["a", "b"])})
    train = Dataset.from_dict({"text": ["x"] * 8, "label": [0, 0, 0, 1, 1, 0, 1, 0]}, features)
    validation = Dataset.from_dict({"text": ["y"] * 3, "label": [1, 1, 1]}, features)
    raw_datasets = DatasetDict(train=train, validation=validation)
    code = solution(1, "label_counts")
    monkeypatch.setattr(grading, "answer_cell_source", lambda: code)
    namespace = _namespace(1, "label_counts", "raw_datasets = None\n")
    namespace["raw_datasets"] = raw_datasets
    exec(code, namespace)
    other = {"raw_datasets": grading.resampled(raw_datasets, seed=11, fraction=0.5)}
    grading.verify(1, "label_counts", namespace, replace=other, rerun=True)
    written_out = code + f"\nlabel_counts = {namespace['label_counts']!r}\n"
    monkeypatch.setattr(grading, "answer_cell_source", lambda: written_out)
    exec(written_out, namespace)
    with pytest.raises(grading.NotPassed, match="Hidden test"):
        grading.verify(1, "label_counts", namespace, replace=other, rerun=True)


def test_the_quiz_in_code(monkeypatch, capsys):
    quiz = classroom.quiz(4)
    replies = quiz.answers({1: "b", 2: ..., 3: "a"})
    out = capsys.readouterr().out
    assert "Question 1: right." in out and "Question 2: not answered yet" in out
    quiz.check(replies, 3)  # self-study: prints, does not raise
    monkeypatch.setenv(text.GRADING_VARIABLE, "autograde")
    quiz.check(replies, 1)
    for number in (2, 3):
        with pytest.raises(AssertionError):
            quiz.check(replies, number)
    with pytest.raises(TypeError, match="quiz.answers takes a dict"):
        quiz.answers(["b"])


def test_verify_quiz_uses_the_key_it_is_given():
    grading.verify_quiz(4, 2, {2: 9}, 9)
    grading.verify_quiz(3, 3, {3: "0.69"}, 0.693, tolerance=0.01)
    with pytest.raises(grading.NotPassed, match="Question 1: not quite"):
        grading.verify_quiz(4, 1, {1: "a"}, "b")
    with pytest.raises(grading.NotPassed, match="not answered yet"):
        grading.verify_quiz(4, 1, {}, "b")


def test_what_pip_installs_holds_no_solution():
    """The wheel (the Colab cell's pip install) is the helpers package and its data files."""
    from pathlib import Path

    from test_classroom_student import leaks_in

    package = Path(text.PACKAGE_DIR).parent
    assert leaks_in(package) == []
    assert leaks_in(Path(text.SOLUTIONS_DIR))  # the finder sees them where they are
