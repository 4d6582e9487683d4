"""The translated chapters (``tools/translations``): catalogues in sync, notebooks that cannot drift.

- the committed catalogues, templates, translated notebooks and README table are what
  ``make translations`` writes from the English notebooks (else: run it);
- every committed translated notebook has the English code cells byte for byte, and each
  markdown cell keeps its English cell's code, links, formulas, HTML, tables and headings;
- on a temp copy: changing one English sentence makes exactly that cell fuzzy in all five
  languages, the built cell shows the English text under the (translated) marker, and the
  sync check fails until the catalogues are regenerated;
- each check is shown to reject a bad translation.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.translations import TRANSLATED, Layout  # noqa: E402
from tools.translations.__main__ import main, stale  # noqa: E402
from tools.translations.build import (  # noqa: E402
    MARKERS,
    generate,
    marked,
    nav_line,
    split_generated,
)
from tools.translations.catalog import Message, merge, new_catalogue  # noqa: E402
from tools.translations.markdown import compare, features  # noqa: E402
from tools.translations.runtime import compare_fields, python_messages  # noqa: E402
from tools.translations.verify import compare_notebooks  # noqa: E402

LAYOUT = Layout()


@pytest.fixture(scope="module")
def committed():
    return generate(LAYOUT)


def test_five_languages_with_their_codes():
    assert TRANSLATED == ("pl", "ja", "ru", "zh_Hans", "hi")


def test_committed_files_are_what_make_translations_writes(committed):
    changed = [str(p.relative_to(ROOT)) for p in stale(committed.files)]
    assert not changed, (
        f"out of date with the English notebooks: {changed}. Fix: run `make translations` "
        "and commit what it changes."
    )
    chapters = LAYOUT.english_notebooks()
    assert len(chapters) == 4
    notebooks = [p for p in committed.files if p.suffix == ".ipynb"]
    assert len(notebooks) == len(chapters) * len(TRANSLATED) == 20


def test_committed_translations_keep_what_must_stay(committed):
    assert committed.problems == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_committed_notebooks_match_their_english_source(lang):
    for english in LAYOUT.english_notebooks():
        translated = LAYOUT.translated_notebook(lang, english.name)
        problems = compare_notebooks(
            english.read_text(encoding="utf-8"),
            translated.read_text(encoding="utf-8"),
            nav_line(lang, english.name, TRANSLATED),
        )
        assert problems == [], f"{translated}: {problems}"
        meta = json.loads(translated.read_text(encoding="utf-8"))["metadata"]["course_kit"]
        assert meta == {"lang": lang, "english": f"../{english.name}"}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt absent")
def test_gnu_msgfmt_accepts_every_catalogue():
    import subprocess

    paths = sorted(LAYOUT.translations.glob("*/*.po")) + sorted(LAYOUT.templates.glob("*.pot"))
    assert len(paths) == (len(TRANSLATED) + 1) * (len(LAYOUT.english_notebooks()) + 1)
    for path in paths:
        done = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"{path}: {done.stderr}"


# --- the checks reject bad translations ---------------------------------------------------

ENGLISH_CELL = """## 3. Padding

