"""Data sources: GLUE MRPC, GLUE SST-2 and CoNLL-2003 from the Hub, the real files, or embedded.

``load_mrpc``, ``load_sst2`` and ``load_conll2003`` return the same ``DatasetDict`` (splits, columns,
``ClassLabel`` names) whichever source they read, so a notebook never needs to know
where its data came from.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from datasets import Dataset, DatasetDict, load_dataset, load_dataset_builder

from helpers.i18n import gettext as _
from helpers.profiles import (
    EMBEDDED_DIR,
    MRPC_HUB_ID,
    Profile,
    get_profile,
    hub_reachable,
    is_local,
    require_hub,
)
from helpers.schema import (
    CHUNK_NAMES,
    MRPC_LABELS,
    NER_NAMES,
    POS_NAMES,
    SST2_LABELS,
    conll_features,
    mrpc_features,
    sst2_features,
)

MRPC_FILES = {"train": "train.tsv", "validation": "dev.tsv", "test": "msr_paraphrase_test.txt"}
CONLL_FILES = {"train": "train.txt", "validation": "valid.txt", "test": "test.txt"}
# GLUE's SST-2 folder; test.tsv (no labels) is read when present, as label -1 like the Hub's
SST2_FILES = {"train": "train.tsv", "validation": "dev.tsv"}
SST2_TEST_FILE = "test.tsv"


class DataFormatError(ValueError):
    """A local data file does not have the expected format; the message names file and line."""


# --------------------------------------------------------------------------- helpers


def _resolve_folder(source: str, task_dir: str, expected: dict[str, str]) -> Path:
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"data folder {str(folder)!r} does not exist. Fix: pass the folder that holds "
            f"{', '.join(expected.values())} (or its parent with a {task_dir}/ subfolder), "
            "or a Hub id, or None for the active profile."
        )
    if _is_hub_style(folder):
        return folder
    if (folder / task_dir).is_dir() and not (folder / expected["train"]).exists():
        folder = folder / task_dir
    return folder


def _is_hub_style(folder: Path) -> bool:
    return (folder / "README.md").is_file() and not any(
        (folder / name).exists() for name in ("train.tsv", "train.txt")
    )


def _check_files(folder: Path, expected: dict[str, str], what: str) -> None:
    missing = [
        f"{name} ({split})" for split, name in expected.items() if not (folder / name).is_file()
    ]
    if missing:
        have = sorted(p.name for p in folder.iterdir())[:12]
        raise FileNotFoundError(
            f"{what} folder {str(folder)!r} lacks {', '.join(missing)}; it has {have or 'nothing'}. "
            f"Fix: put the real files there ({', '.join(expected.values())}), as listed in "
            "the README's data section."
        )


def _non_empty(dataset: DatasetDict, source: str) -> DatasetDict:
    for split, ds in dataset.items():
        if len(ds) == 0:
            raise DataFormatError(
                f"split {split!r} from {source!r} is empty. Fix: check that the file for this "
                "split is the complete original, not a truncated download."
            )
    return dataset


def _load(
    source: str,
    profile: str | None,
    what: str,
    task_dir: str,
    config: str | None,
    files: dict[str, str],
    reader,
    features,
) -> DatasetDict:
    """Load from a Hub id, a Hub-style folder (the embedded sample) or a folder of real files."""
    if not is_local(source):
        require_hub(f"{what} ({source!r})", profile)
        return _non_empty(load_dataset(source, config), source)
    folder = _resolve_folder(source, task_dir, files)
    if _is_hub_style(folder):
        return _non_empty(load_dataset(str(folder), config), source)
    _check_files(folder, files, what)
    dataset = DatasetDict(
        {
            split: Dataset.from_dict(reader(folder / name), features=features)
            for split, name in files.items()
        }
    )
    return _non_empty(dataset, source)


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


def load_mrpc(source: str | None = None) -> DatasetDict:
    """GLUE MRPC as a ``DatasetDict`` with the Hub's splits, columns and label names.

    Args:
        source: a Hub id (``"nyu-mll/glue"``), a local folder of the real GLUE files
            (``train.tsv``, ``dev.tsv``, ``msr_paraphrase_test.txt``, or a parent folder
            with an ``mrpc/`` subfolder), an embedded Hub-style folder, or None for the
            active profile's source.

    Returns:
        Splits train/validation/test; columns sentence1, sentence2, label
        (``ClassLabel`` not_equivalent/equivalent), idx.

    Used in: 01_data_loading, 02_mrpc_trainer, 03_training_loop, ``helpers.train``.
    """
    profile = None if source is not None else get_profile()
    return _load(
        source if source is not None else profile.mrpc_data,
        profile.name if profile else None,
        what="MRPC",
        task_dir="mrpc",
        config="mrpc",
        files=MRPC_FILES,
        reader=read_mrpc_file,
        features=mrpc_features(),
    )


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


# the toy SST-2 shipped with the kit (the embedded profile reads it beside its MRPC)
EMBEDDED_SST2 = EMBEDDED_DIR / "glue"


def sst2_source(profile: Profile) -> str:
    """Where a profile reads SST-2: beside its MRPC (the embedded GLUE folder or the Hub's GLUE
    repository), or ``COURSE_DATA_DIR/SST-2`` when that folder exists. Without either (the
    real files of MRPC and CoNLL in ``COURSE_DATA_DIR``, no SST-2, no Hub), the SST-2
    exercises fall back to the kit's toy reviews and say so, rather than stop Run All.

    Used in: ``load_sst2``, ``helpers.classroom.sst2.target``.
    """
    if profile.is_toy:
        return profile.mrpc_data
    base = os.environ.get("COURSE_DATA_DIR")
    if base and (Path(base).expanduser() / "SST-2").is_dir():
        return str(Path(base).expanduser() / "SST-2")
    if not hub_reachable():
        _say_once(
            _(
                "SST-2: no SST-2/ folder in COURSE_DATA_DIR and no Hub, so the SST-2 exercises "
                "use the kit's toy reviews (and their target). For the real data, put GLUE's "
                "SST-2 folder (train.tsv, dev.tsv) in COURSE_DATA_DIR."
            )
        )
        return str(EMBEDDED_SST2)
    return profile.mrpc_data if not is_local(profile.mrpc_data) else MRPC_HUB_ID


def _say_once(message: str, said: set[str] = set()) -> None:  # noqa: B006 - the memory
    if message not in said:
        said.add(message)
        print(message)


def load_sst2(source: str | None = None) -> DatasetDict:
    """GLUE SST-2 (movie-review sentiment) as a ``DatasetDict`` with the Hub's splits and labels.

    Args:
        source: a Hub id (``"nyu-mll/glue"``), a local folder of the real GLUE files
            (``train.tsv``, ``dev.tsv`` and optionally ``test.tsv``, or a parent folder with an
            ``SST-2/`` subfolder), an embedded Hub-style folder, or None for the active
            profile's source (see ``sst2_source``).

    Returns:
        Splits train/validation (and test, whose labels are -1); columns sentence, label
        (``ClassLabel`` negative/positive), idx.

    Used in: 02_mrpc_trainer and 03_training_loop (exercises).
    """
    profile = None if source is not None else get_profile()
    source = source if source is not None else sst2_source(profile)
    files = dict(SST2_FILES)
    if is_local(source):
        folder = _resolve_folder(source, "SST-2", files)
        if (folder / SST2_TEST_FILE).is_file():
            files["test"] = SST2_TEST_FILE
    return _load(
        source,
        profile.name if profile else None,
        what="SST-2",
        task_dir="SST-2",
        config="sst2",
        files=files,
        reader=read_sst2_file,
        features=sst2_features(),
    )


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


def load_conll2003(source: str | None = None) -> DatasetDict:
    """CoNLL-2003 (English NER) as a ``DatasetDict`` with the Hub's splits, columns and labels.

    Args:
        source: a Hub id of a parquet-backed copy (``"lhoestq/conll2003"``), a local folder
            of the real files (``train.txt``, ``valid.txt``, ``test.txt``, or a parent folder
            with a ``conll2003/`` subfolder), an embedded Hub-style folder, or None for the
            active profile's source.

    Returns:
        Splits train/validation/test; columns id, tokens, pos_tags, chunk_tags, ner_tags.

    Used in: 01_data_loading, 04_ner, ``helpers.train``.
    """
    profile = None if source is not None else get_profile()
    return _load(
        source if source is not None else profile.conll_data,
        profile.name if profile else None,
        what="CoNLL-2003",
        task_dir="conll2003",
        config=None,
        files=CONLL_FILES,
        reader=read_conll_file,
        features=conll_features(),
    )


def label_names_of(dataset: Dataset, column: str) -> list[str]:
    """The ``ClassLabel`` names of ``column`` (a label or a sequence of labels).

    Used in: 02_mrpc_trainer, 04_ner, ``helpers.train``.
    """
    if column not in dataset.features:
        raise KeyError(
            f"column {column!r} not in the dataset; it has {list(dataset.features)}. "
            "Fix: pass the name of the label column."
        )
    feature = dataset.features[column]
    feature = getattr(feature, "feature", feature)
    names = getattr(feature, "names", None)
    if names is None:
        raise TypeError(
            f"column {column!r} holds {feature}, not ClassLabel values. Fix: "
            f"dataset.cast_column({column!r}, ClassLabel(names=[...])) first."
        )
    return list(names)


# --------------------------------------------------------------------------- sizes


def bytes2human(n: int) -> str:
    """A byte count the way ``psutil`` writes it, without importing psutil's private module.

    >>> bytes2human(10000)
    '9.8K'
    >>> bytes2human(100001221)
    '95.4M'
    >>> bytes2human(512)
    '512B'
    """
    symbols = ("K", "M", "G", "T", "P", "E", "Z", "Y")
    prefix = {s: 1 << (i + 1) * 10 for i, s in enumerate(symbols)}
    for symbol in reversed(symbols):
        if abs(n) >= prefix[symbol]:
            return f"{n / prefix[symbol]:.1f}{symbol}"
    return f"{n}B"


def require_hub_for_builder(*args, **kwargs) -> None:
    """Fail at once, with the fix, when ``load_dataset_builder(*args, **kwargs)`` needs the Hub offline.

    Local folders and the packaged builders (``"json"``, ``"csv"``... with ``data_files``)
    never need it.

    >>> require_hub_for_builder("json", data_files="train.jsonl")

    Used in: ``print_dataset_size_if_provided`` (01_data_loading).
    """
    from datasets.packaged_modules import _PACKAGED_DATASETS_MODULES

    source = str(args[0]) if args else str(kwargs.get("path", ""))
    if source and not is_local(source) and source not in _PACKAGED_DATASETS_MODULES:
        require_hub(f"the size of {source!r}")


def print_dataset_size_if_provided(*args, **kwargs) -> tuple[int, int] | None:
    """Print a data set's download and on-disk size before downloading it, when its card says.

    Takes the arguments of ``datasets.load_dataset_builder`` (a Hub id, a local folder, a
    builder name with ``data_files``...). Only the metadata is read, never the data.

    Returns:
        ``(download_size, dataset_size)`` in bytes, or None when the uploader gave no sizes.

    Used in: 01_data_loading (the notebook's cell is this function's twin).
    """
    require_hub_for_builder(*args, **kwargs)  # offline: a clear error, not a long wait
    # reads the data set's card and metadata only, never the data
    dataset_builder = load_dataset_builder(*args, **kwargs)
    info = dataset_builder.info
    if info.download_size and info.dataset_size:
        download_size = bytes2human(info.download_size)
        dataset_size = bytes2human(info.dataset_size)
        print(f"download_size={download_size}, dataset_size={dataset_size}")
        return info.download_size, info.dataset_size
    print("Dataset size is not provided by uploader")
    return None


__all__ = [
    "CONLL_FILES",
    "MRPC_FILES",
    "MRPC_LABELS",
    "SST2_FILES",
    "SST2_LABELS",
    "DataFormatError",
    "bytes2human",
    "label_names_of",
    "load_conll2003",
    "load_mrpc",
    "load_sst2",
    "print_dataset_size_if_provided",
    "require_hub_for_builder",
    "read_conll_file",
    "read_mrpc_file",
    "read_sst2_file",
]
