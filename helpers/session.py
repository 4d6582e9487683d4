"""The one setup call each notebook makes first: seed, quiet logs, the profile banner."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
import re
import subprocess
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Sequence
from typing import NoReturn

from helpers.hub_kernels import hub_kernels_off
from helpers.profiles import Profile, banner, get_profile

# Warnings that say nothing a learner can act on, matched by their message (never wholesale).
KNOWN_NOISE = (
    # torch's DataLoader, asked by the Trainer to pin memory, on a machine without a GPU
    (r"'pin_memory' argument is set as true but no accelerator is found", UserWarning),
    # accelerate in each CPU process of a launch: it sets the thread count itself
    (r"OMP_NUM_THREADS/MKL_NUM_THREADS unset", UserWarning),
)
# A new task head replaces the pretraining head: its weights are MISSING from the checkpoint
# (and trained by fine-tuning), the pretraining head's are UNEXPECTED. Any other key in a
# load report is a real problem and stays visible.
HEAD_PREFIXES = {
    "MISSING": ("classifier.", "score.", "qa_outputs."),
    "UNEXPECTED": ("pooler.", "cls.", "lm_head."),
}


def is_new_head_report(message: str) -> bool:
    """True for a transformers load report that lists only the swapped task head.

    >>> report = "BertForTokenClassification LOAD REPORT from: x\\nKey | Status |\\n"
    >>> is_new_head_report(report + "classifier.bias | MISSING |\\npooler.dense.bias | UNEXPECTED |")
    True
    >>> is_new_head_report(report + "bert.encoder.layer.0.output.dense.weight | MISSING |")
    False

    Used in: ``setup`` (every notebook).
    """
    if "LOAD REPORT" not in message:
        return False
    rows = [
        [cell.strip() for cell in line.split("|")]
        for line in message.splitlines()
        if line.count("|") >= 2 and not line.lstrip().startswith("Key")
    ]
    rows = [row for row in rows if row[0] and not set(row[0]) <= {"-"}]
    if not rows:
        return False
    for key, status, *_ in rows:
        status = re.sub(r"\x1b\[[0-9;]*m", "", status)  # the report colours its statuses
        if not key.startswith(HEAD_PREFIXES.get(status, ())) or status not in HEAD_PREFIXES:
            return False
    return True


# transformers' log lines that say nothing a learner can act on, matched by their start
KNOWN_LOG_NOISE = (
    # the Trainer rotating checkpoints (save_total_limit) on a filesystem it cannot time
    "mtime may not be reliable on this filesystem",
)


class _KnownNoiseFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(KNOWN_LOG_NOISE) or is_new_head_report(message))


def quiet_known_noise() -> None:
    """Keep the known, harmless messages out of a learner's view; every other warning stays.

    Used in: ``setup`` (every notebook).
    """
    for message, category in KNOWN_NOISE:
        warnings.filterwarnings("ignore", message=message, category=category)
    for handler in logging.getLogger("transformers").handlers:
        if not any(isinstance(f, _KnownNoiseFilter) for f in handler.filters):
            handler.addFilter(_KnownNoiseFilter())


def setup(
    profile: str | None = None,
    seed: int = 42,
    progress_bars: bool | None = None,
    models: bool = True,
) -> Profile:
    """Seed everything, quieten library logs, pick the profile and print its banner.

    Args:
        profile: ``"embedded"``, ``"laptop"`` or ``"full"``; None uses ``COURSE_PROFILE`` or
            chooses from what this machine can reach (see ``helpers.profiles``).
        seed: seeds Python, NumPy and PyTorch (``transformers.set_seed``).
        progress_bars: show tqdm bars; default on, off under CI (``CI`` set), where they only
            fill the logs.
        models: False in a chapter that runs no model (chapter 1): Python and NumPy are
            seeded, and PyTorch and transformers are not imported (3 s of a 2-core CPU).

    ``COURSE_NUM_THREADS`` sets PyTorch's threads; the embedded profile uses one.

    Returns:
        The active ``Profile``.

    Used in: every notebook's first code cell.
    """
    import datasets

    if models:
        import transformers

        transformers.set_seed(seed)
        # warnings stay visible; info-level chatter (weight-loading reports, cache hits) not
        transformers.logging.set_verbosity_warning()
        # transformers' own bars only count model shards as they are written, one bar per
        # checkpoint; the Trainer's training bar and the Hub's download bars are not these
        transformers.utils.logging.disable_progress_bar()
    else:
        import numpy as np

        random.seed(seed)
        np.random.seed(seed)
    datasets.logging.set_verbosity_warning()
    logging.getLogger("py4j").setLevel(logging.ERROR)
    if progress_bars is None:
        progress_bars = not os.environ.get("CI")
    if progress_bars:
        datasets.enable_progress_bars()
    else:
        datasets.disable_progress_bars()
    quiet_known_noise()
    # transformers 5.25+ would fetch Hub kernels on a GPU and fail on a TPU (helpers.hub_kernels)
    hub_kernels_off()
    active = get_profile(profile)
    threads = os.environ.get("COURSE_NUM_THREADS")
    if models and (threads or active.is_toy):
        import torch

        # The tiny model's small operations run faster on one thread than on two threads
        # that wait for each other, and the other core stays free (for Spark's workers, say).
        torch.set_num_threads(int(threads or 1))
    print(banner(active))
    return active


def exit_now(code: int = 0) -> NoReturn:
    """End this process with ``code`` at once: exit handlers run, output is flushed, and
    Python's teardown of its modules is skipped.

    A process that imported torch and transformers spends 1.4 s (2 cores) tearing them down
    after its last line, in each process of a launch. Call this only where every file the
    run wrote is closed (``os._exit`` flushes nothing itself).

    Used in: ``python -m helpers.train`` (the training script).
    """
    import atexit

    atexit._run_exitfuncs()  # logging's flush, temporary folders, Accelerate's own handlers
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def headline(**metrics: float) -> str:
    """Print the chapter's headline numbers on one line that ``make course`` collects.

    >>> _ = headline(accuracy=0.81234, f1=0.87)
    Headline: accuracy=0.812, f1=0.870

    Used in: the last cells of every notebook.
    """
    text = "Headline: " + ", ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items()
    )
    print(text)
    return text


def run_streaming(
    command: Sequence[str], timeout_s: float = 600, tail_lines: int = 40
) -> subprocess.CompletedProcess:
    """Run a command and print its output as it comes, so a long launch never looks stuck.

    The notebook cell that runs ``accelerate launch`` calls this instead of ``subprocess.run``
    with captured output, which shows nothing until the end.

    Args:
        command: the program and its arguments.
        timeout_s: the most seconds to wait; then the command is stopped and an error raised.
        tail_lines: how many of the last lines the error repeats.

    Returns:
        The ``CompletedProcess`` (return code 0; ``stdout`` holds everything printed).

    Raises:
        TimeoutError: the command ran past ``timeout_s`` (it is killed first).
        subprocess.CalledProcessError: it failed; the message ends with its last lines.

    >>> completed = run_streaming(["python3", "-c", "print('hello')"])
    hello
    >>> completed.returncode, completed.stdout.strip()
    (0, 'hello')

    Used in: 03_training_loop (``accelerate launch`` of the training script).
    """
    process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # newline="": a progress bar's carriage returns reach the notebook as they are, so the bar
    # updates on one line there instead of adding a line at each update
    output = io.TextIOWrapper(process.stdout, encoding="utf-8", errors="replace", newline="")
    lines: list[str] = []

    def pump() -> None:
        for line in output:
            lines.append(line)
            print(line, end="", flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    started = time.monotonic()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        reader.join(timeout=5)
        raise TimeoutError(
            f"{' '.join(command[:6])}... ran for more than {timeout_s:.0f} s and was stopped. "
            "Fix: give it more time (timeout_s=...) or less work (fewer samples or epochs); "
            "its last lines are above."
        ) from None
    reader.join(timeout=5)
    output = "".join(lines)
    if process.returncode:
        tail = "".join(deque(lines, maxlen=tail_lines))
        raise subprocess.CalledProcessError(process.returncode, list(command), output) from (
            RuntimeError(f"the command failed after {time.monotonic() - started:.0f} s:\n{tail}")
        )
    return subprocess.CompletedProcess(list(command), 0, output, None)


__all__ = [
    "exit_now",
    "headline",
    "is_new_head_report",
    "quiet_known_noise",
    "run_streaming",
    "setup",
]
