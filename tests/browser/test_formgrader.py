"""Formgrader, nbgrader's own page in JupyterLab, shows the graded class (headless Chromium).

The class is the one ``tests/test_grading.py`` graded (``build/grading-test/class``, which
``make test`` leaves behind before the browser tier runs); run alone, this test builds and
grades a small one itself (full marks and untouched, chapter 4). JupyterLab starts in the
course folder, as an instructor starts it; the test opens Formgrader from Lab's command
(``nbgrader:open-formgrader``), then its students and the chapter's gradebook pages, and
checks the scores nbgrader holds. Screenshots go to build/browser/formgrader/.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import require_chromium
from lab_server import LabServer
from tier import OUT_DIR

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
GRADED = ROOT / "build" / "grading-test" / "class"
SHOTS = OUT_DIR / "formgrader"
TIMEOUT_MS = 120_000


def _small_class(course: Path) -> None:
    from grading_class import learners, write

    from tools.nbgrader_course import build
    from tools.nbgrader_grade import grade_class

    build("en", course)
    write(course, [x for x in learners((4,)) if x.student in ("full", "untouched")])
    assert grade_class(course, only=["04_ner"]) == 0


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    pytest.importorskip("nbgrader", reason="nbgrader is in the .[instructor] extra")
    require_chromium()
    course = tmp_path_factory.mktemp("formgrader") / "class"
    if (GRADED / "autograded" / "full" / "04_ner").is_dir():
        shutil.copytree(GRADED, course)
        config = (course / "nbgrader_config.py").read_text()
        assert "os.path.dirname(os.path.abspath(__file__))" in config  # the copy is its own root
    else:
        _small_class(course)
    return course


def test_formgrader_shows_the_graded_class(course, tier):
    # the tier's Chromium: a second sync_playwright() in a worker that runs the tier's
    # notebooks too fails ("Sync API inside the asyncio loop")
    from helpers.classroom import text

    SHOTS.mkdir(parents=True, exist_ok=True)
    full = sum(
        float(score) for score in _scores(course, "full", "04_ner").values()
    )  # what the gradebook holds
    assert full == 15
    with LabServer(course) as server:
        page = tier.browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.url}/lab?token={server.token}", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.commands.hasCommand("
            "'nbgrader:open-formgrader')",
            timeout=TIMEOUT_MS,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-formgrader')")
        frame = page.wait_for_selector("iframe[src*='formgrader']", timeout=TIMEOUT_MS)
        formgrader = frame.content_frame()
        for chapter in text.CHAPTERS:  # Manage Assignments lists the four chapters
            name = text.chapter_data(chapter)["notebook"]
            formgrader.wait_for_selector(f"text={name}", timeout=TIMEOUT_MS)
        page.screenshot(path=str(SHOTS / "manage_assignments.png"))

        formgrader.goto(f"{server.url}/formgrader/manage_students", timeout=TIMEOUT_MS)
        for student in ("full", "untouched"):  # each learner's total over the four chapters
            row = formgrader.wait_for_selector(
                f"tr:has(td:text-is('{student}'))", timeout=TIMEOUT_MS
            )
            assert f"{_total(course, student)} / 61" in row.inner_text(), row.inner_text()
        page.screenshot(path=str(SHOTS / "manage_students.png"))

        formgrader.goto(f"{server.url}/formgrader/gradebook/04_ner/04_ner", timeout=TIMEOUT_MS)
        table = formgrader.wait_for_selector("table:has-text('Overall Score')", timeout=TIMEOUT_MS)
        formgrader.wait_for_selector("td:has-text('15 / 15')", timeout=TIMEOUT_MS)
        shown = table.inner_text()
        assert "15 / 15" in shown and "0 / 15" in shown, shown  # full marks, untouched
        page.screenshot(path=str(SHOTS / "gradebook_04_ner.png"))
        page.close()


def _total(course: Path, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        total = gradebook.find_student(student).score
    return f"{total:g}"


def _scores(course: Path, student: str, name: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(name, name, student)
        return {g.name: g.score for g in notebook.grades}
