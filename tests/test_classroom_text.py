"""Learner-facing texts: in data files, formatted safely, and translatable with gettext."""

import struct
import subprocess
from pathlib import Path

import pytest
from classroom_testing import not_strict  # noqa: F401 - an autouse fixture

from helpers import classroom
from helpers.classroom import text
from helpers.classroom.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def write_mo(path: Path, catalogue: dict[str, str]) -> None:
    """A compiled gettext catalogue, in the .mo format msgfmt writes, for the test."""
    catalogue = {"": "Content-Type: text/plain; charset=UTF-8\n", **catalogue}
    keys = sorted(catalogue)
    count = len(keys)
    originals_at, translations_at, data_at = 28, 28 + 8 * count, 28 + 16 * count
    tables: list[list[int]] = [[], []]
    blob = b""
    for table, items in zip(tables, (keys, [catalogue[k] for k in keys])):
        for item in items:
            encoded = item.encode()
            table += [len(encoded), data_at + len(blob)]
            blob += encoded + b"\0"
    header = struct.pack("7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack(f"{4 * count}I", *tables[0], *tables[1]) + blob)


def test_a_catalogue_translates_feedback_and_quiz(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    messages = text.chapter_data(4)["exercises"]["first_subtoken"]["messages"]
    catalogue = {
        text.common()["heading"]: "Übung {number}, {title}",
        text.common()["not_yet"]: "noch nicht.",
        messages["special"]: "Position {position} ist ein Sondertoken und bekam {got}: -100 geben.",
        text.common()["quiz_right"]: "Frage {number}: richtig.",
    }
    write_mo(tmp_path / "locale" / "de" / "LC_MESSAGES" / "classroom.mo", catalogue)
    monkeypatch.setattr(text, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setenv("LANGUAGE", "de")
    text._catalogue.cache_clear()
    try:
        classroom.exercises(4).first_subtoken.check(lambda labels, word_ids: [0] * len(word_ids))
        classroom.quiz(4).answer(1, "b")
    finally:
        text._catalogue.cache_clear()
    out = capsys.readouterr().out
    assert "Übung 4.2" in out and "noch nicht." in out
    assert "Position 0 ist ein Sondertoken und bekam 0" in out
    assert "Frage 1: richtig." in out


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
