"""The termbase check (``tools/translations/terms.py``): one term per idea and language.

Every language's chapters and runtime texts pass their ``translations/<lang>/termbase.yaml``;
a variant injected into a catalogue, and two renderings mixed in one catalogue, are caught.
"""

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
from tools.translations.terms import check, load, prose, termbase_path  # noqa: E402

LAYOUT = Layout()
# what issue 21's reviewers found, by language: each must be an `avoid` of its termbase
REVIEWED = {
    "pl": ["zestaw danych", "tag", "sekcja", "scheduler", "Spróbuj sam!", "dźwignia", "0.75"],
    "ja": ["tokenizer (Latin, in prose)", "collator (Latin, in prose)", "training 分割", "ソート",
           "おもちゃ", "でっち上げ", "届く", "特徴量", "系列", "s (Latin unit)"],
    "ru": ["точность", "до самой длинной длины", "скорость обучения разогревается",
           "s (Latin unit)", "MB/GB (Latin unit)"],
    "zh_Hans": ["子 token", "试试看！", "collator (Latin, in prose)", "配置档", "按顺序排列"],
    "hi": ["ids (Latin, in prose)", "इसे आज़माएँ!", "बेरंग (colourless)", "बिना प्रशिक्षित मॉडल",
           "नमूना संख्याएँ (sample numbers)",
           "kernel, state, restart, launcher, lock, child, rendezvous (Latin, in prose)"],
}  # fmt: skip


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_language_passes_its_termbase(lang):
    findings, usage = check(LAYOUT, lang)
    assert findings == [], "\n".join(map(str, findings))
    ideas = load(termbase_path(LAYOUT, lang))
    avoided = {name for idea in ideas for name in idea.avoid}
    assert set(REVIEWED[lang]) <= avoided, set(REVIEWED[lang]) - avoided
    used = [idea for idea, counts in usage.items() if counts]
    assert len(used) >= 8, f"{lang}: the termbase's terms are hardly used: {used}"


@pytest.fixture
def kit(catalogue_copy) -> Layout:
    return catalogue_copy


def _edit(layout: Layout, lang: str, stem: str, old: str, new: str) -> int:
    path = layout.catalogue(lang, stem)
    po = polib.pofile(str(path), wrapwidth=0)
    entry = next(e for e in po if not e.obsolete and old in e.msgstr)
    entry.msgstr = entry.msgstr.replace(old, new, 1)
    po.save(str(path))
    return entry.linenum


@pytest.mark.parametrize(
    "lang, stem, old, new, variant",
    [
        ("pl", "02_mrpc_trainer", "zbiór danych", "zestaw danych", "zestaw danych"),
        ("pl", "runtime", "znacznik", "tag", "tag"),
        ("ja", "04_ner", "トークナイザ", "tokenizer", "tokenizer"),
        ("ru", "04_ner", "датасет", "набор данных", "набор данных"),
        ("zh_Hans", "04_ner", "子词", "子 token", "子 token"),
        ("hi", "03_training_loop", "कर्नेल", "kernel", "kernel"),
    ],
)
def test_an_injected_variant_fails(kit, capsys, lang, stem, old, new, variant):
    assert check(kit, lang)[0] == []
    line = _edit(kit, lang, stem, old, new)
    findings, _ = check(kit, lang)
    assert [f.kind for f in findings] == ["variant"]
    assert findings[0].where == f"translations/{lang}/{stem}.po:{line}"
    assert findings[0].found.lower().startswith(variant.lower())


def test_the_command_reports_and_exits_1(kit, capsys, monkeypatch):
    import tools.translations.__main__ as cli

    monkeypatch.setattr(cli, "Layout", lambda: kit)
    assert main(["terms", "pl"]) == 0
    _edit(kit, "pl", "01_data_loading", "zbiór danych", "zestaw danych")
    assert main(["terms", "pl"]) == 1
    out = capsys.readouterr().out
    assert "== pl: 1 finding(s)" in out and "'zestaw danych' is a variant" in out
    assert main(["terms", "xx"]) == 2


def test_two_renderings_of_one_idea_in_one_catalogue_are_a_mix(kit):
    path = termbase_path(kit, "ru")
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - idea: checkpoint\n    term: контрольная точка\n    one_of:\n"
        + '      контрольная точка: "контрольн\\\\w* точк\\\\w*"\n      чекпоинт: "чекпоинт\\\\w*"\n',
        encoding="utf-8",
    )
    findings, _ = check(kit, "ru")
    mixes = [f for f in findings if f.kind == "mix"]
    # 02 glosses чекпоинт once next to контрольная точка: a mix this rule reports
    assert mixes and all("контрольная точка" in f.found and "чекпоинт" in f.found for f in mixes)


def test_code_links_and_fields_are_not_prose():
    text = "Use `tokenizer(x)` and [the tokenizer](https://hf.co/tokenizer) with {tokenizer}"
    assert "tokenizer" not in prose(text).replace("the tokenizer", "")


def test_a_variant_that_could_never_match_is_refused(tmp_path):
    # a key without a pattern is matched as written: with a gloss in it, never
    path = tmp_path / "termbase.yaml"
    path.write_text(
        "terms:\n  - idea: tokenizer\n    term: टोकनाइज़र\n    avoid:\n      टोकनाइजर (no nukta): null\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="can never be found"):
        load(path)
    path.write_text(path.read_text(encoding="utf-8").replace("null", '"टोकनाइजर"'), "utf-8")
    assert load(path)[0].avoid["टोकनाइजर (no nukta)"].search("यह टोकनाइजर है")
