"""The graded edition: make class's nbgrader course, graded by nbgrader's own commands.

One run per module: build the English course as ``make class`` does (from a plain shell: the
venv's bin not on PATH), write the synthetic class (tests/grading_class.py: in CI, full marks
and untouched for every chapter, every fake once on chapter 4, an answer tuned to the
visible checks, a crash, a file that is not a notebook; ``COURSE_CLASS_ALL=1``, as ``make
class-test`` sets it, the whole class), grade it with ``python -m tools.nbgrader_course
grade`` (autograde, generate_feedback, export), and compare every score per learner and test
cell with the expected one. The translated classes are built in-process here (nbgrader's own
ClearSolutions and ClearHiddenTests) and in full by ``make class-test``.
"""

from __future__ import annotations

import csv
import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_class import FAKES_CHAPTER, graded, learners, write
from test_classroom_student import leaks_in

from helpers.classroom import text

ROOT = Path(__file__).resolve().parent.parent
EVERYTHING = os.environ.get("COURSE_CLASS_ALL") == "1"
GRADED = ROOT / "build" / "grading-test" / "class"
LANGS = ("pl", "ja", "ru", "zh_Hans", "hi")

if os.environ.get("CI") != "1":
    pytest.importorskip("nbgrader", reason="nbgrader is in the .[instructor] extra: make class")


def _plain_env(**extra: str) -> dict[str, str]:
    """A plain shell's environment: no venv on PATH (nbgrader's alembic must still be found)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    env.update(COURSE_PROFILE="embedded", HF_HUB_OFFLINE="1", **extra)
    return env


def _tool(*args: str, timeout: int, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.nbgrader_course", *args],
        cwd=ROOT,
        env=_plain_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def course() -> Path:
    # kept after the run: the browser tier's formgrader test opens this graded class
    out = GRADED
    shutil.rmtree(out.parent, ignore_errors=True)
    result = _tool("build", "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def grading(course):
    chapters = (1, 2, 3, 4)
    expected = write(course, learners(chapters, everything=EVERYTHING))
    timeout = os.environ.get("COURSE_CELL_TIMEOUT", "120")
    result = _tool("grade", "--course", str(course), timeout=6 * 3600, COURSE_CELL_TIMEOUT=timeout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return expected, graded(course), result.stdout


def _released(course: Path) -> list[Path]:
    return sorted(course.glob("release/*/*.ipynb"))


def test_the_release_holds_no_solution_nor_hidden_test(course):
    assert len(_released(course)) == 4
    assert leaks_in(course / "release") == []
    for path in _released(course):
        content = path.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in content and "_grading" not in content, path
        assert "Mara Olsen" not in content  # a hidden test's sentence


def test_the_leak_check_sees_the_source(course):
    """The check above must fail where solutions are: the instructor's source folder."""
    assert leaks_in(course / "source")


def test_cells_as_nbgrader_expects(course):
    for chapter, path in zip(text.CHAPTERS, _released(course)):
        notebook = nbformat.read(path, as_version=4)
        meta = [c.metadata.get("nbgrader", {}) for c in notebook.cells]
        answers = [m for m in meta if m.get("solution")]
        tests = [m for m in meta if m.get("grade")]
        exercises = list(text.chapter_data(chapter)["exercises"])
        questions = text.chapter_data(chapter)["quiz"]["questions"]
        assert [m["grade_id"] for m in answers] == [f"{k}-answer" for k in exercises] + [
            "quiz-answers"
        ]
        assert len(tests) == len(exercises) + len(questions)
        assert all(m["locked"] and m["points"] > 0 for m in tests)
        assert all(m.get("locked") for m in meta if not m.get("solution"))
        tasks = [c.source for c in notebook.cells if "-task" in c.metadata["nbgrader"]["grade_id"]]
        assert all("Graded: 2 points" in t for t in tasks) and len(tasks) == len(exercises)


def test_scores_are_the_expected_ones(grading):
    expected, got, _ = grading
    wrong = {
        (student, name): (cells, got.get(student, {}).get(name))
        for student, per in expected.items()
        for name, cells in per.items()
        if got.get(student, {}).get(name) != cells
    }
    assert not wrong


FAKES = sorted(
    {x.student for x in learners((FAKES_CHAPTER,), EVERYTHING) if x.student.startswith("fake-")}
)


@pytest.mark.parametrize("fake", FAKES)
def test_a_fake_gets_nothing(grading, fake):
    _, got, _ = grading
    name = text.chapter_data(FAKES_CHAPTER)["notebook"]
    scores = got[fake][name]
    assert scores and sum(scores.values()) == 0, scores


