"""The student edition: the instructor's notebooks with every solution cell replaced by its stub.

The notebooks in ``notebooks/`` are the instructor's edition: each exercise's solution sits
in a code cell tagged ``solution`` (its ``classroom`` metadata names the exercise).
``build`` writes the student edition: the same notebooks with those cells replaced by the
exercise's stub, outputs and execution counts stripped. With ``solutions=False``
(``--no-solutions``) the edition also carries its own copy of ``helpers`` without the
reference solutions, which the notebooks import from their folder (Jupyter starts a kernel
in the notebook's folder, and that folder comes first on ``sys.path``): ``solution()``
then says there is none, and no file of the edition holds solution text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers.classroom import text

SOLUTION_TAG = "solution"
STUB_TAG = "exercise"
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the helpers package
PROJECT_DIR = PACKAGE_DIR.parent
README = """# Student edition

Built by `python -m helpers.classroom student{flags}` from the instructor's notebooks.
Each exercise has a stub to fill in; run its check cell for feedback, `hint()` for a hint.
{solutions_line}
Run the notebooks from this folder (`jupyter lab` here), after installing the kit's
dependencies (`pip install -e .` in this folder installs them{own_copy}).
"""


def student_notebook(notebook):  # nbformat.NotebookNode -> NotebookNode
    """A copy of ``notebook`` with solution cells replaced by their stubs, outputs stripped.

    Raises:
        ValueError: naming the cell, when a ``solution`` cell does not say which exercise
            it solves, or names one the data files lack.

    Used in: ``build``.
    """
    import copy

    notebook = copy.deepcopy(notebook)
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags:
            cell.source = _stub_for(cell, index)
            cell.metadata["tags"] = [t for t in tags if t != SOLUTION_TAG] + [STUB_TAG]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    return notebook


def _stub_for(cell, index: int) -> str:
    info = cell.metadata.get("classroom", {})
    chapter, key = info.get("chapter"), info.get("exercise")
    try:
        stub = text.chapter_data(chapter)["exercises"][key]["stub"]
    except (KeyError, ValueError, TypeError) as error:
        raise ValueError(
            f"cell {index} is tagged {SOLUTION_TAG!r} but its metadata classroom={info!r} names "
            f"no exercise with a stub ({error}). Fix: give it classroom: {{chapter: N, exercise: "
            "key}} as tools/classroom_cells.py writes it, or remove the tag."
        ) from error
    return stub.rstrip("\n")


def _copy_package(out: Path) -> None:
    """Copy ``helpers`` into ``out`` without the reference solutions and caches."""
    target = out / "helpers"
    if target.exists():
        shutil.rmtree(target)
    solutions = text.SOLUTIONS_DIR.resolve()

    def ignore(folder: str, names: list[str]) -> list[str]:
        here = Path(folder).resolve()
        return [
            n for n in names if n == "__pycache__" or n.endswith(".pyc") or here / n == solutions
        ]

    shutil.copytree(PACKAGE_DIR, target, ignore=ignore)
    if (PROJECT_DIR / "pyproject.toml").is_file():
        shutil.copy2(PROJECT_DIR / "pyproject.toml", out / "pyproject.toml")


def build(notebooks: list[Path], out: Path, solutions: bool = True) -> list[Path]:
    """Write the student edition of ``notebooks`` into ``out``; returns the written files.

    Args:
        notebooks: the instructor's notebooks.
        out: the edition's folder (``build/student``); notebooks of an earlier build are
            replaced, other files left alone.
        solutions: False leaves the reference solutions out of the edition altogether.

    Used in: ``python -m helpers.classroom student`` (``make student``).
    """
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        target = out / Path(path).name
        nbformat.write(student_notebook(notebook), target)
        written.append(target)
    if not solutions:
        _copy_package(out)
    elif (out / "helpers").exists():
        shutil.rmtree(out / "helpers")  # an earlier --no-solutions build's copy would shadow
    flags = "" if solutions else " --no-solutions"
    solutions_line = (
        "`solution()` shows the reference solution."
        if solutions
        else "This edition has no solutions: `helpers/` here is the kit without them."
    )
    own_copy = "" if solutions else ", and this folder's solution-free `helpers`"
    (out / "README.md").write_text(
        README.format(flags=flags, solutions_line=solutions_line, own_copy=own_copy),
        encoding="utf-8",
    )
    return written
