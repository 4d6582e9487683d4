"""The catalogues: one ``.po`` per notebook and language, updated from the English source.

One entry per markdown cell that has prose (a cell of code alone is copied, never translated):
``msgid`` is the cell's English text, ``msgstr`` its translation. ``merge`` updates a
catalogue from the English notebook the way ``msgmerge`` does:

- an unchanged cell keeps its translation;
- a changed cell whose old text is similar keeps its old translation, marked ``fuzzy`` with
  the text it was made for as the previous msgid (``#| msgid``), so a translator sees what
  changed;
- a new cell is untranslated; a removed cell's translation becomes obsolete (``#~``), where
  ``merge`` finds it again if the cell comes back.

Files are written with one ``.po`` line per markdown line and no other wrapping, so a diff of
a catalogue reads like a diff of the notebook.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import polib

from helpers.i18n import LANGUAGES
from tools.translations.markdown import has_prose

# a changed cell keeps its old translation (fuzzy) when the texts are at least this similar
# (msgmerge's own threshold is about the same)
SIMILARITY = 0.6
PLURAL_FORMS = {
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ja": "nplurals=1; plural=0;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh_Hans": "nplurals=1; plural=0;",
    "hi": "nplurals=2; plural=(n != 1);",
}


@dataclass(frozen=True)
class Message:
    """One English text to translate, with where it comes from (for the ``#.`` comment)."""

    msgid: str
    comment: str = ""
    # the English plural (``ngettext``): the entry then has one msgstr per plural form
    plural: str = ""


def notebook_messages(path: Path) -> list[Message]:
    """The markdown cells of an English notebook that have prose, in order, without repeats.

    Used in: ``make translations`` (the notebooks' templates).
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return [Message(t) for t in dict.fromkeys(t for t in texts if t.strip() and has_prose(t))]


def new_catalogue(lang: str | None, source: str, header: str) -> polib.POFile:
    """An empty catalogue with the kit's header (``lang`` None: a ``.pot`` template)."""
    po = polib.POFile(wrapwidth=0)
    po.header = header
    po.metadata = {
        "Project-Id-Version": "ft-course-kit",
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source": source,
    }
    if lang in PLURAL_FORMS:
        po.metadata["Plural-Forms"] = PLURAL_FORMS[lang]
    # gettext's placeholders; a translator's own values are kept by ``merge``
    po.metadata["PO-Revision-Date"] = "YEAR-MO-DA HO:MI+ZONE"
    po.metadata["Last-Translator"] = "FULL NAME <EMAIL@ADDRESS>"
    po.metadata["Language-Team"] = f"{LANGUAGES[lang]} ({lang})" if lang else "LANGUAGE"
    return po


def read(path: Path) -> polib.POFile | None:
    """The catalogue at ``path``, None when there is none; a clear error when it is broken."""
    if not path.is_file():
        return None
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as error:
        raise ValueError(
            f"{path} is not a valid .po file: {error}. Fix the line it names (a missing quote "
            "or a msgstr without its msgid, usually), or `git checkout` the file and redo the edit."
        ) from error


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


def _translated(entry: polib.POEntry) -> bool:
    """Whether a translator wrote anything in ``entry`` (its msgstr or any plural form)."""
    return bool(entry.msgstr or any((entry.msgstr_plural or {}).values()))


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _carry(entry: polib.POEntry, old: polib.POEntry, fuzzy_from: str | None) -> None:
    # copy what the translator wrote; fuzzy_from: the English text the translation was made for
    if entry.msgid_plural:
        forms = old.msgstr_plural or ({0: old.msgstr} if old.msgstr else {})
        entry.msgstr_plural = {i: forms.get(i, "") for i in entry.msgstr_plural}
        if old.msgid_plural != entry.msgid_plural and fuzzy_from is None:
            fuzzy_from = old.msgid
    elif old.msgid_plural:
        entry.msgstr = (old.msgstr_plural or {}).get(0, "")
        fuzzy_from = fuzzy_from or old.msgid
    else:
        entry.msgstr = old.msgstr
    entry.tcomment = old.tcomment
    entry.flags = [f for f in old.flags if f != "fuzzy"]
    if fuzzy_from is not None and fuzzy_from != entry.msgid:
        entry.flags.append("fuzzy")
        entry.previous_msgid = fuzzy_from


def _made_for(old: polib.POEntry) -> str:
    """The English text ``old``'s translation was written for."""
    return old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid


def merge(messages: list[Message], old: polib.POFile | None, fresh: polib.POFile) -> polib.POFile:
    """``fresh`` filled with ``messages``, carrying over the translations of ``old``.

    Used in: ``make translations`` (every catalogue, every language).
    """
    olds = [e for e in (old or []) if e.msgid and _translated(e)]
    if old is not None:
        for key in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
            if key in old.metadata:
                fresh.metadata[key] = old.metadata[key]
    used: set[int] = set()
    pending: list[polib.POEntry] = []
    for message in messages:
        entry = polib.POEntry(msgid=message.msgid, msgstr="", comment=message.comment)
        if message.plural:
            entry.msgid_plural = message.plural
            entry.msgstr_plural = {i: "" for i in range(_nplurals(fresh))}
        fresh.append(entry)
        exact = [e for e in olds if id(e) not in used and message.msgid in (e.msgid, _made_for(e))]
        exact.sort(key=lambda e: (e.obsolete, e.msgid != message.msgid))
        if exact:
            used.add(id(exact[0]))
            stays_fuzzy = exact[0].fuzzy and _made_for(exact[0]) != message.msgid
            _carry(entry, exact[0], _made_for(exact[0]) if stays_fuzzy else None)
        else:
            pending.append(entry)
    # changed cells: pair each with the most similar old text not used yet, best pairs first
    pairs = sorted(
        (
            (_similarity(entry.msgid, _made_for(o)), n, k)
            for n, entry in enumerate(pending)
            for k, o in enumerate(olds)
            if id(o) not in used
        ),
        reverse=True,
    )
    taken: set[int] = set()
    for score, n, k in pairs:
        if score < SIMILARITY or n in taken or id(olds[k]) in used:
            continue
        taken.add(n)
        used.add(id(olds[k]))
        _carry(pending[n], olds[k], _made_for(olds[k]))
    seen = {e.msgid for e in fresh}
    for o in olds:
        if id(o) not in used and o.msgid not in seen:
            seen.add(o.msgid)
            fresh.append(
                polib.POEntry(
                    msgid=o.msgid,
                    msgstr=o.msgstr,
                    msgid_plural=o.msgid_plural,
                    msgstr_plural=o.msgstr_plural,
                    tcomment=o.tcomment,
                    flags=list(o.flags),
                    previous_msgid=o.previous_msgid,
                    obsolete=True,
                )
            )
    return fresh


def render(po: polib.POFile) -> str:
    """The file text of a catalogue: polib's format, ending with one newline."""
    return str(po).rstrip("\n") + "\n"


def complete(entry: polib.POEntry) -> bool:
    """Whether ``entry`` has its translation: the msgstr, or every plural form."""
    if entry.msgid_plural:
        forms = entry.msgstr_plural or {}
        return bool(forms) and all(forms.values())
    return bool(entry.msgstr)


def counts(po: polib.POFile) -> tuple[int, int, int]:
    """(translated, fuzzy, missing) among a catalogue's current entries.

    >>> po = polib.POFile()
    >>> po.extend([polib.POEntry(msgid="a", msgstr="b"), polib.POEntry(msgid="c", msgstr="d")])
    >>> po.extend([polib.POEntry(msgid="e"), polib.POEntry(msgid="f", obsolete=True, msgstr="g")])
    >>> po[1].flags.append("fuzzy")
    >>> counts(po)
    (1, 1, 1)

    Used in: the coverage table of ``make translations`` and the README.
    """
    current = [e for e in po if not e.obsolete and e.msgid]
    fuzzy = sum(1 for e in current if complete(e) and e.fuzzy)
    translated = sum(1 for e in current if complete(e) and not e.fuzzy)
    return translated, fuzzy, len(current) - translated - fuzzy
