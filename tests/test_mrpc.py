"""MRPC with the Trainer (chapter 2): tokenizing pairs, the metrics, label checks, training.

Tiny inputs and the embedded profile's tiny model; the real-data tier reads the GLUE files
and the real all-MiniLM-L6-v2 tokenizer, and skips when they are absent.
"""

import numpy as np
import pytest

from helpers.data import load_mrpc
from helpers.mrpc import check_label_values, compute_metrics, tokenize_function
from helpers.profiles import get_profile

PAIRS = {
    "sentence1": ["The cat sat on the mat .", "Stocks rose on Thursday ."],
    "sentence2": ["A cat was sitting on the mat .", "Shares fell sharply ."],
    "label": [1, 0],
}


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


# --------------------------------------------------------------------------- tokenize_function


def test_pairs_become_one_sequence_with_segment_ids(tokenizer):
    encoded = tokenize_function(PAIRS, tokenizer)
    assert {"input_ids", "token_type_ids", "attention_mask"} <= set(encoded)
    for input_ids, token_type_ids, s2 in zip(
        encoded["input_ids"], encoded["token_type_ids"], PAIRS["sentence2"]
    ):
        tokens = tokenizer.convert_ids_to_tokens(input_ids)
        assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and tokens.count("[SEP]") == 2
        first_sep = tokens.index("[SEP]")
        # segment 0: [CLS] sentence1 [SEP]; segment 1: sentence2 [SEP]
        assert token_type_ids == [0] * (first_sep + 1) + [1] * (len(tokens) - first_sep - 1)
        alone = tokenizer(s2)["input_ids"]
        assert input_ids[first_sep + 1 :] == alone[1:]
    # no padding: each pair keeps its own length, the collator pads later
    lengths = [len(ids) for ids in encoded["input_ids"]]
    assert len(set(lengths)) == 2


def test_max_length_truncates(tokenizer):
    encoded = tokenize_function(PAIRS, tokenizer, max_length=8)
    assert [len(ids) for ids in encoded["input_ids"]] == [8, 8]


def test_works_in_batched_map(tokenizer):
    from datasets import Dataset

    tokenized = Dataset.from_dict(PAIRS).map(
        tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer}
    )
    assert tokenized.column_names == [
        "sentence1",
        "sentence2",
        "label",
        "input_ids",
        "token_type_ids",
        "attention_mask",
    ]


@pytest.mark.parametrize("missing", ["sentence1", "sentence2"])
def test_missing_column_is_named_with_the_fix(tokenizer, missing):
    batch = {k: v for k, v in PAIRS.items() if k != missing}
    with pytest.raises(KeyError, match=rf"no '{missing}' column .*Fix: rename"):
        tokenize_function(batch, tokenizer)


# --------------------------------------------------------------------------- compute_metrics


def test_compute_metrics_known_values():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.0, 1.0]])
    labels = np.array([0, 1, 1, 1])
    # predictions 0 1 0 1: 3 of 4 right; precision 2/2, recall 2/3, F1 0.8
    assert compute_metrics((logits, labels)) == pytest.approx({"accuracy": 0.75, "f1": 0.8})


def test_compute_metrics_takes_the_trainers_eval_prediction():
    from transformers import EvalPrediction

    preds = EvalPrediction(
        predictions=np.array([[0.1, 0.9], [0.8, 0.2]]), label_ids=np.array([1, 0])
    )
    assert compute_metrics(preds) == {"accuracy": 1.0, "f1": 1.0}


# --------------------------------------------------------------------------- check_label_values


@pytest.mark.parametrize("labels", [[0, 1, 1, 0], [1, -100, 0], [-100, -100], []])
def test_label_values_in_range_pass(labels):
    check_label_values(labels, 2)


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 1, 2], r"has label 2 outside 0\.\.1 \(2 labels\)\. Fix: .*num_labels=3"),
        ([0, -1], r"has label -1 outside 0\.\.1 .*Fix: map labels to ids 0\.\.1"),
    ],
)
def test_label_values_out_of_range_name_the_fix(labels, message):
    with pytest.raises(ValueError, match=message):
        check_label_values(labels, 2, where="the train split")


