"""Checks of chapter 2's exercises (MRPC with the Trainer); texts in ``data/ch2.yaml``."""

from __future__ import annotations

from typing import Any

from helpers.classroom import sst2, text
from helpers.classroom.core import Checker, exercise
from helpers.i18n import N_

# --------------------------------------------------------------------------- 2.1


@exercise(2, "element_labels", call="element_labels, raw_datasets")
def element_labels(r: Checker, answer: Any, raw_datasets: Any) -> None:
    r.attempted(answer)
    r.require(isinstance(answer, (tuple, list)) and len(answer) == 2, "two_names")
    feature = raw_datasets["train"].features["label"]
    if all(isinstance(a, int) for a in answer):
        r.wrong("ids_not_names", got=tuple(answer))
    r.require(all(a in feature.names for a in answer), "unknown_names", names=feature.names)

    def name(split: str, index: int) -> str:
        return feature.int2str(raw_datasets[split][index]["label"])

    if answer[0] != name("train", 15):
        # counted from 1, "element 15" is the 15th row: raw_datasets["train"][14]
        key = "off_by_one" if answer[0] == name("train", 14) else "train_wrong"
        r.wrong(key, split="train", index=15, wrong=14)
    r.ok("train_ok")
    if answer[1] != name("validation", 87):
        wrong_split = answer[1] == name("train", 87)
        r.wrong("wrong_split" if wrong_split else "validation_wrong", index=87)
    r.ok("validation_ok")


# --------------------------------------------------------------------------- 2.2


def _ids(encoding: Any) -> list[int] | None:
    try:
        return list(encoding["input_ids"])
    except (KeyError, TypeError, IndexError):
        return None


@exercise(
    2,
    "pair_vs_separate",
    call="separately, as_pair, pair_minus_separate, raw_datasets, tokenizer",
)
def pair_vs_separate(
    r: Checker, separately: Any, as_pair: Any, difference: Any, raw_datasets: Any, tokenizer: Any
) -> None:
    r.attempted(separately, as_pair, difference)
    example = raw_datasets["train"][15]
    first, second = example["sentence1"], example["sentence2"]
    pair_ids = tokenizer(first, second)["input_ids"]
    alone = [tokenizer(first)["input_ids"], tokenizer(second)["input_ids"]]
    r.require(
        isinstance(separately, (tuple, list)) and len(separately) == 2,
        "separately_shape",
    )
    for i, (encoding, want) in enumerate(zip(separately, alone)):
        got = _ids(encoding)
        r.require(got is not None, "not_encoding", name=f"separately[{i}]")
        r.require(got != pair_ids, "separately_is_pair", i=i)
        r.require(got == want, "separately_wrong", i=i, sentence=i + 1)
    r.ok("separately_ok")
    got = _ids(as_pair)
    r.require(got is not None, "not_encoding", name="as_pair")
    if got != pair_ids:
        if got == tokenizer(first + " " + second)["input_ids"]:
            r.wrong("joined_string")
        if got in alone:
            r.wrong("pair_is_separate")
        if got == tokenizer(second, first)["input_ids"]:
            r.wrong("swapped")
        r.wrong("pair_wrong")
    r.ok("pair_ok")
    want = len(pair_ids) - len(alone[0]) - len(alone[1])
    r.require(isinstance(difference, int), "not_a_number", got=text.kind_of(difference))
    r.require(difference != -want, "sign", got=difference)
    if difference != want:
        r.wrong(
            "difference", got=difference, n_pair=len(pair_ids), n_a=len(alone[0]), n_b=len(alone[1])
        )
    r.ok("difference_ok", got=difference)


# --------------------------------------------------------------------------- 2.3


@exercise(2, "dynamic_padding", call="batch_length, whole_split_length, tokenized_datasets")
def dynamic_padding(
    r: Checker, batch_length: Any, whole_split_length: Any, tokenized_datasets: Any
) -> None:
    r.attempted(batch_length, whole_split_length)
    lengths = [len(ids) for ids in tokenized_datasets["train"]["input_ids"]]
    want_batch, want_whole = max(lengths[8:16]), max(lengths)
    for name, value in (("batch_length", batch_length), ("whole_split_length", whole_split_length)):
        r.require(
            isinstance(value, int) and not isinstance(value, bool),
            "not_a_number",
            name=name,
            got=text.kind_of(value),
        )
    if batch_length != want_batch:
        if batch_length == max(lengths[:8]):
            r.wrong("first_batch")
        if batch_length == want_whole:
            r.wrong("batch_is_whole")
        r.wrong("batch_wrong", got=batch_length)
    r.ok("batch_ok", n=batch_length)
    if whole_split_length != want_whole:
        key = "whole_is_batch" if whole_split_length == want_batch else "whole_wrong"
        r.wrong(key, got=whole_split_length)
    r.ok("whole_ok", n=whole_split_length)


# --------------------------------------------------------------------------- 2.4


@exercise(2, "sst2_trainer", call="sst2_trainer, sst2_metrics")
def sst2_trainer(r: Checker, trainer: Any, metrics: Any) -> None:
    from transformers import Trainer

    r.attempted(trainer, metrics)
    r.is_a(trainer, Trainer, "sst2_trainer", N_("a transformers Trainer"))
    tokenizer = trainer.processing_class
    r.require(tokenizer is not None, "no_tokenizer")
    train = trainer.train_dataset
    r.require(train is not None and "input_ids" in train.column_names, "no_train")
    validation = sst2.sst2_split("validation")
    if len(train) == len(validation) and train[0]["input_ids"] == _ids(
        tokenizer(validation[0]["sentence"])
    ):
        r.wrong("trained_on_validation")
    separators = train[0]["input_ids"].count(tokenizer.sep_token_id)
    r.require(separators == 1, "pair_tokenized", n=separators)
    r.ok("data_ok")
    r.is_a(metrics, dict, "sst2_metrics", N_("the dict that sst2_trainer.evaluate() returns"))
    r.require("eval_accuracy" in metrics, "metrics_keys", keys=sorted(metrics))
    sst2.check_model(r, trainer.model, tokenizer, metrics["eval_accuracy"])
