"""Classroom: exercises with instant checks, end-of-chapter quizzes, progress, student editions.

In a notebook::

    from helpers import classroom

    exercises = classroom.exercises(4)
    exercises.first_subtoken.check(align_first_subtoken)   # prints what is right and wrong
    exercises.first_subtoken.hint()
    exercises.first_subtoken.solution()
    quiz = classroom.quiz(4)
    quiz.show()                 # widgets in JupyterLab and Colab, text elsewhere
    quiz.answer(1, "b")         # the same from code

From a shell: ``python -m helpers.classroom progress NOTEBOOK...`` (who passed what),
``python -m helpers.classroom student`` (the student edition, ``make student``) and
``python -m helpers.classroom pot`` (the gettext template of every learner-facing text).

Adding an exercise takes its texts (title, task, stub, hint, messages) in ``data/chN.yaml``,
its solution in ``instructor/solutions/chN.yaml`` (outside the package: no installed kit
holds it), and a check function in ``chN.py`` registered with ``@exercise(N, key, call=...)``;
``tools/classroom_cells.py`` puts its cells in the notebook. ``tools/nbgrader_course.py``
turns the chapters into graded nbgrader assignments (``make class``, docs/grading.md).
"""

from __future__ import annotations

from helpers.classroom.core import ChapterExercises, Exercise, Result
from helpers.classroom.quiz import Quiz


def exercises(chapter: int) -> ChapterExercises:
    """The exercises of ``chapter`` (1-4), by key: ``exercises(4).first_subtoken.check(...)``.

    Used in: every notebook's exercise sections.
    """
    return ChapterExercises(chapter)


def quiz(chapter: int) -> Quiz:
    """The end-of-chapter quiz of ``chapter`` (1-4): ``show()`` or ``answer(n, reply)``.

    Used in: the last section of every notebook.
    """
    return Quiz(chapter)


__all__ = ["ChapterExercises", "Exercise", "Quiz", "Result", "exercises", "quiz"]
