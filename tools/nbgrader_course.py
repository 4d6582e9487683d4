"""The chapters as an nbgrader course: ``make class`` (build), ``make class-grade`` (grade).

    python -m tools.nbgrader_course build [--lang pl] [--out build/class]
    python -m tools.nbgrader_course grade [--course build/class]

``build`` writes ``nbgrader_config.py`` and one assignment per chapter under ``source/``,
made from the instructor's notebooks (``notebooks/`` or ``notebooks/<lang>/``): each
exercise's solution cell becomes an answer cell (the kit's stub, then the solution between
nbgrader's BEGIN/END SOLUTION), its check cell a test cell worth points (the kit's check, then
hidden tests, see ``tools/nbgrader_hidden.py``), the quiz an answer cell and one test cell per
question; every other cell is locked. Then nbgrader's own ``generate_assignment`` writes
``release/``, what students get. ``grade`` is in ``tools/nbgrader_grade.py``.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.classroom import text  # noqa: E402
from tools import nbgrader_hidden as hidden  # noqa: E402

COURSE_ID = "ft-course-kit"
LANGS = ("en", "pl", "ja", "ru", "zh_Hans", "hi")
# nbgrader puts this where a solution region was; the kit's stub stays above it
CODE_STUB = ""
# seconds one command of nbgrader may take (generate_assignment of one chapter: seconds)
COMMAND_TIMEOUT = 600


def assignments() -> dict[int, str]:
    """Chapter -> assignment (and notebook) name: ``{4: "04_ner", ...}``."""
    return {c: text.chapter_data(c)["notebook"] for c in text.CHAPTERS}


def _nbgrader_meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def _code(source: str, grade_id: str, **kind) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = _nbgrader_meta(grade_id, **kind)
    return cell


def answer_source(stub: str, solution: str) -> str:
    """The stub the student keeps, then the solution that nbgrader removes."""
    return f"{stub.rstrip()}\n### BEGIN SOLUTION\n{solution.rstrip()}\n### END SOLUTION"


def _exercise_cells(cell, part: str, info: dict) -> list:
    chapter, key = info["chapter"], info.get("exercise", "")
    if part == "solution":
        stub = text.chapter_data(chapter)["exercises"][key]["stub"]
        cell.source = answer_source(stub, cell.source)
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != "solution"]
        cell.metadata["nbgrader"] = _nbgrader_meta(f"{key}-answer", solution=True)
        return [cell]
    if part == "check":
        check = cell.source.splitlines()[0]
        variable = check.split(".")[0]
        cell.source = (
            f"{check}\n# {variable}.{key}.hint() gives a hint\n{hidden.hidden_block(chapter, key)}"
        )
        cell.metadata["nbgrader"] = _nbgrader_meta(
            f"{key}-test", grade=True, locked=True, points=hidden.POINTS
        )
        return [cell]
    if part == "task":
        points = text.say(text.common()["graded_points"], points=hidden.POINTS)
        cell.source = f"{cell.source}\n\n**{points}**"
    cell.metadata["nbgrader"] = _nbgrader_meta(f"{key or 'chapter'}-{part}", locked=True)
    if part == "quiz":
        return [cell, *quiz_cells(chapter)]
    return [cell]


def quiz_cells(chapter: int) -> list:
    """After the quiz's widgets: how it is graded, the answer cell, a test cell per question."""
    questions = text.chapter_data(chapter)["quiz"]["questions"]
    intro = nbformat.v4.new_markdown_cell(f"**{text.translate(text.common()['graded_quiz'])}**")
    intro.metadata["nbgrader"] = _nbgrader_meta("quiz-graded", locked=True)
    stub = ", ".join(f"{n}: ..." for n in range(1, len(questions) + 1))
    key = ", ".join(
        f"{n}: {q['number'] if 'number' in q else repr(q['answer'])}"
        for n, q in enumerate(questions, start=1)
    )
    answer = answer_source(
        f"# your replies: a letter, or a number\nquiz_answers = quiz.answers({{{stub}}})",
        f"quiz_answers = quiz.answers({{{key}}})",
    )
    cells = [intro, _code(answer, "quiz-answers", solution=True)]
    for number, question in enumerate(questions, start=1):
        source = f"quiz.check(quiz_answers, {number})\n"
        source += hidden.quiz_hidden_block(chapter, number, question)
        cells.append(
            _code(source, f"quiz-{number}", grade=True, locked=True, points=hidden.QUIZ_POINTS)
        )
    return cells


