"""A synthetic class for the graded edition: submissions with known scores, per exercise.

Each learner hands in the released notebook of a chapter with its answer cells filled in (or
not), or with a fake; ``expected`` says what nbgrader must give each test cell. Shared by
``tests/test_grading.py`` (what ``make test`` affords) and ``make class-test`` (all of it).

    python tests/grading_class.py COURSE [--all]   # write submitted/ and expected.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.classroom import text  # noqa: E402
from tools.nbgrader_course import assignments  # noqa: E402

# the chapter whose Run All is fastest on the embedded profile: the fakes go there in CI
FAKES_CHAPTER = 4

# one typical wrong answer per exercise (run after the solution), and the exercises it costs
WRONG = {
    "label_counts": ("label_counts = dict(enumerate(label_counts.values()))", ()),
    "own_dataset": ("my_dataset = my_table", ()),
    "label2id": ("feedback_label2id = {k: v + 1 for k, v in feedback_label2id.items()}", ()),
    "label_count": ("def check_dataset_labels(dataset, num_labels):\n    pass", ()),
    "element_labels": ("element_labels = (1, 0)", ()),
    "pair_vs_separate": ("pair_minus_separate = -pair_minus_separate", ()),
    "dynamic_padding": ("batch_length = whole_split_length", ()),
    "sst2_trainer": ('sst2_metrics = {"eval_accuracy": 0.99}', ()),
    "sst2_loop_data": ("sst2_loop_datasets.reset_format()", ()),
    "num_steps": ('sst2_steps = 3 * (len(sst2_loop_datasets["train"]) // 32)', ()),
    # the loop of 3.4 reports its accuracy with this function: it costs both
    "accuracy_of": (
        "def accuracy_of(model, dataloader):\n    return 0.5",
        ("sst2_loop",),
    ),
    "sst2_loop": ("sst2_accuracy = 0.99", ()),
    "pos_chunk_tags": ("tag_table = tag_table[:3]", ()),
    "first_subtoken": (
        "def align_first_subtoken(labels, word_ids):\n"
        "    return [-100 if w is None else labels[w] for w in word_ids]",
        (),
    ),
    "pad_labels": ("def pad_labels(label_lists):\n    return label_lists", ()),
    "entity_spans": (
        "def entities(words, tags):\n"
        '    return [(t[2:], w) for w, t in zip(words, tags) if t.startswith("B-")]',
        (),
    ),
}
# answers written to pass the visible check only: the hidden tests take their points
TUNED = {
    "first_subtoken": (
        "from helpers.classroom.ch4 import FIRST_SUBTOKEN_CASES as _seen\n"
        "_right = align_first_subtoken\n"
        "_known = {repr((l, w)): _right(l, w) for l, w in _seen}\n\n\n"
        "def align_first_subtoken(labels, word_ids):\n"
        "    return _known[repr((labels, word_ids))]"
    ),
    "entity_spans": (
        "from helpers.classroom.ch4 import ENTITY_CASES as _seen\n"
        "_known = {repr((w, t)): want for _, w, t, want in _seen}\n\n\n"
        "def entities(words, tags):\n"
        "    return _known[repr((words, tags))]"
    ),
    "pos_chunk_tags": "tag_table = {table!r}",
}
FAKES = {
    # an answer cell that rebinds the checks, on the instance and on the class
    "patch-instance": "for _e in exercises:\n    _e.check = lambda *a, **k: print('passed.')\n"
    "quiz.check = lambda *a, **k: print('right.')",
    "patch-class": "from helpers.classroom import core, grading, quiz as q\n"
    "core.Exercise.check = lambda self, *a, **k: print('passed.')\n"
    "core.Exercise.evaluate = lambda self, *a, **k: core.Result('', '', core.PASSED)\n"
    "q.Quiz.check = lambda self, *a, **k: None\n"
    "grading.verify = grading.verify_quiz = lambda *a, **k: None",
    "silence": "import sys\nget_ipython().showtraceback = lambda *a, **k: None\n"
    "get_ipython().showsyntaxerror = lambda *a, **k: None\n"
    "sys.excepthook = lambda *a: None",
    "solution-call": "import contextlib, io\n_out = io.StringIO()\n"
    "with contextlib.redirect_stdout(_out):\n    exercises.{key}.solution()\n"
    "exec(_out.getvalue())",
}


@dataclass
class Learner:
    """One submission: who, which chapter, how its file is made, which test cells score 0."""

    student: str
    chapter: int
    make: Callable  # (released notebook, course) -> notebook or bytes to hand in
    zero: set[str] | None = None  # None: every test cell scores 0
    extra_files: dict[str, str] = field(default_factory=dict)


def solutions(chapter: int) -> dict[str, str]:
    """grade_id of each answer cell -> its reference answer (the instructor's files)."""
    answers = {f"{k}-answer": code for k, code in text.solutions(chapter).items()}
    questions = text.chapter_data(chapter)["quiz"]["questions"]
    key = {n: q.get("answer", q.get("number")) for n, q in enumerate(questions, start=1)}
    answers["quiz-answers"] = f"quiz_answers = quiz.answers({key!r})"
    return answers


def fill(notebook, answers: dict[str, str]):
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def grade_cell_ids(notebook) -> list[str]:
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]


