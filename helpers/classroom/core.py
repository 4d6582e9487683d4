"""Exercises: a task, a stub, a check function, a hint and a solution, and what a check prints.

A chapter module (``ch1`` ... ``ch4``) registers one check function per exercise with
``@exercise(chapter, key, call=...)``; the texts come from the chapter's data file (see
``helpers.classroom.text``). A check function receives a ``Checker`` and the learner's
answers. It notes what is right with ``r.ok(...)`` and stops at the first thing that is
wrong with ``r.wrong(...)``; ``r.attempted(...)`` stops early, without blame, while a
stub is untouched. Nothing a check finds raises in the notebook: ``check()`` prints the
verdict, so Run All goes on.
"""

from __future__ import annotations

import contextlib
import dis
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from helpers.classroom import progress, text

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
# set to 1 (CI does) to make a failed check raise, so a broken reference solution fails the run
STRICT_VARIABLE = "COURSE_CLASSROOM_STRICT"


class NotAttempted(Exception):
    """The learner's answer is still the stub."""


class Feedback(Exception):
    """A wrong answer; the message says what is wrong and why, ``key`` names the message."""

    def __init__(self, message: str, key: str = ""):
        super().__init__(message)
        self.key = key


def _empty_function() -> None: ...


def _instructions(code: Any) -> list[tuple[str, Any]]:
    # compared by meaning, not bytes: a docstring shifts the constants' indices
    return [(i.opname, i.argval) for i in dis.get_instructions(code)]


def is_stub(value: Any) -> bool:
    """True for what a stub cell leaves behind: ``...``, or a function whose body is only
    ``...`` or ``pass`` (a docstring allowed).

    >>> def mine(labels):
    ...     '''Your code here.'''
    ...     ...
    >>> is_stub(...), is_stub(mine), is_stub(len), is_stub(0)
    (True, True, False, False)
    """
    if value is Ellipsis:
        return True
    code = getattr(value, "__code__", None)
    return code is not None and _instructions(code) == _instructions(_empty_function.__code__)


@dataclass
class Result:
    """What one check found: the verdict and the lines that explain it."""

    number: str
    title: str
    status: str
    notes: list[str] = field(default_factory=list)
    problem: str = ""
    key: str = ""  # the message key of the problem, for tests

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def render(self, hint_call: str) -> str:
        messages = text.common()
        heading = text.say(
            messages["heading"], number=self.number, title=text.translate(self.title)
        )
        if self.status == NOT_ATTEMPTED:
            return f"{heading}: {text.translate(messages['not_attempted'])}"
        verdict = messages["passed"] if self.passed else messages["not_yet"]
        lines = [f"{heading}: {text.translate(verdict)}"]
        lines += [f"  ✓ {note}" for note in self.notes]
        if self.problem:
            lines.append(f"  ✗ {self.problem}")
            lines.append("  " + text.say(messages["stuck"], hint=hint_call))
        return "\n".join(lines)


class Checker:
    """Handed to a check function: formats its messages and collects what is right."""

    def __init__(self, messages: dict[str, str]):
        self.messages = messages
        self.notes: list[str] = []

    def say(self, key: str, **fields: Any) -> str:
        template = self.messages.get(key) or text.common().get(key)
        if template is None:
            raise KeyError(f"no message {key!r} for this exercise; add it to its data file")
        return text.say(template, **fields)

    def ok(self, key: str, **fields: Any) -> None:
        """Note something the answer gets right."""
        self.notes.append(self.say(key, **fields))

    def wrong(self, key: str, **fields: Any) -> NoReturn:
        """Stop: the answer is wrong, for the reason the message ``key`` gives."""
        raise Feedback(self.say(key, **fields), key)

    def require(self, condition: bool, key: str, **fields: Any) -> None:
        if not condition:
            self.wrong(key, **fields)

    def attempted(self, *answers: Any) -> None:
        """Stop without blame when every answer is still its stub."""
        if all(is_stub(a) for a in answers):
            raise NotAttempted
        for answer in answers:
            if is_stub(answer):
                self.wrong("partly_attempted")

    def is_a(self, value: Any, kind: type | tuple[type, ...], name: str, what: str) -> None:
        """Stop unless ``value`` is a ``kind``; ``name`` is the learner's variable, ``what``
        the English noun phrase of what it should be, marked with ``N_`` where it is written
        (it is translated here, as a whole phrase)."""
        if not isinstance(value, kind):
            self.wrong("not_a", name=name, what=text.translate(what), got=text.kind_of(value))

    def call(self, function: Callable, *args: Any, name: str | None = None) -> Any:
        """Call the learner's function; an exception it raises becomes feedback, not a crash.

        ``name``: the function's name as the learner wrote it; without one the message says
        "your function" as a whole sentence of its own."""
        if not callable(function):
            self.wrong("not_callable", name=name or "?", got=text.kind_of(function))
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                return function(*args)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            shown = ", ".join(_short(a) for a in args)
            error_text = f"{type(error).__name__}: {error}"
            if name is None:
                self.wrong("raised_unnamed", args=shown, error=error_text)
            self.wrong("raised", name=name, args=shown, error=error_text)


