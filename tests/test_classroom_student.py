"""The student edition: stubs in place of solutions, no solution text anywhere it can reach."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from classroom_testing import not_strict  # noqa: F401 - an autouse fixture

from helpers.classroom import text
from helpers.classroom.__main__ import main
from helpers.classroom.student import SOLUTION_TAG, student_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _lesson_lines() -> set[str]:
    """Lines of the instructor notebooks' other cells, the stubs, and the kit's own code:
    text that is not the solutions' own, even where a solution repeats it."""
    lines = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if SOLUTION_TAG not in cell.metadata.get("tags", []):
                lines |= {line.strip() for line in cell.source.splitlines()}
    for chapter in text.CHAPTERS:
        for exercise in text.chapter_data(chapter)["exercises"].values():
            lines |= {line.strip() for line in exercise["stub"].splitlines()}
    for path in (ROOT / "helpers").rglob("*.py"):
        lines |= {line.strip() for line in path.read_text().splitlines()}
    return lines


def solution_only_lines() -> dict[str, list[str]]:
    """Per exercise, the solution lines found nowhere else: what must not leak."""
    common = _lesson_lines()
    found = {}
    for chapter in text.CHAPTERS:
        for key, code in text.solutions(chapter).items():
            lines = [line.strip() for line in code.splitlines()]
            found[f"{chapter}.{key}"] = [
                line
                for line in lines
                if len(line) > 12 and line not in common and not line.isidentifier()
            ]
    return found


def test_every_solution_has_lines_of_its_own():
    assert all(solution_only_lines().values())


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    with_solutions = tmp_path_factory.mktemp("with")
    without = tmp_path_factory.mktemp("without")
    assert main(["student", "--out", str(with_solutions), *map(str, NOTEBOOKS)]) == 0
    assert main(["student", "--no-solutions", "--out", str(without)]) == 0
    return with_solutions, without


def _text_files(folder: Path) -> list[Path]:
    suffixes = {".py", ".yaml", ".ipynb", ".md", ".json", ".toml", ".txt"}
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes]


def _lines(path: Path) -> set[str]:
    """Every line of a file, stripped; for a notebook, of its cells' sources and outputs."""
    content = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".ipynb":
        return {line.strip() for line in content.splitlines()}
    notebook = nbformat.reads(content, as_version=4)
    texts = [cell.source for cell in notebook.cells]
    texts += [str(o) for cell in notebook.cells for o in cell.get("outputs", [])]
    return {line.strip() for t in texts for line in t.splitlines()}


def leaks_in(folder: Path) -> list[str]:
    """Where solution text appears in the files under ``folder``: one line per find."""
    leaks = solution_only_lines()
    solutions = [code.strip() for c in text.CHAPTERS for code in text.solutions(c).values()]
    found = []
    for path in _text_files(folder):
        lines = _lines(path)
        for exercise, solution_lines in leaks.items():
            found += [f"{path}: {exercise}: {line!r}" for line in solution_lines if line in lines]
        content = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path}: a whole solution" for code in solutions if code in content]
    return found


def test_no_solution_text_survives(editions):
    for edition in editions:
        assert len(list(edition.glob("*.ipynb"))) == len(NOTEBOOKS) == 4
        assert leaks_in(edition) == []


def test_the_leak_finder_finds_leaks(tmp_path):
    """The proof above is only as good as its finder: it must see a leaked solution."""
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / NOTEBOOKS[3].name).write_text(NOTEBOOKS[3].read_text())  # instructor's
    assert any("4.first_subtoken" in leak for leak in leaks_in(tmp_path / "nb"))
    (tmp_path / "py").mkdir()
    (tmp_path / "py" / "ch2.yaml").write_text((text.SOLUTIONS_DIR / "ch2.yaml").read_text())
    assert any("2.sst2_trainer" in leak for leak in leaks_in(tmp_path / "py"))
    (tmp_path / "one").mkdir()
    line = solution_only_lines()["3.accuracy_of"][0]
    (tmp_path / "one" / "cell.py").write_text(f"x = 1\n    {line}\n")
    assert leaks_in(tmp_path / "one") == [
        f"{tmp_path / 'one' / 'cell.py'}: 3.accuracy_of: {line!r}"
    ]


def test_the_student_notebooks_hold_the_stubs(editions):
    for edition in editions:
        for path in NOTEBOOKS:
            notebook = nbformat.read(edition / path.name, as_version=4)
            stubs = [
                c
                for c in notebook.cells
                if c.metadata.get("classroom", {}).get("part") == "solution"
            ]
            assert stubs, path.name
            for cell in stubs:
                info = cell.metadata["classroom"]
                want = text.chapter_data(info["chapter"])["exercises"][info["exercise"]]["stub"]
                assert cell.source == want.rstrip("\n")
                assert SOLUTION_TAG not in cell.metadata["tags"]
            assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
            assert all(
                c.get("execution_count") is None for c in notebook.cells if c.cell_type == "code"
            )


def test_outputs_are_stripped():
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=3)]
    )
    notebook.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"})]
    stripped = student_notebook(notebook)
    assert stripped.cells[0].outputs == [] and stripped.cells[0].execution_count is None
    assert notebook.cells[0].outputs  # the instructor's copy is untouched


def test_a_solution_cell_without_its_exercise_is_refused():
    cell = nbformat.v4.new_code_cell("answer = 42", metadata={"tags": [SOLUTION_TAG]})
    with pytest.raises(ValueError, match="cell 0 is tagged 'solution' but its metadata"):
        student_notebook(nbformat.v4.new_notebook(cells=[cell]))


def test_the_edition_without_solutions_has_none_to_show(editions):
    _, without = editions
    assert not (without / "helpers" / "classroom" / "solutions").exists()
    assert (without / "helpers" / "classroom" / "data" / "ch4.yaml").is_file()
    code = (
        "import helpers.classroom as c, sys\n"
        "assert c.__file__.startswith(sys.argv[1]), c.__file__\n"
        "c.exercises(4).first_subtoken.solution()\n"
        "c.exercises(4).first_subtoken.hint()\n"
        "c.exercises(4).first_subtoken.check(...)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(without)],
        cwd=without,  # as Jupyter starts a kernel in the notebook's folder
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "This edition has no solutions" in result.stdout
    assert "Hint for exercise 4.2" in result.stdout and "not attempted yet" in result.stdout
    assert "no solutions" in (without / "README.md").read_text()


def test_a_later_build_with_solutions_drops_the_copy(tmp_path):
    assert main(["student", "--no-solutions", "--out", str(tmp_path), str(NOTEBOOKS[0])]) == 0
    assert (tmp_path / "helpers").is_dir()
    assert main(["student", "--out", str(tmp_path), str(NOTEBOOKS[0])]) == 0
    assert not (tmp_path / "helpers").exists()
