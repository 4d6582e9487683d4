"""Quizzes: every question well formed, answers judged with their explanation, widgets and text."""

import pytest
from classroom_testing import not_strict  # noqa: F401 - an autouse fixture

from helpers import classroom
from helpers.classroom import text
from helpers.classroom.quiz import Quiz

QUESTIONS = [
    (chapter, number, question)
    for chapter in text.CHAPTERS
    for number, question in enumerate(text.chapter_data(chapter)["quiz"]["questions"], start=1)
]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


@pytest.mark.parametrize("chapter", text.CHAPTERS)
def test_each_quiz_has_six_questions_or_more_of_both_kinds(chapter):
    questions = classroom.quiz(chapter).questions
    assert len(questions) >= 6
    assert any(q.is_numeric for q in questions) and any(not q.is_numeric for q in questions)


@pytest.mark.parametrize("chapter, number, question", QUESTIONS)
def test_exactly_one_right_answer_and_an_explanation_for_every_choice(chapter, number, question):
    assert question["text"].strip()
    if "number" in question:
        assert isinstance(question["number"], (int, float))
        assert question["right"].strip() and question["wrong"].strip()
        assert "choices" not in question and "answer" not in question
        return
    choices = question["choices"]
    assert len(choices) >= 3
    assert isinstance(question["answer"], str) and question["answer"] in choices
    assert len({c["text"] for c in choices.values()}) == len(choices), "two choices read the same"
    for letter, choice in choices.items():
        assert choice["text"].strip() and choice["explain"].strip(), (chapter, number, letter)
    right = [k for k in choices if k == question["answer"]]
    assert len(right) == 1
    # the right choice's explanation confirms it; a wrong one's does not
    assert (
        choices[question["answer"]]["explain"].startswith("Right")
        or "Right:" in choices[question["answer"]]["explain"]
    ), (chapter, number)


@pytest.mark.parametrize("chapter, number, question", QUESTIONS)
def test_only_the_right_answer_is_judged_right(chapter, number, question):
    quiz = Quiz(chapter)
    if "number" in question:
        assert quiz.question(number).judge(question["number"])[0]
        assert quiz.question(number).judge(str(question["number"]))[0]
        assert not quiz.question(number).judge(question["number"] + 1)[0]
        return
    for letter, choice in question["choices"].items():
        right, explanation = quiz.question(number).judge(letter)
        assert right == (letter == question["answer"])
        assert explanation == choice["explain"].strip()


def test_answer_prints_the_feedback_and_records_it(tmp_path, capsys):
    quiz = classroom.quiz(4)
    assert quiz.answer(1, "b") is True
    assert quiz.answer(2, "8") is False
    out = capsys.readouterr().out
    assert "Question 1: right. Right: PyTorch's cross-entropy ignores" in out
    assert "Question 2: not quite. Count `label_names`" in out
    import json

    record = json.loads((tmp_path / "04_ner.progress.json").read_text())
    assert record["quiz"]["1"]["passed"] and not record["quiz"]["2"]["passed"]


def test_bad_replies_are_explained(capsys):
    quiz = classroom.quiz(4)
    assert not quiz.answer(1, "z")
    assert not quiz.answer(2, "nine")
    out = capsys.readouterr().out
    assert "'z' is not one of the choices (a, b, c, d)" in out
    assert "'nine' is not a number" in out
    with pytest.raises(ValueError, match="There is no question 99; this quiz has questions 1 to"):
        quiz.answer(99, "a")


def test_show_prints_text_outside_a_kernel(capsys):
    classroom.quiz(1).show()
    out = capsys.readouterr().out
    assert out.startswith("Chapter 1 quiz")
    assert "   a) " in out and 'quiz.answer(1, "b")' in out


def test_widgets_submit_and_show_the_explanation():
    quiz = classroom.quiz(2)
    box = quiz.widget()
    bundle = box._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == quiz.as_text()  # what headless runs save
    assert "application/vnd.jupyter.widget-view+json" in data
    numeric, choice = box.children[1], box.children[2]  # question 1 is numeric, 2 choices
    _, entry, submit, feedback = numeric.children
    submit.click()
    assert "Choose an answer first" in feedback.value
    entry.value = "2"
    submit.click()
    assert "Question 1: right." in feedback.value and "green" in feedback.value
    _, radio, submit, feedback = choice.children
    radio.value = "b"
    submit.click()
    assert "not quite" in feedback.value and "attention_mask" in feedback.value
