"""Chapter 4's exercise checks: each solution passes, each stub is "not attempted", and
typical wrong answers are rejected with their own message."""

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
from transformers import AutoTokenizer, DataCollatorForTokenClassification

import helpers

KEYS = ["pos_chunk_tags", "first_subtoken", "pad_labels", "entity_spans"]


@pytest.fixture(scope="module")
def context():
    profile = helpers.get_profile("embedded")
    raw_datasets = helpers.load_conll2003()
    tokenizer = AutoTokenizer.from_pretrained(helpers.model_checkpoint(profile, "ner"))
    tokenized_datasets = raw_datasets.map(
        helpers.tokenize_and_align_labels,
        batched=True,
        remove_columns=raw_datasets["train"].column_names,
        fn_kwargs={"tokenizer": tokenizer},
    )
    return {
        "helpers": helpers,
        "raw_datasets": raw_datasets,
        "tokenizer": tokenizer,
        "tokenized_datasets": tokenized_datasets,
        "data_collator": DataCollatorForTokenClassification(tokenizer=tokenizer),
        "label_names": raw_datasets["train"].features["ner_tags"].feature.names,
    }


@pytest.mark.parametrize("key", KEYS)
def test_stub_is_not_attempted(context, key):
    assert_not_attempted(4, key, context)


@pytest.mark.parametrize("key", KEYS)
def test_solution_passes(context, key):
    assert_passes(4, key, context)


WRONG = [
    # 4.1: NER tags where the POS tags belong; ids instead of names; unpadded columns
    ("pos_chunk_tags", "tag_table[1] = tag_table[1].replace('NNP', 'B-ORG')", "wrong_tags"),
    (
        "pos_chunk_tags",
        "tag_table[1] = ' '.join(str(t) for t in raw_datasets['train'][0]['pos_tags'])",
        "ids_not_names",
    ),
    (
        "pos_chunk_tags",
        "names = raw_datasets['train'].features['ner_tags'].feature.names\n"
        "tag_table[2] = ' '.join(names[t] for t in raw_datasets['train'][0]['ner_tags'])",
        "other_tags",
    ),
    ("pos_chunk_tags", "tag_table = [' '.join(line.split()) for line in tag_table]", "misaligned"),
    ("pos_chunk_tags", "tag_table = tag_table[:3]", "line_count"),
    ("pos_chunk_tags", "tag_table[3] = tag_table[0]", "wrong_words"),
    # 4.2: the course's rule (labels on every sub-token), off by one, special tokens labelled
    (
        "first_subtoken",
        "align_first_subtoken = helpers.align_labels_with_tokens",
        "every_subtoken",
    ),
    (
        "first_subtoken",
        "def align_first_subtoken(labels, word_ids):\n"
        "    out, previous = [], None\n"
        "    for w in word_ids:\n"
        "        out.append(-100 if w is None or w == previous else labels[max(w - 1, 0)])\n"
        "        previous = w\n"
        "    return out",
        "off_by_one",
    ),
    (
        "first_subtoken",
        "def align_first_subtoken(labels, word_ids):\n"
        "    out, previous = [], None\n"
        "    for w in word_ids:\n"
        "        out.append(0 if w is None else -100 if w == previous else labels[w])\n"
        "        previous = w\n"
        "    return out",
        "special",
    ),
    (
        "first_subtoken",
        "def align_first_subtoken(labels, word_ids):\n    return list(labels)",
        "wrong_length",
    ),
    ("first_subtoken", "def align_first_subtoken(labels, word_ids):\n    labels[99]", "raised"),
    # 4.3: a padded label that is not -100; padding on the left; the input changed in place
    (
        "pad_labels",
        "def pad_labels(label_lists):\n"
        "    n = max(map(len, label_lists))\n"
        "    return [list(x) + [0] * (n - len(x)) for x in label_lists]",
        "pad_value",
    ),
    (
        "pad_labels",
        "def pad_labels(label_lists):\n"
        "    n = max(map(len, label_lists))\n"
        "    return [[-100] * (n - len(x)) + list(x) for x in label_lists]",
        "left_padding",
    ),
    (
        "pad_labels",
        "def pad_labels(label_lists):\n"
        "    n = max(map(len, label_lists))\n"
        "    for x in label_lists:\n"
        "        x.extend([-100] * (n - len(x)))\n"
        "    return label_lists",
        "mutated",
    ),
    ("pad_labels", "def pad_labels(label_lists):\n    return label_lists", "length"),
    # 4.4: B- merged into the entity before; I- after O dropped; the last entity lost
    (
        "entity_spans",
        "def entities(words, tags):\n"
        "    found = []\n"
        "    for word, tag in zip(words, tags):\n"
        "        if tag == 'O':\n"
        "            continue\n"
        "        if found and found[-1][0] == tag[2:]:\n"
        "            found[-1] = (tag[2:], found[-1][1] + ' ' + word)\n"
        "        else:\n"
        "            found.append((tag[2:], word))\n"
        "    return found",
        "merged_b",
    ),
    (
        "entity_spans",
        "_reference = entities\n"
        "def entities(words, tags):\n"
        "    return [e for e in _reference(words, tags) if e != ('MISC', 'Valmoran')]",
        "i_after_o",
    ),
    (
        "entity_spans",
        "_reference = entities\n"
        "def entities(words, tags):\n"
        "    return _reference(words, tags)[:-1]",
        "last_dropped",
    ),
    (
        "entity_spans",
        "_reference = entities\n"
        "def entities(words, tags):\n"
        "    return [('B-' + kind, text) for kind, text in _reference(words, tags)]",
        "type_prefix",
    ),
]


def test_every_exercise_has_wrong_answers():
    covers_every_exercise(4, WRONG)


@pytest.mark.parametrize("key, wrong, message", WRONG)
def test_wrong_answer_is_rejected(context, key, wrong, message):
    result, _ = run(4, key, context, solution(4, key), wrong)
    assert_rejected(result, message)


def test_an_exception_in_the_learners_function_is_feedback(context):
    result, _ = run(4, "first_subtoken", context, solution(4, "first_subtoken"), WRONG[10][1])
    assert "raised IndexError" in result.problem
    assert "[3, 0, 7" in result.problem  # the inputs it failed on
