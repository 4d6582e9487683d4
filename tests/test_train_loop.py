"""The script's loop and chapter 3's loop stay one; launched code never uses inference_mode."""

import ast
import inspect
import io
import json
import re
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers.loops import training_function
from helpers.train_loop import RunState, training_step

ROOT = Path(__file__).resolve().parent.parent
# what a training step does to the model, as opposed to bookkeeping (progress, losses)
STEP_NAMES = {"model", "outputs", "loss", "accelerator", "optimizer", "lr_scheduler"}


def _loop_over(tree: ast.AST, loader: str) -> ast.For:
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and ast.unparse(node.iter) == loader:
            return node
    raise AssertionError(f"no `for ... in {loader}` loop")


def step_statements(body: list[ast.stmt]) -> list[str]:
    """The statements of a loop body that act on the model, the loss or the optimizer."""
    kept = []
    for statement in body:
        names = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        if names & STEP_NAMES and not names & {"progress_bar", "train_losses"}:
            kept.append(ast.unparse(statement))
    return kept


def lesson_step(source: str) -> list[str]:
    return step_statements(_loop_over(ast.parse(source), "train_dataloader").body)


def script_step() -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(training_step)))
    accumulate = next(n for n in ast.walk(tree) if isinstance(n, ast.With))
    return step_statements(accumulate.body)


def test_the_script_steps_as_chapter_3_does():
    lesson = lesson_step(textwrap.dedent(inspect.getsource(training_function)))
    assert lesson == script_step()
    assert lesson[:3] == [
        "outputs = model(**batch)",
        "loss = outputs.loss",
        "accelerator.backward(loss)",
    ]


def test_a_drifted_lesson_loop_is_caught():
    source = textwrap.dedent(inspect.getsource(training_function))
    drifted = source.replace("            optimizer.zero_grad()\n", "", 1)  # the step forgets it
    assert drifted != source and lesson_step(drifted) != script_step()
    swapped = source.replace(
        "            optimizer.step()\n            lr_scheduler.step()\n",
        "            lr_scheduler.step()\n            optimizer.step()\n",
    )
    assert swapped != source and lesson_step(swapped) != script_step()


def inference_mode_lines(source: str) -> list[int]:
    """Lines of code (not comments or docstrings) that use ``inference_mode``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a notebook cell with shell or magic lines
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("!", "%"))]
        tree = ast.parse("\n".join(lines))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr == "inference_mode")
        or (isinstance(node, ast.Name) and node.id == "inference_mode")
        or (isinstance(node, ast.alias) and node.name == "inference_mode")
    )


def launched_sources():
    for path in sorted([*ROOT.glob("helpers/**/*.py"), *ROOT.glob("tools/*.py")]):
        yield str(path.relative_to(ROOT)), path.read_text()
    for path in sorted(ROOT.glob("notebooks/*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                yield f"{path.name} cell {i}", "".join(cell["source"])


def test_no_launched_code_uses_inference_mode():
    # XLA cannot use inference tensors ("Cannot set version_counter for inference tensor")
    found = [
        f"{where} line {n}" for where, src in launched_sources() for n in inference_mode_lines(src)
    ]
    assert found == [], f"use torch.no_grad() instead of torch.inference_mode() in: {found}"


@pytest.mark.parametrize(
    "source",
    ["with torch.inference_mode():\n    y = f(x)", "from torch import inference_mode\n", "!ls\n@torch.inference_mode()\ndef f(): pass"],
)  # fmt: skip
def test_the_scan_finds_inference_mode(source):
    assert inference_mode_lines(source)
    assert not inference_mode_lines('"""never torch.inference_mode()"""\n# inference_mode\n')


def test_run_state_round_trips_and_ignores_unknown_keys():
    state = RunState(epoch=1, batch_in_epoch=3, step=9, loss_sum=1.5, loss_steps=3)
    values = {**state.__dict__, "written_by": "a newer kit"}
    assert RunState.from_dict(values) == state


def test_the_speed_probe_times_the_batches_after_the_warm_up():
    from helpers.train_loop import SpeedProbe

    probe = SpeedProbe(total_batches=200, samples_per_batch=8, warmup=2, batches=4)
    lines = [probe.record(s) for s in (9.0, 9.0, 1.0, 1.0, 2.0, 2.0, 50.0)]
    assert lines[:5] == [None] * 5 and lines[6] is None  # one line, once
    assert probe.estimated == 1.5 * 200  # the warm-up's 9 s and the later 50 s count nothing
    assert "5.3 samples/s" in lines[5] and "about 5.0 min" in lines[5]
    short = SpeedProbe(total_batches=35, samples_per_batch=8, warmup=2, batches=10)
    assert all(short.record(1.0) is None for _ in range(35)) and short.estimated is None


def _drawn(say_line) -> list[str]:
    """What a terminal or a notebook shows of a bar with a line printed in its middle: the
    pieces between carriage returns and newlines, stdout and the bar on one stream."""
    from tqdm import tqdm

    shown, saved = io.StringIO(), sys.stdout
    sys.stdout = shown
    try:
        bar = tqdm(total=10, file=shown, mininterval=0, ascii=True, desc="mrpc training")
        bar.update(3)
        say_line(SimpleNamespace(accelerator=SimpleNamespace(is_local_main_process=True)), bar)
        bar.update(7)
        bar.close()
    finally:
        sys.stdout = saved
    return re.split(r"[\r\n]", shown.getvalue())


def test_the_scripts_lines_are_printed_above_its_progress_bar_not_onto_it():
    from helpers.train_loop import say

    line = "epoch 1: accuracy=0.8284, f1=0.8814 (203 s training)"
    assert line in _drawn(lambda run, bar: say(run, bar, line))
    # a plain print, as before: the line is glued to the bar's ("...it/s]epoch 1: ...")
    glued = _drawn(lambda run, bar: print(line))
    assert line not in glued and any(piece.endswith("]" + line) for piece in glued)
    # the other processes of a launch print nothing
    other = SimpleNamespace(accelerator=SimpleNamespace(is_local_main_process=False))
    assert not any("epoch 1" in piece for piece in _drawn(lambda run, bar: say(other, bar, line)))


def test_the_script_estimates_its_training_time_from_its_first_batches(tmp_path, capsys):
    from helpers.train import run

    argv = ["mrpc", "--epochs", "8", "--max-train-samples", "96", "--no-save-model"]
    result = run([*argv, "--output-dir", str(tmp_path / "long")])  # 8 x 6 = 48 batches
    said = capsys.readouterr().out
    assert result["estimated_train_seconds"] > 0
    assert "speed measured over 10 batches here" in said
    # and at the end, the estimate against what happened
    assert re.search(r"estimated \d+ s, took \d+ s: \d+% (over|under)", said)
    short = run([*argv[:2], "2", *argv[3:], "--output-dir", str(tmp_path / "short")])
    assert short["estimated_train_seconds"] is None  # 12 batches: over before it would help
