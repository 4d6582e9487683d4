"""Write each chapter's "Open in Colab" badge and first code cell from ``helpers.colab``.

``python tools/colab_cells.py`` (after changing ``REPOSITORY`` or the cell) puts the badge on
the first line of each chapter's first markdown cell and makes its first code cell
``helpers.colab.install_cell_source()``: replaced where it is already there, inserted before the
first code cell where it is not. Running it twice changes nothing. ``--check`` only reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from helpers.colab import badge_markdown, install_cell_source

ROOT = Path(__file__).resolve().parent.parent
MARKER = install_cell_source().splitlines()[0]


def sync(path: Path) -> bool:
    """Bring one notebook's badge and first cell up to date; True when it changed."""
    notebook = nbformat.read(path, as_version=4)
    before = nbformat.writes(notebook)
    markdown = next(c for c in notebook.cells if c.cell_type == "markdown")
    lines = [line for line in markdown.source.splitlines() if "colab-badge.svg" not in line]
    while lines and not lines[0].strip():
        lines.pop(0)
    markdown.source = "\n".join([badge_markdown(path.name), "", *lines])
    index = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    if notebook.cells[index].source.splitlines()[:1] == [MARKER]:
        notebook.cells[index].source = install_cell_source()
    else:
        notebook.cells.insert(index, nbformat.v4.new_code_cell(install_cell_source()))
    if nbformat.writes(notebook) == before:
        return False
    nbformat.write(notebook, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if args.check:
            notebook = nbformat.read(path, as_version=4)
            first = next(c.source for c in notebook.cells if c.cell_type == "code")
            if first != install_cell_source() or badge_markdown(path.name) not in nbformat.writes(
                notebook
            ):
                stale.append(path.name)
        elif sync(path):
            print(f"updated {path.name}")
    if stale:
        print("out of date (run python tools/colab_cells.py):", ", ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
