"""Progress: the file beside the notebook, and the instructor's table (file and saved outputs)."""

import json

import nbformat
import pytest
from classroom_testing import not_strict  # noqa: F401 - an autouse fixture

from helpers import classroom
from helpers.classroom import progress
from helpers.classroom.__main__ import main
from helpers.classroom.report import table


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return tmp_path


def _pad_right(label_lists):
    longest = max(len(labels) for labels in label_lists)
    return [list(labels) + [-100] * (longest - len(labels)) for labels in label_lists]


def test_checks_record_attempts_and_passes(in_tmp):
    exercises = classroom.exercises(4)
    exercises.entity_spans.check(lambda words, tags: [])  # wrong
    exercises.entity_spans.check(lambda words, tags: [])  # wrong again
    exercises.first_subtoken.check(...)  # not attempted: not counted
    record = json.loads((in_tmp / "04_ner.progress.json").read_text())
    assert record["chapter"] == 4 and record["notebook"] == "04_ner.ipynb"
    assert record["exercises"] == {"entity_spans": {"attempts": 2, "passed": False}}


def test_a_pass_stays_a_pass(in_tmp):
    def entities(words, tags):
        found, previous = [], "O"
        for word, tag in zip(words, tags):
            if tag != "O":
                if tag[:2] == "I-" and previous[2:] == tag[2:]:
                    found[-1] = (tag[2:], found[-1][1] + " " + word)
                else:
                    found.append((tag[2:], word))
            previous = tag
        return found

    exercises = classroom.exercises(4)
    exercises.entity_spans.check(entities)
    exercises.entity_spans.check(lambda words, tags: [])
    entry = progress.read(in_tmp / "04_ner.progress.json")["exercises"]["entity_spans"]
    assert entry["passed"] and entry["attempts"] == 2 and "passed_at" in entry


def test_the_notebook_name_comes_from_the_front_end(in_tmp, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", str(in_tmp / "alice" / "my copy of 04.ipynb"))
    assert progress.notebook_path(4) == in_tmp / "alice" / "my copy of 04.ipynb"
    classroom.exercises(4).entity_spans.check(lambda words, tags: [])
    assert (in_tmp / "alice" / "my copy of 04.progress.json").is_file()


def test_an_unwritable_folder_is_a_note_not_a_crash(in_tmp, monkeypatch, capsys):
    monkeypatch.setenv("JPY_SESSION_NAME", "/proc/no/such/04_ner.ipynb")
    classroom.exercises(4).entity_spans.check(lambda words, tags: [])
    assert "(Your progress could not be saved to /proc/no/such/04_ner.progress.json" in (
        capsys.readouterr().out
    )


def _learner_notebook(folder, outputs=None):
    """A chapter 4 notebook with one check cell, as a learner hands it in."""
    cell = nbformat.v4.new_code_cell(
        "exercises.pad_labels.check(pad_labels, tokenized_datasets, data_collator)",
        metadata={"classroom": {"chapter": 4, "exercise": "pad_labels", "part": "check"}},
    )
    cell.outputs = outputs or []
    notebook = nbformat.v4.new_notebook(cells=[cell])
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / "04_ner.ipynb")
    return folder / "04_ner.ipynb"


def test_table_from_the_progress_file(in_tmp, monkeypatch, capsys):
    notebook = _learner_notebook(in_tmp / "alice")
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    exercises = classroom.exercises(4)
    exercises.entity_spans.check(lambda words, tags: [])
    exercises.pos_chunk_tags.check([], None)
    classroom.quiz(4).answer(1, "b")
    shown = table(notebook)
    lines = shown.splitlines()
    assert lines[0] == f"{notebook}  (chapter 4)"
    assert lines[1].split() == ["exercise", "passed", "attempts"]
    assert lines[2].split() == ["4.1", "pos_chunk_tags", "no", "1"]
    assert lines[5].split() == ["4.4", "entity_spans", "no", "1"]
    assert "1 of 7 questions answered right" in shown
    assert lines[-1] == "0 of 4 exercises passed"
    capsys.readouterr()
    assert main(["progress", str(notebook)]) == 0
    assert capsys.readouterr().out.startswith(f"{notebook}  (chapter 4)")


def test_table_from_saved_outputs_alone(in_tmp):
    """A notebook handed in without its progress file still shows what passed."""
    output = nbformat.v4.new_output(
        "display_data",
        data={"text/plain": "Exercise 4.3, padding labels with -100: passed."},
        metadata={
            progress.OUTPUT_KEY: {"chapter": 4, "exercise": "pad_labels", "status": "passed"}
        },
    )
    notebook = _learner_notebook(in_tmp / "bob", outputs=[output])
    lines = table(notebook).splitlines()
    assert lines[4].split() == ["4.3", "pad_labels", "yes", "?"]
    assert lines[-1] == "1 of 4 exercises passed"


def test_table_of_something_else(in_tmp):
    assert "no such notebook" in table(in_tmp / "missing.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), in_tmp / "plain.ipynb")
    assert "no classroom exercises found" in table(in_tmp / "plain.ipynb")


def test_checks_in_a_kernel_keep_their_verdict_in_the_output(in_tmp, monkeypatch):
    published = []
    monkeypatch.setattr(progress, "in_kernel", lambda: True)
    monkeypatch.setattr(
        "IPython.display.publish_display_data",
        lambda data, metadata: published.append((data, metadata)),
    )
    classroom.exercises(4).entity_spans.check(lambda words, tags: [])
    data, metadata = published[0]
    assert data["text/plain"].startswith("Exercise 4.4, from tags to entities: not yet.")
    assert metadata[progress.OUTPUT_KEY] == {
        "chapter": 4,
        "exercise": "entity_spans",
        "status": "failed",
    }
