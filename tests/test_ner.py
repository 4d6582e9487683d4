"""Token classification (chapter 7.2): alignment, truncation, collation, metrics, training, pipeline.

Tiny inputs built here and the tiny offline model; the real-data test reads ../shared/data.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from helpers.models import check_num_labels
from helpers.ner import (
    IGNORE_INDEX,
    align_labels_first_subtoken,
    align_labels_with_tokens,
    check_fast_tokenizer,
    check_tokens_and_tags,
    label_maps_from_names,
    make_compute_metrics,
    postprocess,
    tokenize_and_align_labels,
)
from helpers.schema import NER_NAMES

# The course's example: "EU rejects German call to boycott British lamb ." with bert-base-cased,
# which splits "lamb" into "la" + "##mb" (word 7 twice).
COURSE_TAGS = [3, 0, 7, 0, 0, 0, 7, 0, 0]
COURSE_WORD_IDS = [None, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, None]
SENTENCE = "Anna Berg joined Corvid Labs in Valmora ."


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


@pytest.fixture(scope="module")
def conll():
    from helpers.data import load_conll2003
    from helpers.profiles import EMBEDDED_DIR

    return load_conll2003(str(EMBEDDED_DIR / "conll2003"))


def batch_of(*sentences: tuple[list[str], list[int]]) -> dict[str, list]:
    return {"tokens": [s[0] for s in sentences], "ner_tags": [s[1] for s in sentences]}


# --------------------------------------------------------------------------- alignment


@pytest.mark.parametrize(
    ("labels", "word_ids", "expected"),
    [
        (COURSE_TAGS, COURSE_WORD_IDS, [-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100]),
        # every B-X continued by a sub-token becomes I-X (odd id + 1)
        ([1, 3, 5, 7], [None, 0, 0, 1, 1, 2, 2, 3, 3, None], [-100, 1, 2, 3, 4, 5, 6, 7, 8, -100]),
        # I-X and O stay as they are on continuation pieces
        ([2, 0], [None, 0, 0, 0, 1, 1, None], [-100, 2, 2, 2, 0, 0, -100]),
        ([], [None, None], [-100, -100]),
    ],
)
def test_align_labels_with_tokens(labels, word_ids, expected):
    assert align_labels_with_tokens(labels, word_ids) == expected


@pytest.mark.parametrize(
    ("labels", "word_ids", "expected"),
    [
        (COURSE_TAGS, COURSE_WORD_IDS, [-100, 3, 0, 7, 0, 0, 0, 7, 0, -100, 0, -100]),
        ([1, 2], [None, 0, 0, 0, 1, None], [-100, 1, -100, -100, 2, -100]),
    ],
)
def test_align_labels_first_subtoken(labels, word_ids, expected):
    assert align_labels_first_subtoken(labels, word_ids) == expected


def test_a_word_without_a_tag_is_a_clear_error():
    with pytest.raises(ValueError, match="saw word 2 but there are only 2 labels"):
        align_labels_first_subtoken([1, 2], [None, 0, 1, 2, None])


def test_the_course_alignment_fails_plainly_but_the_batch_check_names_the_fix(tokenizer):
    # the course's align_labels_with_tokens indexes the labels as they are (an IndexError);
    # tokenize_and_align_labels checks the lengths first and says what to fix
    with pytest.raises(IndexError):
        align_labels_with_tokens([1, 2], [None, 0, 1, 2, None])
    with pytest.raises(ValueError, match="example 0: 3 tokens but 2 tags"):
        tokenize_and_align_labels(batch_of((["a", "b", "c"], [1, 2])), tokenizer)


def test_tokenize_and_align_labels_follows_word_ids(tokenizer):
    words = ["Ivan", "Petrov", "won", "the", "Westland", "Derby", "in", "Sunhaven", "."]
    tags = [1, 2, 0, 0, 7, 8, 0, 5, 0]
    out = tokenize_and_align_labels(batch_of((words, tags)), tokenizer, num_labels=9)
    word_ids = out.word_ids(0)
    assert len(set(word_ids)) < len(word_ids) - 1  # some word is split into sub-tokens
    assert out["labels"][0] == align_labels_with_tokens(tags, word_ids)
    first = tokenize_and_align_labels(batch_of((words, tags)), tokenizer, label_all_tokens=False)
    assert first["labels"][0] == align_labels_first_subtoken(tags, word_ids)


def test_truncation_keeps_labels_aligned(tokenizer):
    # 60 words, some split into two pieces: far longer than 16 tokens
    words = ["Sunhaven", "won", "in", "Westland", "."] * 12
    tags = [5, 0, 0, 5, 0] * 12
    out = tokenize_and_align_labels(batch_of((words, tags)), tokenizer, max_length=16)
    labels, word_ids = out["labels"][0], out.word_ids(0)
    assert len(out["input_ids"][0]) == len(labels) == 16
    assert labels[0] == labels[-1] == IGNORE_INDEX  # [CLS] and [SEP] survive truncation
    kept_words = [w for w in word_ids if w is not None]
    assert max(kept_words) < len(words) - 1  # the sentence was cut
    for i, w in enumerate(word_ids):
        if w is not None:
            expected = tags[w] if w != word_ids[i - 1] else (tags[w] + tags[w] % 2)
            assert labels[i] == expected


def test_map_batched_removes_columns(tokenizer, conll):
    tokenized = conll["validation"].map(
        tokenize_and_align_labels,
        batched=True,
        remove_columns=conll["validation"].column_names,
        fn_kwargs={"tokenizer": tokenizer, "num_labels": 9},
    )
    assert tokenized.column_names == ["input_ids", "token_type_ids", "attention_mask", "labels"]
    assert all(len(a) == len(b) for a, b in zip(tokenized["input_ids"], tokenized["labels"]))


# --------------------------------------------------------------------------- bad input


def slow_tokenizer(tiny_model, tmp_path):
    """A genuine Python (slow) BERT tokenizer over the tiny model's vocabulary."""
    from transformers import AutoTokenizer, BertTokenizerLegacy

    vocab = AutoTokenizer.from_pretrained(tiny_model).get_vocab()
    vocab_file = tmp_path / "vocab.txt"
    vocab_file.write_text("\n".join(sorted(vocab, key=vocab.get)) + "\n", encoding="utf-8")
    return BertTokenizerLegacy(vocab_file=str(vocab_file))


