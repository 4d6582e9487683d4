"""Chapter 3's exercise checks: each solution passes, each stub is "not attempted", and
typical wrong answers are rejected with their own message. The SST-2 loop trains the tiny
model for a few seconds, once; its wrong answers reuse that run."""

import math

import pytest
import torch
from classroom_testing import (  # not_strict: an autouse fixture
    assert_not_attempted,
    assert_passes,
    assert_rejected,
    covers_every_exercise,
    not_strict,  # noqa: F401
    run,
)
from torch.utils.data import DataLoader
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    get_scheduler,
)

import helpers

KEYS = ["sst2_loop_data", "num_steps", "accuracy_of", "sst2_loop"]


@pytest.fixture(scope="module")
def context():
    """The names chapter 3's notebook has when its exercises run."""
    profile = helpers.get_profile("embedded")
    checkpoint = helpers.model_checkpoint(profile, "mrpc")
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    data_collator = DataCollatorWithPadding(tokenizer=tokenizer)
    validation = helpers.load_mrpc()["validation"].map(
        helpers.tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer}
    )
    validation = validation.remove_columns(["sentence1", "sentence2", "idx"])
    validation = validation.rename_column("label", "labels")
    validation.set_format("torch")
    torch.manual_seed(0)
    return {
        "helpers": helpers,
        "profile": profile,
        "checkpoint": checkpoint,
        "tokenizer": tokenizer,
        "data_collator": data_collator,
        "model": AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2),
        "eval_dataloader": DataLoader(validation, batch_size=16, collate_fn=data_collator),
        "device": torch.device("cpu"),
        "lr": 3e-3,
        "num_epochs": 2,
        "batch_size": 16,
        "seed": 42,
        "math": math,
        "torch": torch,
        "DataLoader": DataLoader,
        "AutoModelForSequenceClassification": AutoModelForSequenceClassification,
        "get_scheduler": get_scheduler,
    }


@pytest.fixture(scope="module")
def prepared(context):
    """The namespace after the first three solutions ran (the SST-2 data, steps, accuracy_of)."""
    namespace = dict(context)
    for key in KEYS[:3]:
        namespace = assert_passes(3, key, namespace)
    return namespace


@pytest.fixture(scope="module")
def trained(prepared):
    """The namespace after the SST-2 loop ran (a few seconds of training)."""
    return assert_passes(3, "sst2_loop", prepared)


@pytest.mark.parametrize("key", KEYS)
def test_stub_is_not_attempted(prepared, key):
    assert_not_attempted(3, key, prepared)


def test_solutions_pass(prepared, trained):
    assert trained["sst2_accuracy"] >= 0.8


