"""The exercise machinery: stubs, verdicts, what a check prints, strict mode, the registry."""

import ast
from pathlib import Path

import pytest
from classroom_testing import not_strict  # noqa: F401 - an autouse fixture

from helpers import classroom
from helpers.classroom import core, text
from helpers.classroom.core import FAILED, NOT_ATTEMPTED, PASSED, Checker, is_stub

CHAPTER_MODULES = sorted(Path(core.__file__).parent.glob("ch[0-9].py"))


def test_is_stub():
    def untouched(labels, word_ids):
        """A docstring is allowed."""
        ...

    def passes(x):
        pass

    def written(x):
        return x

    assert is_stub(...) and is_stub(untouched) and is_stub(passes)
    assert not is_stub(written) and not is_stub(None) and not is_stub(0) and not is_stub(len)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Progress files go to a temporary folder, not the checkout."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return tmp_path


def test_untouched_stub_prints_not_attempted_and_does_not_raise(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv(core.STRICT_VARIABLE, "1")  # even in strict mode
    classroom.exercises(4).first_subtoken.check(...)
    out = capsys.readouterr().out
    assert "Exercise 4.2" in out and "not attempted yet" in out
    assert not (in_tmp / "04_ner.progress.json").exists()  # not an attempt


def test_wrong_answer_prints_what_is_right_and_what_is_wrong(in_tmp, capsys):
    def align_first_subtoken(labels, word_ids):
        return [-100 if w is None else labels[w] for w in word_ids]  # every sub-token

    classroom.exercises(4).first_subtoken.check(align_first_subtoken)
    out = capsys.readouterr().out
    assert "not yet" in out
    assert "✓ special tokens get -100" in out
    assert "✗ Word 7 is split into 2 sub-tokens" in out
    assert "exercises.first_subtoken.hint()" in out


def test_strict_mode_raises_on_a_failed_check(in_tmp, monkeypatch, capsys):
    monkeypatch.setenv(core.STRICT_VARIABLE, "1")
    with pytest.raises(AssertionError, match="check failed"):
        classroom.exercises(4).entity_spans.check(lambda words, tags: [])


def test_hint_and_solution_print(capsys):
    exercise = classroom.exercises(4).pad_labels
    exercise.hint()
    exercise.solution()
    out = capsys.readouterr().out
    assert out.startswith("Hint for exercise 4.3, padding labels with -100:")
    assert "def pad_labels(label_lists):" in out


def test_solution_in_an_edition_without_solutions(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(text, "SOLUTIONS_DIR", tmp_path / "absent")
    classroom.exercises(1).label2id.solution()
    assert "This edition has no solutions" in capsys.readouterr().out


def test_checker_turns_an_exception_into_feedback():
    checker = Checker({})
    with pytest.raises(core.Feedback, match=r"f\(\[1, 2\]\) raised ZeroDivisionError"):
        checker.call(lambda x: 1 / 0, [1, 2], name="f")
    with pytest.raises(core.Feedback, match="should be a function you defined"):
        checker.call(3, name="f")


def test_partly_attempted_answers_are_named():
    result = classroom.exercises(2).dynamic_padding.evaluate(12, ..., None)
    assert result.status == FAILED and result.key == "partly_attempted"


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(AttributeError, match="chapter 4 has no exercise 'nope'; it has"):
        classroom.exercises(4).nope  # noqa: B018
    with pytest.raises(ValueError, match="chapter must be one of"):
        classroom.exercises(7)


@pytest.mark.parametrize("chapter", text.CHAPTERS)
def test_every_exercise_has_texts_a_check_and_a_solution(chapter):
    exercises = list(classroom.exercises(chapter))
    assert len(exercises) >= 4
    solutions = text.solutions(chapter)
    for exercise in exercises:
        for field in ("title", "task", "stub", "hint"):
            assert exercise.texts[field].strip(), (exercise.key, field)
        assert "..." in exercise.texts["stub"], exercise.key
        assert solutions[exercise.key].strip()
    assert set(core.registered(chapter)) == {e.key for e in exercises} == set(solutions)


def test_sixteen_exercises_or_more():
    assert sum(len(list(classroom.exercises(c))) for c in text.CHAPTERS) >= 16


def _message_keys(function: ast.FunctionDef) -> set[str]:
    """The message keys a check function passes to r.ok, r.wrong and r.require."""
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)

    def strings(node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return strings(node.body) | strings(node.orelse)
        if isinstance(node, ast.Name):
            return set().union(*(strings(v) for v in assigned.get(node.id, [])))
        if isinstance(node, ast.Tuple):  # for kind, note in (("special", "special_ok"), ...)
            return set().union(*(strings(e) for e in node.elts))
        return set()

    keys: set[str] = set()
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "r"):
            continue
        position = {"ok": 0, "wrong": 0, "require": 1}.get(node.func.attr)
        if position is not None and len(node.args) > position:
            keys |= strings(node.args[position])
    for node in ast.walk(function):  # loops over (kind, note) pairs name their notes
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):
            keys |= {k for k in strings(node.iter) if k.endswith("_ok")}
    return keys


@pytest.mark.parametrize("module", CHAPTER_MODULES, ids=lambda p: p.stem)
def test_every_message_a_check_uses_exists(module):
    """Each key passed to r.ok/r.wrong/r.require is in the exercise's messages or common."""
    chapter = int(module.stem[2])
    data = text.chapter_data(chapter)["exercises"]
    tree = ast.parse(module.read_text())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for key, (function, _) in core.registered(chapter).items():
        used = _message_keys(functions[function.__name__])
        for helper in ("_check_tags", "_first_subtoken_position"):  # helpers the checks call
            if helper in functions and helper in ast.unparse(functions[function.__name__]):
                used |= _message_keys(functions[helper])
        messages = set(data[key].get("messages", {})) | set(text.common())
        assert used, key
        assert not used - messages, f"{module.name} {key}: no message {sorted(used - messages)}"


def test_targets_in_the_tasks_match_the_checks():
    from helpers.classroom.sst2 import TARGETS

    for chapter, key in ((2, "sst2_trainer"), (3, "sst2_loop")):
        task = text.chapter_data(chapter)["exercises"][key]["task"]
        for profile, target in TARGETS.items():
            assert f"{target} " in task.replace("\n", " ") and f"*{profile}*" in task


def test_result_render_not_attempted_and_passed():
    result = core.Result("4.2", "a title", NOT_ATTEMPTED)
    assert result.render("h()").endswith(
        "not attempted yet. Replace the `...` in the cell above "
        "with your code, run that cell, then run this one again."
    )
    result = core.Result("4.2", "a title", PASSED, ["a note"])
    assert result.render("h()") == "Exercise 4.2, a title: passed.\n  ✓ a note"


def test_a_check_that_cannot_run_says_why_instead_of_raising(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exercises = classroom.exercises(3)
    exercises.num_steps.check(78, ...)  # exercise 3.1's sst2_loop_datasets still a stub
    out = capsys.readouterr().out
    assert "not yet" in out and "The check could not run (TypeError" in out
    assert "an earlier exercise still left as `...`" in out
