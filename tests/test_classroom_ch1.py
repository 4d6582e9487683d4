"""Chapter 1's exercise checks: each solution passes, each stub is "not attempted", and
typical wrong answers are rejected with their own message."""

import pandas as pd
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
from datasets import ClassLabel, Dataset, load_dataset

import helpers
from helpers.profiles import EMBEDDED_DIR

KEYS = ["own_dataset", "label2id", "label_count", "label_counts"]


@pytest.fixture(scope="module")
def context():
    tickets = pd.DataFrame(
        {"text": [f"ticket {i}" for i in range(8)], "label": ["billing", "bug"] * 4}
    )
    ticket_dataset = Dataset.from_pandas(tickets, preserve_index=False)
    ticket_dataset = ticket_dataset.cast_column(
        "label", ClassLabel(names=["account", "billing", "bug", "feature_request"])
    )
    return {
        "pd": pd,
        "Dataset": Dataset,
        "ClassLabel": ClassLabel,
        "helpers": helpers,
        "raw_datasets": load_dataset(str(EMBEDDED_DIR / "glue"), "mrpc"),
        "ticket_dataset": ticket_dataset,
    }


@pytest.mark.parametrize("key", KEYS)
def test_stub_is_not_attempted(context, key):
    assert_not_attempted(1, key, context)


@pytest.mark.parametrize("key", KEYS)
def test_solution_passes(context, key):
    assert_passes(1, key, context)


RAISE_IF = (
    "def check_dataset_labels(dataset, num_labels):\n"
    "    feature = dataset.features['label']\n"
    "    if {condition}:\n"
    "        raise ValueError({message})\n"
)
WRONG = [
    # 1.1: a DataFrame; the pandas index kept; labels left as strings; names unsorted
    ("own_dataset", "my_dataset = my_table", "dataframe"),
    (
        "own_dataset",
        "my_dataset = Dataset.from_pandas(my_table.sample(frac=1, random_state=0))",
        "index_column",
    ),
    (
        "own_dataset",
        "my_dataset = Dataset.from_pandas(my_table, preserve_index=False)",
        "string_labels",
    ),
    (
        "own_dataset",
        "my_dataset = Dataset.from_pandas(my_table.rename(columns={'text': 'body'}), "
        "preserve_index=False)",
        "columns",
    ),
    (
        "own_dataset",
        "my_dataset = Dataset.from_pandas(my_table, preserve_index=False).cast_column("
        "'label', ClassLabel(names=['work', 'shopping']))",
        "unsorted_names",
    ),
    ("own_dataset", "my_dataset = my_dataset.select(range(4))", "too_few_rows"),
    (
        "own_dataset",
        "my_dataset = Dataset.from_pandas(my_table.assign(label='work'), "
        "preserve_index=False).class_encode_column('label')",
        "one_label",
    ),
    # 1.2: ids in order of first appearance; ids from 1; names instead of ids; a wrong id
    (
        "label2id",
        "feedback_label2id = {n: i for i, n in enumerate(dict.fromkeys(feedback['label']))}\n"
        "feedback_ids = [feedback_label2id[x] for x in feedback['label']]",
        "first_seen_order",
    ),
    (
        "label2id",
        "feedback_label2id = {n: i + 1 for n, i in feedback_label2id.items()}",
        "one_based",
    ),
    ("label2id", "feedback_ids = list(feedback['label'])", "ids_are_names"),
    ("label2id", "feedback_ids = feedback_ids[:-1]", "ids_length"),
    ("label2id", "feedback_ids = feedback_ids[::-1]", "ids_wrong"),
    ("label2id", "del feedback_label2id['praise']", "missing_names"),
    # 1.3: never raises; raises for labels that fit (off by one); vague message; TypeError
    ("label_count", "def check_dataset_labels(dataset, num_labels):\n    print('fine')", "missed"),
    (
        "label_count",
        RAISE_IF.format(condition="max(dataset['label']) >= num_labels - 1", message="'too many'"),
        "false_alarm",
    ),
    (
        "label_count",
        RAISE_IF.format(
            condition="getattr(feature, 'num_classes', num_labels) != num_labels",
            message="'labels do not fit'",
        ),
        "vague_message",
    ),
    (
        "label_count",
        RAISE_IF.format(
            condition="feature.num_classes != num_labels",
            message="f'{feature.num_classes} names, num_labels={num_labels}'",
        ),
        "wrong_error",
    ),
    # 1.4: ids as keys; the validation split counted; counts that do not add up
    ("label_counts", "label_counts = {0: 1, 1: 2}", "id_keys"),
    (
        "label_counts",
        "labels = list(raw_datasets['validation']['label'])\n"
        "label_counts = {n: labels.count(i) for i, n in enumerate(train_label_names)}",
        "wrong_split",
    ),
    (
        "label_counts",
        "label_counts = {n: c + 1 for n, c in label_counts.items()}",
        "total",
    ),
]


def test_every_exercise_has_wrong_answers():
    covers_every_exercise(1, WRONG)


@pytest.mark.parametrize("key, wrong, message", WRONG)
def test_wrong_answer_is_rejected(context, key, wrong, message):
    result, _ = run(1, key, context, solution(1, key), wrong)
    assert_rejected(result, message)
