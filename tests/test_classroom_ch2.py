"""Chapter 2's exercise checks: each solution passes, each stub is "not attempted", and
typical wrong answers are rejected with their own message. The SST-2 exercise trains the
tiny model for a few seconds, once; its wrong answers reuse that run."""

import dataclasses
import tempfile

import datasets
import numpy as np
import pytest
from classroom_testing import (  # not_strict: an autouse fixture
    assert_not_attempted,
    assert_passes,
    assert_rejected,
    covers_every_exercise,
    not_strict,  # noqa: F401
    run,
    solution,
)
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

import helpers
from helpers.classroom.core import PASSED

KEYS = ["element_labels", "pair_vs_separate", "dynamic_padding", "sst2_trainer"]


def compute_metrics(eval_preds):
    logits, labels = eval_preds
    predictions = np.argmax(logits, axis=-1)
    return helpers.load_metric("glue", "mrpc").compute(predictions=predictions, references=labels)


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """The names chapter 2's notebook has when its exercises run."""
    profile = helpers.get_profile("embedded")
    raw_datasets = helpers.load_mrpc()
    checkpoint = helpers.model_checkpoint(profile, "mrpc")
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    train = raw_datasets["train"]
    recipe = helpers.recipe_for(profile.name, "mrpc")
    training_args = TrainingArguments(
        output_dir=str(tmp_path_factory.mktemp("mrpc")),
        learning_rate=recipe.lr,
        per_device_train_batch_size=recipe.batch_size,
        num_train_epochs=recipe.epochs,
        report_to="none",
        seed=42,
    )
    return {
        "helpers": helpers,
        "profile": profile,
        "raw_datasets": raw_datasets,
        "checkpoint": checkpoint,
        "tokenizer": tokenizer,
        "tokenized_dataset": tokenizer(
            list(train["sentence1"]), list(train["sentence2"]), padding=True, truncation=True
        ),
        "tokenized_datasets": raw_datasets.map(
            lambda e: tokenizer(e["sentence1"], e["sentence2"], truncation=True), batched=True
        ),
        "data_collator": DataCollatorWithPadding(tokenizer=tokenizer),
        "training_args": training_args,
        "model_settings": helpers.model_overrides(checkpoint, recipe),
        "compute_metrics": compute_metrics,
        "AutoModelForSequenceClassification": AutoModelForSequenceClassification,
        "Trainer": Trainer,
        "dataclasses": dataclasses,
        "tempfile": tempfile,
    }


@pytest.fixture(scope="module")
def trained(context):
    """The namespace after the SST-2 solution ran (a few seconds of training)."""
    return assert_passes(2, "sst2_trainer", context)


@pytest.mark.parametrize("key", KEYS)
def test_stub_is_not_attempted(context, key):
    assert_not_attempted(2, key, context)


@pytest.mark.parametrize("key", [k for k in KEYS if k != "sst2_trainer"])
def test_solution_passes(context, key):
    assert_passes(2, key, context)


def test_sst2_solution_passes(trained):
    assert trained["sst2_metrics"]["eval_accuracy"] >= 0.8