def _short(value: Any, limit: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


# --------------------------------------------------------------------------- registry

CheckFunction = Callable[..., None]
_REGISTRY: dict[tuple[int, str], tuple[CheckFunction, str]] = {}


def exercise(chapter: int, key: str, call: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``function`` as the check of exercise ``key``; ``call`` is the check cell's
    argument list, as the notebook writes it (``"tag_table, raw_datasets"``)."""

    def register(function: CheckFunction) -> CheckFunction:
        _REGISTRY[(chapter, key)] = (function, call)
        return function

    return register


def registered(chapter: int) -> dict[str, tuple[CheckFunction, str]]:
    """The check functions a chapter module registered, by exercise key."""
    return {key: entry for (ch, key), entry in _REGISTRY.items() if ch == chapter}


class Exercise:
    """One exercise: ``check(*answers)``, ``hint()``, ``solution()``; texts from the data file."""

    def __init__(self, chapter: int, key: str, number: int, variable: str = "exercises"):
        self.chapter, self.key, self.number = chapter, key, number
        self.texts = text.chapter_data(chapter)["exercises"][key]
        entry = registered(chapter).get(key)
        if entry is None:
            raise LookupError(f"exercise {chapter}.{key} has texts but no check function")
        self.function, self.call_arguments = entry
        self.variable = variable

    @property
    def label(self) -> str:
        return f"{self.chapter}.{self.number}"

    @property
    def title(self) -> str:
        return text.translate(self.texts["title"])

    @property
    def check_call(self) -> str:
        """The check cell's line, as the notebooks hold it."""
        return f"{self.variable}.{self.key}.check({self.call_arguments})"

    def evaluate(self, *answers: Any, **options: Any) -> Result:
        """Run the check without printing or recording: the verdict and its explanation.

        ``options`` reach the check function (``cases=...``: the hidden tests of a graded
        run give a function other inputs than the visible check, see ``grading``).
        """
        checker = Checker(self.texts.get("messages", {}))
        result = Result(self.label, self.texts["title"], PASSED, checker.notes)
        try:
            self.function(checker, *answers, **options)
        except NotAttempted:
            result.status = NOT_ATTEMPTED
        except Feedback as feedback:
            result.status, result.problem, result.key = FAILED, str(feedback), feedback.key
        except Exception as error:  # noqa: BLE001 - Run All must go on; strict mode still fails
            # most often a name the check reads is still an earlier exercise's `...`
            result.status, result.key = FAILED, "check_error"
            result.problem = text.say(
                text.common()["check_error"], error=f"{type(error).__name__}: {error}"
            )
        return result

    def check(self, *answers: Any) -> None:
        """Check the answers, print what is right and what is wrong, and record the attempt.

        Used in: the check cell of every exercise.
        """
        result = self.evaluate(*answers)
        rendered = result.render(f"{self.variable}.{self.key}.hint()")
        if result.status != NOT_ATTEMPTED:
            note = progress.record_exercise(self.chapter, self.key, result.passed)
            rendered += f"\n{note}" if note else ""
        record = {"chapter": self.chapter, "exercise": self.key, "status": result.status}
        progress.publish(rendered, record)
        if result.status == FAILED and os.environ.get(STRICT_VARIABLE) == "1":
            # CI runs the instructor edition strictly: a reference solution that fails is a bug
            raise AssertionError(f"{STRICT_VARIABLE}=1 and the check failed:\n{rendered}")
        if not result.passed and os.environ.get(text.GRADING_VARIABLE):
            # nbgrader grades a test cell by whether it raised: no points for this exercise
            raise AssertionError(rendered)

    def hint(self) -> None:
        """Print the hint."""
        heading = text.say(text.common()["hint_heading"], number=self.label, title=self.title)
        print(f"{heading}\n{text.translate(self.texts['hint']).strip()}")

    def solution(self) -> None:
        """Print the reference solution, or say that this edition has none."""
        solutions = text.solutions(self.chapter)
        if solutions is None or self.key not in solutions:
            print(text.translate(text.common()["no_solutions"]))
            return
        print(solutions[self.key].rstrip())

    def __repr__(self) -> str:
        return f"<Exercise {self.label} {self.key}: check(), hint(), solution()>"


class ChapterExercises:
    """A chapter's exercises by key: ``exercises.first_subtoken.check(...)``."""

    def __init__(self, chapter: int, variable: str = "exercises"):
        import importlib

        importlib.import_module(f"helpers.classroom.ch{text.check_chapter(chapter)}")
        self.chapter = chapter
        keys = list(text.chapter_data(chapter)["exercises"])
        self._exercises = {
            key: Exercise(chapter, key, n, variable) for n, key in enumerate(keys, start=1)
        }

    def __getattr__(self, key: str) -> Exercise:
        exercises = self.__dict__.get("_exercises", {})
        if key in exercises:
            return exercises[key]
        raise AttributeError(
            f"chapter {self.__dict__.get('chapter')} has no exercise {key!r}; it has "
            f"{', '.join(exercises)}"
        )

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises.values())

    def __dir__(self) -> list[str]:
        return [*self._exercises, "chapter"]

    def __repr__(self) -> str:
        listed = "; ".join(f"{e.label} {e.key}" for e in self)
        return f"<Chapter {self.chapter} exercises: {listed}>"