def test_label_error_names_where():
    with pytest.raises(ValueError, match="^the train split has label 5"):
        check_label_values(np.array([5]), 2, where="the train split")


# --------------------------------------------------------------------------- the Trainer path


@pytest.fixture
def one_thread():
    """One CPU thread: the tiny model has nothing worth splitting, and two OpenMP threads that
    spin-wait against other busy processes made this test ten times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_trainer_loss_goes_down(tiny_model, tmp_path, one_thread):
    """The notebook's Trainer set-up, on 48 toy pairs: the loss on them falls with training."""
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    from helpers.train import recipe_for

    recipe = recipe_for("embedded", "mrpc")
    # the embedded toy pairs whatever COURSE_PROFILE says: no Hub, seconds
    raw_train = load_mrpc(get_profile("embedded").mrpc_data)["train"].select(range(48))
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    train_dataset = raw_train.map(
        tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer}
    )
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model, num_labels=2)
    args = TrainingArguments(
        output_dir=str(tmp_path),
        eval_strategy="epoch",
        save_strategy="no",
        learning_rate=recipe.lr,
        per_device_train_batch_size=8,
        num_train_epochs=5,
        warmup_steps=recipe.warmup_ratio,  # a float below 1 is a ratio of all steps
        train_sampling_strategy="group_by_length",
        logging_steps=2,
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
    )
    trainer = Trainer(
        model,
        args,
        train_dataset=train_dataset,
        eval_dataset=train_dataset,
        data_collator=DataCollatorWithPadding(tokenizer=tokenizer),
        processing_class=tokenizer,
        compute_metrics=compute_metrics,
    )
    before = trainer.evaluate()["eval_loss"]
    trainer.train()
    after = trainer.evaluate()
    assert after["eval_loss"] < before - 0.02, (before, after["eval_loss"])
    assert {"eval_accuracy", "eval_f1"} <= set(after)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert len(losses) == 15  # 6 steps an epoch, 5 epochs, one log every 2 steps
    assert np.mean(losses[-3:]) < np.mean(losses[:3])
    # length-grouped evaluation batches: predict() returns the pairs in another order
    predictions = trainer.predict(train_dataset)
    assert sorted(predictions.label_ids) == sorted(raw_train["label"])
    assert list(predictions.label_ids) != list(raw_train["label"])


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_pairs_fit_in_128_tokens_of_the_real_tokenizer(real_data, real_model):
    from transformers import AutoTokenizer

    raw_datasets = load_mrpc(str(real_data / "mrpc"))
    assert {k: len(v) for k, v in raw_datasets.items()} == {
        "train": 3668,
        "validation": 408,
        "test": 1725,
    }
    tokenizer = AutoTokenizer.from_pretrained(real_model)
    train = raw_datasets["train"][:]
    encoded = tokenize_function(train, tokenizer)
    lengths = np.array([len(ids) for ids in encoded["input_ids"]])
    # measured with all-MiniLM-L6-v2's (bert-base-uncased) vocabulary: 19..103, mean 53.24
    assert (lengths.min(), lengths.max()) == (19, 103)
    assert 53.0 < lengths.mean() < 53.5
    # so the kit's max_length=128 truncates nothing: the same ids with and without it
    assert tokenize_function(train, tokenizer, max_length=128)["input_ids"] == encoded["input_ids"]
    # token_type_ids mark sentence2 and the final [SEP]: its own length minus [CLS]
    alone = tokenizer(train["sentence2"])["input_ids"]
    assert [sum(t) for t in encoded["token_type_ids"]] == [len(ids) - 1 for ids in alone]
    first = tokenizer.convert_ids_to_tokens(encoded["input_ids"][0])
    assert first[:4] == ["[CLS]", "am", "##ro", "##zi"] and first.count("[SEP]") == 2
