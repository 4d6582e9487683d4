"""Data for the training script: the splits, tokenization, batch order and padding.

Batches are drawn by seeded samplers whose order depends only on the seed and the epoch, so
that a run resumed mid-epoch trains on exactly the batches an uninterrupted run would. On
XLA (a TPU) every new batch shape compiles a new graph, so the collators pad to a multiple
of ``XLA_PAD_MULTIPLE`` there: a handful of shapes instead of one per batch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np

from helpers.data import label_names_of, load_conll2003, load_mrpc
from helpers.mrpc import check_label_values, tokenize_function
from helpers.ner import tokenize_and_align_labels

# 128 tokens (the recipe's max_length) in 4 steps: at most 4 lengths per batch size on XLA
XLA_PAD_MULTIPLE = 32


class LengthGroupedBatchSampler:
    """Random batches of examples of similar length, so that dynamic padding adds little.

    Each epoch shuffles the indices, cuts them into windows of ``batch_size * window``,
    sorts each window by length, cuts it into batches and shuffles the batches. The order
    depends only on ``seed`` and the epoch (``set_epoch``), so a resumed run sees the same
    batches as an uninterrupted one.

    Used in: ``helpers.train`` (``--group-by-length``, the kit's default).
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


def load_task_data(task: str, data_dir: str | None, profile, seed: int, max_train, max_eval):
    """The task's train and validation splits, capped, and the label names.

    Args:
        task: ``"mrpc"`` or ``"ner"``.
        data_dir: a folder of the real files, or None for the profile's source.
        profile: the active ``Profile`` (its cap on training examples applies).
        seed: shuffles the train split before capping it.
        max_train: at most this many training examples (None: the profile's cap).
        max_eval: at most this many validation examples (None: all).

    Returns:
        ``(raw_datasets, label_names)``.

    Used in: ``helpers.train``.
    """
    loader = load_mrpc if task == "mrpc" else load_conll2003
    raw_datasets = loader(data_dir) if data_dir else loader()
    for split in ("train", "validation"):
        if split not in raw_datasets:
            raise KeyError(
                f"the data has no {split!r} split (it has {list(raw_datasets)}). Fix: point "
                "--data-dir at a folder holding all the task's files."
            )
    label_names = label_names_of(raw_datasets["train"], "label" if task == "mrpc" else "ner_tags")
    cap = profile.mrpc_train_samples if task == "mrpc" else profile.ner_train_samples
    max_train = max_train or cap
    if max_train and max_train < len(raw_datasets["train"]):
        raw_datasets["train"] = raw_datasets["train"].shuffle(seed=seed).select(range(max_train))
    if max_eval and max_eval < len(raw_datasets["validation"]):
        raw_datasets["validation"] = raw_datasets["validation"].select(range(max_eval))
    return raw_datasets, label_names


def prepare_datasets(task: str, raw_datasets, tokenizer, recipe, label_names: list[str]):
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


def make_collator(task: str, tokenizer, pad_to_multiple_of: int | None = None):
    """The task's padding collator, dropping the ``length`` column the samplers use.

    Args:
        task: ``"mrpc"`` (pads ids) or ``"ner"`` (also pads labels with -100).
        tokenizer: gives the padding token and side.
        pad_to_multiple_of: pad every batch to a multiple of this length (XLA), or None.

    Used in: ``make_dataloaders``.
    """
    from transformers import DataCollatorForTokenClassification, DataCollatorWithPadding

    cls = DataCollatorWithPadding if task == "mrpc" else DataCollatorForTokenClassification
    collator = cls(tokenizer=tokenizer, pad_to_multiple_of=pad_to_multiple_of)

    def collate(features: list[dict[str, Any]]):
        return collator([{k: v for k, v in f.items() if k != "length"} for f in features])

    return collate


def make_dataloaders(task, train_dataset, eval_dataset, tokenizer, recipe, seed, xla=False):
    """The training loader (seeded batch sampler) and the validation loader, in length order.

    Returns:
        ``(train_dataloader, eval_dataloader, batch_sampler)``; the sampler's epoch is set
        by the loop.

    Used in: ``helpers.train``.
    """
    import torch

    # evaluation in length order: the least padding, and the order does not change the scores
    eval_dataset = eval_dataset.sort("length", reverse=True)
    collate = make_collator(task, tokenizer, XLA_PAD_MULTIPLE if xla else None)
    sampler_cls = LengthGroupedBatchSampler if recipe.group_by_length else ShuffledBatchSampler
    batch_sampler = sampler_cls(train_dataset["length"], recipe.batch_size, seed=seed)
    train_dataloader = torch.utils.data.DataLoader(
        train_dataset, batch_sampler=batch_sampler, collate_fn=collate
    )
    eval_dataloader = torch.utils.data.DataLoader(
        eval_dataset, batch_size=max(32, recipe.batch_size * 2), collate_fn=collate
    )
    return train_dataloader, eval_dataloader, batch_sampler


__all__ = [
    "XLA_PAD_MULTIPLE",
    "LengthGroupedBatchSampler",
    "ShuffledBatchSampler",
    "load_task_data",
    "make_collator",
]