def test_slow_tokenizer_is_refused_with_a_fix(tiny_model, tmp_path):
    slow = slow_tokenizer(tiny_model, tmp_path)
    assert not slow.is_fast
    with pytest.raises(TypeError, match=r"BertTokenizerLegacy is a slow .* AutoTokenizer"):
        check_fast_tokenizer(slow)
    with pytest.raises(TypeError, match="cannot give word_ids"):
        tokenize_and_align_labels(batch_of((["EU"], [3])), slow)


def test_an_object_without_is_fast_is_refused():
    with pytest.raises(TypeError, match="SimpleNamespace is a slow"):
        check_fast_tokenizer(SimpleNamespace())


@pytest.mark.parametrize("bad_tag", [9, -1, "B-ORG", 3.0, True])
def test_tag_outside_the_label_set(tokenizer, bad_tag):
    with pytest.raises(ValueError, match=r"example 0: tag .* is not a label id in 0\.\.8"):
        tokenize_and_align_labels(
            batch_of((["EU", "rejects"], [bad_tag, 0])), tokenizer, num_labels=9
        )


def test_tokens_and_tags_of_different_lengths(tokenizer):
    with pytest.raises(ValueError, match="example 1: 2 tokens but 3 tags"):
        check_tokens_and_tags([["EU"], ["EU", "rejects"]], [[3], [3, 0, 0]], num_labels=9)
    with pytest.raises(ValueError, match="2 token lists but 1 tag lists"):
        check_tokens_and_tags([["EU"], ["EU"]], [[3]], num_labels=9)
    # without num_labels the mismatch still cannot pass silently
    with pytest.raises(ValueError, match="example 0: 2 tokens but 1 tags"):
        tokenize_and_align_labels(batch_of((["EU", "rejects"], [3])), tokenizer)