def test_full_marks_and_untouched(grading, course):
    expected, got, _ = grading
    for chapter in text.CHAPTERS:
        name = text.chapter_data(chapter)["notebook"]
        full = got["full"][name]
        assert all(score > 0 for score in full.values()), full
        assert sum(got["untouched"][name].values()) == 0


def test_deleted_test_cells_are_graded_again(grading, course):
    name = text.chapter_data(FAKES_CHAPTER)["notebook"]
    student = "fake-delete-tests" if EVERYTHING else "fake-all"
    handed_in = nbformat.read(course / "submitted" / student / name / f"{name}.ipynb", 4)
    graded_copy = nbformat.read(course / "autograded" / student / name / f"{name}.ipynb", 4)
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", 4)

    def ids(notebook) -> set:
        return {c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells}

    deleted = ids(released) - ids(handed_in)
    assert any(i.endswith("-test") for i in deleted)  # the fake did delete test cells
    assert deleted <= ids(graded_copy)  # autograde put them back, and ran them


def test_what_cannot_be_graded_is_reported(grading):
    _, got, stdout = grading
    assert "malformed/04_ner: not a notebook" in stdout
    assert "fake-other-chapter/04_ner: the notebook of chapter 1" in stdout
    assert sum(got["crash"]["04_ner"].values()) == 4  # the two exercises before the crash


def test_feedback_pages_show_the_kits_feedback(grading, course):
    expected, _, _ = grading
    for student in ("full", "untouched", "tuned"):
        page = course / "feedback" / student / "04_ner" / "04_ner.html"
        content = page.read_text(encoding="utf-8")
        assert "Exercise 4.2, a label on each word" in content
        assert "BEGIN HIDDEN TESTS" not in content and "verify(" not in content
    tuned = (course / "feedback" / "tuned" / "04_ner" / "04_ner.html").read_text()
    assert "Hidden test (inputs you had not seen)" in tuned


def test_grades_csv_holds_every_total(grading, course):
    expected, _, _ = grading
    with open(course / "grades.csv", newline="") as f:
        rows = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(f)}
    for student, per in expected.items():
        for name, cells in per.items():
            assert rows[(student, name)] == pytest.approx(sum(cells.values())), (student, name)


@pytest.mark.parametrize("lang", LANGS)
def test_a_translated_class_releases_no_solution(tmp_path, lang, monkeypatch):
    """Each language's source notebooks, through nbgrader's own ClearSolutions and
    ClearHiddenTests (what generate_assignment does to them): stubs, no solution, texts in
    the language. ``make class-test`` builds and grades them with nbgrader itself."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    from tools.nbgrader_course import CODE_STUB, graded_notebook

    monkeypatch.setenv("COURSE_LANG", "en")
    english = text.say(text.common()["graded_points"], points=2)
    monkeypatch.setenv("COURSE_LANG", lang)
    for chapter in text.CHAPTERS:
        name = text.chapter_data(chapter)["notebook"]
        source = nbformat.read(ROOT / "notebooks" / lang / f"{name}.ipynb", as_version=4)
        notebook = graded_notebook(source, lang)
        resources: dict = {}
        notebook, resources = ClearSolutions(code_stub={"python": CODE_STUB}).preprocess(
            notebook, resources
        )
        notebook, _ = ClearHiddenTests().preprocess(notebook, resources)
        nbformat.write(notebook, tmp_path / f"{name}.ipynb")
        assert f'"COURSE_LANG", "{lang}"' in notebook.cells[0].source
        points = text.say(text.common()["graded_points"], points=2)
        assert points != english and any(points in c.source for c in notebook.cells)
    assert leaks_in(tmp_path) == []


@pytest.mark.skipif(not EVERYTHING, reason="make class-test: a course per language, graded")
@pytest.mark.parametrize("lang", LANGS)
def test_a_translated_class_is_graded(tmp_path, lang):
    """COURSE_LANG=<lang> make class, then full marks and untouched on chapter 4, graded by
    nbgrader: the same scores as in English, the feedback in the language."""
    course = tmp_path / "class"
    result = _tool("build", "--lang", lang, "--out", str(course), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    chosen = [x for x in learners((FAKES_CHAPTER,)) if x.student in ("full", "untouched")]
    expected = write(course, chosen)
    result = _tool("grade", "--course", str(course), timeout=3600, COURSE_LANG=lang)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert graded(course) == expected
    page = html.unescape((course / "feedback" / "untouched" / "04_ner" / "04_ner.html").read_text())
    os.environ["COURSE_LANG"] = lang
    try:
        hint = text.translate(text.common()["not_attempted"])
    finally:
        del os.environ["COURSE_LANG"]
    assert hint.split(".")[0] in page and hint != text.common()["not_attempted"]