WRONG = [
    # 2.1: ids instead of names; element 16 (counting from 1); element 87 of the train split
    ("element_labels", "element_labels = (1, 0)", "ids_not_names"),
    (
        "element_labels",
        "element_labels = ('x', element_labels[1])",
        "unknown_names",
    ),
    # 2.2: one joined string; the pair tokenized separately; the wrong sign; no pair at all
    (
        "pair_vs_separate",
        "as_pair = tokenizer(pair_example['sentence1'] + ' ' + pair_example['sentence2'])",
        "joined_string",
    ),
    ("pair_vs_separate", "as_pair = separately[0]", "pair_is_separate"),
    (
        "pair_vs_separate",
        "as_pair = tokenizer(pair_example['sentence2'], pair_example['sentence1'])",
        "swapped",
    ),
    ("pair_vs_separate", "pair_minus_separate = -pair_minus_separate", "sign"),
    ("pair_vs_separate", "separately = (as_pair, separately[1])", "separately_is_pair"),
    ("pair_vs_separate", "pair_minus_separate = 3", "difference"),
    # 2.3: the batch above (examples 0-7); the whole split; swapped answers
    (
        "dynamic_padding",
        "samples = {k: v for k, v in tokenized_datasets['train'][:8].items() if k in "
        "('input_ids', 'attention_mask', 'token_type_ids', 'label')}\n"
        "batch_length = data_collator(samples)['input_ids'].shape[1]",
        "first_batch",
    ),
    ("dynamic_padding", "batch_length = whole_split_length", "batch_is_whole"),
    ("dynamic_padding", "whole_split_length = batch_length", "whole_is_batch"),
    ("dynamic_padding", "batch_length = float(batch_length)", "not_a_number"),
]
# 2.4 reuses the trained run: metrics of the training split, an untrained model, pairs
SST2_WRONG = [
    ("sst2_trainer", "sst2_metrics = sst2_trainer.evaluate(sst2_train)", "metric_on_train"),
    ("sst2_trainer", "sst2_metrics = {'eval_loss': 0.1}", "metrics_keys"),
    ("sst2_trainer", "sst2_metrics = dict(sst2_metrics, eval_accuracy=0.5)", "metric_mismatch"),
    (
        "sst2_trainer",
        "sst2_trainer = Trainer(\n"
        "    AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2),\n"
        "    sst2_args, train_dataset=sst2_train, processing_class=tokenizer,\n"
        "    data_collator=data_collator, compute_metrics=compute_metrics)\n"
        "sst2_metrics = sst2_trainer.evaluate(sst2_validation)",
        "below_target",
    ),
    (
        "sst2_trainer",
        "pairs = sst2_datasets['train'].map(\n"
        "    lambda e: tokenizer(e['sentence'], e['sentence'], truncation=True), batched=True)\n"
        "sst2_trainer = Trainer(sst2_model, sst2_args, train_dataset=pairs,\n"
        "    processing_class=tokenizer, data_collator=data_collator)",
        "pair_tokenized",
    ),
    (
        "sst2_trainer",
        "sst2_trainer = Trainer(sst2_model, sst2_args, train_dataset=sst2_validation,\n"
        "    processing_class=tokenizer, data_collator=data_collator)",
        "trained_on_validation",
    ),
    (
        "sst2_trainer",
        "sst2_trainer = Trainer(\n"
        "    AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=3),\n"
        "    sst2_args, train_dataset=sst2_train, processing_class=tokenizer)",
        "num_labels",
    ),
]


def test_every_exercise_has_wrong_answers():
    covers_every_exercise(2, WRONG + SST2_WRONG)


@pytest.mark.parametrize("key, wrong, message", WRONG)
def test_wrong_answer_is_rejected(context, key, wrong, message):
    result, _ = run(2, key, context, solution(2, key), wrong)
    assert_rejected(result, message)


@pytest.mark.parametrize("key, wrong, message", SST2_WRONG)
def test_wrong_sst2_answer_is_rejected(trained, key, wrong, message, monkeypatch):
    if message == "metric_on_train":
        # the tiny model may learn the toy reviews perfectly, and then both splits score 1.0
        # and no check could tell them apart: the validation split scores 0.5 here, so the
        # accuracy on the training split is the only one that matches what the learner reported
        from helpers.classroom import sst2

        real = sst2.accuracy

        def accuracy(model, tokenizer, dataset, batch_size=64):
            if dataset is sst2.sst2_split("validation"):
                return 0.5
            return real(model, tokenizer, dataset, batch_size)

        monkeypatch.setattr(sst2, "accuracy", accuracy)
    result, _ = run(2, key, trained, wrong)
    assert_rejected(result, message)


def test_off_by_one_and_wrong_split_are_named(context):
    """Row 14 (element 15 counted from 1) for 15, train for validation: each named.

    On labels chosen so that rows 14 and 15, and train[87] and validation[87], differ (the
    toy data's do not), so that both rejections are always exercised."""
    raw = context["raw_datasets"]
    feature = raw["train"].features["label"]
    train_labels = [0] * 100
    train_labels[15] = 1
    features = datasets.Features({"label": feature})
    table = datasets.DatasetDict(
        train=datasets.Dataset.from_dict({"label": train_labels}, features=features),
        validation=datasets.Dataset.from_dict({"label": [1] * 100}, features=features),
    )
    names = feature.names
    contrasting = {**context, "raw_datasets": table}
    answer = f"element_labels = ({names[0]!r}, {names[1]!r})"  # row 14's label
    result, _ = run(2, "element_labels", contrasting, answer)
    assert_rejected(result, "off_by_one")
    answer = f"element_labels = ({names[1]!r}, {names[0]!r})"  # train[87]'s label
    result, _ = run(2, "element_labels", contrasting, answer)
    assert_rejected(result, "wrong_split")
    right = f"element_labels = ({names[1]!r}, {names[1]!r})"
    assert run(2, "element_labels", contrasting, right)[0].status == PASSED

    def name(split, i):
        return feature.int2str(raw[split][i]["label"])

    opposite = {n: m for n, m in zip(feature.names, reversed(feature.names))}
    answer = f"element_labels = ({opposite[name('train', 15)]!r}, 'equivalent')"
    result, _ = run(2, "element_labels", context, answer)
    off_by_one = opposite[name("train", 15)] == name("train", 14)
    assert_rejected(result, "off_by_one" if off_by_one else "train_wrong")