`DataCollatorWithPadding` pads each batch to its longest pair; see [the docs](https://hf.co/docs/x)
and the loss $L = -\\log p$. <br>

| lever | course | kit |
|---|---|---|
| `lr` | 5e-5 | 8e-5 |

```python
data_collator = DataCollatorWithPadding(tokenizer=tokenizer)
```
"""
GOOD = """## 3. Dopełnianie

[Dokumentacja](https://hf.co/docs/x) opisuje `DataCollatorWithPadding`, który dopełnia każdą partię
do najdłuższej pary; strata to $L = -\\log p$. <br>

| dźwignia | kurs | zestaw |
|---|---|---|
| `lr` | 5e-5 | 8e-5 |

```python
data_collator = DataCollatorWithPadding(tokenizer=tokenizer)
```
"""


def test_a_faithful_translation_passes():
    assert compare(ENGLISH_CELL, GOOD) == []


@pytest.mark.parametrize(
    "bad, expected",
    [
        (GOOD.replace("`DataCollatorWithPadding`", "`KolatorDanych`"), "inline code"),
        (GOOD.replace("`lr`", "lr"), "inline code '`lr`' is missing"),
        (GOOD.replace("opisuje", "opisuje `lr` i"), "inline code '`lr`' appears 2x"),
        (GOOD.replace("(https://hf.co/docs/x)", "(https://hf.co/docs/y)"), "link or image target"),
        (GOOD.replace("[Dokumentacja](https://hf.co/docs/x)", "Dokumentacja"), "link"),
        (GOOD.replace("$L = -\\log p$", "L = -log p"), "formula"),
        (GOOD.replace("<br>", ""), "HTML tag '<br>'"),
        (GOOD.replace("| `lr` | 5e-5 | 8e-5 |", "| `lr` | 5e-5 8e-5 |"), "table rows"),
        (GOOD.replace("|---|---|---|", "|---|---|"), "table rows"),
        (GOOD.replace("## 3.", "### 3."), "heading levels"),
        (GOOD.replace("tokenizer=tokenizer", "tokenizer = tokenizer"), "fenced code blocks"),
    ],
)
def test_each_check_rejects_a_bad_translation(bad, expected):
    problems = compare(ENGLISH_CELL, bad)
    assert problems and any(expected in p for p in problems), problems


def test_runtime_fields_must_stay():
    assert compare_fields("Profile: {name} ({expected}).", "Profil: {expected}, {name}.") == []
    assert compare_fields("Profile: {name}.", "Profil: {nazwa}.")


def test_notebook_check_rejects_a_changed_code_cell_or_tag(tmp_path):
    english = (LAYOUT.english_notebooks()[0]).read_text(encoding="utf-8")
    nav = nav_line("pl", LAYOUT.english_notebooks()[0].name, TRANSLATED)
    good = LAYOUT.translated_notebook("pl", LAYOUT.english_notebooks()[0].name)
    notebook = json.loads(good.read_text(encoding="utf-8"))
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    edited = code["source"][0].replace("\n", "  \n", 1)  # two more bytes in the first line
    assert edited != code["source"][0]
    code["source"][0] = edited
    assert any("byte-identical" in p for p in compare_notebooks(english, json.dumps(notebook), nav))
    notebook = json.loads(good.read_text(encoding="utf-8"))
    notebook["cells"][0]["metadata"]["tags"] = ["skip-execution"]
    assert any(
        "metadata (tags)" in p for p in compare_notebooks(english, json.dumps(notebook), nav)
    )
    notebook = json.loads(good.read_text(encoding="utf-8"))
    notebook["cells"][0]["source"] = ["# no navigation line\n"]
    assert any("navigation" in p for p in compare_notebooks(english, json.dumps(notebook), nav))


def test_a_text_built_at_run_time_cannot_be_extracted(tmp_path):
    source = tmp_path / "m.py"
    source.write_text('from helpers.i18n import gettext as _\nprint(_("a {x}"))\n')
    assert [m.msgid for m in python_messages(source, tmp_path)] == ["a {x}"]
    source.write_text('from helpers.i18n import gettext as _\nx = 1\nprint(_(f"a {x}"))\n')
    with pytest.raises(ValueError, match=r"m\.py:3: _\(\) gets a text built at run time"):
        python_messages(source, tmp_path)


# --- merging like msgmerge --------------------------------------------------------------


def _po(entries: dict[str, str], **flags) -> polib.POFile:
    po = new_catalogue("pl", "x", "")
    for msgid, msgstr in entries.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, **flags.get(msgid, {})))
    return po


def _state(po: polib.POFile) -> dict[str, tuple]:
    return {e.msgid: (e.msgstr, e.fuzzy, e.obsolete, e.previous_msgid) for e in po}


def test_merge_keeps_marks_fuzzy_adds_and_obsoletes():
    old = _po(
        {
            "Load the data set.": "Wczytaj zestaw danych.",
            "Tokenize every sentence of the training split with a batched map.": "Tokenizuj.",
            "A cell that goes away.": "Komórka, która znika.",
        }
    )
    new = [
        Message("Load the data set."),
        Message("Tokenize every sentence of the validation split with a batched map."),
        Message("A brand new cell."),
    ]
    merged = _state(merge(new, old, new_catalogue("pl", "x", "")))
    assert merged["Load the data set."] == ("Wczytaj zestaw danych.", False, 0, None)
    changed = "Tokenize every sentence of the validation split with a batched map."
    assert merged[changed] == (
        "Tokenizuj.",
        True,
        0,
        "Tokenize every sentence of the training split with a batched map.",
    )
    assert merged["A brand new cell."] == ("", False, 0, None)
    assert merged["A cell that goes away."][0] == "Komórka, która znika."
    assert merged["A cell that goes away."][2]  # obsolete


def test_merge_reverting_the_english_text_restores_the_translation():
    fuzzy = {"flags": ["fuzzy"], "previous_msgid": "Load the data set."}
    old = _po({"Load the data sets.": "Wczytaj zestaw danych."}, **{"Load the data sets.": fuzzy})
    merged = _state(merge([Message("Load the data set.")], old, new_catalogue("pl", "x", "")))
    assert merged == {"Load the data set.": ("Wczytaj zestaw danych.", False, 0, None)}


def test_merge_finds_an_obsolete_translation_again():
    old = _po({"Back again.": "Znowu tu."}, **{"Back again.": {"obsolete": True}})
    merged = _state(merge([Message("Back again.")], old, new_catalogue("pl", "x", "")))
    assert merged == {"Back again.": ("Znowu tu.", False, 0, None)}


def test_merge_does_not_pair_unrelated_texts():
    old = _po({"Load the data set.": "Wczytaj zestaw danych."})
    merged = _state(merge([Message("Plot the learning curve.")], old, new_catalogue("pl", "x", "")))
    assert merged["Plot the learning curve."] == ("", False, 0, None)


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext's msgmerge absent")
def test_merge_agrees_with_gnu_msgmerge(tmp_path):
    import subprocess

    old = _po(
        {
            "Load the data set.": "Wczytaj zestaw danych.",
            "Tokenize every sentence of the training split with a batched map.": "Tokenizuj.",
            "A cell that goes away.": "Komórka, która znika.",
        }
    )
    new = [
        Message("Load the data set."),
        Message("Tokenize every sentence of the validation split with a batched map."),
        Message("A brand new cell."),
    ]
    old.save(str(tmp_path / "old.po"))
    merge(new, None, new_catalogue(None, "x", "")).save(str(tmp_path / "new.pot"))
    subprocess.run(
        ["msgmerge", "--previous", "-q", "-o", str(tmp_path / "gnu.po"), "old.po", "new.pot"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    gnu = _state(polib.pofile(str(tmp_path / "gnu.po")))
    assert gnu == _state(merge(new, old, new_catalogue("pl", "x", "")))


# --- one English sentence changes, on a temp copy ----------------------------------------


def _pseudo(text: str, lang: str) -> str:
    # keeps every code span, link, table and heading: a translation the checks accept
    return f"{text}\n\n[{lang}] ✓"


def _marker(text: str, lang: str) -> str:
    return f"[{lang}] {text}"


def _translate(po_path: Path, indexes: tuple[int, ...], lang: str, pseudo=_pseudo) -> list[str]:
    po = polib.pofile(str(po_path), wrapwidth=0)
    current = [e for e in po if not e.obsolete]
    for i in indexes:
        current[i].msgstr = pseudo(current[i].msgid, lang)
    po.save(str(po_path))
    return [current[i].msgid for i in indexes]


def _cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


@pytest.fixture
def kit(tmp_path) -> Layout:
    """A copy of the English notebooks, the README and the marker texts; no catalogues yet."""
    (tmp_path / "notebooks").mkdir()
    for path in LAYOUT.english_notebooks():
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "tools" / "translations").mkdir(parents=True)
    for name in ("build.py", "classroom.py"):  # where the marker texts and the heading live
        shutil.copy(ROOT / "tools/translations" / name, tmp_path / "tools/translations" / name)
    layout = Layout(root=tmp_path, runtime_sources=("tools/translations",))
    assert main_in(layout) == 0
    return layout


def main_in(layout: Layout, check: bool = False) -> int:
    from tools.translations.__main__ import build

    return build(layout, check)


def test_changing_one_english_sentence_makes_exactly_that_cell_fuzzy(kit, capsys):
    chapter = kit.english_notebooks()[0]
    stem = chapter.stem
    translated = {}
    for lang in kit.langs:
        translated[lang] = _translate(kit.catalogue(lang, stem), (0, 1, 2), lang)
        _translate(kit.catalogue(lang, "runtime"), (0, 1), lang, _marker)  # the two markers
    assert main_in(kit) == 0
    assert main_in(kit, check=True) == 0
    target = translated["pl"][1]
    sentence = target.split(". ")[0]
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if "".join(c["source"]) == target)
    changed = target.replace(sentence, sentence + " (changed)", 1)
    cell["source"] = changed.splitlines(keepends=True)
    chapter.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    # the sync check fails until the catalogues are regenerated
    capsys.readouterr()
    assert main_in(kit, check=True) == 1
    err = capsys.readouterr().err
    for lang in kit.langs:
        assert f"stale: translations/{lang}/{stem}.po" in err
        assert f"stale: notebooks/{lang}/{chapter.name}" in err
    assert "stale: translations/templates/" in err
    assert "stale: README.md" in err  # its coverage counts one fuzzy cell more

    assert main_in(kit) == 0
    assert main_in(kit, check=True) == 0
    for lang in kit.langs:
        po = polib.pofile(str(kit.catalogue(lang, stem)))
        fuzzy = [e for e in po if e.fuzzy and not e.obsolete]
        assert [(e.msgid, e.previous_msgid) for e in fuzzy] == [(changed, target)]
        done = [e.msgid for e in po if e.msgstr and not e.fuzzy and not e.obsolete]
        assert done == [translated[lang][0], translated[lang][2]]
        cells = _cells(kit.translated_notebook(lang, chapter.name))
        marker = _marker(MARKERS["fuzzy"], lang)
        shown = [c for c in cells if c.startswith(marked("", marker))]
        assert shown == [marked(changed, marker)], f"{lang}: the marker is not shown"
        assert sum(_pseudo(t, lang) in c for c in cells for t in translated[lang]) == 2
        untranslated = {e.msgid for e in po if not e.msgstr and not e.obsolete}
        nav = nav_line(lang, chapter.name, kit.langs)
        markers = [split_generated(c, nav)[0] for c in cells]
        # the classroom cells come from runtime.po, where only the markers are translated here
        classroom = [
            c
            for c in json.loads(chapter.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "markdown" and "classroom" in c["metadata"]
        ]
        assert classroom
        assert markers.count(_marker(MARKERS["missing"], lang)) == len(classroom) + sum(
            c in untranslated for c in _cells(chapter)
        )
        assert markers.count(_marker(MARKERS["fuzzy"], lang)) == 1


def test_a_broken_translation_fails_the_build_and_shows_english(kit, capsys):
    chapter = kit.english_notebooks()[1]
    path = kit.catalogue("ru", chapter.stem)
    po = polib.pofile(str(path), wrapwidth=0)
    entry = next(e for e in po if "`" in e.msgid and not e.obsolete)
    entry.msgstr = entry.msgid.replace("`", "'")  # every inline code span lost
    po.save(str(path))
    capsys.readouterr()
    assert main_in(kit) == 1
    err = capsys.readouterr().err
    assert f"translations/ru/{chapter.stem}.po" in err and "inline code" in err
    cells = _cells(kit.translated_notebook("ru", chapter.name))
    nav = nav_line("ru", chapter.name, kit.langs)
    shown = [split_generated(c, nav) for c in cells]
    assert (MARKERS["fuzzy"], entry.msgid) in shown  # the English text, marked out of date


def test_todo_lists_what_is_left_file_by_file(kit, capsys, monkeypatch):
    import tools.translations.__main__ as cli

    monkeypatch.setattr(cli, "Layout", lambda: kit)
    chapter = kit.english_notebooks()[3].stem
    _translate(kit.catalogue("hi", chapter), (0,), "hi")
    assert main(["todo", "hi", chapter]) == 0
    out = capsys.readouterr().out.splitlines()
    po = polib.pofile(str(kit.catalogue("hi", chapter)))
    left = [e for e in po if not e.msgstr and not e.obsolete]
    assert out[-1] == f"{len(left)} entries left in hi"
    assert out[0].startswith(f"translations/hi/{chapter}.po:{left[0].linenum}  missing")
    assert main(["todo", "xx"]) == 2


@pytest.mark.parametrize("module", ["markdown", "catalog", "runtime", "build"])
def test_doctests(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"tools.translations.{module}"))
    assert result.failed == 0 and result.attempted > 0


def test_features_are_found_outside_code():
    found = features("Run `echo $HOME` and see <https://hf.co>, <b>bold</b>.")
    assert found["code"] == ["`echo $HOME`"] and found["formulas"] == []
    assert found["links"] == ["https://hf.co"] and found["html"] == ["</b>", "<b>"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_translated_notebook_prints_in_its_language(lang, monkeypatch):
    """Chapter 2's first three code cells, run in a kernel started in notebooks/<lang>/ as
    Jupyter and nbval start it (no COURSE_LANG), print the profile banner from that
    language's runtime.po; the same cells from notebooks/ print it in English."""
    import nbclient
    import nbformat

    monkeypatch.delenv("COURSE_LANG", raising=False)
    monkeypatch.setenv("COURSE_PROFILE", "embedded")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    english = "Profile: {name} ({expected})."
    translated = polib.pofile(str(ROOT / "translations" / lang / "runtime.po")).find(english)
    assert translated is not None and translated.translated() and "fuzzy" not in translated.flags

    def banner(folder: Path) -> str:
        notebook = nbformat.read(folder / "02_mrpc_trainer.ipynb", as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"][:3]
        assert "helpers.setup()" in code[-1].source  # the cell that prints the banner
        notebook.cells = code
        client = nbclient.NotebookClient(
            notebook, timeout=120, resources={"metadata": {"path": str(folder)}}
        )
        client.execute()
        return "".join(out.get("text", "") for out in code[-1].outputs)

    start = translated.msgstr.split("{name}")[0]
    assert start and start not in english
    assert start in banner(ROOT / "notebooks" / lang)
    if lang == TRANSLATED[0]:  # one English run is enough to show the switch
        assert "Profile: embedded" in banner(ROOT / "notebooks")
