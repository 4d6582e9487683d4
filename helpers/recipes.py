"""The recipes: the hyperparameters of the kit's fast recipe and of the course's own.

``recipe_for(profile, task, recipe)`` is what chapters 2 to 4 and the training script use;
each value has its reason next to it in ``RECIPES``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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


# Measured on 2 CPU cores with all-MiniLM-L6-v2 (benchmarks/bench_train.py): bf16 autocast
# runs the matmuls about 3x faster; length-grouped batches of 16 waste little padding; a higher
# learning rate with warmup reaches the course's scores in fewer epochs. Dropout off: its random
# masks took 15% of a CPU step, and two epochs are too short to overfit. Eager attention: on
# CPU it runs the bf16 steps faster than SDPA.
_KIT_MRPC = Recipe(
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
)

RECIPES: dict[str, dict[str, Recipe]] = {
    # NER: the same recipe with its own learning rate (benchmarks/bench_train.py ner)
    "kit": {"mrpc": _KIT_MRPC, "ner": replace(_KIT_MRPC, lr=2e-4)},
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


__all__ = ["EMBEDDED_ADJUSTMENTS", "RECIPES", "TASKS", "Recipe", "recipe_for"]
