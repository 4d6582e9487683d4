"""Learner-facing texts: in data files, formatted safely, and translatable with gettext."""

import subprocess
from pathlib import Path

import polib
import pytest
from classroom_testing import not_strict  # noqa: F401 - an autouse fixture

from helpers import classroom
from helpers.classroom import text
from helpers.classroom.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def test_a_catalogue_translates_feedback_and_quiz(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    messages = text.chapter_data(4)["exercises"]["first_subtoken"]["messages"]
    catalogue = {
        text.common()["heading"]: "Ćwiczenie {number}, {title}",
        text.common()["not_yet"]: "jeszcze nie.",
        messages["special"]: "Pozycja {position} to token specjalny i dostała {got}: daj -100.",
        text.common()["quiz_right"]: "Pytanie {number}: dobrze.",
    }
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "pl"}
    for msgid, msgstr in catalogue.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    (tmp_path / "translations" / "pl").mkdir(parents=True)
    po.save(str(tmp_path / "translations" / "pl" / "runtime.po"))
    monkeypatch.setenv("COURSE_TRANSLATIONS_DIR", str(tmp_path / "translations"))
    monkeypatch.setenv("COURSE_LANG", "pl")
    classroom.exercises(4).first_subtoken.check(lambda labels, word_ids: [0] * len(word_ids))
    classroom.quiz(4).answer(1, "b")
    out = capsys.readouterr().out
    assert "Ćwiczenie 4.2" in out and "jeszcze nie." in out
    assert "Pozycja 0 to token specjalny i dostała 0" in out
    assert "Pytanie 1: dobrze." in out
    monkeypatch.setenv("COURSE_LANG", "en")  # the same check in English: nothing translated
    classroom.exercises(4).first_subtoken.check(lambda labels, word_ids: [0] * len(word_ids))
    out = capsys.readouterr().out
    assert "Exercise 4.2" in out and "Ćwiczenie" not in out


def test_pot_holds_every_text_once(tmp_path):
    assert main(["pot", "--out", str(tmp_path / "classroom.pot")]) == 0
    content = (tmp_path / "classroom.pot").read_text()
    strings = text.catalogue_strings()
    assert content.count("\nmsgid ") == len(strings) > 200
    assert 'msgid "Question {number}: right."' in content
    task = text.chapter_data(2)["exercises"]["sst2_trainer"]["task"]
    assert text._po_quote(task) in content


@pytest.mark.skipif(
    subprocess.run(["which", "msgfmt"], capture_output=True).returncode != 0,
    reason="gettext's msgfmt is not installed",
)
def test_msgfmt_accepts_the_template(tmp_path):
    main(["pot", "--out", str(tmp_path / "classroom.pot")])
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(tmp_path / "classroom.pot")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_snippets_are_ruff_clean(tmp_path):
    """Stubs and solutions go into notebook cells, which CI lints and format-checks."""
    for chapter in text.CHAPTERS:
        exercises = text.chapter_data(chapter)["exercises"]
        for key, code in text.solutions(chapter).items():
            for kind, snippet in (("stub", exercises[key]["stub"]), ("solution", code)):
                path = tmp_path / f"ch{chapter}_{key}_{kind}.py"
                path.write_text(snippet.rstrip("\n") + "\n")
    ruff = (
        [str(ROOT / ".venv" / "bin" / "ruff")]
        if (ROOT / ".venv" / "bin" / "ruff").exists()
        else ["ruff"]
    )
    formatted = subprocess.run(
        [*ruff, "format", "--check", str(tmp_path)], capture_output=True, text=True
    )
    assert formatted.returncode == 0, formatted.stdout
    # names such as raw_datasets come from the notebook; a bare last expression displays
    linted = subprocess.run(
        [*ruff, "check", "--ignore", "F821,B018", str(tmp_path)], capture_output=True, text=True
    )
    assert linted.returncode == 0, linted.stdout


def test_translation_is_identity_without_a_catalogue():
    assert text.translate("passed.") == "passed."
    assert text.say("{a} and {b!r}", a=1, b="x") == "1 and 'x'"
