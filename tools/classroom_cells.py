"""Put the classroom's exercise and quiz cells into the chapter notebooks, or check them.

For every exercise in ``helpers/classroom/data/chN.yaml`` the notebook holds three cells: the
task (markdown), the solution (a code cell tagged ``solution``; the student edition puts the
stub there) and the check. One setup cell before a chapter's first exercise binds
``exercises``; the quiz goes last, before the final headline cell. Every cell carries
``classroom`` metadata (chapter, exercise, part), by which this tool finds it again.

    python tools/classroom_cells.py            # insert missing cells, update the others
    python tools/classroom_cells.py --check    # exit 1 and list what differs (tests run this)

Where a missing exercise goes: after the lesson cell whose source contains its anchor, or,
for an anchor of None, in an "Exercises" section before the chapter's summary. Lesson cells
that solved a "Try it!" in place are removed (``REPLACED``), since the exercise now asks it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.classroom import core, text  # noqa: E402

NOTEBOOKS = {chapter: ROOT / "notebooks" for chapter in text.CHAPTERS}
VARIABLE = "exercises"
# exercise -> the source text of the lesson cell it follows (None: the Exercises section)
ANCHORS = {
    1: {
        "label_counts": 'label_feature.int2str(raw_train_dataset[0]["label"])',
        "own_dataset": 'ticket_dataset = ticket_dataset.class_encode_column("label")',
        "label2id": "cast_dataset = Dataset.from_pandas(tickets, preserve_index=False)",
        "label_count": "cast_dataset = Dataset.from_pandas(tickets, preserve_index=False)",
    },
    2: {
        "element_labels": 'label_names = raw_train_dataset.features["label"].names',
        "pair_vs_separate": 'decoded = tokenizer.decode(inputs["input_ids"])',
        "dynamic_padding": 'assert batch["labels"].shape == (8,)',
        "sst2_trainer": None,
    },
    3: {
        "sst2_loop_data": 'assert columns - {"token_type_ids"} == {"labels", "input_ids", "attention_mask"}',
        "num_steps": "assert num_training_steps == num_epochs * steps_per_epoch",
        "accuracy_of": "plain_results = metric.compute()",
        "sst2_loop": None,
    },
    4: {
        "pos_chunk_tags": "print_words_and_tags(words, labels, label_names)",
        "first_subtoken": "assert align_labels_with_tokens(\n    [3, 0, 7, 0, 0, 0, 7, 0, 0]",
        "pad_labels": 'assert (batch["input_ids"][short, lengths[short] :] == tokenizer.pad_token_id).all()',
        "entity_spans": 'assert round(results["overall_accuracy"], 2) == 0.89',
    },
}
# lesson cells that solved an exercise in place: removed where the exercise goes
REPLACED = {
    4: [
        "**Try it!** (from the course) The same for the part-of-speech and the chunk tags",
        'for column in ("pos_tags", "chunk_tags"):',
        "The course's exercise: label only the first sub-token of each word",
        "print(inspect.getsource(helpers.align_labels_first_subtoken))",
        "first_only = align_labels_first_subtoken(labels, word_ids)",
    ]
}
SUMMARY_HEADINGS = ("## Summary", "## Headline")
EXERCISES_INTRO = (
    "## Exercises\n\n"
    "Each exercise has a task, a cell for your code and a check cell that says what is right\n"
    "and what is not. Run the check after your code; `hint()` gives a hint."
)


def notebook_path(chapter: int) -> Path:
    return NOTEBOOKS[chapter] / f"{text.chapter_data(chapter)['notebook']}.ipynb"


def _meta(chapter: int, part: str, exercise: str | None = None) -> dict:
    info = {"chapter": chapter, "part": part}
    if exercise:
        info["exercise"] = exercise
    return {"classroom": info}


def _cell(kind: str, source: str, metadata: dict, tags: list[str] | None = None):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source.rstrip("\n"), metadata=dict(metadata))
    info = metadata["classroom"]
    cell.id = "-".join(["classroom", str(info["chapter"]), info.get("exercise", ""), info["part"]])
    cell.id = cell.id.replace("--", "-").replace("_", "-")
    if tags:
        cell.metadata["tags"] = tags
    return cell


def wanted_cells(chapter: int) -> dict[tuple[str, str], object]:
    """Every classroom cell a chapter's notebook should hold, by (exercise, part)."""
    solutions = text.solutions(chapter)
    cells = {
        ("", "setup"): _cell(
            "code",
            "from helpers import classroom\n\n"
            f"# check(), hint() and solution() of this chapter's exercises\n"
            f"{VARIABLE} = classroom.exercises({chapter})",
            _meta(chapter, "setup"),
        ),
        ("", "exercises"): _cell("markdown", EXERCISES_INTRO, _meta(chapter, "exercises")),
        ("", "quiz-intro"): _cell(
            "markdown",
            "## Quiz\n\nWhat did this chapter run? Choose an answer and press Submit. Where the\n"
            'quiz shows as text (no widgets), answer in code: `quiz.answer(1, "b")`.',
            _meta(chapter, "quiz-intro"),
        ),
        ("", "quiz"): _cell(
            "code", f"quiz = classroom.quiz({chapter})\nquiz.show()", _meta(chapter, "quiz")
        ),
    }
    for exercise in core.ChapterExercises(chapter, VARIABLE):
        key, texts = exercise.key, exercise.texts
        heading = f"### Exercise {exercise.label}: {texts['title']}\n\n{texts['task']}"
        check = (
            f"{exercise.check_call}\n"
            f"# {VARIABLE}.{key}.hint() gives a hint, {VARIABLE}.{key}.solution() the answer"
        )
        cells[(key, "task")] = _cell("markdown", heading, _meta(chapter, "task", key))
        cells[(key, "solution")] = _cell(
            "code", solutions[key], _meta(chapter, "solution", key), tags=["solution"]
        )
        cells[(key, "check")] = _cell("code", check, _meta(chapter, "check", key))
    return cells


