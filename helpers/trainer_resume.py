"""Trainer runs that survive a disconnect: checkpoints by time, and resuming from a sound one.

The ``Trainer`` writes ``checkpoint-N`` in place, ``trainer_state.json`` last; a process killed
during a save leaves a folder without it, which ``resume_from_checkpoint=True`` would still
pick (and fail on). ``last_checkpoint`` sets such folders aside and returns the newest
complete one (None for a fresh start), so the training cell can simply be run again::

    trainer.train(resume_from_checkpoint=helpers.last_checkpoint(output_dir))

``SaveEveryMinutes`` adds the time-based saves the ``TrainingArguments`` lack (``save_steps``
counts steps).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

from transformers import TrainerCallback

STATE_FILE = "trainer_state.json"


def _complete(folder: Path) -> bool:
    try:
        json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError):
        return False
    return True


def last_checkpoint(output_dir: str | os.PathLike[str]) -> str | None:
    """The newest complete ``checkpoint-N`` in ``output_dir``, or None when there is none.

    Folders a kill left half-written (no readable ``trainer_state.json``, which the Trainer
    writes last) are deleted first, so that they can never be taken for the latest.

    Args:
        output_dir: the ``TrainingArguments.output_dir`` of the run (may not exist yet).

    Returns:
        A path for ``trainer.train(resume_from_checkpoint=...)``; None starts afresh.

    Used in: 02_mrpc_trainer, 04_ner (the training cell).
    """
    folder = Path(output_dir)
    found = []
    for path in folder.glob("checkpoint-*"):
        match = re.fullmatch(r"checkpoint-(\d+)", path.name)
        if not match or not path.is_dir():
            continue
        if _complete(path):
            found.append((int(match.group(1)), path))
        else:
            trash = path.with_name(f".broken-{path.name}-{os.getpid()}")
            os.replace(path, trash)
            shutil.rmtree(trash, ignore_errors=True)
    if not found:
        return None
    newest = max(found)[1]
    print(f"resuming from {newest}")
    return str(newest)


class SaveEveryMinutes(TrainerCallback):
    """Ask the Trainer for a checkpoint whenever ``minutes`` have passed since the last one.

    Add it with ``Trainer(..., callbacks=[helpers.SaveEveryMinutes(10)])``; it works with any
    ``save_strategy`` except ``"no"`` (then nothing is saved).

    Used in: 02_mrpc_trainer, 04_ner.
    """

    def __init__(self, minutes: float):
        if not minutes > 0:
            raise ValueError(f"SaveEveryMinutes needs minutes above 0, got {minutes!r}")
        self.seconds = 60 * minutes
        self.last = time.monotonic()

    def on_step_end(self, args, state, control, **kwargs):
        if time.monotonic() - self.last >= self.seconds:
            control.should_save = True
        return control

    def on_save(self, args, state, control, **kwargs):
        self.last = time.monotonic()
        return control


__all__ = ["SaveEveryMinutes", "last_checkpoint"]