def test_an_unbatched_example_is_explained(tokenizer):
    with pytest.raises(ValueError, match="batched=True"):
        tokenize_and_align_labels({"tokens": ["EU", "rejects"], "ner_tags": [3, 0]}, tokenizer)


def test_missing_column(tokenizer):
    with pytest.raises(KeyError, match="no 'ner_tags' column"):
        tokenize_and_align_labels({"tokens": [["EU"]]}, tokenizer)


def test_model_with_the_wrong_number_of_labels():
    model = SimpleNamespace(config=SimpleNamespace(num_labels=2))
    with pytest.raises(ValueError, match=r"has 9 labels but the model was built with num_labels=2"):
        check_num_labels(model, len(NER_NAMES))


# --------------------------------------------------------------------------- collator


def test_collator_pads_labels_with_minus_100(tokenizer):
    from transformers import DataCollatorForTokenClassification

    features = tokenize_and_align_labels(
        batch_of(
            (["EU", "rejects", "Westland", "lamb", "."], [3, 0, 5, 0, 0]), (["Sunhaven"], [5])
        ),
        tokenizer,
    )
    examples = [{k: features[k][i] for k in features} for i in range(2)]
    batch = DataCollatorForTokenClassification(tokenizer=tokenizer)(examples)
    long_len, short_len = (len(e["labels"]) for e in examples)
    assert batch["labels"].shape == batch["input_ids"].shape == (2, long_len)
    assert batch["labels"][1, :short_len].tolist() == examples[1]["labels"]
    assert (batch["labels"][1, short_len:] == IGNORE_INDEX).all()
    assert (batch["input_ids"][1, short_len:] == tokenizer.pad_token_id).all()
    assert (batch["attention_mask"][1, short_len:] == 0).all()


# --------------------------------------------------------------------------- metrics


def test_seqeval_course_example():
    from helpers.metrics import load_metric

    labels = [NER_NAMES[i] for i in COURSE_TAGS]
    assert labels == ["B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"]
    predictions = labels.copy()
    predictions[2] = "O"
    results = load_metric("seqeval").compute(predictions=[predictions], references=[labels])
    assert results["overall_precision"] == 1.0
    assert round(results["overall_recall"], 2) == 0.67
    assert results["overall_f1"] == pytest.approx(0.8)
    assert round(results["overall_accuracy"], 2) == 0.89


def test_postprocess_returns_predictions_first():
    # two true entities; the model finds one and invents none: precision 1, recall 0.5.
    # Swapping predictions and labels would give precision 0.5, recall 1.
    labels = np.array([[-100, 1, 2, 0, 5, -100, -100]])
    predictions = np.array([[0, 1, 2, 0, 0, 7, 7]])  # -100 positions hold anything
    true_predictions, true_labels = postprocess(predictions, labels, NER_NAMES)
    assert true_labels == [["B-PER", "I-PER", "O", "B-LOC"]]
    assert true_predictions == [["B-PER", "I-PER", "O", "O"]]
    scores = make_compute_metrics(NER_NAMES)((np.eye(9)[predictions], labels))
    assert scores["precision"] == 1.0 and scores["recall"] == 0.5


def test_postprocess_takes_tensors_padded_with_minus_100():
    # pad_across_processes pads predictions with -100 too; those positions must not be indexed
    predictions = torch.tensor([[3, 4, -100], [1, -100, -100]])
    labels = torch.tensor([[3, 4, -100], [1, -100, -100]])
    assert postprocess(predictions, labels, NER_NAMES) == (
        [["B-ORG", "I-ORG"], ["B-PER"]],
        [["B-ORG", "I-ORG"], ["B-PER"]],
    )


def test_label_maps_round_trip():
    id2label, label2id = label_maps_from_names(NER_NAMES)
    assert len(id2label) == 9 and all(label2id[id2label[i]] == i for i in id2label)


# --------------------------------------------------------------------------- training


