"""The real files' formats: GLUE's MRPC and SST-2 TSV files and CoNLL-2003's column files,
read into the columns of the Hub's copies.

Each reader checks every line and raises ``DataFormatError`` naming the file, the line and
the fix; ``helpers.data`` turns the columns into the ``DatasetDict`` the chapters load.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from helpers.schema import CHUNK_NAMES, NER_NAMES, POS_NAMES

MRPC_FILES = {"train": "train.tsv", "validation": "dev.tsv", "test": "msr_paraphrase_test.txt"}
CONLL_FILES = {"train": "train.txt", "validation": "valid.txt", "test": "test.txt"}
# GLUE's SST-2 folder; test.tsv (no labels) is read when present, as label -1 like the Hub's
SST2_FILES = {"train": "train.tsv", "validation": "dev.tsv"}
SST2_TEST_FILE = "test.tsv"


class DataFormatError(ValueError):
    """A local data file does not have the expected format; the message names file and line."""


# --------------------------------------------------------------------------- MRPC


def read_mrpc_file(path: str | Path) -> dict[str, list]:
    """Read one GLUE MRPC file (``Quality #1 ID #2 ID #1 String #2 String``) into columns.

    The files start with a byte-order mark and hold unbalanced quotes, hence
    ``utf-8-sig`` and no quoting. ``idx`` counts rows from 0, as on the Hub.

    Args:
        path: ``train.tsv``, ``dev.tsv`` or ``msr_paraphrase_test.txt``.

    Returns:
        Columns ``sentence1``, ``sentence2``, ``label``, ``idx``.

    Used in: ``load_mrpc``.
    """
    columns: dict[str, list] = {"sentence1": [], "sentence2": [], "label": [], "idx": []}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or header[:1] != ["Quality"]:
            raise DataFormatError(
                f"{path}: line 1 should be the header 'Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String"
                f"<TAB>#2 String', got {header!r}. Fix: use the original GLUE file."
            )
        for row in reader:
            line = reader.line_num
            if len(row) != 5:
                raise DataFormatError(
                    f"{path}, line {line}: expected 5 tab-separated fields, got {len(row)}. "
                    "Fix: use the original GLUE file (a field may hold a stray tab)."
                )
            if row[0] not in ("0", "1"):
                raise DataFormatError(
                    f"{path}, line {line}: Quality must be 0 or 1, got {row[0]!r}. "
                    "Fix: use the labelled file (msr_paraphrase_test.txt, not test.tsv)."
                )
            columns["sentence1"].append(row[3])
            columns["sentence2"].append(row[4])
            columns["label"].append(int(row[0]))
            columns["idx"].append(len(columns["idx"]))
    return columns


# --------------------------------------------------------------------------- SST-2


def read_sst2_file(path: str | Path) -> dict[str, list]:
    """Read one GLUE SST-2 file into columns: ``sentence<TAB>label`` rows, or the test file's
    ``index<TAB>sentence`` rows (label -1, as in the Hub's test split).

    Sentences keep their trailing space, as on the Hub. ``idx`` counts rows from 0.

    Args:
        path: ``train.tsv``, ``dev.tsv`` or ``test.tsv`` of GLUE's ``SST-2/`` folder.

    Returns:
        Columns ``sentence``, ``label``, ``idx``.

    Used in: ``load_sst2``.
    """
    columns: dict[str, list] = {"sentence": [], "label": [], "idx": []}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header not in (["sentence", "label"], ["index", "sentence"]):
            raise DataFormatError(
                f"{path}: line 1 should be the header 'sentence<TAB>label' (or 'index<TAB>sentence' "
                f"in test.tsv), got {header!r}. Fix: use the original GLUE SST-2 file."
            )
        labelled = header[0] == "sentence"
        for row in reader:
            if len(row) != 2:
                raise DataFormatError(
                    f"{path}, line {reader.line_num}: expected 2 tab-separated fields, got "
                    f"{len(row)}. Fix: use the original GLUE SST-2 file."
                )
            sentence, value = (row[0], row[1]) if labelled else (row[1], "-1")
            if value not in ("0", "1", "-1") or (labelled and value == "-1"):
                raise DataFormatError(
                    f"{path}, line {reader.line_num}: label must be 0 (negative) or 1 (positive), "
                    f"got {value!r}. Fix: use the original GLUE SST-2 file."
                )
            columns["sentence"].append(sentence)
            columns["label"].append(int(value))
            columns["idx"].append(len(columns["idx"]))
    return columns


# --------------------------------------------------------------------------- CoNLL-2003


def iter_conll_sentences(path: str | Path) -> Iterator[tuple[int, list[list[str]]]]:
    """Yield ``(first_line_number, rows)`` per sentence of a CoNLL column file.

    A blank line ends a sentence; ``-DOCSTART-`` lines start documents and are skipped.

    Used in: ``read_conll_file``.
    """
    rows: list[list[str]] = []
    start = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if rows:
                    yield start, rows
                rows = []
                continue
            if not rows:
                start = number
            rows.append(parts + [str(number)])
    if rows:
        yield start, rows


def read_conll_file(path: str | Path) -> dict[str, list]:
    """Read a CoNLL-2003 file (``word POS chunk NER`` per line) into Hub-schema columns.

    Args:
        path: ``train.txt``, ``valid.txt`` or ``test.txt``.

    Returns:
        Columns id, tokens, pos_tags, chunk_tags, ner_tags (tags as ids in the Hub's order).

    Raises:
        DataFormatError: naming the file and line of a row without 4 fields or with an
            unknown tag.

    Used in: ``load_conll2003``.
    """
    index = {
        "pos": {n: i for i, n in enumerate(POS_NAMES)},
        "chunk": {n: i for i, n in enumerate(CHUNK_NAMES)},
        "ner": {n: i for i, n in enumerate(NER_NAMES)},
    }
    columns: dict[str, list] = {
        k: [] for k in ("id", "tokens", "pos_tags", "chunk_tags", "ner_tags")
    }
    for _start, rows in iter_conll_sentences(path):
        tags: dict[str, list[int]] = {"pos": [], "chunk": [], "ner": []}
        for row in rows:
            *fields, line = row
            if len(fields) != 4:
                raise DataFormatError(
                    f"{path}, line {line}: expected 4 space-separated fields (word POS chunk NER), "
                    f"got {len(fields)}: {' '.join(fields)!r}. Fix: repair or re-download the file."
                )
            for kind, value in zip(("pos", "chunk", "ner"), fields[1:]):
                if value not in index[kind]:
                    raise DataFormatError(
                        f"{path}, line {line}: unknown {kind} tag {value!r}; expected one of "
                        f"{sorted(index[kind])}. Fix: CoNLL-2003 NER tags must be IOB2 (convert "
                        "IOB1 files first)."
                    )
                tags[kind].append(index[kind][value])
        columns["id"].append(str(len(columns["id"])))
        columns["tokens"].append([row[0] for row in rows])
        columns["pos_tags"].append(tags["pos"])
        columns["chunk_tags"].append(tags["chunk"])
        columns["ner_tags"].append(tags["ner"])
    return columns


__all__ = [
    "CONLL_FILES",
    "MRPC_FILES",
    "SST2_FILES",
    "DataFormatError",
    "iter_conll_sentences",
    "read_conll_file",
    "read_mrpc_file",
    "read_sst2_file",
]
