"""The launchable fine-tuning script: ``python -m helpers.train {mrpc,ner} [options]``.

Runs the same as ``accelerate launch -m helpers.train mrpc ...`` on one process, several
GPUs, a TPU, or several CPU processes (``--multi_gpu --num_processes 2`` on a CPU-only
machine starts two gloo processes). It is the training loop of chapters 3 and 4 with what a
real run needs around it: a checkpoint at the end of every epoch, ``--resume``, evaluation
gathered across processes without duplicates, and ``OUTPUT_DIR/metrics.json``.

The defaults are the kit's recipe (see ``RECIPES``): bf16 autocast where the hardware runs
it fast, length-grouped batches (little padding), no dropout, eager attention on a CPU, and a
learning rate with warmup that reaches the course's scores in fewer epochs. ``--recipe
course`` gives the course's own hyperparameters for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from helpers.data import label_names_of, load_conll2003, load_mrpc
from helpers.mrpc import check_label_values, tokenize_function
from helpers.ner import (
    IGNORE_INDEX,
    label_maps_from_names,
    overall_scores,
    postprocess,
    tokenize_and_align_labels,
)

TASKS = ("mrpc", "ner")


@dataclass(frozen=True)
class Recipe:
    """Hyperparameters of one recipe; each has a reason in ``RECIPES``."""

    epochs: float
    batch_size: int
    lr: float
    weight_decay: float
    warmup_ratio: float
    mixed_precision: str  # "auto": bf16 where the hardware has fast bf16, else "no"
    group_by_length: bool
    grad_accum: int = 1
    max_length: int = 128
    label_all_tokens: bool = True  # NER: the course's alignment rule
    freeze_word_embeddings: bool = (
        False  # half of a small BERT's weights; fine-tuning barely moves them
    )
    dropout: float | None = None  # None keeps the checkpoint's own dropout probabilities
    attn_implementation: str | None = None  # None lets transformers choose; "auto" see below


RECIPES: dict[str, dict[str, Recipe]] = {
    "kit": {
        # Measured on 2 CPU cores with all-MiniLM-L6-v2 (benchmarks/bench_train.py): bf16
        # autocast runs the matmuls about 3x faster; length-grouped batches of 16 waste little
        # padding; a higher learning rate with warmup reaches the course's scores in fewer epochs.
        # Dropout off: its random masks took 15% of a CPU step, and two epochs are too short
        # to overfit. Eager attention: on CPU it runs the bf16 steps faster than SDPA.
        "mrpc": Recipe(
            epochs=2,
            batch_size=16,
            lr=8e-5,
            weight_decay=0.01,
            warmup_ratio=0.1,
            mixed_precision="auto",
            group_by_length=True,
            freeze_word_embeddings=True,
            dropout=0.0,
            attn_implementation="auto",
        ),
        "ner": Recipe(
            epochs=2,
            batch_size=16,
            lr=2e-4,
            weight_decay=0.01,
            warmup_ratio=0.1,
            mixed_precision="auto",
            group_by_length=True,
            freeze_word_embeddings=True,
            dropout=0.0,
            attn_implementation="auto",
        ),
    },
    "course": {
        # The course's Trainer settings: batch 8, linear decay without warmup, fp32.
        "mrpc": Recipe(3, 8, 5e-5, 0.0, 0.0, "no", False),
        "ner": Recipe(3, 8, 2e-5, 0.01, 0.0, "no", False),
    },
}


# The embedded profile's tiny model starts from random weights, not from pretraining: it needs
# larger steps and more passes over the toy data (seconds in all) to learn anything.
# bf16 costs the tiny model more in casts than it saves in its small matmuls.
EMBEDDED_ADJUSTMENTS = {
    "lr": 3e-3,
    "epochs": 8,
    "mixed_precision": "no",
    "freeze_word_embeddings": False,
}


# --------------------------------------------------------------------------- batching


class LengthGroupedBatchSampler:
    """Random batches of examples of similar length, so that dynamic padding adds little.

    Each epoch shuffles the indices, cuts them into windows of ``batch_size * window``,
    sorts each window by length, cuts it into batches and shuffles the batches. The order
    depends only on ``seed`` and the epoch (``set_epoch``), so a resumed run sees the same
    batches as an uninterrupted one.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int, window: int = 50):
        self.lengths = np.asarray(lengths)
        self.batch_size = batch_size
        self.seed = seed
        self.window = window
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)

    def __iter__(self) -> Iterator[list[int]]:
        rng = np.random.default_rng(self.seed + self.epoch)
        order = rng.permutation(len(self.lengths))
        size = self.batch_size * self.window
        batches = []
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            chunk = chunk[np.argsort(-self.lengths[chunk], kind="stable")]
            batches += [
                chunk[i : i + self.batch_size].tolist()
                for i in range(0, len(chunk), self.batch_size)
            ]
        for i in rng.permutation(len(batches)):
            yield batches[i]