def graded_notebook(notebook, lang: str = "en"):
    """The source (instructor's) version of a chapter as an nbgrader assignment notebook.

    Used in: ``build``.
    """
    notebook = copy.deepcopy(notebook)
    cells = []
    if lang != "en":
        # the release runs outside notebooks/<lang>/: the kit's texts learn the language here
        setup = (
            f'import os\n\nos.environ.setdefault("COURSE_LANG", "{lang}")  # this class\'s language'
        )
        cells.append(_code(setup, "course-lang", locked=True))
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        info = cell.metadata.get("classroom")
        if info:
            cells += _exercise_cells(cell, info["part"], info)
            continue
        cell.metadata["nbgrader"] = _nbgrader_meta(f"lesson-{index}", locked=True)
        cells.append(cell)
    for cell in cells:
        cell.pop("id", None)  # nbgrader's grade_id names the cells; fresh ids below
    notebook.cells = cells
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    for cell in notebook.cells:
        cell["id"] = cell.metadata["nbgrader"]["grade_id"]
    return notebook


CONFIG = '''"""nbgrader's configuration for the kit's course; written by make class (tools/nbgrader_course.py)."""

import os
import sys

sys.path.insert(0, {root!r})  # the kit's clone: tools.nbgrader_execute

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402

from tools.nbgrader_execute import GradingExecute, ShortTracebacks  # noqa: E402

c = get_config()  # noqa: F821 - nbgrader defines it
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}
# The kernels that grade inherit these: offline, on the embedded profile unless the
# instructor sets COURSE_PROFILE (a graded run on real data), in the class's language.
os.environ.setdefault("COURSE_PROFILE", "embedded")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("COURSE_LANG", {lang!r})
os.environ.setdefault("TQDM_DISABLE", "1")
# the kit's stub stays above the removed solution, nothing is added
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
# a deleted test cell comes back from the gradebook (edited ones are restored anyway)
c.OverwriteCells.add_missing_cells = True
# every cell has this many seconds (COURSE_CELL_TIMEOUT); a cell that runs past it, or a
# kernel that dies, ends that submission's run: no points from there on, the class goes on
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "300"))
c.Execute.startup_timeout = 120
c.Autograde.autograde_preprocessors = [
    GradingExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# feedback pages show the kit's feedback (the outputs), not the hidden tests' inputs
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTests,
    ShortTracebacks,
    CSSHTMLHeaderPreprocessor,
]
# On a JupyterHub with nbgrader's exchange (docs/grading.md):
# c.Exchange.root = "/srv/nbgrader/exchange"
'''


def write_config(course: Path, lang: str) -> Path:
    path = course / "nbgrader_config.py"
    path.write_text(
        CONFIG.format(root=str(ROOT), course_id=COURSE_ID, lang=lang, code_stub=CODE_STUB),
        encoding="utf-8",
    )
    return path


def nbgrader(course: Path, *args: str, timeout: int = COMMAND_TIMEOUT, check: bool = True):
    """Run nbgrader's own command in the course folder, from a plain shell: the venv's
    ``bin`` goes first on PATH, since nbgrader calls ``alembic`` from there."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [sys.executable, "-m", "nbgrader", *args]
    try:
        return subprocess.run(
            command,
            cwd=course,
            env=env,
            timeout=timeout,
            check=check,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stdout + error.stderr)
        raise SystemExit(
            f"nbgrader {' '.join(args)} failed (exit {error.returncode}); its log is above"
        ) from None
    except subprocess.TimeoutExpired:
        raise SystemExit(f"nbgrader {' '.join(args)} ran past {timeout} s; stopped") from None


def build(lang: str, out: Path) -> list[Path]:
    """Write the course for ``lang`` into ``out`` and generate the release; returns the
    released notebooks."""
    if lang not in LANGS:
        raise SystemExit(f"COURSE_LANG={lang!r}: the kit's languages are {', '.join(LANGS)}")
    os.environ["COURSE_LANG"] = lang  # the points and quiz texts, in the class's language
    folder = ROOT / "notebooks" / ("" if lang == "en" else lang)
    out.mkdir(parents=True, exist_ok=True)
    write_config(out, lang)
    released = []
    for name in assignments().values():
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            raise SystemExit(f"{path} is missing; for a translated class, run make translations")
        target = out / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(graded_notebook(nbformat.read(path, as_version=4), lang), target)
        released.append(out / "release" / name / f"{name}.ipynb")
    # one nbgrader process for the four assignments: each start costs seconds
    nbgrader(out, "generate_assignment", "*", "--force")
    return released


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write the course and generate the release")
    make.add_argument("--lang", default=os.environ.get("COURSE_LANG") or "en")
    make.add_argument("--out", type=Path, default=Path("build/class"))
    grade = commands.add_parser("grade", help="autograde submitted/, feedback, grades.csv")
    grade.add_argument("--course", type=Path, default=Path("build/class"))
    args = parser.parse_args(argv)
    if args.command == "build":
        released = build(args.lang, args.out.resolve())
        print(f"nbgrader course ({args.lang}) in {args.out}/: {len(released)} assignments released")
        return 0
    from tools.nbgrader_grade import grade_class

    return grade_class(args.course.resolve())


if __name__ == "__main__":
    sys.exit(main())
