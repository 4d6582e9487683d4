"""The learner-facing texts of the classroom: one data file per chapter, read through gettext.

Tasks, hints, feedback messages and quiz questions live in ``data/chN.yaml`` (and what all
chapters share in ``data/common.yaml``), never in f-strings scattered through the checks.
Every string goes through ``translate`` when it is shown: ``helpers.i18n.gettext`` looks it
up in the learner's language (``COURSE_LANG``, else the notebook's folder, see
``translations/README.md``), in ``translations/<lang>/runtime.po``, which ``make translations``
fills from ``catalogue_strings``. Messages are ``str.format`` templates with named fields, which
a translator can reorder.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..i18n import N_, gettext, ngettext

DOMAIN = "classroom"
PACKAGE_DIR = Path(__file__).parent
DATA_DIR = PACKAGE_DIR / "data"
# The reference solutions live outside the package, in the instructor's clone (never in what
# pip installs, nor in a student edition or an nbgrader release): COURSE_SOLUTIONS_DIR, else
# instructor/solutions beside the helpers folder, which only a clone (pip install -e .) has.
SOLUTIONS_VARIABLE = "COURSE_SOLUTIONS_DIR"
SOLUTIONS_DIR = PACKAGE_DIR.parent.parent / "instructor" / "solutions"
# nbgrader sets it while it autogrades or validates a submission
GRADING_VARIABLE = "NBGRADER_EXECUTION"
CHAPTERS = (1, 2, 3, 4)


def translate(message: str) -> str:
    """``message`` in the learner's language when a catalogue has it, else unchanged.

    >>> translate("passed")
    'passed'
    """
    return gettext(message)


Message = str | dict  # a template, or {one:, other:, count:} for a message with a count


def say(template: Message, **fields: Any) -> str:
    """Translate a message template, then fill in its named fields.

    A message with a count is a mapping: the English singular (``one``), plural (``other``)
    and the field that holds the count (``count``); ``ngettext`` picks the language's form.

    >>> say("word {word} ({text!r})", word=3, text="call")
    "word 3 ('call')"
    >>> rows = {"one": "{n} row", "other": "{n} rows", "count": "n"}
    >>> say(rows, n=1), say(rows, n=21)
    ('1 row', '21 rows')
    """
    if isinstance(template, dict):
        count = fields[template["count"]]
        return ngettext(template["one"], template["other"], count).format(**fields)
    return translate(template).format(**fields)


# What a learner calls a value of each type: "should be a list, but it is a whole number (int)".
# A whole noun phrase each (translated as one), never a bare Python type name.
KINDS = {
    "bool": N_("True or False (a bool)"),
    "int": N_("a whole number (int)"),
    "float": N_("a decimal number (float)"),
    "str": N_("a text (str)"),
    "list": N_("a list"),
    "tuple": N_("a tuple"),
    "dict": N_("a dict"),
    "set": N_("a set"),
    "NoneType": N_("None: nothing was returned or assigned"),
    "ellipsis": N_("still the placeholder `...`"),
    "function": N_("a function"),
    "method": N_("a function"),
    "builtin_function_or_method": N_("a function"),
    "type": N_("a class"),
    "Tensor": N_("a tensor (torch.Tensor)"),
    "ndarray": N_("a NumPy array"),
    "DataFrame": N_("a pandas DataFrame"),
    "Dataset": N_("a Dataset"),
    "DatasetDict": N_("a DatasetDict"),
}
OTHER_KIND = N_("an object of type {type}")


def kind_of(value: Any) -> str:
    """The learner's word for the type of ``value``, in the learner's language.

    >>> kind_of(3), kind_of(2.5), kind_of([1]), kind_of(None), kind_of(object())
    ('a whole number (int)', 'a decimal number (float)', 'a list', 'None: nothing was returned or assigned', 'an object of type object')

    Used in: every classroom check that finds a value of the wrong type.
    """
    name = type(value).__name__
    if name in KINDS:
        return translate(KINDS[name])
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return translate(N_("a number of NumPy or PyTorch (use .item())"))
    return translate(OTHER_KIND).format(type=name)


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise FileNotFoundError(
            f"classroom data file {path} is missing. Fix: reinstall the kit (pip install -e .), "
            "or rebuild the student edition."
        )
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def check_chapter(chapter: int) -> int:
    """``chapter`` itself when the kit has it, else a clear error."""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter must be one of {CHAPTERS}, got {chapter!r}")
    return chapter


@cache
def chapter_data(chapter: int) -> dict:
    """The texts of one chapter: ``exercises`` (title, task, stub, hint, messages) and ``quiz``.

    Used in: ``helpers.classroom.core`` and ``helpers.classroom.quiz``.
    """
    return _read_yaml(DATA_DIR / f"ch{check_chapter(chapter)}.yaml")


@lru_cache(maxsize=1)
def common() -> dict[str, str]:
    """Messages every exercise and quiz shares (verdicts, not attempted, calls that raised)."""
    return _read_yaml(DATA_DIR / "common.yaml")


def solutions(chapter: int) -> dict[str, str] | None:
    """The reference solutions of a chapter, or None in an edition built without them.

    Not cached: an instructor may add the file while a kernel runs. None while nbgrader
    grades a submission: an answer cell must not fetch the answer.
    """
    if os.environ.get(GRADING_VARIABLE):
        return None
    folder = Path(os.environ.get(SOLUTIONS_VARIABLE) or SOLUTIONS_DIR)
    path = folder / f"ch{check_chapter(chapter)}.yaml"
    return _read_yaml(path) if path.is_file() else None


def _msgids(messages: list[Message]) -> list[str | tuple[str, str]]:
    return [(m["one"], m["other"]) if isinstance(m, dict) else m for m in messages]


def catalogue_strings() -> list[str | tuple[str, str]]:
    """Every translatable string of every chapter, in file order, without repeats; a message
    with a count as its (singular, plural) pair.

    Code (stubs and solutions) stays out: it is Python, not prose.

    Used in: ``python -m helpers.classroom pot`` and ``make translations`` (runtime.pot).
    """
    found: list = _msgids(list(common().values()))
    for chapter in CHAPTERS:
        data = chapter_data(chapter)
        for exercise in data["exercises"].values():
            found += [exercise["title"], exercise["task"], exercise["hint"]]
            found += _msgids(list(exercise.get("messages", {}).values()))
        quiz = data["quiz"]
        found.append(quiz["title"])
        for question in quiz["questions"]:
            found.append(question["text"])
            for choice in question.get("choices", {}).values():
                found += [choice["text"], choice["explain"]]
            found += [question[k] for k in ("right", "wrong") if k in question]
    return list(dict.fromkeys(s for s in found if s))


def _po_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def pot(strings: list[str | tuple[str, str]]) -> str:
    """A gettext template (``.pot``) holding ``strings``.

    >>> print(pot(['Say "hi"', "two\\nlines"]))
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    <BLANKLINE>
    msgid "Say \\"hi\\""
    msgstr ""
    <BLANKLINE>
    msgid ""
    "two\\n"
    "lines"
    msgstr ""
    <BLANKLINE>
    """
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"'
    entries = [
        f'msgid {_po_quote(s[0])}\nmsgid_plural {_po_quote(s[1])}\nmsgstr[0] ""\nmsgstr[1] ""'
        if isinstance(s, tuple)
        else f'msgid {_po_quote(s)}\nmsgstr ""'
        for s in strings
    ]
    return "\n\n".join([header, *entries]) + "\n"
