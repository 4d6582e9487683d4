"""The notebooks' setup: known noise filtered by message, real problems kept; streamed commands."""

from __future__ import annotations

import logging
import random
import subprocess
import sys
import warnings

import numpy as np
import pytest

from helpers.session import is_new_head_report, quiet_known_noise, run_streaming


@pytest.fixture(scope="module")
def load_reports(tmp_path_factory):
    """What transformers logs when the tiny BERT gets a new head, and when a body weight is lost."""
    from safetensors.torch import load_file, save_file
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    from helpers.models import build_tiny_model

    checkpoint = build_tiny_model()
    broken = tmp_path_factory.mktemp("broken")
    model = AutoModelForTokenClassification.from_pretrained(checkpoint, num_labels=3)
    model.save_pretrained(broken)
    weights = load_file(broken / "model.safetensors")
    dropped = next(k for k in weights if "encoder.layer.0" in k)
    save_file({k: v for k, v in weights.items() if k != dropped}, broken / "model.safetensors")

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Keep()
    logging.getLogger("transformers").addHandler(handler)
    try:
        AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
        new_head = [m for m in records if "LOAD REPORT" in m]
        records.clear()
        AutoModelForTokenClassification.from_pretrained(broken)
        lost_weight = [m for m in records if "LOAD REPORT" in m]
    finally:
        logging.getLogger("transformers").removeHandler(handler)
    return new_head, lost_weight


def test_a_new_head_report_is_recognised_and_a_lost_weight_is_not(load_reports):
    new_head, lost_weight = load_reports
    assert len(new_head) == 1 and is_new_head_report(new_head[0])
    assert len(lost_weight) == 1 and not is_new_head_report(lost_weight[0])


def test_other_messages_are_not_reports():
    assert not is_new_head_report("classifier.bias | MISSING |")
    assert not is_new_head_report("Model LOAD REPORT from: x\nKey | Status |\n")


def test_known_warnings_are_filtered_by_message_only():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_known_noise()
        warnings.warn(
            "'pin_memory' argument is set as true but no accelerator is found, then device "
            "pinned memory won't be used.",
            UserWarning,
            stacklevel=1,
        )
        warnings.warn("something else went wrong", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else went wrong"]


def test_run_streaming_prints_as_it_goes(capsys):
    code = "import sys; print('one'); sys.stdout.flush(); print('two')"
    completed = run_streaming([sys.executable, "-c", code], timeout_s=60)
    assert completed.stdout == "one\ntwo\n"
    assert capsys.readouterr().out == "one\ntwo\n"


def test_run_streaming_keeps_a_progress_bars_carriage_returns(capsys):
    # the notebook then redraws the bar on one line instead of adding a line per update
    code = "import sys; sys.stdout.write('bar 10%\\rbar 60%\\rbar 100%\\n'); print('done')"
    completed = run_streaming([sys.executable, "-c", code], timeout_s=60)
    assert completed.stdout == "bar 10%\rbar 60%\rbar 100%\ndone\n"
    assert capsys.readouterr().out == completed.stdout


def test_run_streaming_failure_carries_the_last_lines():
    code = "print('loading'); raise SystemExit('bad option --x')"
    with pytest.raises(subprocess.CalledProcessError) as info:
        run_streaming([sys.executable, "-c", code], timeout_s=60)
    assert "bad option --x" in info.value.output
    assert "bad option --x" in str(info.value.__cause__)


def test_run_streaming_stops_a_command_that_runs_too_long():
    with pytest.raises(TimeoutError, match="ran for more than 1 s and was stopped"):
        run_streaming([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=1)


def test_known_log_lines_are_dropped_and_others_kept():
    import transformers  # noqa: F401  (sets up the library's handler)

    quiet_known_noise()
    handlers = logging.getLogger("transformers").handlers
    assert handlers

    def shown(message: str) -> bool:
        record = logging.LogRecord(
            "transformers.trainer", logging.WARNING, "", 0, message, (), None
        )
        return all(handler.filter(record) for handler in handlers)

    assert not shown(
        "mtime may not be reliable on this filesystem, falling back to numerical ordering"
    )
    assert shown("Could not estimate the number of tokens of the input")


SETUP_PROBE = """
import random, sys
import numpy as np
import helpers
helpers.setup(profile="embedded", models={models})
print(sorted(m for m in ("torch", "transformers") if m in sys.modules), random.random(), np.random.rand())
"""


def test_setup_without_models_leaves_torch_and_transformers_unloaded():
    """Chapter 1 runs no model: its setup seeds Python and NumPy as the full setup does, and
    imports neither PyTorch nor transformers (3 s of its Run All on 2 cores)."""

    def probe(models: bool) -> tuple[str, list[str]]:
        done = subprocess.run(
            [sys.executable, "-c", SETUP_PROBE.format(models=models)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        loaded, numbers = done.stdout.splitlines()[-1].split("]", 1)
        return loaded + "]", numbers.split()

    without, with_models = probe(False), probe(True)
    assert without[0] == "[]" and with_models[0] == "['torch', 'transformers']"
    # the same seeds as transformers.set_seed: Python's and NumPy's first numbers agree, and a
    # new process draws them again (seeded, not by chance)
    seeded = f"{random.Random(42).random()} {np.random.RandomState(42).rand()}".split()
    assert without[1] == with_models[1] == seeded


def test_exit_now_runs_the_exit_handlers_flushes_and_keeps_the_code():
    """The training script ends with exit_now: Python's slow teardown is skipped, but what
    a run leaves behind is not (exit handlers, buffered output, the exit code)."""
    script = (
        "import atexit, sys\n"
        "from helpers.session import exit_now\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.stdout.write('buffered, no newline')\n"
        "exit_now(3)\n"
        "print('never printed')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3
    assert done.stdout == "buffered, no newlinehandler ran\n"