class ShuffledBatchSampler(LengthGroupedBatchSampler):
    """Plain random batches (the course's order), seeded per epoch like the grouped sampler."""

    def __iter__(self) -> Iterator[list[int]]:
        order = np.random.default_rng(self.seed + self.epoch).permutation(len(self.lengths))
        for start in range(0, len(order), self.batch_size):
            yield order[start : start + self.batch_size].tolist()


# --------------------------------------------------------------------------- tasks


def prepare_datasets(task: str, raw_datasets, tokenizer, recipe: Recipe, label_names: list[str]):
    """Tokenize the train and validation splits for ``task``; return them with a ``length`` column."""
    if task == "mrpc":
        check_label_values(raw_datasets["train"]["label"], len(label_names), "the train split")
        fn = partial(tokenize_function, tokenizer=tokenizer, max_length=recipe.max_length)
        label_column = "label"
    else:
        fn = partial(
            tokenize_and_align_labels,
            tokenizer=tokenizer,
            label_all_tokens=recipe.label_all_tokens,
            max_length=recipe.max_length,
            num_labels=len(label_names),
        )
        label_column = None
    tokenized = {}
    for split in ("train", "validation"):
        columns = raw_datasets[split].column_names
        remove = [c for c in columns if c != label_column]
        ds = raw_datasets[split].map(fn, batched=True, remove_columns=remove)
        if label_column:
            ds = ds.rename_column(label_column, "labels")
        ds = ds.map(lambda b: {"length": [len(x) for x in b["input_ids"]]}, batched=True)
        tokenized[split] = ds
    return tokenized["train"], tokenized["validation"]


def make_collator(task: str, tokenizer):
    from transformers import DataCollatorForTokenClassification, DataCollatorWithPadding

    if task == "mrpc":
        return DataCollatorWithPadding(tokenizer=tokenizer)
    return DataCollatorForTokenClassification(tokenizer=tokenizer)


def _drop_length(collator):
    def collate(features: list[dict[str, Any]]):
        return collator([{k: v for k, v in f.items() if k != "length"} for f in features])

    return collate


def compute_task_metrics(
    task: str, predictions: list, labels: list, label_names: list[str]
) -> dict[str, float]:
    """The task's metrics from gathered predictions and labels (lists of arrays)."""
    from helpers.metrics import load_metric

    if task == "mrpc":
        preds = np.concatenate(predictions)
        refs = np.concatenate(labels)
        return load_metric("glue", "mrpc").compute(predictions=preds, references=refs)
    true_predictions: list[list[str]] = []
    true_labels: list[list[str]] = []
    for p, lab in zip(predictions, labels):
        tp, tl = postprocess(p, lab, label_names)
        true_predictions += tp
        true_labels += tl
    return overall_scores(true_predictions, true_labels)


