"""Checks of chapter 1's exercises (loading and preparing data); texts in ``data/ch1.yaml``."""

from __future__ import annotations

from typing import Any

from helpers.classroom import text
from helpers.classroom.core import Checker, exercise
from helpers.i18n import N_

# --------------------------------------------------------------------------- 1.1


@exercise(1, "own_dataset", call="my_dataset")
def own_dataset(r: Checker, my_dataset: Any) -> None:
    from datasets import ClassLabel, Dataset, DatasetDict

    r.attempted(my_dataset)
    if type(my_dataset).__name__ == "DataFrame":
        r.wrong("dataframe")
    r.require(not isinstance(my_dataset, DatasetDict), "dataset_dict")
    r.is_a(my_dataset, Dataset, "my_dataset", N_("a datasets.Dataset"))
    columns = my_dataset.column_names
    r.require("__index_level_0__" not in columns, "index_column", columns=columns)
    r.require({"text", "label"} <= set(columns), "columns", columns=columns)
    r.require(set(columns) == {"text", "label"}, "extra_columns", columns=columns)
    r.require(len(my_dataset) >= 6, "too_few_rows", n=len(my_dataset))
    r.ok("table_ok", n=len(my_dataset))
    texts = list(my_dataset["text"])
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    r.require(not bad, "empty_text", row=bad[0] if bad else 0)
    feature = my_dataset.features["label"]
    if not isinstance(feature, ClassLabel):
        dtype = getattr(feature, "dtype", "")
        string = dtype in ("string", "large_string")
        r.wrong("string_labels" if string else "int_labels", dtype=dtype)
    used = sorted(set(my_dataset["label"]))
    r.require(len(used) >= 2, "one_label", names=feature.names)
    r.require(feature.names == sorted(feature.names), "unsorted_names", names=feature.names)
    r.ok("labels_ok", names=feature.names)


# --------------------------------------------------------------------------- 1.2


@exercise(1, "label2id", call="feedback_label2id, feedback_ids, feedback")
def label2id(r: Checker, feedback_label2id: Any, feedback_ids: Any, feedback: Any) -> None:
    r.attempted(feedback_label2id, feedback_ids)
    r.is_a(feedback_label2id, dict, "feedback_label2id", N_("a dict from label name to id"))
    labels = list(feedback["label"])
    names = sorted(set(labels))
    missing = [n for n in names if n not in feedback_label2id]
    r.require(not missing, "missing_names", missing=missing)
    extra = [n for n in feedback_label2id if n not in names]
    r.require(not extra, "extra_names", extra=extra)
    ids = sorted(feedback_label2id.values())
    r.require(ids != list(range(1, len(names) + 1)), "one_based")
    r.require(ids == list(range(len(names))), "not_range", ids=ids, n=len(names))
    want = {name: i for i, name in enumerate(names)}
    if feedback_label2id != want:
        first_seen = {name: i for i, name in enumerate(dict.fromkeys(labels))}
        key = "first_seen_order" if feedback_label2id == first_seen else "unsorted"
        r.wrong(key, got=feedback_label2id)
    r.ok("map_ok", n=len(names))
    r.require(not isinstance(feedback_ids, (str, dict)), "ids_not_list")
    feedback_ids = list(feedback_ids)
    r.require(len(feedback_ids) == len(labels), "ids_length", got=len(feedback_ids), n=len(labels))
    for row, (label, got) in enumerate(zip(labels, feedback_ids)):
        if got == label:
            r.wrong("ids_are_names", row=row)
        if got != want[label]:
            r.wrong("ids_wrong", row=row, label=label, got=got, want=want[label])
    r.ok("ids_ok")


# --------------------------------------------------------------------------- 1.3


