"""Grade a class with nbgrader's own commands: ``python -m tools.nbgrader_course grade``.

Submissions sit where nbgrader (or its exchange's ``nbgrader collect``) puts them:
``submitted/<student>/<assignment>/<notebook>.ipynb``. Before nbgrader sees them, a file that
is not a notebook, or a notebook of another chapter handed in under this one's name, is
reported and moved to ``rejected/`` (it scores 0, the class goes on). Then, per assignment,
``nbgrader autograde`` (a run stopped half-way resumes: what is graded stays graded) and
``nbgrader generate_feedback``, and once ``nbgrader export`` writes ``grades.csv``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat

from tools.nbgrader_course import assignments, nbgrader

# seconds one nbgrader command may take: a class of 30 on the embedded profile takes minutes
GRADE_TIMEOUT = 6 * 3600


def _chapter_of(notebook) -> set[int]:
    return {
        cell.metadata["classroom"]["chapter"]
        for cell in notebook.cells
        if isinstance(cell.metadata.get("classroom"), dict)
        and "chapter" in cell.metadata["classroom"]
    }


def why_rejected(path: Path, chapter: int) -> str:
    """Why a submitted file cannot be graded as chapter ``chapter``'s notebook, or ""."""
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except (OSError, ValueError, nbformat.ValidationError, json.JSONDecodeError) as error:
        return f"not a notebook ({type(error).__name__}: {str(error).splitlines()[0][:120]})"
    chapters = _chapter_of(notebook)
    if chapters and chapter not in chapters:
        return f"the notebook of chapter {min(chapters)}, handed in as chapter {chapter}'s"
    return ""


def reject_unreadable(course: Path) -> list[str]:
    """Move what cannot be graded from ``submitted/`` to ``rejected/``; one line per file."""
    report = []
    for chapter, name in assignments().items():
        for path in sorted(course.glob(f"submitted/*/{name}/*.ipynb")):
            reason = why_rejected(path, chapter)
            if not reason:
                continue
            student = path.parent.parent.name
            target = course / "rejected" / student / name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), target)
            report.append(
                f"{student}/{name}: {reason}; moved to {target.relative_to(course)}, scored 0"
            )
    return report


def _add_students(course: Path) -> None:
    """Every learner with a folder in submitted/ is in the gradebook, so that the CSV has a
    row (0 points) for an assignment whose file was rejected."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for folder in sorted(p for p in (course / "submitted").iterdir() if p.is_dir()):
            gradebook.update_or_create_student(folder.name)


def grade_class(course: Path, only: list[str] | None = None) -> int:
    """Autograde every submission, write the feedback pages and ``grades.csv``; 0 when every
    readable submission was graded.

    Used in: ``make class-grade`` and the grading tests.
    """
    if not (course / "nbgrader_config.py").is_file():
        raise SystemExit(f"{course} is not a course: run make class first")
    if not (course / "submitted").is_dir():
        raise SystemExit(
            f"nothing to grade: no {course / 'submitted'} (nbgrader collect puts it there)"
        )
    report = reject_unreadable(course)
    _add_students(course)
    failed = []
    logs = course / "logs"
    logs.mkdir(exist_ok=True)
    for name in assignments().values():
        if (only and name not in only) or not list(course.glob(f"submitted/*/{name}/*.ipynb")):
            continue
        for step in ("autograde", "generate_feedback"):
            result = nbgrader(course, step, name, timeout=GRADE_TIMEOUT, check=False)
            (logs / f"{step}-{name}.log").write_text(
                result.stdout + result.stderr, encoding="utf-8"
            )
            if result.returncode:
                failed.append(
                    f"nbgrader {step} {name}: exit {result.returncode}, see logs/{step}-{name}.log"
                )
    nbgrader(course, "export", "--to", "grades.csv", timeout=600)
    for line in report + failed:
        print(line)
    print(f"grades: {course / 'grades.csv'}; feedback pages: {course / 'feedback'}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(grade_class(Path(sys.argv[1] if len(sys.argv) > 1 else "build/class").resolve()))
