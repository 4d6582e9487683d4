"""How long a training cell takes, and how much training fits in a time budget.

The figures are training samples per second of all-MiniLM-L6-v2 (the laptop profile's
model) on 2 CPU cores, measured per task, training path and precision by
``benchmarks/bench_paths.py`` (see the README's benchmark section). A notebook prints an
estimate before a long training cell, and trains its repeated runs on the number of
examples that fits their share of the chapter's time.
"""

from __future__ import annotations

import math

from .profiles import Profile

# (task, path, precision) -> training samples per second, all-MiniLM-L6-v2 on 2 CPU cores
# (AMD EPYC, measured in fp32, as a CPU without fast bf16 runs), from
# benchmarks/bench_paths.py --samples 480, December 2026. Paths: "trainer" (chapters 2 and 4,
# the kit's recipe through TrainingArguments; "trainer_frozen" with frozen word embeddings),
# "loop" (chapter 3's plain loop), "accelerate" (chapter 3's Accelerate loop, chapter 4's
# custom loop), "launcher2" (notebook_launcher, 2 processes), "script" (python -m
# helpers.train), "script2" (accelerate launch, 2 processes). Each figure is the benchmark's
# estimate for the cores alone (samples over CPU seconds per core) where the path kept the
# cores busy (cpu share 0.9 and more); the one-process script's NER figure is the plain
# measurement (a lower bound). The paths of the chapters' full runs on the laptop profile
# (MRPC and NER trainer_frozen, MRPC script) are the wall-clock speeds of those runs
# themselves, Run All alone, evaluation time taken out (December 2026): the figures measured
# on 480 samples had promised them 10-20% too little time. bf16 (on a CPU with AVX512-BF16)
# was measured for the script only, by benchmarks/bench_train.py over 3 seeds; without a bf16
# figure the estimate takes the fp32 one, an upper bound.
MEASURED_SAMPLES_PER_SECOND: dict[tuple[str, str, str], float] = {
    ("mrpc", "trainer", "no"): 44.1,
    ("mrpc", "trainer_frozen", "no"): 40.2,
    ("mrpc", "loop", "no"): 23.2,
    ("mrpc", "accelerate", "no"): 26.0,
    ("mrpc", "launcher2", "no"): 24.0,
    ("mrpc", "script", "no"): 41.4,
    ("mrpc", "script", "bf16"): 113.0,
    ("mrpc", "script2", "no"): 39.6,
    ("ner", "trainer", "no"): 60.1,
    ("ner", "trainer_frozen", "no"): 85.0,
    ("ner", "accelerate", "no"): 37.6,
    ("ner", "script", "no"): 74.7,
}
MEASURED_ON = "all-MiniLM-L6-v2 on 2 CPU cores"


def samples_per_second(task: str, path: str = "trainer", precision: str = "no") -> float:
    """The measured training samples per second of one task, path and precision.

    Args:
        task: ``"mrpc"`` or ``"ner"``.
        path: how the chapter trains (see ``MEASURED_SAMPLES_PER_SECOND``).
        precision: ``"no"`` (fp32) or ``"bf16"``.

    Returns:
        Samples per second (examples for MRPC, sentences for NER).

    >>> samples_per_second("mrpc", "trainer", "no") > 0
    True
    >>> samples_per_second("mrpc", "gpu", "no")
    Traceback (most recent call last):
    ...
    KeyError: "no measured speed for task 'mrpc', path 'gpu', precision 'no'. Measured: ..."

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner (through ``estimate_seconds``).
    """
    key = (task, path, precision)
    if key not in MEASURED_SAMPLES_PER_SECOND:
        known = ", ".join("/".join(k) for k in sorted(MEASURED_SAMPLES_PER_SECOND))
        raise KeyError(
            f"no measured speed for task {task!r}, path {path!r}, precision {precision!r}. "
            f"Measured: {known}. Fix: pick one of these, or measure it with "
            "benchmarks/bench_paths.py and add it to MEASURED_SAMPLES_PER_SECOND."
        )
    return MEASURED_SAMPLES_PER_SECOND[key]


def estimate_seconds(
    num_samples: int, epochs: float, task: str, precision: str = "no", path: str = "trainer"
) -> float:
    """Seconds of training for ``num_samples`` examples over ``epochs``, from the measured speed.

    Args:
        num_samples: training examples (MRPC pairs, NER sentences).
        epochs: passes over them.
        task: ``"mrpc"`` or ``"ner"``.
        precision: ``"no"`` (fp32) or ``"bf16"``.
        path: how the chapter trains (see ``MEASURED_SAMPLES_PER_SECOND``).

    Returns:
        Estimated training seconds on 2 CPU cores (model loading and evaluation excluded).

    >>> speed = samples_per_second("mrpc", "trainer", "no")
    >>> estimate_seconds(100, 2, "mrpc") == 200 / speed
    True

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner.
    """
    if num_samples < 0 or epochs < 0:
        raise ValueError(
            f"num_samples and epochs must be >= 0, got {num_samples} and {epochs}. Fix: pass "
            "the number of training examples and of passes over them."
        )
    return num_samples * epochs / samples_per_second(task, path, precision)