WRONG = [
    # 3.1: label not renamed; raw text kept; no torch format; pairs; a shuffled subset
    (
        "sst2_loop_data",
        "sst2_loop_datasets = sst2_loop_datasets.rename_column('labels', 'label')",
        "rename",
    ),
    (
        "sst2_loop_data",
        "sst2_loop_datasets = sst2_datasets.map(lambda e: tokenizer(e['sentence']), batched=True)",
        "text_columns",
    ),
    ("sst2_loop_data", "sst2_loop_datasets = sst2_loop_datasets.with_format(None)", "format"),
    (
        "sst2_loop_data",
        "sst2_loop_datasets = sst2_datasets.map(lambda e: tokenizer(e['sentence'], "
        "e['sentence']), batched=True, remove_columns=['sentence', 'idx'])"
        ".rename_column('label', 'labels').with_format('torch')",
        "pair",
    ),
    (
        "sst2_loop_data",
        "sst2_loop_datasets['train'] = sst2_loop_datasets['train'].shuffle(seed=1)",
        "labels_order",
    ),
    ("sst2_loop_data", "sst2_loop_datasets = sst2_datasets", "not_tokenized"),
    # 3.2: rounded down; one epoch; examples instead of batches
    ("num_steps", "sst2_steps = 3 * (len(sst2_loop_datasets['train']) // 32)", "floor"),
    ("num_steps", "sst2_steps = math.ceil(len(sst2_loop_datasets['train']) / 32)", "one_epoch"),
    ("num_steps", "sst2_steps = 3 * len(sst2_loop_datasets['train'])", "examples"),
    ("num_steps", "sst2_steps = 12.5", "not_whole"),
    # 3.3: model left training; divided by batches; argmax without dim; a tensor; a wrong value
    (
        "accuracy_of",
        "_reference = accuracy_of\n"
        "def accuracy_of(model, dataloader):\n"
        "    value = _reference(model, dataloader)\n"
        "    model.train()\n"
        "    return value",
        "left_training",
    ),
    (
        "accuracy_of",
        "def accuracy_of(model, dataloader):\n"
        "    model.eval()\n"
        "    correct = 0\n"
        "    for batch in dataloader:\n"
        "        with torch.inference_mode():\n"
        "            logits = model(**batch).logits\n"
        "        correct += (logits.argmax(dim=-1) == batch['labels']).sum().item()\n"
        "    return correct / len(dataloader)",
        "per_batch",
    ),
    (
        "accuracy_of",
        "def accuracy_of(model, dataloader):\n"
        "    model.eval()\n"
        "    correct = total = 0\n"
        "    for batch in dataloader:\n"
        "        with torch.inference_mode():\n"
        "            logits = model(**batch).logits\n"
        "        correct += (logits.argmax() == batch['labels']).sum().item()\n"
        "        total += len(batch['labels'])\n"
        "    return correct / total",
        "argmax_flat",
    ),
    (
        "accuracy_of",
        "_reference = accuracy_of\n"
        "def accuracy_of(model, dataloader):\n"
        "    return torch.tensor(_reference(model, dataloader))",
        "not_float",
    ),
    (
        "accuracy_of",
        "_reference = accuracy_of\n"
        "def accuracy_of(model, dataloader):\n"
        "    return _reference(model, dataloader) * 0.9",
        "value_wrong",
    ),
]
# 3.3 and 3.4 on the trained run: dropout left on; the training split's accuracy; no training
TRAINED_WRONG = [
    (
        # an untrained model, scored on the training split (a trained one may score 1.0 on both)
        "sst2_loop",
        "torch.manual_seed(0)\n"
        "sst2_model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)\n"
        "train_loader = DataLoader(sst2_loop_datasets['train'], batch_size=64, "
        "collate_fn=data_collator)\n"
        "sst2_accuracy = accuracy_of(sst2_model, train_loader)",
        "metric_on_train",
    ),
    ("sst2_loop", "sst2_accuracy = 1.5", "accuracy_range"),
    ("sst2_loop", "sst2_accuracy = round(1 - sst2_accuracy, 3)", "metric_mismatch"),
    (
        "sst2_loop",
        "torch.manual_seed(1)\n"
        "sst2_model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)\n"
        "sst2_accuracy = accuracy_of(sst2_model, sst2_eval_dataloader)",
        "below_target",
    ),
    ("sst2_loop", "sst2_model = sst2_model.state_dict()", "not_model"),
]


def test_every_exercise_has_wrong_answers():
    covers_every_exercise(3, WRONG + TRAINED_WRONG)


@pytest.mark.parametrize("key, wrong, message", WRONG)
def test_wrong_answer_is_rejected(prepared, key, wrong, message):
    result, _ = run(3, key, prepared, wrong)
    assert_rejected(result, message)


@pytest.mark.parametrize("key, wrong, message", TRAINED_WRONG)
def test_wrong_trained_answer_is_rejected(trained, key, wrong, message):
    result, _ = run(3, key, trained, wrong)
    assert_rejected(result, message)


def test_forgetting_eval_is_named_when_dropout_changes_predictions(prepared):
    """With dropout on (the chapter's model), a function without model.eval() is caught."""
    wrong = (
        "def accuracy_of(model, dataloader):\n"
        "    correct = total = 0\n"
        "    for batch in dataloader:\n"
        "        logits = model(**batch).logits\n"
        "        correct += (logits.argmax(dim=-1) == batch['labels']).sum().item()\n"
        "        total += len(batch['labels'])\n"
        "    return correct / total"
    )
    result, _ = run(3, "accuracy_of", prepared, wrong)
    assert result.status == "failed" and result.key in ("train_mode", "left_training")
    assert "model.eval()" in result.problem
