"""Checkpoints that survive a kill: when to save, how to save atomically, what to resume from.

A checkpoint is written into a hidden staging folder (``checkpoints/.staging-step_N``) and
renamed to ``checkpoints/step_N`` only once every file is on disk; the rename is atomic, so a
process killed during a save leaves the previous checkpoint as the latest. ``trainer_state.json``
holds where the run was (epoch, batches done in it, the loss so far, the history), so that a
run resumed mid-epoch ends with the same metrics as one that was never interrupted.

``COURSE_FAULT`` kills this process with SIGKILL at a chosen point (``step:5``, after the
fifth optimizer step; ``save:4``, in the middle of writing the checkpoint of step 4): the
tests use it to interrupt a real run exactly where they mean to.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "trainer_state.json"
STAGING_PREFIX = ".staging-"


@dataclass
class SavePolicy:
    """When the script saves: every ``steps`` optimizer steps, every ``minutes``, each epoch's end.

    Attributes:
        steps: save after every this many optimizer steps (None: not by steps).
        minutes: save when this many minutes passed since the last save (None: not by time).
        keep: how many checkpoints to keep; older ones are deleted after a newer one is saved.
    """

    steps: int | None = None
    minutes: float | None = None
    keep: int = 2
    last_save: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.steps is not None and self.steps < 1:
            raise ValueError(f"--save-steps must be 1 or more, got {self.steps}")
        if self.minutes is not None and self.minutes <= 0:
            raise ValueError(f"--save-minutes must be above 0, got {self.minutes}")
        if self.keep < 1:
            raise ValueError(f"--save-total-limit must be 1 or more, got {self.keep}")

    def due(self, step: int, now: float | None = None) -> bool:
        """Whether to save after optimizer step ``step`` (counted from 1 over the whole run).

        >>> SavePolicy(steps=3).due(6), SavePolicy(steps=3).due(7)
        (True, False)
        >>> p = SavePolicy(minutes=0.5, last_save=100.0)
        >>> p.due(1, now=120.0), p.due(2, now=131.0)
        (False, True)
        """
        if self.steps is not None and step % self.steps == 0:
            return True
        now = time.monotonic() if now is None else now
        return self.minutes is not None and now - self.last_save >= 60 * self.minutes


def checkpoint_name(step: int) -> str:
    """The folder name of the checkpoint saved after optimizer step ``step``.

    >>> checkpoint_name(12)
    'step_12'
    """
    return f"step_{step}"


def _step_of(path: Path) -> int:
    match = re.fullmatch(r"step_(\d+)", path.name)
    return int(match.group(1)) if match else -1


def complete_checkpoints(output_dir: Path) -> list[Path]:
    """The committed checkpoints under ``output_dir/checkpoints``, oldest first."""
    folder = Path(output_dir) / "checkpoints"
    found = [p for p in folder.glob("step_*") if _step_of(p) >= 0 and (p / STATE_FILE).is_file()]
    return sorted(found, key=_step_of)


def find_checkpoint(resume: str, output_dir: Path) -> Path:
    """The checkpoint folder ``--resume`` names: a folder, or ``"latest"`` in ``output_dir``.

    Staging folders (a save that was interrupted) are never chosen.

    Raises:
        FileNotFoundError: when there is none to resume from, saying what to pass instead.

    Used in: ``helpers.train`` (``--resume``).
    """
    if resume == "latest":
        found = complete_checkpoints(Path(output_dir))
        if not found:
            raise FileNotFoundError(
                f"--resume latest: no checkpoint in {Path(output_dir) / 'checkpoints'}. Fix: "
                "start without --resume, or pass the --output-dir of the run to resume."
            )
        return found[-1]
    path = Path(resume)
    if not (path / STATE_FILE).is_file():
        raise FileNotFoundError(
            f"--resume {resume}: no checkpoint there (no {STATE_FILE}). Fix: pass a folder "
            f"like OUTPUT_DIR/checkpoints/step_40, or --resume latest."
        )
    return path


def read_state(checkpoint: Path) -> dict[str, Any]:
    """The run's position stored with a checkpoint (see ``save_checkpoint``)."""
    return json.loads((Path(checkpoint) / STATE_FILE).read_text())


def fault_point(kind: str, step: int) -> None:
    """SIGKILL this process when ``COURSE_FAULT`` names ``kind:step`` (tests only; see module)."""
    if os.environ.get("COURSE_FAULT") == f"{kind}:{step}":
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(checkpoint: Path) -> None:
    """Rename first (atomic), then delete: a kill halfway never leaves half a checkpoint."""
    trash = checkpoint.with_name(f"{STAGING_PREFIX}old-{checkpoint.name}")
    os.replace(checkpoint, trash)
    shutil.rmtree(trash, ignore_errors=True)


def save_checkpoint(
    accelerator, output_dir: Path, step: int, state: dict[str, Any], keep: int
) -> Path:
    """Save the training state atomically as ``checkpoints/step_<step>``; every process calls it.

    Accelerate writes the model, optimizer, scheduler, sampler and random states of every
    process into a staging folder; the main process adds ``trainer_state.json``, flushes
    everything to disk, renames the folder into place and deletes checkpoints beyond ``keep``.

    Used in: ``helpers.train_loop``.
    """
    folder = Path(output_dir) / "checkpoints"
    staging = folder / f"{STAGING_PREFIX}{checkpoint_name(step)}"
    target = folder / checkpoint_name(step)
    if accelerator.is_main_process:
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(f"{STAGING_PREFIX}*"):  # a save that was killed
            shutil.rmtree(leftover, ignore_errors=True)
    accelerator.wait_for_everyone()
    accelerator.save_state(str(staging))
    fault_point("save", step)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        (staging / STATE_FILE).write_text(json.dumps({**state, "step": step}, indent=2))
        _fsync_tree(staging)
        if target.exists():  # the same step saved before an interruption: replace it whole
            _discard(target)
        os.replace(staging, target)
        _fsync_tree(folder)
        for old in complete_checkpoints(Path(output_dir))[:-keep]:
            _discard(old)
    accelerator.wait_for_everyone()
    return target


__all__ = [
    "SavePolicy",
    "complete_checkpoints",
    "find_checkpoint",
    "save_checkpoint",
]
