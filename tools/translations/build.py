"""Everything ``make translations`` writes, computed in memory: templates, catalogues, notebooks.

``generate`` returns the text of every file it owns plus the coverage and the problems; the
command writes the files that changed, and the tests compare them with what is committed (a
catalogue or notebook that was not regenerated after an English change fails).

A translated notebook is the English one with each markdown cell replaced by its
translation; code cells are the same JSON objects, byte for byte. A fuzzy, missing or broken
translation shows the English text under a marker. The first markdown cell starts with a
navigation line to the English notebook and the other languages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from helpers.i18n import LANGUAGES, N_
from tools.translations import RUNTIME, Layout
from tools.translations.catalog import (
    Message,
    complete,
    counts,
    merge,
    new_catalogue,
    notebook_messages,
    read,
    render,
)
from tools.translations.classroom import (
    SharedTexts,
    classroom_messages,
    classroom_problems,
    is_classroom_cell,
)
from tools.translations.markdown import compare
from tools.translations.runtime import compare_fields, runtime_messages

MARKERS = {
    "fuzzy": N_(
        "Translation out of date: the English text changed since this cell was translated, "
        "so the English text is shown."
    ),
    "missing": N_("Not translated yet: the English text is shown."),
}
README_START = "<!-- translations:start (written by `make translations`; do not edit) -->"
README_END = "<!-- translations:end -->"


@dataclass
class Coverage:
    """Translated, fuzzy and missing entries of one catalogue."""

    lang: str
    stem: str  # notebook stem, or "runtime"
    translated: int
    fuzzy: int
    missing: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.missing

    @property
    def percent(self) -> int:
        # floor: 99.6% is not "done"
        return 100 if not self.total else self.translated * 100 // self.total


@dataclass
class Generated:
    """The files ``make translations`` owns, by path, with their coverage and problems."""

    files: dict[Path, str] = field(default_factory=dict)
    coverage: list[Coverage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _header(lang: str | None, source: str) -> str:
    if lang is None:
        return (
            f"Template of the texts of {source}. Written by `make translations`: do not edit.\n"
            "The catalogues translations/<lang>/*.po are updated from it."
        )
    return (
        f"{LANGUAGES[lang]} ({lang}) translation of the texts of {source}.\n"
        "Translate the msgstr lines only, then run `make translations` "
        "(see translations/README.md)."
    )


def nav_line(lang: str, name: str, langs: tuple[str, ...]) -> str:
    """The first line of a translated notebook: the English original and the other languages.

    >>> nav_line("ja", "04_ner.ipynb", ("pl", "ja"))
    '🌐 [English](../04_ner.ipynb) · [Polski](../pl/04_ner.ipynb) · **日本語**'

    Used in: every translated notebook's first markdown cell.
    """
    links = [f"[{LANGUAGES['en']}](../{name})"]
    for other in langs:
        title = LANGUAGES[other]
        links.append(f"**{title}**" if other == lang else f"[{title}](../{other}/{name})")
    return "🌐 " + " · ".join(links)


def marked(english: str, marker: str) -> str:
    """The English text of a cell under a visible marker (fuzzy, missing or broken translation).

    >>> marked("# Title", "Not translated yet.")
    '> ⚠️ *Not translated yet.*\\n\\n# Title'
    """
    return f"> ⚠️ *{' '.join(marker.split())}*\n\n{english}"


def split_generated(text: str, nav: str | None = None) -> tuple[str | None, str]:
    """(the marker, the cell's text) of a translated cell: what ``marked`` and the nav line added.

    Used in: the translated notebooks' tests (to compare a cell with its English source).
    """
    if nav is not None and text.startswith(nav + "\n\n"):
        text = text[len(nav) + 2 :]
    match = re.match(r"> ⚠️ \*(.+?)\*\n\n", text)
    if match:
        return match.group(1), text[match.end() :]
    return None, text


def _translations(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in po if not e.obsolete and e.msgid}


def _entry_problems(where: str, entry: polib.POEntry, runtime: bool) -> list[str]:
    if not complete(entry) or entry.fuzzy:
        return []
    if entry.msgid_plural:
        found = []
        for form in entry.msgstr_plural.values():
            found += compare(entry.msgid_plural, form) + compare_fields(entry.msgid_plural, form)
    else:
        found = compare(entry.msgid, entry.msgstr)
        if runtime:
            found += compare_fields(entry.msgid, entry.msgstr)
    first = entry.msgid.strip().splitlines()[0][:60]
    return [f"{where}: the entry {first!r}...: {problem}" for problem in found]


def translate_notebook(
    english: dict,
    name: str,
    entries: dict[str, polib.POEntry],
    markers: dict[str, str],
    nav: str,
    lang: str,
    broken: set[str],
    shared: SharedTexts | None = None,
) -> dict:
    """The translated notebook (a notebook JSON dict); code cells are the English objects.

    ``shared``: the runtime texts that classroom cells are built from (tasks, titles, the
    quiz and exercise introductions); such a cell never comes from the chapter's catalogue.

    Used in: ``generate``.
    """
    notebook = dict(english)
    # helpers.i18n reads "lang" where the notebook's folder is unknown (Colab)
    notebook["metadata"] = {
        **english["metadata"],
        "course_kit": {"lang": lang, "english": f"../{name}"},
    }
    cells = []
    first_markdown = True
    for cell in english["cells"]:
        if cell["cell_type"] != "markdown":
            cells.append(cell)
            continue
        text = "".join(cell["source"])
        entry = entries.get(text)
        if shared is not None and is_classroom_cell(cell):
            shown = shared.translate(text) or marked(text, markers[shared.state(text)])
        elif entry is None:
            shown = text  # nothing to translate: code or links only
        elif not entry.msgstr:
            shown = marked(text, markers["missing"])
        elif entry.fuzzy or text in broken:
            shown = marked(text, markers["fuzzy"])
        else:
            shown = entry.msgstr
        if first_markdown:
            shown = f"{nav}\n\n{shown}"
            first_markdown = False
        cells.append({**cell, "source": shown.splitlines(keepends=True)})
    notebook["cells"] = cells
    return notebook


def notebook_text(notebook: dict) -> str:
    """A notebook as the kit's files are written: nbformat's layout (indent 1, sorted keys)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _update(
    layout: Layout, out: Generated, stem: str, messages: list[Message], source: str
) -> dict[str, polib.POFile]:
    template = merge(messages, None, new_catalogue(None, source, _header(None, source)))
    out.files[layout.templates / f"{stem}.pot"] = render(template)
    merged: dict[str, polib.POFile] = {}
    for lang in layout.langs:
        path = layout.catalogue(lang, stem)
        po = merge(messages, read(path), new_catalogue(lang, source, _header(lang, source)))
        out.files[path] = render(po)
        out.coverage.append(Coverage(lang, stem, *counts(po)))
        merged[lang] = po
    return merged


def generate(layout: Layout) -> Generated:
    """Every file ``make translations`` writes, with its text; coverage; problems found.

    Used in: ``python -m tools.translations`` and the tests.
    """
    out = Generated()
    runtime_source = ", ".join(layout.runtime_sources) + " (texts printed at run time)"
    messages = runtime_messages(layout.root, layout.runtime_sources)
    known = {m.msgid for m in messages}
    for path in layout.english_notebooks():
        messages += [m for m in classroom_messages(path) if m.msgid not in known]
        known |= {m.msgid for m in messages}
    runtime = _update(layout, out, RUNTIME, messages, runtime_source + ", classroom cells")
    markers: dict[str, dict[str, str]] = {}
    shared: dict[str, SharedTexts] = {}
    for lang, po in runtime.items():
        entries = _translations(po)
        broken = set()
        for entry in entries.values():
            found = _entry_problems(f"translations/{lang}/{RUNTIME}.po", entry, True)
            out.problems += found
            if found:
                broken.add(entry.msgid)
        done = {k: v.msgstr for k, v in entries.items() if v.msgstr and not v.fuzzy}
        markers[lang] = {kind: done.get(text, text) for kind, text in MARKERS.items()}
        shared[lang] = SharedTexts(entries, broken)
    for path in layout.english_notebooks():
        english = json.loads(path.read_text(encoding="utf-8"))
        source = f"notebooks/{path.name}"
        prose = [
            Message(t)
            for t in dict.fromkeys(
                "".join(c["source"]) for c in english["cells"] if not is_classroom_cell(c)
            )
        ]
        merged = _update(
            layout, out, path.stem, [m for m in notebook_messages(path) if m in prose], source
        )
        for lang, po in merged.items():
            where = f"translations/{lang}/{path.stem}.po"
            entries = _translations(po)
            broken = set()
            for entry in entries.values():
                found = _entry_problems(where, entry, False)
                out.problems += found
                if found:
                    broken.add(entry.msgid)
            nav = nav_line(lang, path.name, layout.langs)
            notebook = translate_notebook(
                english, path.name, entries, markers[lang], nav, lang, broken, shared[lang]
            )
            out.problems += classroom_problems(english, path.name, shared[lang], lang)
            out.files[layout.translated_notebook(lang, path.name)] = notebook_text(notebook)
    if layout.readme.is_file():
        out.files[layout.readme] = with_readme_table(
            layout.readme.read_text(encoding="utf-8"), out.coverage, layout
        )
    return out


def _cell(row: Coverage, label: str, link: str) -> str:
    done = " ✓" if row.translated == row.total else ""
    extra = [f"{n} {what}" for n, what in ((row.fuzzy, "fuzzy"), (row.missing, "missing")) if n]
    return f"[{label}]({link}) {row.translated}/{row.total}{done}" + (
        f" ({', '.join(extra)})" if extra else ""
    )


def readme_table(coverage: list[Coverage], layout: Layout) -> str:
    """The README's coverage: per language, each chapter's link and its cells translated of all.

    One paragraph per language, a blank line between them: translators working in parallel
    change different paragraphs, which git merges without conflicts (table rows would clash).

    Used in: ``make translations`` (the README's Languages section).
    """
    stems = [p.stem for p in layout.english_notebooks()]
    by_key = {(c.lang, c.stem): c for c in coverage}
    blocks = []
    for lang in layout.langs:
        cells = [_cell(by_key[lang, s], f"`{s}`", f"notebooks/{lang}/{s}.ipynb") for s in stems]
        runtime = by_key[lang, RUNTIME]
        cells.append(_cell(runtime, "runtime texts", f"translations/{lang}/{RUNTIME}.po"))
        blocks.append(f"- **{LANGUAGES[lang]}** (`{lang}`): " + " · ".join(cells))
    return "\n\n".join(blocks)


def with_readme_table(readme: str, coverage: list[Coverage], layout: Layout) -> str:
    """``readme`` with its generated block (between the two markers) rewritten."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError(
            f"README.md lacks the block that `make translations` fills. Fix: add the lines\n"
            f"{README_START}\n{README_END}\nto its Languages section."
        )
    table = readme_table(coverage, layout)
    return readme[: start + len(README_START)] + f"\n{table}\n" + readme[end:]


def coverage_report(coverage: list[Coverage]) -> str:
    """The table ``make translations`` prints: translated, fuzzy, missing per catalogue."""
    lines = [f"{'language':<9} {'catalogue':<20} {'translated':>10} {'fuzzy':>6} {'missing':>8}"]
    for row in coverage:
        lines.append(
            f"{row.lang:<9} {row.stem:<20} {row.translated:>5}/{row.total:<4} "
            f"{row.fuzzy:>6} {row.missing:>8}  {row.percent:>3}%"
        )
    return "\n".join(lines)
