"""Training speed measured on this machine, and estimates made from it.

``helpers.budget`` holds speeds measured once, on one machine; the same recipe ran 1.7x
faster on another machine of the same kind. So before a long ``Trainer`` run a notebook
times a few steps of the *same* run here (``measure_trainer_speed``: a copy of the model,
the same arguments, precision and collator, a sample of the same training set), estimates
from that speed, and afterwards says how far the estimate was from what happened
(``estimate_check``). Speeds are kept for the session (``remember_speed``), so a later cell
of the same task, path and precision estimates from the speed an earlier cell reached.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import tempfile
import time
from dataclasses import dataclass

# (task, path, precision, model) -> samples per second measured in this Python session
SESSION_SPEEDS: dict[tuple[str, str, str, str], float] = {}
# an estimate further than this from the actual time is reported as off
TOLERANCE = 0.25


@dataclass(frozen=True)
class Speed:
    """A training speed measured here.

    Attributes:
        samples_per_second: training examples per second, evaluation excluded.
        precision: ``"bf16"`` or ``"no"`` (fp32), the precision the run actually used.
        how: where it comes from, said to the learner ("4 timed steps here", ...).
    """

    samples_per_second: float
    precision: str
    how: str


def precision_of(args) -> str:
    """``"bf16"``, ``"fp16"`` or ``"no"``: what ``TrainingArguments`` train in.

    Used in: ``measure_trainer_speed``, 02_mrpc_trainer, 04_ner.
    """
    return "bf16" if args.bf16 else "fp16" if args.fp16 else "no"


def remember_speed(key: tuple[str, str, str, str], samples_per_second: float) -> None:
    """Keep a speed for later cells of this session (the newest figure wins).

    Used in: 02_mrpc_trainer, 04_ner (after a training run), ``measure_trainer_speed``.
    """
    if samples_per_second <= 0:
        raise ValueError(f"a speed must be > 0 samples/s, got {samples_per_second}")
    SESSION_SPEEDS[key] = samples_per_second


def _step_timer():
    """A ``TrainerCallback`` that times each optimizer step (forward, backward, update)."""
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        def __init__(self) -> None:
            self.seconds: list[float] = []
            self._start = 0.0

        def on_step_begin(self, args, state, control, **kwargs):
            self._start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            self.seconds.append(time.perf_counter() - self._start)

    return StepTimer()


def _input_name(trainer) -> str:
    processing = getattr(trainer, "processing_class", None)
    names = getattr(processing, "model_input_names", None) or ["input_ids"]
    return names[0]


def grouped_order(sequences: list, batch_size: int, seed: int = 0) -> list[int]:
    """An order of ``sequences`` in batches of similar length, the batches shuffled.

    >>> grouped_order([[1] * n for n in (5, 1, 4, 2)], 2)
    [1, 3, 2, 0]

    Used in: ``measure_trainer_speed`` (the probe's batches, padded as little as the run's).
    """
    by_length = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    batches = [by_length[i : i + batch_size] for i in range(0, len(by_length), batch_size)]
    random.Random(seed).shuffle(batches)
    return [i for b in batches for i in b]


def measure_trainer_speed(
    trainer, key: tuple[str, str, str, str] | None = None, steps: int = 8, warmup: int = 2
) -> Speed:
    """Time a few training steps of ``trainer``'s run on a copy of its model (seconds).

    The copy trains with the trainer's own arguments (precision, batch size, sampling,
    optimizer), collator and a random sample of its training set, so the steps are those
    the run will take; length-grouped runs get batches as homogeneous as theirs (a few
    batches grouped by the Trainer itself would pad much more). The model, the random
    states and the output folder stay untouched.
    The first ``warmup`` steps (kernel set-up, first shapes) are not counted.

    Args:
        trainer: a ``transformers.Trainer``, before ``train()``.
        key: ``(task, path, precision, model)``; a speed already kept for it this session is
            returned without measuring again, and a new one is kept.
        steps: timed steps.
        warmup: untimed steps before them.

    Returns:
        The ``Speed``.

    Used in: 02_mrpc_trainer, 04_ner (before the long ``Trainer`` run).
    """
    import numpy as np
    import torch
    from transformers import Trainer
    from transformers.trainer_callback import PrinterCallback

    args = trainer.args
    precision = precision_of(args)
    if key is not None and key in SESSION_SPEEDS:
        return Speed(SESSION_SPEEDS[key], precision, "an earlier run of this session")
    batch = args.per_device_train_batch_size * max(1, args.gradient_accumulation_steps)
    dataset = trainer.train_dataset
    count = min(len(dataset), (steps + warmup) * batch)
    if count < 2 * batch:
        raise ValueError(
            f"measuring the speed needs at least 2 batches ({2 * batch} examples), the "
            f"training set has {len(dataset)}. Fix: estimate from the table instead "
            "(helpers.training_estimate without measured=...)."
        )
    sample = dataset.shuffle(seed=0).select(range(count - count % batch))
    strategy = args.train_sampling_strategy
    if strategy == "group_by_length":
        # a few batches grouped by the Trainer's sampler would pad far more than the run's
        # (it sorts windows of 50 batches): make them as homogeneous, in a shuffled order
        sample = sample.select(grouped_order(sample[_input_name(trainer)], batch))
        strategy = "sequential"
    states = random.getstate(), np.random.get_state(), torch.get_rng_state()
    timer = _step_timer()
    try:
        with tempfile.TemporaryDirectory(prefix="speed-probe-") as tmp:
            probe_args = dataclasses.replace(
                args,
                output_dir=tmp,
                max_steps=len(sample) // batch,
                eval_strategy="no",
                save_strategy="no",
                logging_strategy="no",
                report_to="none",
                disable_tqdm=True,
                load_best_model_at_end=False,
                train_sampling_strategy=strategy,
            )
            probe = Trainer(
                copy.deepcopy(trainer.model),
                probe_args,
                train_dataset=sample,
                data_collator=trainer.data_collator,
                callbacks=[timer],
            )
            # disable_tqdm swaps the progress bar for a printer of every log: neither is wanted
            probe.remove_callback(PrinterCallback)
            probe.train()
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.set_rng_state(states[2])
    timed = timer.seconds[warmup:] or timer.seconds[-1:]
    speed = Speed(batch * len(timed) / sum(timed), precision, f"{len(timed)} timed steps here")
    if key is not None:
        remember_speed(key, speed.samples_per_second)
    return speed


def trainer_train_seconds(log_history: list[dict], train_runtime: float) -> float:
    """The seconds a ``Trainer`` run spent training: its runtime less its evaluations.

    >>> trainer_train_seconds([{"loss": 0.5}, {"eval_runtime": 3.0}, {"eval_runtime": 2.5}], 60.0)
    54.5

    Used in: 02_mrpc_trainer, 04_ner (the actual time, next to the estimate).
    """
    evaluations = sum(entry.get("eval_runtime", 0.0) for entry in log_history)
    return max(0.0, train_runtime - evaluations)


def estimate_check(
    estimated: float, actual: float, tolerance: float = TOLERANCE
) -> tuple[bool, str]:
    """Whether an estimate came within ``tolerance`` of the actual time, and a line saying so.

    The error is measured against the actual time: an estimate of 100 s for a run of 80 s is
    25% off.

    >>> estimate_check(100.0, 90.0)
    (True, 'estimated 1.7 min, took 1.5 min: 11% over, within 25%')
    >>> estimate_check(60.0, 120.0)[0]
    False

    Used in: 02_mrpc_trainer, 04_ner (after the long run), tests/test_speed.py.
    """
    from helpers.budget import format_duration

    if estimated < 0 or actual <= 0:
        raise ValueError(
            f"an estimate needs estimated >= 0 and actual > 0 seconds, got {estimated} and "
            f"{actual}. Fix: pass the training seconds, evaluation excluded."
        )
    error = (estimated - actual) / actual
    within = abs(error) <= tolerance
    verdict = f"within {tolerance:.0%}" if within else f"OFF by more than {tolerance:.0%}"
    line = (
        f"estimated {format_duration(estimated)}, took {format_duration(actual)}: "
        f"{abs(error):.0%} {'over' if error >= 0 else 'under'}, {verdict}"
    )
    return within, line


__all__ = [
    "SESSION_SPEEDS",
    "Speed",
    "estimate_check",
    "measure_trainer_speed",
    "precision_of",
    "remember_speed",
    "trainer_train_seconds",
]
