"""Graded runs: what the test cells of the nbgrader assignments call (``make class``).

``tools/nbgrader_course.py`` turns each exercise into an answer cell and a test cell worth
points. The test cell's visible line is the kit's check: it prints the feedback and, while
nbgrader grades (``NBGRADER_EXECUTION`` set), raises when the exercise is not passed, which
is how nbgrader scores a cell. Its hidden part (nbgrader's BEGIN/END HIDDEN TESTS: only the
instructor's gradebook holds it) first drops every ``helpers`` module from ``sys.modules`` and
imports this one afresh, so that a check function, class or module replaced from an answer
cell is not the one that decides, then calls ``verify``: the same check on the visible
inputs, then on inputs the learner has not seen (other cases for a function, other rows of
the data for an answer computed from it, the answer cell run again on them).

The quiz is answered in code, ``quiz_answers = quiz.answers({1: "b", 2: 3})``, and each
question has a test cell of its own: ``Quiz.check`` prints the verdict, ``verify_quiz``
judges it against the key written in the hidden part.
"""

from __future__ import annotations

import contextlib
import io
import random
import sys
from typing import Any

from helpers.classroom import core, text
from helpers.classroom.quiz import Question


class NotPassed(AssertionError):
    """A graded test that fails: nbgrader gives its cell no points; the message says why."""


def _say(key: str, **fields: Any) -> str:
    return text.say(text.common()[key], **fields)


def _value(namespace: dict, name: str) -> Any:
    if name not in namespace:
        raise NotPassed(_say("graded_not_defined", name=name))
    return namespace[name]


def _require(exercise: core.Exercise, result: core.Result, hidden: bool) -> None:
    if result.passed:
        return
    rendered = result.render(f"{exercise.variable}.{exercise.key}.hint()")
    raise NotPassed(f"{_say('graded_hidden')}\n{rendered}" if hidden else rendered)


def answer_cell_source() -> str:
    """The source of the cell run before this one: in a graded notebook, the answer cell
    that precedes its test cell."""
    shell = sys.modules["IPython"].get_ipython()
    return shell.history_manager.input_hist_raw[-2]


def verify(
    chapter: int,
    key: str,
    namespace: dict,
    *,
    cases: list | None = None,
    replace: dict | None = None,
    rerun: bool = False,
    edits: tuple[tuple[str, str], ...] = (),
) -> None:
    """Check exercise ``key`` as its check cell does, then on inputs the learner has not seen.

    Args:
        namespace: the notebook's globals.
        cases: other inputs for an exercise whose answer is a function.
        replace: check-call arguments (or names the answer cell reads) given other values.
        rerun: run the answer cell again, on ``replace``'s values, for the answers.
        edits: (old, new) text replacements in the answer cell before it runs again (data
            that the cell itself defines).

    Raises:
        NotPassed: naming what is wrong, when either check fails.

    Used in: the hidden part of every exercise's test cell in ``make class``'s assignments.
    """
    exercise = getattr(core.ChapterExercises(chapter), key)
    names = exercise.call_arguments.split(", ")
    visible = exercise.evaluate(*[_value(namespace, n) for n in names])
    _require(exercise, visible, hidden=False)
    if not (cases or replace or rerun):
        return
    scope = dict(namespace)
    scope.update(replace or {})
    if rerun:
        source = answer_cell_source()
        for old, new in edits:
            source = source.replace(old, new)
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                exec(compile(source, "<answer cell, hidden test>", "exec"), scope)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            raise NotPassed(
                _say("graded_hidden_raised", error=f"{type(error).__name__}: {error}")
            ) from None
    options = {"cases": cases} if cases else {}
    hidden = exercise.evaluate(*[_value(scope, n) for n in names], **options)
    _require(exercise, hidden, hidden=True)


def verify_quiz(
    chapter: int, number: int, replies: Any, expected: Any, tolerance: float = 0
) -> None:
    """Judge question ``number``'s reply in ``replies`` against ``expected`` (a letter, or a
    number within ``tolerance``), written in the test cell's hidden part.

    Used in: the hidden part of each quiz question's test cell.
    """
    spec = dict(text.chapter_data(chapter)["quiz"]["questions"][number - 1])
    if isinstance(expected, str):
        spec["answer"] = expected
    else:
        spec.update(number=expected, tolerance=tolerance)
    reply = replies.get(number, ...) if isinstance(replies, dict) else ...
    if reply is ...:
        raise NotPassed(_say("quiz_unanswered", number=number))
    right, explanation = Question(number, spec).judge(reply)
    if not right:
        raise NotPassed(f"{_say('quiz_wrong', number=number)} {explanation}")


def resampled(datasets: Any, seed: int, fraction: float = 1.0) -> Any:
    """Each split of a ``DatasetDict`` shuffled with ``seed``, its first ``fraction`` kept:
    other rows at the indices an exercise names, other counts.

    Used in: the hidden tests of exercises computed from the data.
    """
    from datasets import DatasetDict

    out = {}
    for split, dataset in datasets.items():
        dataset = dataset.shuffle(seed=seed).flatten_indices()
        out[split] = dataset.select(range(max(1, round(len(dataset) * fraction))))
    return DatasetDict(out)


def other_loader(dataloader: Any, seed: int, batch_size: int = 5, fraction: float = 0.6) -> Any:
    """A DataLoader over a shuffled part of ``dataloader``'s data, in batches of another size
    (a last batch smaller than the others).

    Used in: the hidden test of exercise 3.3 (``accuracy_of``).
    """
    from torch.utils.data import DataLoader, Subset

    indices = list(range(len(dataloader.dataset)))
    random.Random(seed).shuffle(indices)
    part = Subset(dataloader.dataset, indices[: max(1, round(len(indices) * fraction))])
    return DataLoader(part, batch_size=batch_size, collate_fn=dataloader.collate_fn)