def _full(chapter: int, **changes: str):
    def make(notebook, course):
        answers = solutions(chapter)
        for key, code in changes.items():
            answers[f"{key}-answer"] = answers[f"{key}-answer"].rstrip() + "\n" + code
        return fill(notebook, answers)

    return make


def _untouched(notebook, course):
    return notebook


def _edit_tests(notebook, course):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('passed.')"
    return notebook


def _delete_tests(notebook, course):
    notebook.cells = [c for c in notebook.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    return notebook


def _forged_outputs(notebook, course):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            record = {"status": "passed"}
            cell.outputs = [
                nbformat.v4.new_output(
                    "display_data",
                    data={"text/plain": "Exercise: passed."},
                    metadata={"ft-course-kit/classroom": record},
                )
            ]
            cell.execution_count = 1
    return notebook


def _in_first_answer(code: str):
    def make(notebook, course):
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                key = meta["grade_id"].removesuffix("-answer")
                cell.source += "\n" + code.format(key=key)
                if "{key}" not in code:
                    break
        return notebook

    return make


def _other_chapter(chapter: int):
    def make(notebook, course):
        other = 1 + chapter % 4
        name = assignments()[other]
        released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        return fill(released, solutions(other))

    return make


def _timeout(chapter: int, key: str):
    return _full(chapter, **{key: "while True:\n    pass"})


def _crash(chapter: int, key: str):
    return _full(chapter, **{key: "import os\n\nos._exit(1)"})


def _progress(chapter: int) -> dict[str, str]:
    entries = {k: {"attempts": 1, "passed": True} for k in text.chapter_data(chapter)["exercises"]}
    name = assignments()[chapter]
    forged = {"chapter": chapter, "notebook": f"{name}.ipynb", "exercises": entries}
    return {f"{name}.progress.json": json.dumps(forged)}


def _tuned(notebook, course):
    tuned = dict(TUNED)
    # computed from the data on the first run, then kept: the hidden rerun gets the old table
    tuned["pos_chunk_tags"] = (
        'globals().setdefault("_seen_table", tag_table)\ntag_table = _seen_table'
    )
    answers = solutions(FAKES_CHAPTER)
    for key, code in tuned.items():
        answers[f"{key}-answer"] = answers[f"{key}-answer"].rstrip() + "\n" + code
    return fill(notebook, answers)


def _all_fakes(notebook, course):
    """Every fake in one notebook (what CI affords): a third of the test cells edited, a
    third deleted, a third with forged outputs; every answer-cell fake in the first answer."""
    tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in tests[0::3]:
        cell.source = "print('passed.')"
    forged = _forged_outputs(nbformat.v4.new_notebook(cells=tests[2::3]), course)
    deleted = {id(c) for c in tests[1::3]}
    notebook.cells = [c for c in notebook.cells if id(c) not in deleted]
    assert forged.cells
    code = "\n".join(
        FAKES[k] for k in ("silence", "patch-instance", "patch-class", "solution-call")
    )
    return _in_first_answer(code)(notebook, course)


def _malformed(notebook, course):
    return b"This is my homework, I could not save it as a notebook.\n"


def _later(chapter: int, key: str) -> set[str]:
    """The test cells from exercise ``key`` on: what a run stopped in its answer cell loses."""
    keys = list(text.chapter_data(chapter)["exercises"])
    questions = text.chapter_data(chapter)["quiz"]["questions"]
    return {f"{k}-test" for k in keys[keys.index(key) :]} | {
        f"quiz-{n}" for n in range(1, len(questions) + 1)
    }


def _tuned_zero() -> set[str]:
    return {f"{k}-test" for k in ("first_subtoken", "entity_spans", "pos_chunk_tags")}


def learners(chapters=(1, 2, 3, 4), everything: bool = False) -> list[Learner]:
    """The class: full marks and untouched per chapter, every fake once on FAKES_CHAPTER, a
    crash and a file that is not a notebook; with ``everything``, per chapter: each exercise
    wrong, every fake, an answer tuned to the visible check, a timeout, a crash."""
    out = []
    for chapter in chapters:
        keys = list(text.chapter_data(chapter)["exercises"])
        out += [
            Learner("full", chapter, _full(chapter), set()),
            Learner("untouched", chapter, _untouched),
        ]
        if not everything and chapter != FAKES_CHAPTER:
            continue
        if not everything:  # CI: every fake once, all in one submission (one Run All)
            out += [
                Learner("fake-all", chapter, _all_fakes, extra_files=_progress(chapter)),
                Learner("fake-other-chapter", chapter, _other_chapter(chapter)),
                Learner("crash", chapter, _crash(chapter, keys[2]), _later(chapter, keys[2])),
                Learner("malformed", chapter, _malformed),
                Learner("tuned", chapter, _tuned, _tuned_zero()),
            ]
            continue
        out += [
            Learner("fake-edit-tests", chapter, _edit_tests),
            Learner("fake-delete-tests", chapter, _delete_tests),
            Learner("fake-outputs", chapter, _forged_outputs),
            Learner("fake-progress", chapter, _untouched, extra_files=_progress(chapter)),
            Learner("fake-patch-instance", chapter, _in_first_answer(FAKES["patch-instance"])),
            Learner("fake-patch-class", chapter, _in_first_answer(FAKES["patch-class"])),
            Learner("fake-silence", chapter, _in_first_answer(FAKES["silence"])),
            Learner("fake-solution-call", chapter, _in_first_answer(FAKES["solution-call"])),
            Learner("fake-other-chapter", chapter, _other_chapter(chapter)),
            Learner("crash", chapter, _crash(chapter, keys[2]), set() | _later(chapter, keys[2])),
            Learner("malformed", chapter, _malformed),
        ]
        if chapter == FAKES_CHAPTER:
            out.append(Learner("tuned", chapter, _tuned, _tuned_zero()))
        if everything:
            out.append(
                Learner("timeout", chapter, _timeout(chapter, keys[3]), _later(chapter, keys[3]))
            )
            for key in keys:
                code, also = WRONG[key]
                zero = {f"{key}-test"} | {f"{k}-test" for k in also}
                out.append(Learner(f"wrong-{key}", chapter, _full(chapter, **{key: code}), zero))
    return out


def write(course: Path, class_: list[Learner]) -> dict:
    """Write the submissions into ``course/submitted``; returns the expected scores:
    ``{student: {assignment: {test cell: points}}}``."""
    expected: dict = {}
    names = assignments()
    for learner in class_:
        name = names[learner.chapter]
        released = course / "release" / name / f"{name}.ipynb"
        notebook = nbformat.read(released, as_version=4)
        points = {
            c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
            for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade")
        }
        made = learner.make(notebook, course)
        folder = course / "submitted" / learner.student / name
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.ipynb"
        if isinstance(made, bytes):
            target.write_bytes(made)
        else:
            nbformat.write(made, target)
        for file, content in learner.extra_files.items():
            (folder / file).write_text(content, encoding="utf-8")
        zero = set(points) if learner.zero is None else learner.zero
        expected.setdefault(learner.student, {})[name] = {
            grade_id: 0.0 if grade_id in zero else p for grade_id, p in points.items()
        }
    return expected


def graded(course: Path) -> dict:
    """What the gradebook holds: ``{student: {assignment: {test cell: score}}}``; an
    assignment that was not graded (a rejected file) has every test cell at 0."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            for assignment in gradebook.assignments:
                name = assignment.name
                try:
                    notebook = gradebook.find_submission_notebook(name, name, student.id)
                    scores = {g.name: float(g.score) for g in notebook.grades}
                except MissingEntry:
                    cells = gradebook.find_notebook(name, name).grade_cells
                    scores = {c.name: 0.0 for c in cells}
                    if not (course / "rejected" / student.id / name).is_dir():
                        continue  # not handed in at all
                out.setdefault(student.id, {})[name] = scores
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("--all", action="store_true", help="the whole class, not CI's part")
    parser.add_argument("--chapters", type=int, nargs="*", default=[1, 2, 3, 4])
    args = parser.parse_args(argv)
    expected = write(args.course, learners(args.chapters, args.all))
    (args.course / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True))
    count = sum(len(v) for v in expected.values())
    print(f"{count} submissions from {len(expected)} learners in {args.course / 'submitted'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
