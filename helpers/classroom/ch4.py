"""Checks of chapter 4's exercises (NER on CoNLL-2003); texts in ``data/ch4.yaml``."""

from __future__ import annotations

import re
from typing import Any

from helpers.classroom.core import Checker, exercise
from helpers.i18n import N_

IGNORED = -100


# --------------------------------------------------------------------------- 4.1


def _columns(line: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\S+", line)]


def _tag_names(dataset: Any, column: str) -> list[str]:
    return dataset.features[column].feature.names


@exercise(4, "pos_chunk_tags", call="tag_table, raw_datasets")
def pos_chunk_tags(r: Checker, tag_table: Any, raw_datasets: Any) -> None:
    r.attempted(tag_table)
    r.is_a(tag_table, list, "tag_table", N_("a list of 6 strings"))
    r.require(len(tag_table) == 6, "line_count", got=len(tag_table))
    r.require(all(isinstance(line, str) for line in tag_table), "not_strings")
    train = raw_datasets["train"]
    blocks = [(3 * block, train[index], index) for block, index in enumerate((0, 4))]
    for first, example, index in blocks:
        if tag_table[first].split() != example["tokens"]:
            r.wrong("wrong_words", line=first + 1, index=index, want=" ".join(example["tokens"]))
    r.ok("words_ok")
    for first, example, _ in blocks:
        for offset, column in ((1, "pos_tags"), (2, "chunk_tags")):
            _check_tags(r, tag_table[first + offset], first + offset + 1, example, column, train)
    r.ok("names_ok")
    for first, example, _ in blocks:
        starts = _columns(tag_table[first])
        for offset in (1, 2):
            for word, (a, b) in enumerate(zip(starts, _columns(tag_table[first + offset]))):
                if a != b:
                    r.wrong(
                        "misaligned",
                        line=first + offset + 1,
                        word=word,
                        text=example["tokens"][word],
                        word_column=a,
                        tag_column=b,
                    )
    r.ok("aligned_ok")


def _check_tags(r: Checker, line: str, number: int, example: dict, column: str, train) -> None:
    want = [_tag_names(train, column)[t] for t in example[column]]
    got = line.split()
    if got == want:
        return
    kind = "POS" if column == "pos_tags" else "chunk"
    if got == [str(t) for t in example[column]]:
        r.wrong("ids_not_names", line=number, kind=kind, column=column)
    for other in ("pos_tags", "chunk_tags", "ner_tags"):
        names = _tag_names(train, other)
        if other != column and got == [names[t] for t in example[other]]:
            r.wrong("other_tags", line=number, kind=kind, other=other, column=column)
    r.wrong("wrong_tags", line=number, kind=kind, column=column)


# --------------------------------------------------------------------------- 4.2

FIRST_SUBTOKEN_CASES = [
    # the course's sentence: "lamb" (word 7) is split into two sub-tokens
    ([3, 0, 7, 0, 0, 0, 7, 0, 0], [None, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, None]),
    # a name split in pieces: B-PER on "Kingsreach", I-PER after it
    ([1, 2, 0], [None, 0, 0, 0, 1, 2, 2, None]),
    ([5], [None, 0, None]),
]


@exercise(4, "first_subtoken", call="align_first_subtoken")
def first_subtoken(r: Checker, function: Any, cases: list | None = None) -> None:
    r.attempted(function)
    outputs = []
    for labels, word_ids in cases or FIRST_SUBTOKEN_CASES:
        got = r.call(function, list(labels), list(word_ids), name="align_first_subtoken")
        r.require(got is not None, "returned_none")
        got = list(got)
        r.require(len(got) == len(word_ids), "wrong_length", got=len(got), n=len(word_ids))
        outputs.append((got, labels, word_ids))
    # special tokens, then first pieces, then the other pieces: each noted once it holds
    for kind, note in (("special", "special_ok"), ("first", "first_ok"), ("rest", "rest_ok")):
        for got, labels, word_ids in outputs:
            for position, word_id in enumerate(word_ids):
                if _piece_kind(word_ids, position) == kind:
                    _first_subtoken_position(r, got, labels, word_ids, position, word_id)
        r.ok(note)


def _piece_kind(word_ids: list[int | None], position: int) -> str:
    """ "special" (no word), "first" (a word's first sub-token) or "rest"."""
    word_id = word_ids[position]
    if word_id is None:
        return "special"
    return "first" if position == 0 or word_ids[position - 1] != word_id else "rest"


def _first_subtoken_position(r: Checker, got, labels, word_ids, position, word_id) -> None:
    value = got[position]
    if word_id is None:
        r.require(value == IGNORED, "special", position=position, got=value)
        return
    if _piece_kind(word_ids, position) == "first":
        if value == labels[word_id]:
            return
        for other in (word_id - 1, word_id + 1):
            if 0 <= other < len(labels) and value == labels[other] != labels[word_id]:
                r.wrong("off_by_one", word=word_id, position=position, got=value, other=other)
        r.wrong("first_wrong", word=word_id, position=position, got=value, want=labels[word_id])
    if value != IGNORED:
        pieces = word_ids.count(word_id)
        r.wrong("every_subtoken", word=word_id, pieces=pieces, position=position, got=value)


# --------------------------------------------------------------------------- 4.3


@exercise(4, "pad_labels", call="pad_labels, tokenized_datasets, data_collator")
def pad_labels(r: Checker, function: Any, tokenized_datasets: Any, data_collator: Any) -> None:
    r.attempted(function)
    examples = [tokenized_datasets["train"][i] for i in range(4)]
    label_lists = [list(e["labels"]) for e in examples]
    given = [list(labels) for labels in label_lists]
    got = r.call(function, given, name="pad_labels")
    r.require(given == label_lists, "mutated")
    want = data_collator(examples)["labels"].tolist()
    r.require(isinstance(got, (list, tuple)) and len(got) == len(want), "count", n=len(want))
    got = [list(row) for row in got]
    longest = len(want[0])
    for i, row in enumerate(got):
        r.require(len(row) == longest, "length", example=i, got=len(row), n=longest)
    r.ok("length_ok", n=longest)
    for i, (row, labels) in enumerate(zip(got, label_lists)):
        if row[: len(labels)] != labels:
            key = "left_padding" if row[longest - len(labels) :] == labels else "labels_changed"
            r.wrong(key, example=i)
        for position in range(len(labels), longest):
            if row[position] != IGNORED:
                r.wrong("pad_value", example=i, position=position, got=row[position])
    r.ok("pad_ok")
    r.require(got == want, "not_collator")
    r.ok("collator_ok")


# --------------------------------------------------------------------------- 4.4

ENTITY_CASES = [
    (
        "simple_ok",
        "Anna Berg joined Corvid Labs in Valmora .".split(),
        ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"],
        [("PER", "Anna Berg"), ("ORG", "Corvid Labs"), ("LOC", "Valmora")],
    ),
    # two names side by side: each B- starts an entity of its own
    (
        "adjacent_ok",
        "Anna Berg Tomas Reyes".split(),
        ["B-PER", "I-PER", "B-PER", "I-PER"],
        [("PER", "Anna Berg"), ("PER", "Tomas Reyes")],
    ),
    # an I- tag after O, and an I- tag of another type, start new entities (as seqeval reads them)
    (
        "loose_i_ok",
        "the Valmoran government met Helix Motors Valmora".split(),
        ["O", "I-MISC", "O", "O", "B-ORG", "I-ORG", "I-LOC"],
        [("MISC", "Valmoran"), ("ORG", "Helix Motors"), ("LOC", "Valmora")],
    ),
    ("", [], [], []),
]


@exercise(4, "entity_spans", call="entities")
def entity_spans(r: Checker, function: Any, cases: list | None = None) -> None:
    r.attempted(function)
    for note, words, tags, want in cases or ENTITY_CASES:
        want = [tuple(e) for e in want]
        got = r.call(function, list(words), list(tags), name="entities")
        if got is None:
            r.wrong("returned_none")
        got = [tuple(e) if isinstance(e, (list, tuple)) else e for e in got]
        if got == want:
            if note:
                r.ok(note)
            continue
        shown = {"words": " ".join(words), "tags": " ".join(tags), "got": got}
        if any(isinstance(e, tuple) and len(e) == 2 and str(e[0])[:2] in ("B-", "I-") for e in got):
            r.wrong("type_prefix", **shown)
        if got == want[:-1]:
            r.wrong("last_dropped", **shown)
        if ("PER", "Anna Berg Tomas Reyes") in got:
            r.wrong("merged_b", **shown)
        if "I-MISC" in tags and ("MISC", "Valmoran") not in got:
            r.wrong("i_after_o", **shown)
        if ("ORG", "Helix Motors Valmora") in got:
            r.wrong("type_change", **shown)
        r.wrong("case_wrong", want=want, **shown)
