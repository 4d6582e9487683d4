"""The model and its optimizer for the training script: head checks, recipe overrides, AdamW."""

from __future__ import annotations

import math
from typing import Any


def check_head(checkpoint: str, num_labels: int, task: str) -> None:
    """Refuse a checkpoint already fine-tuned with a head for another number of labels.

    Loading it with the data's labels would fail on a size mismatch (or, with
    ``ignore_mismatched_sizes``, silently throw the trained head away); say which numbers
    differ and what to do before any weight is loaded.

    Used in: ``load_model``.
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


def model_overrides(checkpoint: str, recipe) -> dict[str, Any]:
    """Keyword arguments for ``from_pretrained`` that apply the recipe's dropout and attention.

    ``dropout`` sets every dropout probability of the model's config (BERT's hidden, attention
    and classifier dropout; DistilBERT's ``dropout``, ``attention_dropout``...), whatever the
    architecture names them. ``attn_implementation="auto"`` picks eager attention without a
    GPU, where it ran the bf16 training steps faster than SDPA (2 cores), and leaves the
    choice to transformers (SDPA) on a GPU.

    Used in: 02_mrpc_trainer, 04_ner, ``helpers.train`` (the script and the benchmarks).
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


def load_model(task: str, checkpoint: str, label_names: list[str], recipe):
    """The model with a new head for ``label_names``, after checking the checkpoint's head.

    Used in: ``helpers.train``.
    """
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    from helpers.hub_kernels import hub_kernels_off
    from helpers.models import check_num_labels
    from helpers.ner import label_maps_from_names

    hub_kernels_off()  # the script runs without helpers.setup()
    id2label, label2id = label_maps_from_names(label_names)
    cls = AutoModelForSequenceClassification if task == "mrpc" else AutoModelForTokenClassification
    check_head(checkpoint, len(label_names), task)
    model = cls.from_pretrained(
        checkpoint, id2label=id2label, label2id=label2id, **model_overrides(checkpoint, recipe)
    )
    check_num_labels(model, len(label_names), f"the {task} data")
    return model


def build_optimizer(model, recipe, batches_per_epoch: int, fused: bool = True):
    """AdamW without decay on biases and LayerNorm weights (as BERT was trained), and its schedule.

    Args:
        model: the model, before ``prepare``.
        recipe: lr, weight decay, warmup, epochs, gradient accumulation, frozen embeddings.
        batches_per_epoch: batches in one epoch, counted before ``prepare`` (a prepared
            scheduler steps once per process per step).
        fused: use the fused AdamW kernel (CPUs and GPUs; XLA has none).

    Returns:
        ``(optimizer, lr_scheduler)``.

    Used in: ``helpers.train``.
    """
    import torch
    from transformers import get_scheduler

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    if recipe.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {
            "params": [p for n, p in named if not n.endswith(no_decay)],
            "weight_decay": recipe.weight_decay,
        },
        {"params": [p for n, p in named if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    # The default CPU AdamW updates tensor by tensor; the fused kernel is about 2x faster per
    # step for a model this size (measured on 2 cores), and exact on GPUs too.
    optimizer = torch.optim.AdamW(groups, lr=recipe.lr, fused=fused)
    steps_per_epoch = math.ceil(batches_per_epoch / recipe.grad_accum)
    num_training_steps = math.ceil(recipe.epochs * steps_per_epoch)
    lr_scheduler = get_scheduler(
        "linear",
        optimizer=optimizer,
        num_warmup_steps=int(recipe.warmup_ratio * num_training_steps),
        num_training_steps=num_training_steps,
    )
    return optimizer, lr_scheduler


__all__ = ["build_optimizer", "check_head", "load_model", "model_overrides"]
