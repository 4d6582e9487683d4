"""The notebooks hold the classroom cells exactly as the data files say (tools/classroom_cells.py)."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

from helpers.classroom import text

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "classroom_cells", ROOT / "tools" / "classroom_cells.py"
)
classroom_cells = importlib.util.module_from_spec(spec)
spec.loader.exec_module(classroom_cells)


def _notebook(chapter):
    return nbformat.read(classroom_cells.notebook_path(chapter), as_version=4)


@pytest.mark.parametrize("chapter", text.CHAPTERS)
def test_notebooks_hold_the_classroom_cells(chapter):
    notebook = _notebook(chapter)
    assert classroom_cells.place(notebook, chapter) == [], (
        "the notebook's classroom cells differ from helpers/classroom/data and solutions: "
        "run python tools/classroom_cells.py"
    )


@pytest.mark.parametrize("chapter", text.CHAPTERS)
def test_cell_order(chapter):
    """Setup first; each exercise as task, solution, check; the quiz just before the headline."""
    cells = _notebook(chapter).cells
    parts = [(c.metadata.get("classroom") or {}) for c in cells]
    kinds = [(p.get("exercise", ""), p.get("part")) for p in parts if p]
    assert kinds[0] == ("", "setup") or kinds[0] == ("", "exercises")
    keys = list(text.chapter_data(chapter)["exercises"])
    tasks = [k for k, part in kinds if part == "task"]
    assert tasks == keys
    for key in keys:
        at = kinds.index((key, "task"))
        assert kinds[at : at + 3] == [(key, "task"), (key, "solution"), (key, "check")]
    quiz = next(i for i, p in enumerate(parts) if p.get("part") == "quiz")
    assert "headline(" in cells[-1].source and quiz >= len(cells) - 3
    solution_cells = [c for c in cells if "solution" in c.metadata.get("tags", [])]
    assert len(solution_cells) == len(keys)


def test_a_drifted_cell_is_found_and_put_right():
    notebook = _notebook(4)
    cell = next(c for c in notebook.cells if "solution" in c.metadata.get("tags", []))
    cell.source += "\nprint('edited')"
    del notebook.cells[-2]  # the quiz cell
    changes = classroom_cells.place(notebook, 4)
    assert any("updated" in change for change in changes)
    assert "inserted the quiz" in changes
    assert classroom_cells.place(notebook, 4) == []


def test_a_missing_anchor_is_a_clear_error():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("headline()")])
    with pytest.raises(LookupError, match="no lesson cell contains"):
        classroom_cells.place(notebook, 4)