def _label_cases(given: list | None = None) -> list[tuple[str, Any, int, bool]]:
    """(description, dataset, num_labels, whether the labels fit)."""
    from datasets import ClassLabel, Dataset, Features, Value

    def make(labels: list[int], feature: Any) -> Any:
        features = Features({"text": Value("string"), "label": feature})
        return Dataset.from_dict({"text": ["x"] * len(labels), "label": labels}, features=features)

    if given:
        cases = []
        for names, ids, num_labels in given:
            feature = ClassLabel(names=names) if names else Value("int64")
            kind = f"{len(names)} label names" if names else "plain integer labels"
            fits = len(names) == num_labels if names else 0 <= min(ids) <= max(ids) < num_labels
            cases.append(
                (
                    f"{kind}, ids {ids}, num_labels={num_labels}",
                    make(ids, feature),
                    num_labels,
                    fits,
                )
            )
        return cases

    three = ClassLabel(names=["billing", "bug", "feature_request"])
    four = ClassLabel(names=["account", "billing", "bug", "feature_request"])
    return [
        (N_("3 label names, ids 0-2, num_labels=3"), make([0, 1, 2, 1], three), 3, True),
        (N_("plain integer labels 0-1, num_labels=2"), make([0, 1, 1], Value("int64")), 2, True),
        (N_("3 label names, num_labels=2"), make([0, 1, 2, 1], three), 2, False),
        (N_("4 label names (ids 0-2 used), num_labels=3"), make([0, 1, 2], four), 3, False),
        (N_("plain integer labels 0-3, num_labels=3"), make([0, 1, 3], Value("int64")), 3, False),
    ]


@exercise(1, "label_count", call="check_dataset_labels")
def label_count(r: Checker, function: Any, cases: list | None = None) -> None:
    """``cases``: (names or None for plain integer labels, label ids, num_labels), as the
    hidden tests of a graded run give them; the default cases are ``_label_cases()``."""
    r.attempted(function)
    r.require(
        callable(function), "not_callable", name="check_dataset_labels", got=text.kind_of(function)
    )
    for english, dataset, num_labels, fits in _label_cases(cases):
        description = text.translate(english)  # a hidden test's own case: as written
        try:
            function(dataset, num_labels)
        except ValueError as error:
            if fits:
                r.wrong("false_alarm", case=description, error=error)
            if not all(number in str(error) for number in _numbers(dataset, num_labels)):
                r.wrong("vague_message", case=description, error=error)
            continue
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            r.wrong("wrong_error", case=description, error=f"{type(error).__name__}: {error}")
        if not fits:
            r.wrong("missed", case=description)
    r.ok("fits_ok")
    r.ok("caught_ok")
    r.ok("message_ok")


def _numbers(dataset: Any, num_labels: int) -> set[str]:
    """What a clear message names: num_labels, and the data's number of label names."""
    names = getattr(dataset.features["label"], "names", None)
    return {str(num_labels)} | ({str(len(names))} if names else set())


# --------------------------------------------------------------------------- 1.4


def _counts(dataset: Any) -> dict[str, int]:
    names = dataset.features["label"].names
    labels = list(dataset["label"])
    return {name: labels.count(i) for i, name in enumerate(names)}


@exercise(1, "label_counts", call="label_counts, raw_datasets")
def label_counts(r: Checker, answer: Any, raw_datasets: Any) -> None:
    r.attempted(answer)
    r.is_a(answer, dict, "label_counts", N_("a dict from label name to count"))
    want = _counts(raw_datasets["train"])
    if set(answer) == set(range(len(want))):
        r.wrong("id_keys", names=list(want))
    r.require(set(answer) == set(want), "names", got=sorted(map(str, answer)), names=list(want))
    for split in raw_datasets:
        if split != "train" and answer == _counts(raw_datasets[split]):
            r.wrong("wrong_split", split=split)
    total = sum(answer.values())
    n = len(raw_datasets["train"])
    r.require(total == n, "total", got=total, n=n)
    r.require(answer == want, "counts_wrong")
    r.ok("counts_ok", n=n)
