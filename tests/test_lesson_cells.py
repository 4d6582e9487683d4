"""The lesson's functions in notebook cells and their twins in ``helpers`` do not drift apart.

Two comparisons (see ``tools/lesson_cells.py``):

- text twins: the cell's ``def`` and the module's ``def`` are the same code, meaning the same
  syntax tree with docstrings, comments and formatting set aside;
- behaviour twins: where the course's function reads notebook globals (``tokenizer``,
  ``metric``, ``label_names``) and the module's takes them as arguments, both give the same
  outputs on the same inputs.

Each comparison is also shown to fail: an edited copy of the notebook is reported as drifted.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers.schema import NER_NAMES

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("lesson_cells", ROOT / "tools" / "lesson_cells.py")
lesson_cells = importlib.util.module_from_spec(_spec)
sys.modules["lesson_cells"] = lesson_cells
_spec.loader.exec_module(lesson_cells)

TWINS = lesson_cells.TEXT_TWINS


def _copy_notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(lesson_cells.NOTEBOOKS, folder, ignore=shutil.ignore_patterns("*.py"))
    return folder


def _edit_cell(folder: Path, notebook: str, name: str, edit) -> None:
    path = folder / notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    index = lesson_cells.cell_index(nb["cells"], name)
    source = "".join(nb["cells"][index]["source"])
    nb["cells"][index]["source"] = edit(source).splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _add_first_statement(source: str, name: str) -> str:
    """A learner's edit: one statement more at the top of the function's body."""
    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    first = node.body[0]
    lines = source.splitlines()
    indent = " " * first.col_offset
    lines.insert(first.lineno - 1, f"{indent}print('edited')")
    return "\n".join(lines)


@pytest.mark.parametrize("twin", TWINS, ids=lambda t: f"{t.notebook}:{t.name}")
def test_cell_and_module_define_the_same_code(twin):
    assert lesson_cells.drift(twin) is None


@pytest.mark.parametrize("twin", TWINS, ids=lambda t: f"{t.notebook}:{t.name}")
def test_an_edited_cell_is_reported(tmp_path, twin):
    folder = _copy_notebooks(tmp_path)
    _edit_cell(folder, twin.notebook, twin.name, lambda s: _add_first_statement(s, twin.name))
    problem = lesson_cells.drift(twin, folder)
    assert problem is not None and f"{twin.name}() differs from {twin.module}" in problem
    # and --sync puts the module's version back
    assert lesson_cells.sync(twin, folder)
    assert lesson_cells.drift(twin, folder) is None


def test_a_missing_cell_is_reported(tmp_path):
    folder = _copy_notebooks(tmp_path)
    twin = TWINS[0]
    _edit_cell(folder, twin.notebook, twin.name, lambda s: s.replace(f"def {twin.name}(", "def x("))
    assert "no code cell defines" in lesson_cells.drift(twin, folder)


def test_check_command_exit_codes(tmp_path, capsys):
    assert lesson_cells.main(["--check"]) == 0
    folder = _copy_notebooks(tmp_path)
    twin = TWINS[-1]
    _edit_cell(folder, twin.notebook, twin.name, lambda s: _add_first_statement(s, twin.name))
    assert lesson_cells.main(["--check", "--notebooks", str(folder)]) == 1
    assert twin.name in capsys.readouterr().err


def test_no_notebook_prints_source_with_inspect():
    for path in lesson_cells.NOTEBOOKS.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "getsource" not in text and "import inspect" not in text, path.name


# --------------------------------------------------------------------------- behaviour twins


def cell_function(folder: Path, notebook: str, name: str, namespace: dict):
    """The function a notebook's cell defines, executed in ``namespace`` (its globals)."""
    cells = json.loads((folder / notebook).read_text(encoding="utf-8"))["cells"]
    index = lesson_cells.cell_index(cells, name)
    assert index is not None, f"{notebook}: no cell defines {name}()"
    tree = ast.parse("".join(cells[index]["source"]))
    node = next(n for n in tree.body if getattr(n, "name", None) == name)
    exec(compile(ast.Module(body=[node], type_ignores=[]), notebook, "exec"), namespace)
    return namespace[name]


@pytest.fixture(scope="module")
def mrpc_batch():
    return helpers.load_mrpc()["train"][:16]


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(helpers.build_tiny_model())


def _mrpc_tokenize_drift(folder, tokenizer, batch) -> bool:
    ns = {"tokenizer": tokenizer}
    cell = cell_function(folder, "02_mrpc_trainer.ipynb", "tokenize_function", ns)
    return dict(cell(batch)) != dict(helpers.tokenize_function(batch, tokenizer))


def _mrpc_metrics_inputs():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 2)), rng.integers(0, 2, size=40)


def _mrpc_metrics_drift(folder) -> bool:
    ns = {"np": np, "helpers": helpers}
    if importlib.util.find_spec("evaluate") is not None:
        ns["evaluate"] = importlib.import_module("evaluate")  # the course's cell calls it
    cell = cell_function(folder, "02_mrpc_trainer.ipynb", "compute_metrics", ns)
    inputs = _mrpc_metrics_inputs()
    return cell(inputs) != helpers.compute_metrics(inputs)


def _ner_metrics_inputs():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 9, size=(6, 12))
    labels[:, 0] = labels[:, -3:] = -100  # [CLS], then [SEP] and padding
    logits = rng.normal(size=(6, 12, 9))
    return logits, labels


def _ner_metrics_drift(folder) -> bool:
    names = NER_NAMES
    ns = {"np": np, "label_names": names, "metric": helpers.load_metric("seqeval")}
    cell = cell_function(folder, "04_ner.ipynb", "compute_metrics", ns)
    inputs = _ner_metrics_inputs()
    return cell(inputs) != helpers.make_compute_metrics(names)(inputs)


def test_mrpc_tokenize_function_matches_its_twin(tokenizer, mrpc_batch):
    assert not _mrpc_tokenize_drift(lesson_cells.NOTEBOOKS, tokenizer, mrpc_batch)


def test_mrpc_tokenize_function_drift_is_caught(tmp_path, tokenizer, mrpc_batch):
    folder = _copy_notebooks(tmp_path)

    def swap(source: str) -> str:
        pair = 'example["sentence1"], example["sentence2"]'
        return source.replace(pair, 'example["sentence2"], example["sentence1"]')

    _edit_cell(folder, "02_mrpc_trainer.ipynb", "tokenize_function", swap)
    assert _mrpc_tokenize_drift(folder, tokenizer, mrpc_batch)


def test_mrpc_compute_metrics_matches_its_twin():
    assert not _mrpc_metrics_drift(lesson_cells.NOTEBOOKS)


def test_mrpc_compute_metrics_drift_is_caught(tmp_path):
    folder = _copy_notebooks(tmp_path)
    _edit_cell(
        folder,
        "02_mrpc_trainer.ipynb",
        "compute_metrics",
        lambda s: s.replace("np.argmax(logits, axis=-1)", "np.argmin(logits, axis=-1)"),
    )
    assert _mrpc_metrics_drift(folder)


def test_ner_compute_metrics_matches_its_twin():
    assert not _ner_metrics_drift(lesson_cells.NOTEBOOKS)


def test_ner_compute_metrics_drift_is_caught(tmp_path):
    folder = _copy_notebooks(tmp_path)
    # a slip: reporting recall as precision
    _edit_cell(
        folder,
        "04_ner.ipynb",
        "compute_metrics",
        lambda s: s.replace('all_metrics["overall_precision"]', 'all_metrics["overall_recall"]'),
    )
    assert _ner_metrics_drift(folder)
