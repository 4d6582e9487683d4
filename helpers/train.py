"""The launchable fine-tuning script: ``python -m helpers.train {mrpc,ner} [options]``.

Runs the same as ``accelerate launch -m helpers.train mrpc ...`` on one process, several
GPUs, a TPU, or several CPU processes (``--multi_gpu --num_processes 2`` on a CPU-only
machine starts two gloo processes). It is the training loop of chapters 3 and 4 with what a
real run needs around it: atomic checkpoints at the end of every epoch and, with
``--save-steps`` / ``--save-minutes``, within epochs; ``--resume latest`` after a kill; a bounded
start-up (``--start-timeout``); evaluation gathered across processes without duplicates; and
``OUTPUT_DIR/metrics.json``. This module holds the arguments; the pieces are
``helpers.recipes`` (the hyperparameters), ``helpers.train_data`` (data), ``helpers.train_model`` (model, optimizer), ``helpers.train_loop``
(the loop), ``helpers.evaluation`` and ``helpers.checkpoints``.

The defaults are the kit's recipe (``helpers.recipes.RECIPES``): bf16 autocast where the hardware runs
it fast, length-grouped batches (little padding), no dropout, eager attention on a CPU, and a
learning rate with warmup that reaches the course's scores in fewer epochs. ``--recipe
course`` gives the course's own hyperparameters for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from helpers.checkpoints import SavePolicy, find_checkpoint, read_state
from helpers.evaluation import evaluate
from helpers.precision import fast_bf16_available, resolve_mixed_precision
from helpers.recipes import RECIPES, TASKS, Recipe, recipe_for
from helpers.session import exit_now
from helpers.train_data import (
    LengthGroupedBatchSampler,
    load_task_data,
    make_dataloaders,
    prepare_datasets,
)
from helpers.train_loop import Run, RunState, train_epochs
from helpers.train_model import build_optimizer, load_model, model_overrides


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
        "--save-steps", type=int, default=None, help="also checkpoint every N optimizer steps"
    )
    parser.add_argument(
        "--save-minutes",
        type=float,
        default=None,
        help="also checkpoint when M minutes passed since the last checkpoint",
    )
    parser.add_argument(
        "--save-total-limit", type=int, default=2, help="checkpoints kept (the newest)"
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=None,
        help="seconds the processes may take to meet (default: COURSE_START_TIMEOUT or 120)",
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


def make_accelerator(recipe: Recipe, start_timeout: float | None = None):
    """The run's ``Accelerator``, started under the start-up watchdog (see ``helpers.launch``)."""
    import torch
    from accelerate import Accelerator

    from helpers.launch import StartupWatchdog, process_group_kwargs

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
    with StartupWatchdog(start_timeout):
        accelerator = Accelerator(
            cpu=cpu_processes,
            mixed_precision=resolve_mixed_precision(recipe.mixed_precision),
            gradient_accumulation_steps=recipe.grad_accum,
            kwargs_handlers=process_group_kwargs(start_timeout),
        )
        accelerator.wait_for_everyone()
    return accelerator


def quiet_other_processes(accelerator) -> None:
    """One model load report and one set of progress bars per launch, not one per process:
    the processes other than the main one log errors only.

    Used in: ``train``.
    """
    if accelerator.is_local_main_process:
        return
    import datasets
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.disable_progress_bars()


def write_result(accelerator, output_dir: Path, result: dict, model=None, tokenizer=None) -> None:
    """Write ``metrics.json`` (and the model and tokenizer when given) from the main process."""
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        output_dir.mkdir(parents=True, exist_ok=True)
        if model is not None:
            accelerator.unwrap_model(model).save_pretrained(
                output_dir, save_function=accelerator.save
            )
            tokenizer.save_pretrained(output_dir)
        (output_dir / "metrics.json").write_text(json.dumps(result, indent=2))
    accelerator.wait_for_everyone()
    accelerator.end_training()