def samples_within(
    seconds: float,
    epochs: float,
    task: str,
    precision: str = "no",
    path: str = "trainer",
    available: int | None = None,
) -> int:
    """How many training examples fit ``seconds`` of training over ``epochs`` (at least 1 batch).

    Args:
        seconds: the time budget for the training (evaluation excluded).
        epochs: passes over the examples.
        task, precision, path: as for ``estimate_seconds``.
        available: the examples there are; the result never exceeds it.

    Returns:
        A number of examples, at least 16 (one batch) and at most ``available``.

    >>> speed = samples_per_second("ner", "trainer", "no")
    >>> samples_within(60, 2, "ner") == math.floor(60 * speed / 2)
    True
    >>> samples_within(3600, 1, "mrpc", available=3668)
    3668
    >>> samples_within(0.01, 1, "mrpc")
    16

    Used in: 03_training_loop (the repeats' subset), 04_ner.
    """
    if seconds <= 0 or epochs <= 0:
        raise ValueError(
            f"seconds and epochs must be > 0, got {seconds} and {epochs}. Fix: pass the "
            "training time you allow and the passes over the data."
        )
    fit = max(16, math.floor(seconds * samples_per_second(task, path, precision) / epochs))
    return min(fit, available) if available is not None else fit


# CoNLL-2003's training sentences, and the F1 the course's recipe reaches on this model with
# all of them (benchmarks/bench_train.py ner): the laptop profile's sizing aims at both
NER_ALL_SENTENCES = 14041
NER_LAPTOP_FP32_SENTENCES = 5000


def ner_train_size(profile: Profile, precision: str, requested: int = 0) -> tuple[int | None, str]:
    """How many CoNLL-2003 sentences chapter 4's full run trains on, and why (one line).

    On the laptop profile: all of them where the run trains in bf16, which a CPU with fast
    bf16 does in about 3 minutes (2 epochs, 160-212 s measured on two machines) to the
    course's F1 0.873; in fp32 all of them would take about 5.5 minutes, so 5000 (2 minutes,
    F1 about 0.85, below the course's).

    Args:
        profile: the active profile.
        precision: the precision the run trains in (``"bf16"`` or ``"no"``).
        requested: the parameter cell's ``COURSE_NUM_SAMPLES``; 0 lets the profile choose.

    Returns:
        ``(count, reason)``; count None means the whole training split.

    >>> from helpers.profiles import get_profile
    >>> ner_train_size(get_profile("embedded"), "no")[0] is None
    True
    >>> ner_train_size(get_profile("laptop"), "no")
    (5000, 'Training on 5000 of the 14041 sentences: in fp32 all of them would take about 5.5 min on 2 cores (F1 0.873 needs them all: set COURSE_NUM_SAMPLES=14041); 5000 take about 2.0 min and reach F1 about 0.85.')
    >>> ner_train_size(get_profile("laptop"), "bf16")[0] is None
    True
    >>> ner_train_size(get_profile("laptop"), "bf16", requested=2000)[0]
    2000

    Used in: 04_ner (the parameter cell).
    """
    if requested < 0:
        raise ValueError(
            f"COURSE_NUM_SAMPLES must be >= 0, got {requested}. Fix: 0 lets the profile choose."
        )
    if requested:
        return requested, f"Training on {requested} sentences, as the parameter cell asks."
    if profile.ner_train_samples is None:
        return None, "Training on all the training sentences of this profile."
    if precision == "bf16":
        return None, (
            f"Training on all {NER_ALL_SENTENCES} sentences: this machine trains in bf16, which "
            "takes them through 2 epochs in about 3 min on 2 cores (160-212 s measured) to the "
            "course's F1 0.873."
        )
    fp32 = estimate_seconds(NER_ALL_SENTENCES, 2, "ner", "no", "trainer_frozen")
    part = estimate_seconds(NER_LAPTOP_FP32_SENTENCES, 2, "ner", "no", "trainer_frozen")
    return NER_LAPTOP_FP32_SENTENCES, (
        f"Training on {NER_LAPTOP_FP32_SENTENCES} of the {NER_ALL_SENTENCES} sentences: in fp32 "
        f"all of them would take about {format_duration(fp32)} on 2 cores (F1 0.873 needs them "
        f"all: set COURSE_NUM_SAMPLES={NER_ALL_SENTENCES}); {NER_LAPTOP_FP32_SENTENCES} take "
        f"about {format_duration(part)} and reach F1 about 0.85."
    )


