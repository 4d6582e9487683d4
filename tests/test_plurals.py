"""Messages with a count print the language's plural form (``helpers.i18n.ngettext``).

Polish and Russian have three forms, chosen by the last digits: 1 (Russian: and 21),
2-4 (and 22-24), and the rest (5, 11-14, 25...). One form for every count is the mistake
this catches ("5 wiersze", "2 строк").
"""

from __future__ import annotations

import re

import pytest

from helpers import i18n
from helpers.classroom import text

COUNTS = (1, 2, 5, 21, 22, 25)
# the noun each count takes in the chapter 1 message "my_dataset has {n} rows; ..."
ROWS = {
    "pl": {1: "1 wiersz;", 2: "2 wiersze;", 5: "5 wierszy;", 21: "21 wierszy;", 22: "22 wiersze;", 25: "25 wierszy;"},
    "ru": {1: "1 строка;", 2: "2 строки;", 5: "5 строк;", 21: "21 строка;", 22: "22 строки;", 25: "25 строк;"},
}  # fmt: skip
# chapter 3's "training runs for {epochs} epochs"
EPOCHS = {
    "pl": {1: "1 epokę.", 2: "2 epoki.", 5: "5 epok.", 21: "21 epok.", 22: "22 epoki.", 25: "25 epok."},
    "ru": {1: "1 эпоху.", 2: "2 эпохи.", 5: "5 эпох.", 21: "21 эпоху.", 22: "22 эпохи.", 25: "25 эпох."},
}  # fmt: skip


def wrong_forms(printed: dict[int, str], expected: dict[int, str]) -> list[int]:
    """The counts whose printed message lacks the expected form."""
    return [n for n, form in expected.items() if form not in printed[n]]


def _printed(chapter: int, exercise: str, key: str, field: str) -> dict[int, str]:
    message = text.chapter_data(chapter)["exercises"][exercise]["messages"][key]
    assert isinstance(message, dict) and message["count"] == field, "not a plural message"
    return {n: text.say(message, **{field: n, "got": 0, "n": n}) for n in COUNTS}


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_polish_and_russian_print_the_right_form(lang, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", lang)
    rows = _printed(1, "own_dataset", "too_few_rows", "n")
    assert wrong_forms(rows, ROWS[lang]) == [], rows
    epochs = _printed(3, "num_steps", "one_epoch", "epochs")
    assert wrong_forms(epochs, EPOCHS[lang]) == [], epochs


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_one_form_for_every_count_is_caught(lang, monkeypatch):
    """What the kit printed before ngettext: the translation of one plural form for all counts."""
    monkeypatch.setenv("COURSE_LANG", lang)
    catalogue = i18n._catalogue(lang)
    one_form = {
        key: [forms[-1]] * len(forms) for key, forms in catalogue.plurals.items()
    }  # "5 wierszy" for every count, as a single msgstr did
    monkeypatch.setattr(
        i18n,
        "_read_catalogue",
        lambda *a: i18n.Catalogue(catalogue.messages, one_form, catalogue.plural),
    )
    rows = _printed(1, "own_dataset", "too_few_rows", "n")
    assert wrong_forms(rows, ROWS[lang]) == [1, 2, 22] if lang == "pl" else [1, 2, 21, 22]


def test_english_and_untranslated_use_the_english_forms(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "en")
    rows = _printed(1, "own_dataset", "too_few_rows", "n")
    assert "has 1 row;" in rows[1] and "has 2 rows;" in rows[2] and "has 21 rows;" in rows[21]


@pytest.mark.parametrize(
    "lang, forms", [("pl", 3), ("ru", 3), ("hi", 2), ("ja", 1), ("zh_Hans", 1)]
)
def test_every_plural_entry_has_each_form_of_its_language(lang, forms):
    catalogue = i18n._catalogue(lang)
    assert len(catalogue.plurals) >= 20
    assert {len(f) for f in catalogue.plurals.values()} == {forms}


COUNTED = re.compile(
    r"\{\w+\} (?:\[SEP\] )?(?:rows|examples|pairs|tokens|names|labels|sentences|epochs|steps|ids|batches|lines|sub-tokens|outputs)\b"
)


@pytest.mark.parametrize("chapter", text.CHAPTERS)
def test_every_count_message_is_a_plural(chapter):
    """A message that puts a counted noun after a field is written as one/other/count."""
    for key, exercise in text.chapter_data(chapter)["exercises"].items():
        for name, message in exercise.get("messages", {}).items():
            if isinstance(message, str):
                assert not COUNTED.search(message), f"ch{chapter} {key}.{name}: use one/other/count"
    assert COUNTED.search("my_dataset has {n} rows") and COUNTED.search("holds {n} [SEP] tokens")
