"""Latin script in the translations' prose (``tools/translations/script.py``): a share per
chapter and language, below the limits the glossary's conventions justify."""

from __future__ import annotations

import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.translations import TRANSLATED, Layout  # noqa: E402
from tools.translations.__main__ import main  # noqa: E402
from tools.translations.script import LIMITS, latin_words, shares  # noqa: E402

LAYOUT = Layout()


def test_limits_follow_the_glossary():
    # Polish and Russian translate nearly everything; Chinese keeps the most English
    assert LIMITS["pl"] == LIMITS["ru"] < LIMITS["hi"] <= LIMITS["ja"] < LIMITS["zh_Hans"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_chapter_is_below_its_limit(lang):
    found = shares(LAYOUT, lang)
    assert len(found) == 5 and all(s.letters > 1000 for s in found)
    over = {s.stem: (round(s.percent, 2), s.words[:10]) for s in found if s.percent > LIMITS[lang]}
    assert not over, f"{lang}: Latin script above {LIMITS[lang]}%: {over}"


def test_code_names_and_kept_terms_do_not_count():
    english = "Restart the `kernel`; the GPU, `Trainer` and Hugging Face stay."
    assert (
        latin_words("hi", english, "`kernel` रीस्टार्ट करें; GPU, `Trainer` और Hugging Face वही।") == []
    )
    assert latin_words("zh_Hans", "One batch of token ids.", "一个 batch 的 token ID。") == []
    assert latin_words("ru", "Restart the kernel.", "Перезапустите kernel.") == ["kernel"]


@pytest.fixture
def kit(catalogue_copy) -> Layout:
    return catalogue_copy


@pytest.mark.parametrize(
    "lang, stem, words",
    [
        ("hi", "03_training_loop", "kernel state restart launcher lock child rendezvous fork"),
        ("pl", "02_mrpc_trainer", "the learning rate scheduler warmup steps"),
        ("zh_Hans", "04_ner", "the subword tokens of each word get the label of the word"),
    ],
)
def test_untranslated_english_pushes_a_chapter_over_its_limit(kit, lang, stem, words):
    path = kit.catalogue(lang, stem)
    po = polib.pofile(str(path), wrapwidth=0)
    entries = [e for e in po if not e.obsolete and e.msgstr]
    english_words = " ".join(e.msgid for e in entries)
    for entry in entries[:12]:
        # the words as a translator might leave them: copied from the English text
        picked = [w for w in words.split() if w in english_words.lower()] or words.split()
        entry.msgstr += "\n\n" + " ".join(picked * 3)
    po.save(str(path))
    share = next(s for s in shares(kit, lang) if s.stem == stem)
    assert share.percent > LIMITS[lang], share.percent


def test_the_command_prints_shares_and_exits_1_above_a_limit(kit, capsys, monkeypatch):
    import tools.translations.__main__ as cli

    monkeypatch.setattr(cli, "Layout", lambda: kit)
    assert main(["latin", "ru"]) == 0
    assert "ru        03_training_loop" in capsys.readouterr().out
    po = polib.pofile(str(kit.catalogue("ru", "01_data_loading")), wrapwidth=0)
    for entry in [e for e in po if e.msgstr and not e.obsolete][:10]:
        entry.msgstr += "\n\nload the dataset from the cache folder " * 3
    po.save(str(kit.catalogue("ru", "01_data_loading")))
    assert main(["latin", "ru"]) == 1
    assert "OVER" in capsys.readouterr().out


@pytest.mark.parametrize("module", ["terms", "script"])
def test_doctests(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"tools.translations.{module}"))
    assert result.failed == 0 and result.attempted > 0