def evaluate(
    model, eval_dataloader, accelerator, task: str, label_names: list[str]
) -> dict[str, float]:
    """Evaluate on every process; gather predictions without the duplicates of the last batch.

    Token-level predictions differ in length from one process to another, so they are padded
    to a common length (``pad_across_processes``, with -100 so the padding is dropped later)
    before ``gather_for_metrics``, which also removes the samples repeated to even out the
    last batch. Returns the metrics plus ``samples``, the number of examples evaluated.
    """
    import torch

    model.eval()
    predictions: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    samples = 0
    with torch.no_grad():  # inference_mode cannot run under XLA (TPUs)
        for batch in eval_dataloader:
            logits = model(**batch).logits
            batch_predictions = logits.argmax(dim=-1)
            batch_labels = batch["labels"]
            if task == "ner":
                batch_predictions = accelerator.pad_across_processes(
                    batch_predictions, dim=1, pad_index=IGNORE_INDEX
                )
                batch_labels = accelerator.pad_across_processes(
                    batch_labels, dim=1, pad_index=IGNORE_INDEX
                )
            batch_predictions, batch_labels = accelerator.gather_for_metrics(
                (batch_predictions, batch_labels)
            )
            samples += len(batch_labels)
            predictions.append(batch_predictions.cpu().numpy())
            labels.append(batch_labels.cpu().numpy())
    model.train()
    return {**compute_task_metrics(task, predictions, labels, label_names), "samples": samples}


# --------------------------------------------------------------------------- checkpoints


def checkpoint_dir(output_dir: Path, epoch: int) -> Path:
    return output_dir / "checkpoints" / f"epoch_{epoch}"


def find_checkpoint(resume: str, output_dir: Path) -> Path:
    """The checkpoint folder ``--resume`` names: a folder, or "latest" in ``output_dir``.

    Raises a clear error when there is none to resume from.
    """
    if resume == "latest":
        found = sorted(
            (output_dir / "checkpoints").glob("epoch_*"),
            key=lambda p: int(re.sub(r"\D", "", p.name) or 0),
        )
        found = [p for p in found if (p / "trainer_state.json").is_file()]
        if not found:
            raise FileNotFoundError(
                f"--resume latest: no checkpoint in {output_dir / 'checkpoints'}. Fix: start "
                "without --resume, or pass the --output-dir of the run to resume."
            )
        return found[-1]
    path = Path(resume)
    if not (path / "trainer_state.json").is_file():
        raise FileNotFoundError(
            f"--resume {resume}: no checkpoint there (no trainer_state.json). Fix: pass a folder "
            f"like OUTPUT_DIR/checkpoints/epoch_1, or --resume latest."
        )
    return path


# --------------------------------------------------------------------------- the run


def check_head(checkpoint: str, num_labels: int, task: str) -> None:
    """Refuse a checkpoint already fine-tuned with a head for another number of labels.

    Loading it with the data's labels would fail on a size mismatch (or, with
    ``ignore_mismatched_sizes``, silently throw the trained head away); say which numbers
    differ and what to do before any weight is loaded.
    """
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(checkpoint)
    heads = ("ForSequenceClassification", "ForTokenClassification")
    fine_tuned = any(a.endswith(heads) for a in (config.architectures or []))
    if fine_tuned and config.num_labels != num_labels:
        raise ValueError(
            f"the {task} data has {num_labels} labels but the model {checkpoint!r} was built "
            f"with num_labels={config.num_labels}. Fix: start from its base model (a checkpoint "
            f"without a classification head), or train a model with num_labels={num_labels}."
        )


def fast_bf16_available() -> bool:
    """True where bf16 matmuls run fast: a CUDA GPU with bf16, or a CPU with AMX or AVX512-BF16."""
    import torch

    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
        fn = getattr(cpu, probe, None)
        if fn is not None and fn():
            return True
    return False


