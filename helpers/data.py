"""Data sources: GLUE MRPC, GLUE SST-2 and CoNLL-2003 from the Hub, the real files, or embedded.

``load_mrpc``, ``load_sst2`` and ``load_conll2003`` return the same ``DatasetDict`` (splits, columns,
``ClassLabel`` names) whichever source they read, so a notebook never needs to know
where its data came from. The real files' readers are in ``helpers.data_files``; a data set's
size before download in ``helpers.data_size``.
"""

from __future__ import annotations

import os
from pathlib import Path

from datasets import Dataset, DatasetDict, load_dataset

from helpers.data_files import (
    CONLL_FILES,
    MRPC_FILES,
    SST2_FILES,
    SST2_TEST_FILE,
    DataFormatError,
    read_conll_file,
    read_mrpc_file,
    read_sst2_file,
)
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
from helpers.schema import MRPC_LABELS, SST2_LABELS, conll_features, mrpc_features, sst2_features

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


__all__ = [
    "MRPC_LABELS",
    "SST2_LABELS",
    "label_names_of",
    "load_conll2003",
    "load_mrpc",
    "load_sst2",
]