def _classroom_key(cell) -> tuple[str, str] | None:
    info = cell.get("metadata", {}).get("classroom")
    return (info.get("exercise", ""), info["part"]) if info else None


def _find(cells: list, needle: str) -> int:
    for index, cell in enumerate(cells):
        if needle in cell.source and _classroom_key(cell) is None:
            return index
    raise LookupError(f"no lesson cell contains {needle!r}: update ANCHORS in {__file__}")


def _summary_index(cells: list) -> int:
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.startswith(SUMMARY_HEADINGS):
            return index
    return len(cells) - 1


def place(notebook, chapter: int) -> list[str]:
    """Insert missing classroom cells and update changed ones; returns what changed."""
    wanted, cells, changes = wanted_cells(chapter), notebook.cells, []
    for needle in REPLACED.get(chapter, []):
        index = next((i for i, c in enumerate(cells) if c.source.startswith(needle)), None)
        if index is not None and _classroom_key(cells[index]) is None:
            del cells[index]
            changes.append(f"removed the lesson cell {needle[:50]!r}")
    present = {_classroom_key(c): i for i, c in enumerate(cells) if _classroom_key(c)}
    for key, cell in wanted.items():
        if key in present:
            current = cells[present[key]]
            if current.source != cell.source or current.metadata != cell.metadata:
                current.source, current.metadata = cell.source, cell.metadata
                changes.append(f"updated {key}")
    order = list(core.ChapterExercises(chapter, VARIABLE))
    for exercise in order:
        if (exercise.key, "task") in _present(cells):
            continue
        anchor = ANCHORS[chapter][exercise.key]
        if anchor is None:
            if ("", "exercises") not in _present(cells):
                cells.insert(_summary_index(cells), wanted[("", "exercises")])
            at = _summary_index(cells)
        else:
            at = _after_earlier_exercises(cells, _find(cells, anchor) + 1)
        parts = [wanted[(exercise.key, p)] for p in ("task", "solution", "check")]
        cells[at:at] = parts
        changes.append(f"inserted exercise {exercise.label} {exercise.key}")
    if ("", "setup") not in _present(cells):
        first = min(i for i, c in enumerate(cells) if (_classroom_key(c) or ("", ""))[1] == "task")
        cells.insert(first, wanted[("", "setup")])
        changes.append("inserted the setup cell")
    if ("", "quiz") not in _present(cells):
        at = len(cells) - 1  # before the final headline cell, and its own heading if it has one
        if cells[at - 1].cell_type == "markdown" and cells[at - 1].source.startswith("## Headline"):
            at -= 1
        cells[at:at] = [wanted[("", "quiz-intro")], wanted[("", "quiz")]]
        changes.append("inserted the quiz")
    return changes


def _present(cells: list) -> set:
    return {_classroom_key(c) for c in cells if _classroom_key(c)}


def _after_earlier_exercises(cells: list, index: int) -> int:
    """Past the classroom cells already sitting right after the anchor (earlier exercises)."""
    while index < len(cells) and _classroom_key(cells[index]) is not None:
        index += 1
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    parser.add_argument("chapters", nargs="*", type=int, default=list(text.CHAPTERS))
    args = parser.parse_args(argv)
    differs = False
    for chapter in args.chapters:
        path = notebook_path(chapter)
        notebook = nbformat.read(path, as_version=4)
        changes = place(notebook, chapter)
        for change in changes:
            print(f"{path.name}: {change}")
        if changes and not args.check:
            nbformat.write(notebook, path)
            # the project's form: sequential cell ids, no outputs (as `make lint` verifies)
            subprocess.run([sys.executable, "-m", "nbstripout", str(path)], check=True)
        differs = differs or bool(changes)
    return 1 if differs and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
