"""The classroom cells of the translated notebooks: built from runtime.po, never a second copy.

The exercise cells and the quiz and exercise introductions that ``tools/classroom_cells.py``
writes show texts that the kit also prints (an exercise's title and task, through ``check()``
and ``hint()``). Their translations therefore live only in ``runtime.po``, and a translated
classroom cell is composed from those very messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from helpers.i18n import N_
from tools.translations import RUNTIME
from tools.translations.catalog import Message
from tools.translations.markdown import compare

# The heading of an exercise's task cell, as tools/classroom_cells.py writes it in English:
# "### Exercise 1.2: <title>", then a blank line and the task. A translated task cell is built
# from this template and the exercise's own title and task in runtime.po, the very messages
# check() and hint() print, so the notebook and the kit cannot show two translations.
EXERCISE_HEADING = N_("Exercise {number}: {title}")
TASK_CELL = re.compile(
    r"### Exercise (?P<number>\d+\.\d+): (?P<title>[^\n]+)\n\n(?P<task>.+)", re.DOTALL
)


def is_classroom_cell(cell: dict) -> bool:
    """A markdown cell that ``tools/classroom_cells.py`` writes: its texts live in runtime.po."""
    return cell["cell_type"] == "markdown" and "classroom" in cell.get("metadata", {})


def classroom_messages(path: Path) -> list[Message]:
    """The runtime messages of a notebook's classroom cells: the introductions as whole cells.

    A task cell is not one message: its title and task are the exercise's own messages
    (``helpers.classroom.text.catalogue_strings``), its heading ``EXERCISE_HEADING``.

    Used in: ``generate`` (runtime.pot).
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        text = "".join(cell["source"])
        if is_classroom_cell(cell) and not TASK_CELL.fullmatch(text):
            found.append(Message(text, comment=f"notebooks/{path.name} (classroom cell)"))
    return found


@dataclass
class SharedTexts:
    """One language's runtime translations, to build classroom cells from."""

    entries: dict[str, polib.POEntry]
    broken: set[str]
    problems: list[str] = field(default_factory=list)

    def _get(self, msgid: str) -> tuple[str, str | None]:
        # (the state: "done", "fuzzy" or "missing"; the translation when done)
        entry = self.entries.get(msgid)
        if entry is None or not entry.msgstr:
            return "missing", None
        if entry.fuzzy or msgid in self.broken:
            return "fuzzy", None
        return "done", entry.msgstr

    def parts(self, text: str) -> list[tuple[str, str]]:
        """The (msgid, how the English cell uses it) pairs a classroom cell is made of."""
        match = TASK_CELL.fullmatch(text)
        if not match:
            return [(text, text)]
        task = match["task"]
        task_id = task if task in self.entries else task + "\n"  # YAML blocks end with one
        return [(EXERCISE_HEADING, ""), (match["title"], ""), (task_id, task)]

    def translate(self, text: str) -> str | None:
        """The translated cell, or None while a part is missing or fuzzy."""
        match = TASK_CELL.fullmatch(text)
        if not match:
            return self._get(text)[1]
        (heading, _), (title, _), (task, used) = self.parts(text)
        found = [self._get(m)[1] for m in (heading, title, task)]
        if None in found:
            return None
        body = found[2] if used.endswith("\n") else found[2].rstrip("\n")
        line = found[0].format(number=match["number"], title=found[1])
        return f"### {line}\n\n{body}"

    def state(self, text: str) -> str:
        """Why ``translate`` gave None: "missing" when a part is untranslated, else "fuzzy"."""
        states = {self._get(m)[0] for m, _ in self.parts(text)}
        return "missing" if "missing" in states else "fuzzy"


def classroom_problems(english: dict, name: str, shared: SharedTexts, lang: str) -> list[str]:
    """A classroom cell whose texts runtime.po lacks (the notebook and the data file differ),
    or whose composed translation loses code, links or headings."""
    problems = []
    for cell in english["cells"]:
        if not is_classroom_cell(cell):
            continue
        text = "".join(cell["source"])
        absent = [m for m, _ in shared.parts(text) if m not in shared.entries]
        if absent:
            problems.append(
                f"notebooks/{name}: the classroom cell {text[:50]!r}... has texts that "
                f"runtime.pot lacks ({absent[0][:40]!r}...): the notebook and "
                "helpers/classroom/data differ. Fix: run `python -m tools.classroom_cells`."
            )
            continue
        shown = shared.translate(text)
        if shown is not None:
            problems += [
                f"translations/{lang}/{RUNTIME}.po, as the cell {text[:40]!r}... of {name}: {p}"
                for p in compare(text, shown)
            ]
    return problems