def model_overrides(checkpoint: str, recipe: Recipe) -> dict[str, Any]:
    """Keyword arguments for ``from_pretrained`` that apply the recipe's dropout and attention.

    ``dropout`` sets every dropout probability of the model's config (BERT's hidden, attention
    and classifier dropout; DistilBERT's ``dropout``, ``attention_dropout``...), whatever the
    architecture names them. ``attn_implementation="auto"`` picks eager attention without a
    GPU, where it ran the bf16 training steps faster than SDPA (2 cores), and leaves the
    choice to transformers (SDPA) on a GPU.

    Used in: 02_mrpc_trainer, 04_ner, ``train`` (the script and the benchmarks).
    """
    import torch
    from transformers import AutoConfig

    overrides: dict[str, Any] = {}
    if recipe.dropout is not None:
        if not 0.0 <= recipe.dropout < 1.0:
            raise ValueError(f"--dropout must be in [0, 1), got {recipe.dropout}")
        config = AutoConfig.from_pretrained(checkpoint)
        for name, value in config.to_dict().items():
            if "dropout" in name and isinstance(value, float):
                overrides[name] = recipe.dropout
    implementation = recipe.attn_implementation
    if implementation == "auto":
        implementation = None if torch.cuda.is_available() else "eager"
    if implementation:
        overrides["attn_implementation"] = implementation
    return overrides


