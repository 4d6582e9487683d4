"""The training script's loop: epochs of steps, evaluation, and checkpoints that resume exactly.

``RunState`` is where a run stands (epoch, batches done in it, optimizer steps, the loss so
far, the history); it is saved with every checkpoint, so a run killed mid-epoch continues
with the batch after the last checkpoint and ends with the metrics of an uninterrupted run.

The step itself is chapter 3's: ``outputs = model(**batch)``, ``accelerator.backward``,
``optimizer.step()``, ``lr_scheduler.step()``, ``optimizer.zero_grad()`` (a test checks that
``training_step`` keeps the statements of ``helpers.training_function``'s loop, in order).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from helpers.checkpoints import SavePolicy, fault_point, save_checkpoint
from helpers.evaluation import evaluate


@dataclass
class RunState:
    """Where a run stands; saved in ``trainer_state.json`` with every checkpoint."""

    epoch: int = 0  # epochs completed
    batch_in_epoch: int = 0  # batches of the current epoch already trained
    step: int = 0  # optimizer steps over the whole run
    train_seconds: float = 0.0
    train_samples_seen: int = 0
    loss_sum: float = 0.0  # the current epoch's, for its mean training loss
    loss_steps: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    # the training time this run's own first batches predicted (SpeedProbe); None if too short
    estimated_train_seconds: float | None = None

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunState:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Run:
    """Everything the loop works with, prepared by ``helpers.train``."""

    task: str
    accelerator: Any
    model: Any
    optimizer: Any
    lr_scheduler: Any
    train_dataloader: Any
    eval_dataloader: Any
    batch_sampler: Any
    label_names: list[str]
    epochs: float
    output_dir: Any
    policy: SavePolicy


@dataclass
class SpeedProbe:
    """The run's training time, estimated from its own first batches on this machine.

    A fresh run times batches ``warmup + 1`` to ``warmup + batches`` (the first ones pay
    for one-off set-up) and prints the whole run's training time at that speed; the end of
    the run prints the estimate against what happened. Runs under three times as many
    batches as it times are not estimated: they are over before an estimate would help.

    >>> probe = SpeedProbe(total_batches=100, samples_per_batch=16, warmup=1, batches=2)
    >>> [probe.record(seconds) for seconds in (5.0, 0.5, 0.7)][-1]
    'speed measured over 2 batches here: 26.7 samples/s, so the training takes about 60 s'
    >>> probe.estimated
    60.0
    """

    total_batches: int
    samples_per_batch: int
    warmup: int = 2
    batches: int = 10
    seconds: list[float] = field(default_factory=list)
    estimated: float | None = None

    def record(self, seconds: float) -> str | None:
        """Count one batch's seconds; return the estimate's line once enough are timed."""
        if self.estimated is not None or self.total_batches < 3 * (self.warmup + self.batches):
            return None
        self.seconds.append(seconds)
        timed = self.seconds[self.warmup :]
        if len(timed) < self.batches:
            return None
        from helpers.budget import format_duration

        per_batch = sum(timed) / len(timed)
        self.estimated = round(per_batch * self.total_batches, 1)
        return (
            f"speed measured over {len(timed)} batches here: "
            f"{self.samples_per_batch / per_batch:.1f} samples/s, so the training takes "
            f"about {format_duration(self.estimated)}"
        )


def say(run: Run, progress_bar, line: str) -> None:
    """Print ``line`` once (the main process), on a line of its own above the progress bar.

    A plain ``print`` while the bar is drawn lands on the bar's own line ("...2.33it/s]speed
    measured..."), and the bar's next update writes over it.

    Used in: ``train_epoch``, ``finish_epoch``.
    """
    if not run.accelerator.is_local_main_process:
        return
    # clears the bar, lets the line through, draws the bar again below it
    with progress_bar.external_write_mode():
        print(line, flush=True)


def training_step(accelerator, model, optimizer, lr_scheduler, batch) -> float:
    """One step of chapter 3's loop (with gradient accumulation); returns the batch's loss.

    Used in: ``train_epoch``.
    """
    with accelerator.accumulate(model):
        outputs = model(**batch)
        loss = outputs.loss
        accelerator.backward(loss)
        optimizer.step()
        lr_scheduler.step()
        optimizer.zero_grad()
    return loss.detach().float().item()


def save_due(run: Run, step: int) -> bool:
    """Whether to save now; the main process decides for all, as clocks differ between them."""
    due = run.policy.due(step)
    if run.accelerator.num_processes == 1 or run.policy.minutes is None:
        return due
    import torch
    from accelerate.utils import broadcast

    flag = torch.tensor([int(due)], device=run.accelerator.device)
    return bool(broadcast(flag, from_process=0).item())


def save(run: Run, state: RunState) -> None:
    """Save a checkpoint of ``state`` now and restart the save clock."""
    save_checkpoint(run.accelerator, run.output_dir, state.step, asdict(state), run.policy.keep)
    run.policy.last_save = time.monotonic()


def train_epoch(
    run: Run, state: RunState, batches: int, progress_bar, probe: SpeedProbe | None = None
) -> None:
    """Train the batches of epoch ``state.epoch`` not yet trained, saving when the policy says.

    The batch order depends only on the seed and the epoch, so the batches a resumed run skips
    are exactly those trained before its checkpoint.
    """
    run.train_dataloader.set_epoch(state.epoch)
    run.batch_sampler.set_epoch(state.epoch)
    start = time.perf_counter()
    for index, batch in enumerate(run.train_dataloader):
        if index < state.batch_in_epoch:
            continue
        if index >= batches:
            break
        step_start = time.perf_counter()
        loss = training_step(run.accelerator, run.model, run.optimizer, run.lr_scheduler, batch)
        if probe is not None and (line := probe.record(time.perf_counter() - step_start)):
            state.estimated_train_seconds = probe.estimated
            say(run, progress_bar, line)
        state.loss_sum += loss
        state.loss_steps += 1
        state.batch_in_epoch = index + 1
        state.train_samples_seen += len(batch["labels"]) * run.accelerator.num_processes
        progress_bar.update(1)
        if not run.accelerator.sync_gradients:
            continue
        state.step += 1
        fault_point("step", state.step)
        if index + 1 < batches and save_due(run, state.step):
            state.train_seconds += time.perf_counter() - start
            save(run, state)
            start = time.perf_counter()
    state.train_seconds += time.perf_counter() - start


def finish_epoch(run: Run, state: RunState, progress_bar) -> dict[str, float]:
    """Evaluate, record the epoch in the history, and checkpoint the end of the epoch."""
    start = time.perf_counter()
    metrics = evaluate(run.model, run.eval_dataloader, run.accelerator, run.task, run.label_names)
    state.history.append(
        {
            "epoch": state.epoch + 1,
            "train_seconds": round(state.train_seconds, 2),
            "eval_seconds": round(time.perf_counter() - start, 2),
            "train_loss": state.loss_sum / max(state.loss_steps, 1),
            **{f"eval_{k}": v for k, v in metrics.items()},
        }
    )
    say(
        run,
        progress_bar,
        f"epoch {state.epoch + 1}: "
        + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items() if k != "samples")
        + f" ({state.train_seconds:.0f} s training)",
    )
    state.epoch += 1
    state.batch_in_epoch, state.loss_sum, state.loss_steps = 0, 0.0, 0
    save(run, state)
    return metrics


def train_epochs(run: Run, state: RunState, stop_after_epochs: int | None = None) -> dict:
    """Train from ``state`` to the last epoch (or ``stop_after_epochs``); return the last metrics.

    Used in: ``helpers.train``.
    """
    from tqdm.auto import tqdm

    per_epoch = len(run.train_dataloader)
    total = math.ceil(run.epochs * per_epoch)
    last_epoch = math.ceil(run.epochs)
    if stop_after_epochs is not None:
        last_epoch = min(last_epoch, stop_after_epochs)
    progress_bar = tqdm(
        total=total,
        initial=min(total, state.epoch * per_epoch + state.batch_in_epoch),
        disable=not run.accelerator.is_local_main_process,
        desc=f"{run.task} training",
    )
    metrics: dict[str, float] = {}
    # a fresh run estimates its training time from its own first batches (a resumed one
    # has its estimate in the state it resumed from)
    probe = None
    if state.step == 0 and state.batch_in_epoch == 0:
        batch_size = getattr(run.train_dataloader, "total_batch_size", None) or 1
        probe = SpeedProbe(total, batch_size)
    run.model.train()
    while state.epoch < last_epoch:
        batches = per_epoch if state.epoch + 1 <= run.epochs else total - state.epoch * per_epoch
        train_epoch(run, state, batches, progress_bar, probe)
        metrics = finish_epoch(run, state, progress_bar)
    progress_bar.close()
    if probe is not None and probe.estimated is not None and state.epoch >= math.ceil(run.epochs):
        from helpers.speed import estimate_check

        run.accelerator.print(estimate_check(probe.estimated, state.train_seconds)[1])
    if not metrics and state.history:
        metrics = {k[5:]: v for k, v in state.history[-1].items() if k.startswith("eval_")}
    return metrics


__all__ = ["RunState", "SpeedProbe", "train_epochs", "training_step"]