@pytest.fixture(scope="module")
def trained(tiny_model, tokenizer, conll, tmp_path_factory):
    """A Trainer run on part of the toy data (fp32, one process), saved with its tokenizer."""
    from accelerate.state import AcceleratorState, GradientState
    from transformers import (
        AutoModelForTokenClassification,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    # Accelerate keeps one state per process; another test may have left bf16 in it
    AcceleratorState._reset_state()
    GradientState._reset_state()
    set_seed(0)
    id2label, label2id = label_maps_from_names(NER_NAMES)
    tokenized = conll.map(
        tokenize_and_align_labels,
        batched=True,
        remove_columns=conll["train"].column_names,
        fn_kwargs={"tokenizer": tokenizer, "num_labels": 9},
    )
    model = AutoModelForTokenClassification.from_pretrained(
        tiny_model, id2label=id2label, label2id=label2id
    )
    output_dir = tmp_path_factory.mktemp("ner-trainer")
    args = TrainingArguments(
        str(output_dir / "run"),
        eval_strategy="epoch",
        save_strategy="no",
        learning_rate=3e-3,
        num_train_epochs=4,
        per_device_train_batch_size=16,
        warmup_steps=0.1,
        logging_strategy="epoch",
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=tokenized["train"].select(range(160)),
        eval_dataset=tokenized["validation"].select(range(32)),
        data_collator=DataCollatorForTokenClassification(tokenizer=tokenizer),
        compute_metrics=make_compute_metrics(NER_NAMES),
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(output_dir / "model")
    yield trainer, output_dir / "model"
    AcceleratorState._reset_state()
    GradientState._reset_state()


def test_trainer_loss_goes_down(trained):
    trainer, _ = trained
    losses = [log["loss"] for log in trainer.state.log_history if "loss" in log]
    assert len(losses) == 4 and losses[-1] < losses[0]
    evals = [log for log in trainer.state.log_history if "eval_f1" in log]
    assert len(evals) == 4
    assert {"eval_precision", "eval_recall", "eval_accuracy"} <= set(evals[-1])


def test_saved_model_runs_in_a_pipeline(trained):
    from transformers import pipeline

    _, model_dir = trained
    token_classifier = pipeline(
        "token-classification", model=str(model_dir), aggregation_strategy="simple", device="cpu"
    )
    assert token_classifier.model.config.id2label == dict(enumerate(NER_NAMES))
    entities = token_classifier(SENTENCE)
    assert isinstance(entities, list) and entities
    for e in entities:
        assert {"entity_group", "score", "word", "start", "end"} <= set(e)
        assert e["entity_group"] in {"PER", "ORG", "LOC", "MISC"}  # B-/I- merged into groups
        assert 0 <= e["start"] < e["end"] <= len(SENTENCE)


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_whole_real_training_split_aligns_with_minilm(real_data, real_model):
    from transformers import AutoTokenizer

    from helpers.data import load_conll2003

    train = load_conll2003(str(real_data))["train"]
    assert len(train) == 14041
    tokenizer = AutoTokenizer.from_pretrained(real_model)
    tokens, tags = list(train["tokens"]), list(train["ner_tags"])
    out = tokenize_and_align_labels(
        {"tokens": tokens, "ner_tags": tags}, tokenizer, max_length=128, num_labels=9
    )
    truncated = 0
    for i, (words, word_tags) in enumerate(zip(tokens, tags)):
        labels, word_ids = out["labels"][i], out.word_ids(i)
        assert len(labels) == len(out["input_ids"][i]) <= 128
        previous = None
        for label, w in zip(labels, word_ids):
            if w is None:
                assert label == IGNORE_INDEX
            elif w != previous:
                assert label == word_tags[w], (i, words[w])
            else:
                assert label == word_tags[w] + word_tags[w] % 2, (i, words[w])
            previous = w
        seen = {w for w in word_ids if w is not None}
        # every word gives at least one token (none vanish), until the cut
        assert seen == set(range(max(seen) + 1))
        truncated += len(seen) < len(words)
    # one sentence of train.txt has more than 128 tokens (164) with this vocabulary
    assert truncated == 1
