"""Your own data as a model wants it: a text + label table, ``id2label``/``label2id``, label ids.

Pure pandas and Python. ``helpers.spark`` computes the same maps with Spark by calling
``label_maps_from_values`` on the distinct labels, so both give the same maps for a table.
(``helpers.ner.label_maps_from_names`` is the other case: names that already have their
order, from a ``ClassLabel``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

REQUIRED_COLUMNS = ("text", "label")
# Errors list this many unknown or bad values; a table can hold millions.
SHOWN_VALUES = 5


class MissingColumnsError(KeyError):
    """A table lacks a column the kit needs; the message names the columns and the fix."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def _shown(values: Iterable[Any]) -> str:
    # repr shows a label's quotes and stray spaces; str keeps NumPy scalars short
    values = sorted({repr(str(v)) if isinstance(v, str) else str(v) for v in values})
    more = f" and {len(values) - SHOWN_VALUES} more" if len(values) > SHOWN_VALUES else ""
    return "[" + ", ".join(values[:SHOWN_VALUES]) + "]" + more


def check_columns(df: Any, required: Sequence[str] = REQUIRED_COLUMNS) -> None:
    """Raise a clear error unless the table has every column in ``required``.

    Works on anything with a ``.columns`` list: a pandas or a Spark DataFrame.

    Args:
        df: the table.
        required: the column names it must have.

    Raises:
        MissingColumnsError: (a ``KeyError``) naming the columns the table has, the ones it
            lacks, and the rename that fixes it.

    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"text": ["hi"], "label": ["greeting"]}))
    >>> check_columns(pd.DataFrame({"body": ["hi"], "category": ["greeting"]}))
    Traceback (most recent call last):
    ...
    helpers.labels.MissingColumnsError: table has columns ['body', 'category'] but needs 'text' and 'label'; rename them, e.g. df.rename(columns={'body': 'text', 'category': 'label'})

    Used in: 01_data_loading, ``label_maps``, ``helpers.spark.label_maps_spark``.
    """
    columns = [str(c) for c in df.columns]
    missing = [c for c in required if c not in columns]
    if not missing:
        return
    # the columns that could be renamed: neither required nor one of the kit's own names
    spare = [c for c in columns if c not in required and c not in REQUIRED_COLUMNS]
    if len(spare) == len(missing):
        pairs = ", ".join(f"{old!r}: {new!r}" for old, new in zip(spare, missing))
    else:
        pairs = ", ".join(f"'<your {new} column>': {new!r}" for new in missing)
    if hasattr(df, "withColumnRenamed"):  # a Spark DataFrame
        fix = f"sdf.withColumnsRenamed({{{pairs}}})"
    else:
        fix = f"df.rename(columns={{{pairs}}})"
    needs = " and ".join(repr(c) for c in required)
    raise MissingColumnsError(
        f"table has columns {columns} but needs {needs}; rename them, e.g. {fix}"
    )


def label_maps_from_values(
    values: Iterable[Any], label_column: str = "label"
) -> tuple[dict[int, str], dict[str, int]]:
    """``id2label`` and ``label2id`` from the label strings of a table: ids follow sorted names.

    Sorting makes the ids independent of row order, so pandas, Spark and
    ``Dataset.class_encode_column`` (which also sorts) all give the same ids.

    Args:
        values: the label of every row, or only the distinct ones; strings.
        label_column: the column they came from, named in errors.

    Returns:
        ``(id2label, label2id)``, e.g. ``({0: "billing", 1: "bug"}, {"billing": 0, "bug": 1})``.

    Raises:
        ValueError: no labels at all, a missing (null) label, or a label that is not a string.

    >>> label_maps_from_values(["bug", "billing", "bug"])
    ({0: 'billing', 1: 'bug'}, {'billing': 0, 'bug': 1})
    >>> label_maps_from_values(["bug", None])
    Traceback (most recent call last):
    ...
    ValueError: column 'label' has missing (null) labels; every row needs a label. Fix: drop those rows (df.dropna(subset=['label'])) or fill them in.

    Used in: ``label_maps``, ``helpers.spark.label_maps_spark``.
    """
    names = set(values)
    if not names:
        raise ValueError(
            f"column {label_column!r} holds no labels: the table is empty. Fix: check the step "
            "that loaded or filtered it; id2label/label2id need at least one labelled row."
        )
    if any(pd.isna(n) for n in names):  # None from Spark; None, NaN or pd.NA from pandas
        raise ValueError(
            f"column {label_column!r} has missing (null) labels; every row needs a label. "
            f"Fix: drop those rows (df.dropna(subset=[{label_column!r}])) or fill them in."
        )
    not_text = [n for n in names if not isinstance(n, str)]
    if not_text:
        raise ValueError(
            f"column {label_column!r} holds non-string labels {_shown(not_text)}; label maps go "
            f"from label names to ids. Fix: df[{label_column!r}] = df[{label_column!r}].astype(str) "
            "if these are names; if they are already ids, take the names from the data set's "
            "ClassLabel (features['label'].names) instead."
        )
    id2label = dict(enumerate(sorted(str(n) for n in names)))  # str: no NumPy str_ in configs
    return id2label, {name: i for i, name in id2label.items()}


