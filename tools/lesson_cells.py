"""The lesson's functions live twice: in a notebook cell (to read and edit) and in ``helpers``.

The ``helpers`` module is the source of truth (the training script and the tests use it); the
notebook cell holds the same code, so that a learner reads and edits it where the lesson
teaches it, and later cells use the learner's version. Two kinds of twin:

- ``TEXT_TWINS``: the cell's ``def`` and the module's ``def`` must be the same code: the same
  syntax tree once docstrings are set aside (the module's docstring carries Args/Returns, the
  cell's prose sits in the markdown above it; comments and formatting are not compared).
- ``BEHAVIOUR_TWINS`` (in ``tests/test_lesson_cells.py``): the course's version closes over
  notebook globals (``tokenizer``, ``metric``), the module's takes them as arguments; they
  are compared on the same inputs instead.

    python tools/lesson_cells.py --check   # list drifted cells; exit 1 if any
    python tools/lesson_cells.py --sync    # copy each module's def into its notebook cell
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


@dataclass(frozen=True)
class Twin:
    notebook: str  # file name in notebooks/
    module: str  # path from the repository root
    name: str  # the function's name, the course's


TEXT_TWINS = (
    Twin("01_data_loading.ipynb", "helpers/data_size.py", "print_dataset_size_if_provided"),
    Twin("01_data_loading.ipynb", "helpers/labels.py", "label_maps"),
    Twin("01_data_loading.ipynb", "helpers/spark.py", "label_maps_spark"),
    Twin("01_data_loading.ipynb", "helpers/spark.py", "labels_to_ids_udf"),
    Twin("03_training_loop.ipynb", "helpers/loops.py", "training_function"),
    Twin("04_ner.ipynb", "helpers/ner.py", "align_labels_with_tokens"),
    Twin("04_ner.ipynb", "helpers/ner.py", "tokenize_and_align_labels"),
    Twin("04_ner.ipynb", "helpers/ner.py", "postprocess"),
)


def _without_docstring(node: ast.FunctionDef) -> ast.FunctionDef:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:]
    copy = ast.FunctionDef(
        name=node.name,
        args=node.args,
        body=body,
        decorator_list=node.decorator_list,
        returns=node.returns,
        type_comment=None,
        type_params=getattr(node, "type_params", []),
    )
    return copy


def _top_level_def(source: str, name: str) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def code_of(node: ast.FunctionDef) -> str:
    """What is compared: the syntax tree without docstrings, positions or comments."""
    return ast.dump(_without_docstring(node), include_attributes=False)


def module_def(twin: Twin, root: Path = ROOT) -> ast.FunctionDef:
    source = (root / twin.module).read_text(encoding="utf-8")
    node = _top_level_def(source, twin.name)
    if node is None:
        raise LookupError(f"{twin.module} defines no top-level function {twin.name!r}")
    return node


def cell_index(cells: list[dict], name: str) -> int | None:
    """The index of the code cell that defines ``name`` at its top level."""
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and _top_level_def("".join(cell["source"]), name):
            return i
    return None


def drift(twin: Twin, notebooks: Path = NOTEBOOKS, root: Path = ROOT) -> str | None:
    """None when the notebook's cell and the module define the same code, else what differs."""
    cells = json.loads((notebooks / twin.notebook).read_text(encoding="utf-8"))["cells"]
    index = cell_index(cells, twin.name)
    if index is None:
        return (
            f"{twin.notebook}: no code cell defines {twin.name}() (the module {twin.module} does)"
        )
    cell_node = _top_level_def("".join(cells[index]["source"]), twin.name)
    if code_of(cell_node) != code_of(module_def(twin, root)):
        return (
            f"{twin.notebook} cell {index}: {twin.name}() differs from {twin.module}. Fix: edit "
            f"{twin.module} and run `python tools/lesson_cells.py --sync`"
        )
    return None


def module_text_for_cell(twin: Twin, root: Path = ROOT) -> str:
    """The module's ``def`` as it appears in a cell: its text, comments kept, docstring left out."""
    lines = (root / twin.module).read_text(encoding="utf-8").splitlines()
    node = module_def(twin, root)
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    text = lines[start : node.end_lineno]
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
        if isinstance(first.value.value, str):
            drop = range(first.lineno - 1 - start, first.end_lineno - start)
            text = [line for i, line in enumerate(text) if i not in drop]
    return "\n".join(text)


def sync(twin: Twin, notebooks: Path = NOTEBOOKS, root: Path = ROOT) -> bool:
    """Replace the cell's ``def`` with the module's text; True when the notebook changed."""
    path = notebooks / twin.notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    index = cell_index(nb["cells"], twin.name)
    if index is None:
        raise LookupError(f"{twin.notebook}: no code cell defines {twin.name}(); add one first")
    source = "".join(nb["cells"][index]["source"])
    node = _top_level_def(source, twin.name)
    lines = source.splitlines()
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    new = "\n".join([*lines[:start], module_text_for_cell(twin, root), *lines[node.end_lineno :]])
    if new == source:
        return False
    nb["cells"][index]["source"] = new.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="list drifted cells")
    action.add_argument("--sync", action="store_true", help="copy module defs into the cells")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS)
    args = parser.parse_args(argv)
    if args.sync:
        for twin in TEXT_TWINS:
            try:
                if sync(twin, args.notebooks):
                    print(f"synced {twin.name}() into {twin.notebook}")
            except LookupError as err:
                print(f"not synced: {err}", file=sys.stderr)
    problems = [p for twin in TEXT_TWINS if (p := drift(twin, args.notebooks))]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
