"""Shared by the classroom tests: run an exercise's stub, solution or wrong answer in a
namespace built like the chapter's notebook, and evaluate its check."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers import classroom
from helpers.classroom import text
from helpers.classroom.core import FAILED, NOT_ATTEMPTED, PASSED, STRICT_VARIABLE, Result

UNFILLED = re.compile(r"\{[a-z_]+(![rs])?(:[^}]*)?\}")  # a template field left unfilled


def exercise(chapter: int, key: str) -> classroom.Exercise:
    return getattr(classroom.exercises(chapter), key)


def evaluate(chapter: int, key: str, namespace: dict) -> Result:
    """Evaluate exercise ``key`` on the answers its check cell would pass from ``namespace``."""
    ex = exercise(chapter, key)
    answers = [eval(name, namespace) for name in ex.call_arguments.split(", ")]
    return ex.evaluate(*answers)


def run(chapter: int, key: str, context: dict, *codes: str) -> tuple[Result, dict]:
    """Run ``codes`` (stub, solution, wrong answers...) in order in a copy of ``context``."""
    namespace = dict(context)
    for code in codes:
        exec(compile(code, f"<{chapter}.{key}>", "exec"), namespace)
    return evaluate(chapter, key, namespace), namespace


def stub(chapter: int, key: str) -> str:
    return text.chapter_data(chapter)["exercises"][key]["stub"]


def solution(chapter: int, key: str) -> str:
    return text.solutions(chapter)[key]


def assert_not_attempted(chapter: int, key: str, context: dict) -> None:
    result, _ = run(chapter, key, context, stub(chapter, key))
    assert result.status == NOT_ATTEMPTED, (result.status, result.problem)


def assert_passes(chapter: int, key: str, context: dict) -> dict:
    result, namespace = run(chapter, key, context, solution(chapter, key))
    assert result.status == PASSED, result.problem
    assert result.notes, "a pass says what is right"
    return namespace


def assert_rejected(result: Result, message: str) -> None:
    """The check failed with the message ``message`` (a key of the exercise's messages)."""
    assert result.status == FAILED, f"a wrong answer passed; expected {message!r}"
    assert result.key == message, f"expected {message!r}, got {result.key!r}: {result.problem}"
    assert result.problem and not UNFILLED.search(result.problem), result.problem


def covers_every_exercise(chapter: int, wrong_answers: list[tuple[Any, ...]]) -> None:
    keys = list(text.chapter_data(chapter)["exercises"])
    assert sorted({case[0] for case in wrong_answers}) == sorted(keys)


@pytest.fixture(autouse=True)
def not_strict(monkeypatch):
    """These tests give wrong answers on purpose: a failed check must print, not raise, even
    when CI runs with COURSE_CLASSROOM_STRICT=1 (for the notebooks' reference solutions)."""
    monkeypatch.delenv(STRICT_VARIABLE, raising=False)