def label_maps(df, label_column: str = "label") -> tuple[dict[int, str], dict[str, int]]:
    """``id2label`` and ``label2id`` from the label column of a pandas DataFrame.

    Args:
        df: a pandas DataFrame with string labels in ``label_column``.
        label_column: the column holding the labels.

    Returns:
        ``(id2label, label2id)``, ids in sorted label order (see ``label_maps_from_values``).

    Raises:
        MissingColumnsError: the column is absent.
        ValueError: the table is empty, or a label is missing or not a string.
        TypeError: ``df`` is a Spark DataFrame (use ``helpers.label_maps_spark``).

    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"text": ["App crashes", "Refund?"], "label": ["bug", "billing"]})
    >>> label_maps(tickets)
    ({0: 'billing', 1: 'bug'}, {'billing': 0, 'bug': 1})

    Used in: 01_data_loading (the notebook's cell is this function's twin).
    """
    # clear errors for a Spark table, a missing column, null or non-string labels
    check_label_column(df, label_column)
    # sorted names: the ids do not depend on row order, and match class_encode_column's
    names = sorted(str(name) for name in df[label_column].unique())
    id2label = dict(enumerate(names))
    label2id = {name: i for i, name in id2label.items()}
    return id2label, label2id


def check_label_column(df: Any, label_column: str = "label") -> None:
    """Refuse a table whose label column cannot give label maps, saying which rows and the fix.

    Args:
        df: a pandas DataFrame.
        label_column: the column holding the labels.

    Raises:
        TypeError: a Spark DataFrame. MissingColumnsError: no such column. ValueError: no
        rows, null labels (with the row numbers), or labels that are not strings.

    >>> import pandas as pd
    >>> check_label_column(pd.DataFrame({"text": ["a", "b"], "label": ["bug", None]}))
    Traceback (most recent call last):
    ...
    ValueError: column 'label' has 1 missing (null) labels, at rows [1]; every row needs a label. Fix: drop those rows (df.dropna(subset=['label'])) or fill them in.

    Used in: ``label_maps`` (01_data_loading).
    """
    if hasattr(df, "withColumnRenamed"):
        raise TypeError(
            "label_maps takes a pandas DataFrame and got a Spark one. Fix: call "
            "helpers.label_maps_spark(sdf), which gives the same maps."
        )
    check_columns(df, [label_column])
    column = df[label_column]
    if column.isna().any():  # caught here, where the message can say how many and which rows
        rows = list(column[column.isna()].index[:SHOWN_VALUES])
        raise ValueError(
            f"column {label_column!r} has {int(column.isna().sum())} missing (null) labels, "
            f"at rows {rows}; every row needs a label. Fix: drop those rows "
            f"(df.dropna(subset=[{label_column!r}])) or fill them in."
        )
    label_maps_from_values(column.unique(), label_column)  # empty or non-string labels


def encode_labels(labels: Iterable[Any], label2id: Mapping[str, int]) -> list[int]:
    """The id of each label string, with a clear error for labels ``label2id`` lacks.

    Args:
        labels: label strings (a list, a pandas Series...).
        label2id: from ``label_maps`` or ``label_maps_from_values``.

    Returns:
        The ids, in the order of ``labels``.

    Raises:
        ValueError: listing (a few of) the unknown labels, how many rows hold them, and the fix.

    >>> encode_labels(["bug", "billing", "bug"], {"billing": 0, "bug": 1})
    [1, 0, 1]
    >>> encode_labels(["bug", "refund"], {"billing": 0, "bug": 1})
    Traceback (most recent call last):
    ...
    ValueError: 1 of 2 labels are not in label2id: ['refund'] (label2id knows ['billing', 'bug']). Fix: build label2id from the whole table (label_maps), or clean or drop the rows with these labels.

    Used in: 01_data_loading.
    """
    labels = list(labels)
    unknown = [label for label in labels if label not in label2id]
    if unknown:
        raise ValueError(
            f"{len(unknown)} of {len(labels)} labels are not in label2id: {_shown(unknown)} "
            f"(label2id knows {_shown(label2id)}). Fix: build label2id from the whole table "
            "(label_maps), or clean or drop the rows with these labels."
        )
    return [label2id[label] for label in labels]


def check_label_count(id2label: Mapping[int, str], num_labels: int) -> None:
    """Raise a clear error unless ``id2label`` fits a classification head of ``num_labels``.

    The head has one output per label and the loss reads label ids as output positions, so
    the ids must be exactly ``0 .. num_labels - 1``. This checks the maps before a model is
    built; ``helpers.check_num_labels`` checks a model that already is.

    Args:
        id2label: from ``label_maps`` (or a model's ``config.id2label``).
        num_labels: the number of outputs the model is, or will be, built with.

    Raises:
        ValueError: naming both numbers (or the stray ids) and the fix.

    >>> check_label_count({0: "billing", 1: "bug"}, num_labels=2)
    >>> check_label_count({0: "billing", 1: "bug", 2: "login"}, num_labels=2)
    Traceback (most recent call last):
    ...
    ValueError: the data has 3 labels (id2label) but num_labels=2; pass num_labels=len(id2label) (3) to from_pretrained, with id2label and label2id.

    Used in: 01_data_loading.
    """
    if len(id2label) != num_labels:
        raise ValueError(
            f"the data has {len(id2label)} labels (id2label) but num_labels={num_labels}; pass "
            f"num_labels=len(id2label) ({len(id2label)}) to from_pretrained, with id2label and "
            "label2id."
        )
    if sorted(id2label) != list(range(num_labels)):
        raise ValueError(
            f"id2label has ids {sorted(id2label)[:10]} but a head with num_labels={num_labels} "
            f"needs ids 0..{num_labels - 1}. Fix: rebuild the maps with label_maps (ids "
            "0, 1, 2... in sorted label order)."
        )


__all__ = [
    "REQUIRED_COLUMNS",
    "MissingColumnsError",
    "label_maps_from_values",
    "check_columns",
    "check_label_column",
    "check_label_count",
    "encode_labels",
    "label_maps",
]