def estimates_apply(profile: Profile) -> bool:
    """Whether the measured speeds describe this profile and machine (MiniLM, no GPU).

    Used in: ``training_estimate``.
    """
    import torch

    from helpers.profiles import SMALL_MODEL_HUB_ID, offline_minilm_path

    minilm = {SMALL_MODEL_HUB_ID, offline_minilm_path()}
    models = {profile.mrpc_model, profile.ner_model}
    return profile.name == "laptop" and models <= minilm and not torch.cuda.is_available()


def precision_name(precision: str) -> str:
    """How a learner reads a precision: ``"bf16"`` is bf16 autocast, ``"no"`` is fp32.

    >>> precision_name("no"), precision_name("bf16")
    ('fp32', 'bf16 autocast')

    Used in: ``training_estimate``.
    """
    return {"no": "fp32", "bf16": "bf16 autocast", "fp16": "fp16 autocast"}.get(
        precision, precision
    )


def training_estimate(
    profile: Profile,
    num_samples: int,
    epochs: float,
    task: str,
    precision: str = "no",
    path: str = "trainer",
    how_to_shorten: str = "",
    measured=None,
) -> str:
    """The line a notebook prints before a training cell: its estimated time and how to cut it.

    Args:
        profile: the active profile (``helpers.setup()``).
        num_samples, epochs, task, precision, path: as for ``estimate_seconds``; ``precision``
            is the one the run actually uses, and the line names it.
        how_to_shorten: what the learner can change, e.g. "set COURSE_NUM_SAMPLES=2000".
        measured: a ``helpers.speed.Speed`` measured on this machine; the estimate then comes
            from it, and the table's figure is quoted beside it.

    Returns:
        One or two sentences; without measured figures for this profile or machine, says so.

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner.
    """
    what = f"{num_samples} examples x {epochs:g} epochs"
    used = precision_name(precision)
    if measured is not None:
        seconds = num_samples * epochs / measured.samples_per_second
        line = (
            f"Training {what} in {used}: about {format_duration(seconds)} on this machine "
            f"({measured.samples_per_second:.0f} samples/s measured: {measured.how})."
        )
        if estimates_apply(profile) and (task, path, precision) in MEASURED_SAMPLES_PER_SECOND:
            table = estimate_seconds(num_samples, epochs, task, precision, path)
            line += f" The kit's table ({MEASURED_ON}) says {format_duration(table)}."
        return f"{line} To shorten it: {how_to_shorten}." if how_to_shorten else line
    if profile.is_toy:
        return f"Training {what} in {used}: a few seconds (toy data, tiny model)."
    if not estimates_apply(profile):
        return (
            f"Training {what} in {used}: no measured speed for this model and machine (the "
            f"kit's figures are for {MEASURED_ON})."
        )
    if (task, path, precision) in MEASURED_SAMPLES_PER_SECOND:
        seconds = estimate_seconds(num_samples, epochs, task, precision, path)
        speed = samples_per_second(task, path, precision)
        line = (
            f"Training {what} in {used}: about {format_duration(seconds)} on {MEASURED_ON} "
            f"({speed:.0f} samples/s measured there); less with more cores."
        )
    else:
        # no figure for this precision: fp32's bounds the time (fast bf16 only trains faster)
        seconds = estimate_seconds(num_samples, epochs, task, "no", path)
        line = (
            f"Training {what} in {used}: at most {format_duration(seconds)} on {MEASURED_ON} "
            f"(the table has only fp32's {samples_per_second(task, path, 'no'):.0f} samples/s "
            f"for this path; {used} is faster)."
        )
    return f"{line} To shorten it: {how_to_shorten}." if how_to_shorten else line


def format_duration(seconds: float) -> str:
    """Seconds as a learner reads them.

    >>> format_duration(42.4)
    '42 s'
    >>> format_duration(185)
    '3.1 min'
    >>> format_duration(21936)
    '6.1 h'

    Used in: ``training_estimate``, ``helpers.speed.estimate_check``.
    """
    if seconds >= 90 * 60:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


__all__ = [
    "MEASURED_SAMPLES_PER_SECOND",
    "precision_name",
    "estimate_seconds",
    "ner_train_size",
    "samples_per_second",
    "samples_within",
    "training_estimate",
]
