"""End-of-chapter quizzes: widgets in JupyterLab and Colab, plain text everywhere else.

The questions live in the chapter's data file (``data/chN.yaml``, under ``quiz``): multiple
choice (``choices`` a, b, c..., each with an explanation, and one ``answer``) or a number
(``number``, an optional ``tolerance``, and ``right``/``wrong`` explanations).
``quiz.show()`` draws each question with its choices, a Submit button and the feedback;
the same cell saved without widgets (headless runs, nbval, GitHub) shows the questions as
text, and ``quiz.answer(2, "b")`` answers from code.
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass
from typing import Any

from helpers.classroom import progress, text


@dataclass(frozen=True)
class Question:
    """One question: multiple choice (``choices``, ``answer``) or numeric (``number``)."""

    number: int
    spec: dict

    @property
    def is_numeric(self) -> bool:
        return "number" in self.spec

    @property
    def prompt(self) -> str:
        return text.translate(self.spec["text"]).strip()

    def choices(self) -> dict[str, str]:
        return {k: text.translate(c["text"]) for k, c in self.spec.get("choices", {}).items()}

    def judge(self, reply: Any) -> tuple[bool, str]:
        """``(right, explanation)`` for a reply: a choice's letter, or a number."""
        messages = text.common()
        if self.is_numeric:
            try:
                value = float(str(reply).strip())
            except ValueError:
                return False, text.say(messages["quiz_not_a_number"], reply=reply)
            target, tolerance = float(self.spec["number"]), float(self.spec.get("tolerance", 0))
            right = math.isclose(value, target, abs_tol=tolerance + 1e-9)
            return right, text.translate(self.spec["right" if right else "wrong"]).strip()
        letter = str(reply).strip().lower().rstrip(")")
        choices = self.spec["choices"]
        if letter not in choices:
            return False, text.say(
                messages["quiz_no_such_choice"], reply=reply, choices=", ".join(choices)
            )
        return letter == self.spec["answer"], text.translate(choices[letter]["explain"]).strip()

    def as_text(self) -> str:
        lines = [f"{self.number}. {self.prompt}"]
        if self.is_numeric:
            lines.append("   " + text.translate(text.common()["quiz_numeric"]))
        lines += [f"   {k}) {choice}" for k, choice in self.choices().items()]
        return "\n".join(lines)


class Quiz:
    """A chapter's quiz: ``show()`` draws it, ``answer(n, reply)`` answers question ``n``."""

    def __init__(self, chapter: int, variable: str = "quiz"):
        self.chapter = chapter
        self.variable = variable
        spec = text.chapter_data(chapter)["quiz"]
        self.title = text.translate(spec["title"])
        self.questions = [Question(n, q) for n, q in enumerate(spec["questions"], start=1)]

    def question(self, number: int) -> Question:
        if not 1 <= number <= len(self.questions):
            raise ValueError(
                text.say(
                    text.common()["quiz_no_such_question"], number=number, count=len(self.questions)
                )
            )
        return self.questions[number - 1]

    def verdict(self, number: int, reply: Any) -> tuple[bool, str]:
        """Judge a reply and record it; returns ``(right, feedback line)``."""
        right, explanation = self.question(number).judge(reply)
        word = text.common()["quiz_right" if right else "quiz_wrong"]
        line = f"{text.say(word, number=number)} {explanation}"
        note = progress.record_quiz(self.chapter, number, right)
        return right, f"{line}\n{note}" if note else line

    def answer(self, number: int, reply: Any) -> bool:
        """Answer question ``number`` (from 1) with a letter or a number; prints the feedback.

        Used in: the quiz cell of every notebook, where widgets do not display.
        """
        right, line = self.verdict(number, reply)
        print(line)
        return right

    def answers(self, replies: dict) -> dict:
        """Answer several questions at once, ``{1: "b", 2: 3}``; prints the feedback of each
        and returns ``replies``, which the graded edition's test cells read.

        Used in: the quiz answer cell of the graded edition (``make class``).
        """
        if not isinstance(replies, dict):
            raise TypeError(text.say(text.common()["quiz_not_a_dict"], got=text.kind_of(replies)))
        for number, reply in sorted(replies.items(), key=lambda item: str(item[0])):
            if reply is ...:
                print(text.say(text.common()["quiz_unanswered"], number=number))
            else:
                self.answer(number, reply)
        return replies

    def check(self, replies: Any, number: int) -> None:
        """Print whether question ``number`` is answered right in ``replies``; while nbgrader
        grades, raise when it is not (no point for the cell).

        Used in: each quiz question's test cell in the graded edition.
        """
        reply = replies.get(number, ...) if isinstance(replies, dict) else ...
        messages = text.common()
        if reply is ...:
            right, line = False, text.say(messages["quiz_unanswered"], number=number)
        else:
            right, explanation = self.question(number).judge(reply)
            word = messages["quiz_right" if right else "quiz_wrong"]
            line = f"{text.say(word, number=number)} {explanation}"
        print(line)
        if not right and os.environ.get(text.GRADING_VARIABLE):
            raise AssertionError(line)

    def as_text(self) -> str:
        how = text.say(text.common()["quiz_how"], call=f'{self.variable}.answer(1, "b")')
        body = "\n\n".join(q.as_text() for q in self.questions)
        return f"{self.title}\n\n{body}\n\n{how}"

    def show(self) -> Any:
        """Draw the quiz as widgets in a notebook kernel; print it as text anywhere else.

        Used in: the last section of every notebook.
        """
        if not progress.in_kernel():
            print(self.as_text())
            return None
        from IPython.display import display

        display(self.widget())
        return None

    def widget(self) -> Any:
        """The quiz as ipywidgets: per question its choices (or a number box), a Submit
        button and the feedback; its plain-text form is ``as_text()``."""
        import ipywidgets as widgets

        quiz = self

        class QuizBox(widgets.VBox):
            def _repr_mimebundle_(self, **kwargs: Any) -> dict:
                bundle = super()._repr_mimebundle_(**kwargs)
                data = bundle[0] if isinstance(bundle, tuple) else bundle
                data["text/plain"] = quiz.as_text()
                return bundle

        header = widgets.HTML(f"<h3>{html.escape(self.title)}</h3>")
        return QuizBox([header, *(_question_widget(self, q) for q in self.questions)])

    def __repr__(self) -> str:
        return f"<Quiz, chapter {self.chapter}: {len(self.questions)} questions; show() or answer(n, reply)>"


def _question_widget(quiz: Quiz, question: Question) -> Any:
    import ipywidgets as widgets

    prompt = widgets.HTML(f"<b>{question.number}.</b> {html.escape(question.prompt)}")
    if question.is_numeric:
        entry = widgets.Text(placeholder=text.translate(text.common()["quiz_numeric"]))
    else:
        options = [(f"{k}) {c}", k) for k, c in question.choices().items()]
        entry = widgets.RadioButtons(options=options, value=None, layout={"width": "max-content"})
    submit = widgets.Button(description=text.translate(text.common()["quiz_submit"]))
    feedback = widgets.HTML()

    def on_submit(_: Any) -> None:
        if entry.value in (None, ""):
            feedback.value = html.escape(text.translate(text.common()["quiz_choose_first"]))
            return
        right, line = quiz.verdict(question.number, entry.value)
        color = "green" if right else "#b00"
        feedback.value = f'<span style="color:{color}">{html.escape(line)}</span>'

    submit.on_click(on_submit)
    return widgets.VBox([prompt, entry, submit, feedback])
