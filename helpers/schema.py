"""The Hub's schema for GLUE MRPC and CoNLL-2003: column names, label names, split names.

Loaders, the embedded sample and the tests all take their names from here, so that the
kit's data has exactly the columns and ``ClassLabel`` order of the Hub's.
"""

from __future__ import annotations

from datasets import ClassLabel, Features, Value

try:  # datasets >= 4 names a list feature List; older releases call it Sequence
    from datasets import List
except ImportError:  # pragma: no cover - datasets 3
    from datasets import Sequence as List

MRPC_LABELS = ["not_equivalent", "equivalent"]
# Rows of the real GLUE files (see ../shared/data/SOURCES.md)
MRPC_SPLIT_SIZES = {"train": 3668, "validation": 408, "test": 1725}

SST2_LABELS = ["negative", "positive"]
# Rows on the Hub (nyu-mll/glue, sst2); the test split's labels are hidden (-1)
SST2_SPLIT_SIZES = {"train": 67349, "validation": 872, "test": 1821}

NER_NAMES = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
POS_NAMES = [
    '"',
    "''",
    "#",
    "$",
    "(",
    ")",
    ",",
    ".",
    ":",
    "``",
    "CC",
    "CD",
    "DT",
    "EX",
    "FW",
    "IN",
    "JJ",
    "JJR",
    "JJS",
    "LS",
    "MD",
    "NN",
    "NNP",
    "NNPS",
    "NNS",
    "NN|SYM",
    "PDT",
    "POS",
    "PRP",
    "PRP$",
    "RB",
    "RBR",
    "RBS",
    "RP",
    "SYM",
    "TO",
    "UH",
    "VB",
    "VBD",
    "VBG",
    "VBN",
    "VBP",
    "VBZ",
    "WDT",
    "WP",
    "WP$",
    "WRB",
]
CHUNK_NAMES = [
    "O",
    "B-ADJP",
    "I-ADJP",
    "B-ADVP",
    "I-ADVP",
    "B-CONJP",
    "I-CONJP",
    "B-INTJ",
    "I-INTJ",
    "B-LST",
    "I-LST",
    "B-NP",
    "I-NP",
    "B-PP",
    "I-PP",
    "B-PRT",
    "I-PRT",
    "B-SBAR",
    "I-SBAR",
    "B-UCP",
    "I-UCP",
    "B-VP",
    "I-VP",
]
CONLL_SPLIT_SIZES = {"train": 14041, "validation": 3250, "test": 3453}


def mrpc_features() -> Features:
    """Features of ``load_dataset("nyu-mll/glue", "mrpc")``.

    >>> mrpc_features()["label"].names
    ['not_equivalent', 'equivalent']
    """
    return Features(
        {
            "sentence1": Value("string"),
            "sentence2": Value("string"),
            "label": ClassLabel(names=MRPC_LABELS),
            "idx": Value("int32"),
        }
    )


def sst2_features() -> Features:
    """Features of ``load_dataset("nyu-mll/glue", "sst2")``.

    >>> sst2_features()["label"].names
    ['negative', 'positive']
    """
    return Features(
        {
            "sentence": Value("string"),
            "label": ClassLabel(names=SST2_LABELS),
            "idx": Value("int32"),
        }
    )


def conll_features() -> Features:
    """Features of the Hub's CoNLL-2003 (tags are ``ClassLabel`` sequences).

    >>> conll_features()["ner_tags"].feature.names[:3]
    ['O', 'B-PER', 'I-PER']
    """
    return Features(
        {
            "id": Value("string"),
            "tokens": List(Value("string")),
            "pos_tags": List(ClassLabel(names=POS_NAMES)),
            "chunk_tags": List(ClassLabel(names=CHUNK_NAMES)),
            "ner_tags": List(ClassLabel(names=NER_NAMES)),
        }
    )
