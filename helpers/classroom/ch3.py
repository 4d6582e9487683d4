"""Checks of chapter 3's exercises (the training loop); texts in ``data/ch3.yaml``."""

from __future__ import annotations

import math
from typing import Any

from helpers.classroom import sst2, text
from helpers.classroom.core import Checker, exercise
from helpers.i18n import N_

MODEL_COLUMNS = {"labels", "input_ids", "attention_mask"}  # and token_type_ids for BERT

# --------------------------------------------------------------------------- 3.1


@exercise(3, "sst2_loop_data", call="sst2_loop_datasets, tokenizer")
def sst2_loop_data(r: Checker, datasets: Any, tokenizer: Any) -> None:
    from datasets import DatasetDict

    r.attempted(datasets)
    r.is_a(datasets, DatasetDict, "sst2_loop_datasets", N_("a DatasetDict (the splits of SST-2)"))
    r.require({"train", "validation"} <= set(datasets), "splits", splits=list(datasets))
    train = datasets["train"]
    columns = train.column_names
    r.require("input_ids" in columns, "not_tokenized", columns=columns)
    text_columns = [c for c in ("sentence", "idx") if c in columns]
    r.require(not text_columns, "text_columns", columns=text_columns)
    r.require(not ("label" in columns and "labels" not in columns), "rename")
    r.require(set(columns) - {"token_type_ids"} == MODEL_COLUMNS, "extra_columns", columns=columns)
    r.ok("columns_ok", columns=columns)
    r.require(train.format["type"] == "torch", "format", got=train.format["type"])
    r.ok("format_ok")
    first = train[0]["input_ids"].tolist()
    separators = first.count(tokenizer.sep_token_id)
    r.require(separators == 1, "pair", n=separators)
    from helpers.data import load_sst2

    raw = load_sst2()["train"]
    r.require(len(train) == len(raw), "rows", got=len(train), n=len(raw))
    r.require(train["labels"][:50].tolist() == raw["label"][:50], "labels_order")
    r.ok("rows_ok", n=len(raw))


# --------------------------------------------------------------------------- 3.2

EPOCHS, BATCH_SIZE = 3, 32


@exercise(3, "num_steps", call="sst2_steps, sst2_loop_datasets")
def num_steps(r: Checker, steps: Any, datasets: Any) -> None:
    r.attempted(steps)
    r.require(
        isinstance(steps, (int, float)) and not isinstance(steps, bool) and steps == int(steps),
        "not_whole",
        got=steps,
    )
    n = len(datasets["train"])
    per_epoch = math.ceil(n / BATCH_SIZE)
    want = EPOCHS * per_epoch
    if steps != want:
        if steps == EPOCHS * (n // BATCH_SIZE):
            r.wrong("floor", n=n, batch=BATCH_SIZE)
        if steps == per_epoch:
            r.wrong("one_epoch", epochs=EPOCHS)
        if steps in (n, EPOCHS * n):
            r.wrong("examples")
        r.wrong("steps_wrong", got=steps)
    r.ok("steps_ok", steps=want, per_epoch=per_epoch)


# --------------------------------------------------------------------------- 3.3


def _reference_accuracies(model: Any, dataloader: Any) -> tuple[float, float]:
    """The accuracy, and the one a common slip gives: the argmax without ``dim``, over the
    whole flattened batch of logits. One pass over the data computes both."""
    import torch

    correct = flat_correct = total = 0
    for batch in dataloader:
        batch = {k: v.to(model.device) for k, v in batch.items()}
        with torch.no_grad():
            logits = model(**batch).logits
        correct += int((logits.argmax(dim=-1) == batch["labels"]).sum())
        flat_correct += int((logits.argmax() == batch["labels"]).sum())
        total += len(batch["labels"])
    return correct / total, flat_correct / total


@exercise(3, "accuracy_of", call="accuracy_of, model, eval_dataloader")
def accuracy_of(r: Checker, function: Any, model: Any, dataloader: Any) -> None:
    r.attempted(function)
    was_training = model.training
    model.train()  # as after a training loop: the function must switch to evaluation itself
    try:
        got = r.call(function, model, dataloader, name="accuracy_of")
        left_training = model.training
        model.eval()
        want, flattened = _reference_accuracies(model, dataloader)
    finally:
        model.train(was_training)
    if hasattr(got, "item") and not isinstance(got, float):
        r.wrong("not_float", got=text.kind_of(got))
    r.require(isinstance(got, (int, float)), "not_float", got=text.kind_of(got))
    if math.isclose(got, want, abs_tol=1e-6):
        r.ok("value_ok", value=want)
        r.require(not left_training, "left_training")
        r.ok("eval_ok")
        return
    if got > 1:  # no accuracy is above 1: most often a division by the number of batches
        r.wrong("per_batch", got=got)
    if math.isclose(got, flattened, abs_tol=1e-6):
        r.wrong("argmax_flat", got=got)
    if left_training:
        r.wrong("train_mode", got=got, want=want)
    r.wrong("value_wrong", got=got, want=want)


# --------------------------------------------------------------------------- 3.4


@exercise(3, "sst2_loop", call="sst2_model, sst2_accuracy, tokenizer")
def sst2_loop(r: Checker, model: Any, reported: Any, tokenizer: Any) -> None:
    r.attempted(model, reported)
    r.require(hasattr(model, "config") and callable(model), "not_model", got=text.kind_of(model))
    sst2.check_model(r, model, tokenizer, reported)
