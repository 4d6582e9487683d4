import pandas as pd
import pytest

from helpers.labels import (
    MissingColumnsError,
    check_columns,
    check_label_count,
    encode_labels,
    label_maps,
    label_maps_from_values,
)


def tickets(labels, texts=None):
    texts = texts or [f"ticket {i}" for i in range(len(labels))]
    return pd.DataFrame({"text": texts, "label": labels})


# --------------------------------------------------------------------------- check_columns


@pytest.mark.parametrize(
    "columns",
    [["text", "label"], ["label", "text"], ["id", "text", "label", "source"]],
)
def test_check_columns_accepts_any_order_and_extra_columns(columns):
    check_columns(pd.DataFrame(columns=columns))


@pytest.mark.parametrize(
    ("columns", "fix"),
    [
        (["body", "category"], "df.rename(columns={'body': 'text', 'category': 'label'})"),
        (["text", "category"], "df.rename(columns={'category': 'label'})"),
        (["text"], "df.rename(columns={'<your label column>': 'label'})"),
        ([], "'<your text column>': 'text', '<your label column>': 'label'"),
    ],
)
def test_check_columns_names_columns_and_the_rename(columns, fix):
    with pytest.raises(MissingColumnsError) as error:
        check_columns(pd.DataFrame(columns=columns))
    message = str(error.value)
    assert message.startswith(f"table has columns {columns} but needs 'text' and 'label'")
    assert fix in message
    assert isinstance(error.value, KeyError)


def test_check_columns_with_other_required_columns():
    check_columns(pd.DataFrame(columns=["sentence1", "sentence2"]), ["sentence1", "sentence2"])
    with pytest.raises(MissingColumnsError, match="needs 'sentence1' and 'sentence2'"):
        check_columns(pd.DataFrame(columns=["sentence1"]), ["sentence1", "sentence2"])


# --------------------------------------------------------------------------- label maps


@pytest.mark.parametrize(
    ("labels", "names"),
    [
        (["bug", "billing", "bug"], ["billing", "bug"]),
        (["only"], ["only"]),
        # sorted by code point, as Spark sorts strings: capitals first
        (["b", "B", "a", "é"], ["B", "a", "b", "é"]),
        (["login", "billing", "bug", "feature_request"], None),
    ],
)
def test_label_maps_are_sorted_inverse_and_start_at_zero(labels, names):
    id2label, label2id = label_maps(tickets(labels))
    assert list(id2label.values()) == (names or sorted(set(labels)))
    assert list(id2label) == list(range(len(id2label)))
    assert {v: k for k, v in id2label.items()} == label2id


def test_label_maps_ignore_row_order():
    assert label_maps(tickets(["a", "b", "c"])) == label_maps(tickets(["c", "a", "b", "a"]))


def test_label_maps_of_another_column():
    df = pd.DataFrame({"text": ["x", "y"], "sentiment": ["pos", "neg"]})
    assert label_maps(df, label_column="sentiment")[1] == {"neg": 0, "pos": 1}


def test_label_maps_of_an_empty_table():
    with pytest.raises(ValueError, match="column 'label' holds no labels: the table is empty"):
        label_maps(tickets([]))


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_label_maps_name_missing_labels_and_their_rows(missing):
    with pytest.raises(ValueError, match=r"has 1 missing \(null\) labels, at rows \[1\]") as error:
        label_maps(tickets(["bug", missing, "billing"]))
    assert "df.dropna(subset=['label'])" in str(error.value)


def test_label_maps_refuse_ids_in_place_of_names():
    with pytest.raises(ValueError, match=r"non-string labels \[0, 1\]") as error:
        label_maps(tickets([0, 1, 1]))
    assert "features['label'].names" in str(error.value)


def test_label_maps_without_the_column():
    with pytest.raises(MissingColumnsError, match=r"has columns \['text', 'category'\]"):
        label_maps(pd.DataFrame({"text": ["x"], "category": ["bug"]}))


def test_label_maps_point_spark_tables_to_the_spark_version():
    class SparkLike:  # label_maps only looks for Spark's withColumnRenamed
        columns = ["text", "label"]
        withColumnRenamed = None

    with pytest.raises(TypeError, match="helpers.label_maps_spark"):
        label_maps(SparkLike())


@pytest.mark.parametrize("bad", [None, float("nan")])
def test_label_maps_from_values_refuses_null_names(bad):
    with pytest.raises(ValueError, match=r"missing \(null\) labels"):
        label_maps_from_values(["a", bad])


def test_label_maps_from_values_of_nothing():
    with pytest.raises(ValueError, match="holds no labels"):
        label_maps_from_values([], label_column="category")


# --------------------------------------------------------------------------- encode_labels


def test_encode_labels_round_trip():
    labels = ["bug", "billing", "login", "bug"]
    id2label, label2id = label_maps(tickets(labels))
    ids = encode_labels(pd.Series(labels), label2id)
    assert [id2label[i] for i in ids] == labels


def test_encode_nothing():
    assert encode_labels([], {"a": 0}) == []


def test_encode_unknown_labels_lists_a_few_and_the_fix():
    label2id = {"billing": 0, "bug": 1}
    labels = ["bug"] + [f"new{i}" for i in range(7)] + ["new0"]
    with pytest.raises(ValueError) as error:
        encode_labels(labels, label2id)
    message = str(error.value)
    assert message.startswith("8 of 9 labels are not in label2id: ['new0', 'new1', 'new2'")
    assert "and 2 more" in message  # 7 distinct unknown labels, 5 shown
    assert "(label2id knows ['billing', 'bug'])" in message
    assert "Fix: build label2id from the whole table" in message


@pytest.mark.parametrize("label", ["Bug", "bug ", None])
def test_encode_labels_is_exact(label):
    with pytest.raises(ValueError, match="1 of 1 labels are not in label2id"):
        encode_labels([label], {"bug": 0})


# --------------------------------------------------------------------------- check_label_count


@pytest.mark.parametrize("n", [1, 2, 9])
def test_label_count_that_fits(n):
    check_label_count({i: f"label{i}" for i in range(n)}, num_labels=n)


@pytest.mark.parametrize(("have", "num_labels"), [(3, 2), (2, 3), (1, 0)])
def test_wrong_label_count_names_both_numbers_and_the_fix(have, num_labels):
    id2label = {i: f"label{i}" for i in range(have)}
    with pytest.raises(ValueError) as error:
        check_label_count(id2label, num_labels=num_labels)
    message = str(error.value)
    assert f"the data has {have} labels (id2label) but num_labels={num_labels}" in message
    assert f"pass num_labels=len(id2label) ({have})" in message


def test_label_ids_must_count_from_zero():
    with pytest.raises(ValueError, match=r"has ids \[0, 2\] but a head with num_labels=2"):
        check_label_count({0: "a", 2: "b"}, num_labels=2)