def resolve_mixed_precision(value: str) -> str:
    if value == "auto":
        return "bf16" if fast_bf16_available() else "no"
    if value not in ("no", "bf16", "fp16"):
        raise ValueError(f"--mixed-precision must be auto, no, bf16 or fp16, got {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.train",
        description="Fine-tune a BERT-family model on GLUE MRPC (mrpc) or CoNLL-2003 (ner).",
    )
    parser.add_argument("task", choices=TASKS)
    parser.add_argument(
        "--recipe",
        choices=sorted(RECIPES),
        default="kit",
        help="defaults to start from (kit: fast; course: the course's settings)",
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="embedded, laptop or full (default: COURSE_PROFILE or automatic)",
    )
    parser.add_argument(
        "--model", default=None, help="Hub id or local folder (default: the profile's)"
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder of the real GLUE/CoNLL files (default: the profile's source)",
    )
    parser.add_argument(
        "--output-dir", default=None, help="where the model, checkpoints and metrics.json go"
    )
    parser.add_argument("--epochs", type=float, default=None)
    parser.add_argument("--batch-size", type=int, default=None, help="per process")
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--weight-decay", type=float, default=None)
    parser.add_argument("--warmup-ratio", type=float, default=None)
    parser.add_argument("--gradient-accumulation-steps", type=int, default=None)
    parser.add_argument("--mixed-precision", choices=["auto", "no", "bf16", "fp16"], default=None)
    parser.add_argument("--group-by-length", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--max-length", type=int, default=None)
    parser.add_argument(
        "--freeze-word-embeddings",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep the word embeddings as pretrained (half the weights of a small BERT)",
    )
    parser.add_argument(
        "--dropout",
        type=float,
        default=None,
        help="set every dropout probability of the model (the kit: 0; the course: the model's own)",
    )
    parser.add_argument(
        "--attn-implementation",
        default=None,
        help="eager, sdpa, or auto (eager on CPU, where it is faster; the library's choice on a GPU)",
    )
    parser.add_argument(
        "--label-all-tokens",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ner: label every sub-token (course rule) or only the first",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-train-samples", type=int, default=None)
    parser.add_argument("--max-eval-samples", type=int, default=None)
    parser.add_argument(
        "--resume", default=None, help="a checkpoint folder, or 'latest' in --output-dir"
    )
    parser.add_argument(
        "--stop-after-epochs",
        type=int,
        default=None,
        help="stop after this many epochs, as an interruption would (the schedule still spans --epochs)",
    )
    parser.add_argument(
        "--no-save-model",
        dest="save_model",
        action="store_false",
        help="skip saving the final model",
    )
    parser.add_argument(
        "--eval-only",
        action="store_true",
        help="evaluate --model on the validation split, without training",
    )
    return parser


def recipe_for(profile_name: str, task: str, recipe: str = "kit") -> Recipe:
    """The hyperparameters a chapter uses for ``task`` under a profile (kit or course recipe).

    >>> recipe_for("laptop", "mrpc").batch_size
    16
    >>> recipe_for("embedded", "ner").lr
    0.003

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner, ``recipe_from_args``.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    base = RECIPES[recipe][task]
    return replace(base, **EMBEDDED_ADJUSTMENTS) if profile_name == "embedded" else base


def recipe_from_args(args: argparse.Namespace, profile_name: str | None = None) -> Recipe:
    """The recipe named by ``--recipe``, adjusted for the embedded profile, then ``args``' overrides."""
    # a model given on the command line is taken as pretrained: no tiny-model adjustments
    base = recipe_for(profile_name if args.model is None else "", args.task, args.recipe)
    overrides = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "weight_decay": args.weight_decay,
        "warmup_ratio": args.warmup_ratio,
        "grad_accum": args.gradient_accumulation_steps,
        "mixed_precision": args.mixed_precision,
        "group_by_length": args.group_by_length,
        "max_length": args.max_length,
        "label_all_tokens": args.label_all_tokens,
        "freeze_word_embeddings": args.freeze_word_embeddings,
        "dropout": args.dropout,
        "attn_implementation": args.attn_implementation,
    }
    values = asdict(base)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Recipe(**values)


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Parse ``argv``, train, evaluate and save; return what ``metrics.json`` holds.

    Used in: ``main`` (the command line), 03_training_loop, the benchmarks and the tests.
    """
    from helpers.profiles import get_profile

    args = build_parser().parse_args(argv)
    recipe = recipe_from_args(args, get_profile(args.profile).name)
    return train(args, recipe)


def train(args: argparse.Namespace, recipe: Recipe) -> dict[str, Any]:
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from tqdm.auto import tqdm
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        get_scheduler,
    )

    from helpers.models import check_num_labels, model_checkpoint, resolve_model
    from helpers.profiles import get_profile

    mixed_precision = resolve_mixed_precision(recipe.mixed_precision)
    if int(os.environ.get("WORLD_SIZE", "1")) == 1:
        # Accelerate keeps its settings for the life of the process and refuses a second
        # Accelerator with another mixed precision; a single process (a notebook, a benchmark
        # running two recipes) may train several times, so start each run from a clean state.
        from accelerate.state import AcceleratorState, GradientState

        AcceleratorState._reset_state()
        GradientState._reset_state()
    # Several processes without a GPU (`accelerate launch --multi_gpu --num_processes 2` on a
    # CPU-only machine) form a gloo group only when the Accelerator is told to use the CPU.
    cpu_processes = not torch.cuda.is_available() and int(os.environ.get("WORLD_SIZE", "1")) > 1
    accelerator = Accelerator(
        cpu=cpu_processes,
        mixed_precision=mixed_precision,
        gradient_accumulation_steps=recipe.grad_accum,
    )
    set_seed(args.seed)
    profile = get_profile(args.profile)
    output_dir = Path(args.output_dir or f"outputs/{args.task}-{profile.name}")
    resume_from = find_checkpoint(args.resume, output_dir) if args.resume else None

    # ---- data
    loader = load_mrpc if args.task == "mrpc" else load_conll2003
    raw_datasets = loader(args.data_dir) if args.data_dir else loader()
    for split in ("train", "validation"):
        if split not in raw_datasets:
            raise KeyError(
                f"the data has no {split!r} split (it has {list(raw_datasets)}). Fix: point "
                "--data-dir at a folder holding all the task's files."
            )
    label_column = "label" if args.task == "mrpc" else "ner_tags"
    label_names = label_names_of(raw_datasets["train"], label_column)
    profile_cap = profile.mrpc_train_samples if args.task == "mrpc" else profile.ner_train_samples
    max_train = args.max_train_samples or profile_cap
    if max_train and max_train < len(raw_datasets["train"]):
        raw_datasets["train"] = (
            raw_datasets["train"].shuffle(seed=args.seed).select(range(max_train))
        )
    if args.max_eval_samples and args.max_eval_samples < len(raw_datasets["validation"]):
        raw_datasets["validation"] = raw_datasets["validation"].select(range(args.max_eval_samples))

    # ---- model and tokenizer
    checkpoint = (
        resolve_model(args.model, profile.name)
        if args.model
        else model_checkpoint(profile, args.task)
    )
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    id2label, label2id = label_maps_from_names(label_names)
    model_cls = (
        AutoModelForSequenceClassification
        if args.task == "mrpc"
        else AutoModelForTokenClassification
    )
    check_head(checkpoint, len(label_names), args.task)
    model = model_cls.from_pretrained(
        checkpoint, id2label=id2label, label2id=label2id, **model_overrides(checkpoint, recipe)
    )
    check_num_labels(model, len(label_names), f"the {args.task} data")

    with accelerator.main_process_first():
        train_dataset, eval_dataset = prepare_datasets(
            args.task, raw_datasets, tokenizer, recipe, label_names
        )
    # evaluation in length order: the least padding, and the order does not change the scores
    eval_dataset = eval_dataset.sort("length", reverse=True)
    collate = _drop_length(make_collator(args.task, tokenizer))
    sampler_cls = LengthGroupedBatchSampler if recipe.group_by_length else ShuffledBatchSampler
    batch_sampler = sampler_cls(train_dataset["length"], recipe.batch_size, seed=args.seed)
    train_dataloader = torch.utils.data.DataLoader(
        train_dataset, batch_sampler=batch_sampler, collate_fn=collate
    )
    eval_dataloader = torch.utils.data.DataLoader(
        eval_dataset, batch_size=max(32, recipe.batch_size * 2), collate_fn=collate
    )

    # ---- optimisation: no weight decay on biases and LayerNorm weights, as BERT was trained
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": recipe.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
            "weight_decay": 0.0,
        },
    ]
    if recipe.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    groups = [{**g, "params": [p for p in g["params"] if p.requires_grad]} for g in groups]
    # The default CPU AdamW updates tensor by tensor; the fused kernel is about 2x faster per
    # step for a model this size (measured on 2 cores), and exact on GPUs too.
    optimizer = torch.optim.AdamW(groups, lr=recipe.lr, fused=True)
    # Counted before prepare(): the prepared scheduler steps once per process per step.
    steps_per_epoch = math.ceil(len(train_dataloader) / recipe.grad_accum)
    num_training_steps = math.ceil(recipe.epochs * steps_per_epoch)
    lr_scheduler = get_scheduler(
        "linear",
        optimizer=optimizer,
        num_warmup_steps=int(recipe.warmup_ratio * num_training_steps),
        num_training_steps=num_training_steps,
    )
    model, optimizer, train_dataloader, eval_dataloader, lr_scheduler = accelerator.prepare(
        model, optimizer, train_dataloader, eval_dataloader, lr_scheduler
    )

    if args.eval_only:
        metrics = evaluate(model, eval_dataloader, accelerator, args.task, label_names)
        result = {f"eval_{k}": v for k, v in metrics.items()}
        result.update(
            {
                "num_processes": accelerator.num_processes,
                "model": checkpoint,
                "profile": profile.name,
            }
        )
        if accelerator.is_main_process:
            output_dir.mkdir(parents=True, exist_ok=True)
            (output_dir / "metrics.json").write_text(json.dumps(result, indent=2))
        accelerator.end_training()
        return result

    start_epoch, train_seconds, history, seen = 0, 0.0, [], 0
    if resume_from is not None:
        accelerator.load_state(str(resume_from))
        state = json.loads((resume_from / "trainer_state.json").read_text())
        start_epoch, train_seconds, history, seen = (
            state["epoch"],
            state["train_seconds"],
            state["history"],
            state["train_samples_seen"],
        )
        accelerator.print(f"resumed from {resume_from} (epoch {start_epoch} done)")

    num_epochs = math.ceil(recipe.epochs)
    last_epoch = (
        num_epochs if args.stop_after_epochs is None else min(num_epochs, args.stop_after_epochs)
    )
    per_epoch_batches = len(train_dataloader)
    total_batches = math.ceil(recipe.epochs * per_epoch_batches)
    progress_bar = tqdm(
        total=total_batches,
        initial=min(total_batches, start_epoch * per_epoch_batches),
        disable=not accelerator.is_local_main_process,
        desc=f"{args.task} training",
    )
    accelerator.print(
        f"{args.task}: {len(train_dataset)} training examples, {recipe.epochs:g} epochs of "
        f"{per_epoch_batches} batches x {recipe.batch_size} per process x {accelerator.num_processes} "
        f"processes, lr {recipe.lr:g}, mixed precision {mixed_precision}, model {checkpoint}"
    )
    metrics: dict[str, Any] = {}
    model.train()
    for epoch in range(start_epoch, last_epoch):
        # The prepared loader re-seeds its batch sampler from its own epoch counter at every
        # pass; set that counter, so a resumed run draws the batches of the epoch it resumes.
        train_dataloader.set_epoch(epoch)
        batch_sampler.set_epoch(epoch)
        batches = (
            per_epoch_batches
            if epoch + 1 <= recipe.epochs
            else total_batches - epoch * per_epoch_batches
        )
        start = time.perf_counter()
        loss_sum, loss_steps = 0.0, 0
        for step, batch in enumerate(train_dataloader):
            if step >= batches:
                break
            with accelerator.accumulate(model):
                outputs = model(**batch)
                accelerator.backward(outputs.loss)
                optimizer.step()
                lr_scheduler.step()
                optimizer.zero_grad()
            loss_sum += outputs.loss.detach().float().item()
            loss_steps += 1
            seen += len(batch["labels"]) * accelerator.num_processes
            progress_bar.update(1)
        train_seconds += time.perf_counter() - start
        start = time.perf_counter()
        metrics = evaluate(model, eval_dataloader, accelerator, args.task, label_names)
        eval_seconds = time.perf_counter() - start
        history.append(
            {
                "epoch": epoch + 1,
                "train_seconds": round(train_seconds, 2),
                "eval_seconds": round(eval_seconds, 2),
                "train_loss": loss_sum / max(loss_steps, 1),
                **{f"eval_{k}": v for k, v in metrics.items()},
            }
        )
        accelerator.print(
            f"epoch {epoch + 1}: "
            + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items() if k != "samples")
            + f" ({train_seconds:.0f} s training)"
        )
        target = checkpoint_dir(output_dir, epoch + 1)
        accelerator.save_state(str(target))
        if accelerator.is_main_process:
            state = {
                "epoch": epoch + 1,
                "train_seconds": train_seconds,
                "history": history,
                "train_samples_seen": seen,
            }
            (target / "trainer_state.json").write_text(json.dumps(state, indent=2))
        accelerator.wait_for_everyone()
    progress_bar.close()

    if not metrics and history:
        metrics = {k[5:]: v for k, v in history[-1].items() if k.startswith("eval_")}
    result: dict[str, Any] = {f"eval_{k}": v for k, v in metrics.items()}
    result.update(
        {
            "epoch": history[-1]["epoch"] if history else 0,
            "train_seconds": round(train_seconds, 2),
            "train_samples_per_second": round(seen / train_seconds, 2) if train_seconds else 0.0,
            "train_samples": len(train_dataset),
            "num_processes": accelerator.num_processes,
            "mixed_precision": mixed_precision,
            "model": checkpoint,
            "profile": profile.name,
            "recipe": {"name": args.recipe, **asdict(recipe)},
            "seed": args.seed,
            "history": history,
        }
    )
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        output_dir.mkdir(parents=True, exist_ok=True)
        if args.save_model:
            unwrapped = accelerator.unwrap_model(model)
            unwrapped.save_pretrained(output_dir, save_function=accelerator.save)
            tokenizer.save_pretrained(output_dir)
        (output_dir / "metrics.json").write_text(json.dumps(result, indent=2))
    accelerator.wait_for_everyone()
    accelerator.end_training()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    result = run(argv)
    summary = {k: v for k, v in result.items() if k.startswith("eval_") or k.startswith("train_")}
    if int(os.environ.get("RANK", os.environ.get("LOCAL_RANK", "0"))) == 0:
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "RECIPES",
    "LengthGroupedBatchSampler",
    "Recipe",
    "evaluate",
    "fast_bf16_available",
    "find_checkpoint",
    "model_overrides",
    "recipe_for",
    "run",
]