def train(args: argparse.Namespace, recipe: Recipe) -> dict[str, Any]:
    """Train as ``args`` and ``recipe`` say; return what ``metrics.json`` holds.

    Used in: ``run``.
    """
    from accelerate.utils import DistributedType, set_seed
    from transformers import AutoTokenizer

    from helpers.models import model_checkpoint, resolve_model
    from helpers.profiles import get_profile

    policy = SavePolicy(args.save_steps, args.save_minutes, args.save_total_limit)
    accelerator = make_accelerator(recipe, args.start_timeout)
    quiet_other_processes(accelerator)
    xla = accelerator.distributed_type == DistributedType.XLA
    set_seed(args.seed)
    profile = get_profile(args.profile)
    output_dir = Path(args.output_dir or f"outputs/{args.task}-{profile.name}")
    resume_from = find_checkpoint(args.resume, output_dir) if args.resume else None
    raw_datasets, label_names = load_task_data(
        args.task, args.data_dir, profile, args.seed, args.max_train_samples, args.max_eval_samples
    )
    checkpoint = (
        resolve_model(args.model, profile.name)
        if args.model
        else model_checkpoint(profile, args.task)
    )
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = load_model(args.task, checkpoint, label_names, recipe)
    with accelerator.main_process_first():
        train_dataset, eval_dataset = prepare_datasets(
            args.task, raw_datasets, tokenizer, recipe, label_names
        )
    train_dataloader, eval_dataloader, batch_sampler = make_dataloaders(
        args.task, train_dataset, eval_dataset, tokenizer, recipe, args.seed, xla=xla
    )
    optimizer, lr_scheduler = build_optimizer(model, recipe, len(train_dataloader), fused=not xla)
    model, optimizer, train_dataloader, eval_dataloader, lr_scheduler = accelerator.prepare(
        model, optimizer, train_dataloader, eval_dataloader, lr_scheduler
    )
    about = {
        "num_processes": accelerator.num_processes,
        "model": checkpoint,
        "profile": profile.name,
    }
    if args.eval_only:
        metrics = evaluate(model, eval_dataloader, accelerator, args.task, label_names)
        result = {**{f"eval_{k}": v for k, v in metrics.items()}, **about}
        write_result(accelerator, output_dir, result)
        return result

    state = RunState()
    if resume_from is not None:
        accelerator.load_state(str(resume_from))
        state = RunState.from_dict(read_state(resume_from))
        accelerator.print(f"resumed from {resume_from} (step {state.step}, epoch {state.epoch})")
    mixed_precision = accelerator.mixed_precision
    accelerator.print(
        f"{args.task}: {len(train_dataset)} training examples, {recipe.epochs:g} epochs of "
        f"{len(train_dataloader)} batches x {recipe.batch_size} per process x "
        f"{accelerator.num_processes} processes, lr {recipe.lr:g}, mixed precision "
        f"{mixed_precision}, model {checkpoint}"
    )
    loop = Run(
        args.task, accelerator, model, optimizer, lr_scheduler, train_dataloader,
        eval_dataloader, batch_sampler, label_names, recipe.epochs, output_dir, policy,
    )  # fmt: skip
    metrics = train_epochs(loop, state, args.stop_after_epochs)
    result: dict[str, Any] = {f"eval_{k}": v for k, v in metrics.items()}
    seconds = state.train_seconds
    result.update(
        {
            "epoch": state.history[-1]["epoch"] if state.history else 0,
            "step": state.step,
            "train_seconds": round(seconds, 2),
            "train_samples_per_second": round(state.train_samples_seen / seconds, 2)
            if seconds
            else 0.0,
            "train_samples": len(train_dataset),
            # from the run's own first batches (None: a run too short to estimate)
            "estimated_train_seconds": state.estimated_train_seconds,
            **about,
            "mixed_precision": mixed_precision,
            "recipe": {"name": args.recipe, **asdict(recipe)},
            "seed": args.seed,
            "history": state.history,
        }
    )
    write_result(accelerator, output_dir, result, *((model, tokenizer) if args.save_model else ()))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    result = run(argv)
    summary = {k: v for k, v in result.items() if k.startswith("eval_") or k.startswith("train_")}
    if int(os.environ.get("RANK", os.environ.get("LOCAL_RANK", "0"))) == 0:
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    # the run is over and its files are closed: skip Python's teardown of torch and
    # transformers, 1.4 s per process on 2 cores (docs/profiles.md)
    exit_now(main())


__all__ = [
    "LengthGroupedBatchSampler",
    "evaluate",
    "fast_bf16_available",
    "find_checkpoint",
    "model_overrides",
    "run",
]
