"""One source per text: a translated exercise cell and what the kit prints come from one msgid.

An exercise's title and task, and the classroom's introduction cells, live only in
``translations/<lang>/runtime.po``; ``make translations`` builds the notebook cell from them.
So the heading a learner reads above an exercise and the title ``check()`` and ``hint()``
print are the same string in every language, and no chapter catalogue holds a second copy.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from helpers import i18n  # noqa: E402
from helpers.classroom import core, text  # noqa: E402
from tools.translations import TRANSLATED, Layout  # noqa: E402
from tools.translations.catalog import read  # noqa: E402
from tools.translations.classroom import EXERCISE_HEADING, SharedTexts, is_classroom_cell  # noqa: E402

LAYOUT = Layout()


def _task_cells(lang: str):
    for english in LAYOUT.english_notebooks():
        notebook = json.loads(LAYOUT.translated_notebook(lang, english.name).read_text("utf-8"))
        for cell in notebook["cells"]:
            info = cell["metadata"].get("classroom", {})
            if cell["cell_type"] == "markdown" and info.get("part") == "task":
                yield info["chapter"], info["exercise"], "".join(cell["source"])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_notebook_heading_and_printed_title_are_one_string(lang, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_LANG", lang)
    cells = list(_task_cells(lang))
    assert len(cells) == 16
    for chapter, key, cell in cells:
        exercise = getattr(core.ChapterExercises(chapter), key)
        title = exercise.title  # what check() and hint() print
        assert title != text.chapter_data(chapter)["exercises"][key]["title"], (
            f"{lang} {exercise.label}: the title is not translated"
        )
        heading = i18n.gettext(EXERCISE_HEADING).format(number=exercise.label, title=title)
        task = text.translate(exercise.texts["task"]).rstrip("\n")
        assert cell == f"### {heading}\n\n{task}", f"{lang} {exercise.label}"
        capsys.readouterr()
        exercise.hint()
        assert title in capsys.readouterr().out
        result = exercise.evaluate(...)  # a stub: "not attempted"
        assert title in result.render("hint()")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_chapter_catalogue_holds_a_classroom_text(lang):
    for english in LAYOUT.english_notebooks():
        cells = json.loads(english.read_text("utf-8"))["cells"]
        classroom = {"".join(c["source"]) for c in cells if is_classroom_cell(c)}
        assert classroom
        po = read(LAYOUT.catalogue(lang, english.stem))
        current = {e.msgid for e in po if not e.obsolete}
        assert not classroom & current, f"{lang}/{english.stem}.po has a classroom cell"


def test_a_changed_runtime_title_changes_the_notebook_heading():
    """The built cell follows runtime.po: a title translated differently shows up in the cell."""
    po = read(LAYOUT.catalogue("pl", "runtime"))
    entries = {e.msgid: e for e in po if not e.obsolete}
    shared = SharedTexts(entries, set())
    english = json.loads(LAYOUT.english_notebooks()[0].read_text("utf-8"))
    cell = next(
        "".join(c["source"])
        for c in english["cells"]
        if c["metadata"].get("classroom", {}).get("part") == "task"
    )
    before = shared.translate(cell)
    title = cell.split(": ", 1)[1].split("\n", 1)[0]
    entries[title].msgstr = "ZMIENIONY TYTUŁ"
    after = shared.translate(cell)
    assert before != after and "ZMIENIONY TYTUŁ" in after.splitlines()[0]
    entries[title].flags.append("fuzzy")
    assert shared.translate(cell) is None  # shown as English under the marker
