"""The termbase check: one term per idea and language, in the chapters and the runtime texts.

``translations/<lang>/termbase.yaml`` lists, for each idea of the glossary
(``shared/glossary.md``, one row per idea) and each inconsistency reviewers found, the term the
language uses and the variants it must not use, each a regular expression that matches its
inflected forms. ``check`` reads every translated entry of the language's catalogues (the
prose only: code, links, HTML and ``{fields}`` are set aside) and reports

- a **variant**: a catalogue writes a form the termbase rejects (``zestaw danych`` where
  Polish writes ``zbiór danych``);
- a **mix**: one catalogue writes two renderings that the termbase allows one at a time
  (``one_of``: Russian *контрольная точка* or *чекпоинт*, one per chapter).

    python -m tools.translations terms            # every language; exit 1 on any finding
    python -m tools.translations terms pl ru      # some languages

Used in: ``tests/test_termbase.py`` (make test) and translators' runs (translations/README.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib
import yaml

from tools.translations import RUNTIME, Layout
from tools.translations.markdown import AUTOLINK, BARE_URL, CODE_SPAN, FENCE, FORMULA, HTML_TAG

LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
# a name written as code without backticks (the runtime texts): model(**batch), num_labels=2
IDENTIFIER = re.compile(
    r"(?=[\w.=/\\@#:\[\]()-]*[A-Za-z_])[A-Za-z]*[_0-9.=/\\@#:\[\]()-][\w.=/\\@#:\[\]()-]*"
    r"|[a-z]+[A-Z]\w*|[A-Z]{2,}s?"
)
# sentence punctuation after a word (so that "kernel." is a word, and "x.y" a name)


def _unwrap(match: re.Match) -> str:
    # "(zbiór" and "danych)" are words in brackets; "model(**batch)" stays a name
    token = match.group(0)
    if len(token) == 1 and token in ".,;:!?":
        return " "
    if token.startswith(("(", "[")) and not any(c in token[1:] for c in "()[]"):
        token = " " + token[1:]
    if token.endswith((")", "]")) and not any(c in token[:-1] for c in "()[]"):
        token = token[:-1] + " "
    return token


def _sentence(text: str) -> str:
    """``text`` with sentence punctuation and brackets around words set aside."""
    text = re.sub(r"[.,;:!?](?=\s|$)", " ", text)
    return re.sub(r"\S+", _unwrap, text)


FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")
# Latin and Cyrillic words need word boundaries; Han, kana and Devanagari match as written
ALPHABETIC = re.compile(r"[A-Za-zÀ-žА-яЁё]")


def prose(text: str) -> str:
    """``text`` with what a translator must not translate set aside: code, links, HTML, fields.

    >>> prose("Run `tokenizer(x)` on [the data](https://hf.co/x) <br> with {n} rows")
    'Run   on [the data    with   rows'
    """
    for pattern in (FENCE, CODE_SPAN, FORMULA, AUTOLINK, LINK_TARGET, BARE_URL, HTML_TAG, FIELD):
        text = pattern.sub(" ", text)
    return text


def words(text: str) -> str:
    """``prose(text)`` without the names written as code (``model(**batch)``, ``lr=2e-5``)."""
    return IDENTIFIER.sub(" ", _sentence(prose(text)))


def _compile(pattern: str) -> re.Pattern:
    if ALPHABETIC.match(pattern):
        pattern = rf"(?<![A-Za-z0-9_À-žА-яЁё-]){pattern}"
    return re.compile(pattern, re.IGNORECASE)


@dataclass
class Idea:
    """One row of the termbase: the idea, its term, the variants to avoid, the one-of forms."""

    idea: str
    term: str
    pattern: re.Pattern
    avoid: dict[str, re.Pattern] = field(default_factory=dict)
    one_of: dict[str, re.Pattern] = field(default_factory=dict)
    note: str = ""


def _variants(row: dict, key: str) -> dict[str, re.Pattern]:
    """The compiled variants of ``row[key]``; a key without a pattern is matched as written,
    so a key that carries a gloss ("टोकनाइजर (no nukta)") would never match: refused."""
    found = {}
    for name, pattern in (row.get(key) or {}).items():
        if not pattern and re.search(r"[()]", name):
            raise ValueError(
                f"the variant {name!r} of {row.get('idea')!r} has no pattern, so it is matched "
                "as written, gloss included, and can never be found. Fix: give it a pattern "
                f'("{name}": "<regular expression>").'
            )
        found[name] = _compile(pattern or re.escape(name))
    return found


def load(path: Path) -> list[Idea]:
    """The ideas of one language's termbase file (a clear error for a broken pattern)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    ideas = []
    for row in data.get("terms", []):
        try:
            ideas.append(
                Idea(
                    idea=row["idea"],
                    term=row["term"],
                    pattern=_compile(row.get("pattern") or re.escape(row["term"])),
                    avoid=_variants(row, "avoid"),
                    one_of=_variants(row, "one_of"),
                    note=row.get("note", ""),
                )
            )
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from error
        except (KeyError, re.error) as error:
            raise ValueError(
                f"{path}: the entry {row.get('idea', row)!r} is broken ({error}). Fix: give it "
                "`idea` and `term`, and valid regular expressions in `pattern`, `avoid`, `one_of`."
            ) from error
    return ideas


def termbase_path(layout: Layout, lang: str) -> Path:
    return layout.translations / lang / "termbase.yaml"


@dataclass
class Finding:
    """A variant or a mix, where it is, and what to write instead."""

    where: str  # file:line
    idea: str
    kind: str  # "variant" or "mix"
    found: str
    term: str
    context: str

    def __str__(self) -> str:
        if self.kind == "variant":
            return (
                f"{self.where}: {self.idea}: {self.found!r} is a variant; write {self.term!r}"
                f"  ...{self.context}..."
            )
        return f"{self.where}: {self.idea}: mixes {self.found}; keep one per catalogue"


def entries(layout: Layout, lang: str) -> list[tuple[str, polib.POEntry, str]]:
    """Every translated, current entry of a language: (file, entry, its prose).

    A plural entry gives its forms joined; a fuzzy or empty one is skipped (not shown).
    """
    stems = [p.stem for p in layout.english_notebooks()] + [RUNTIME]
    found = []
    for stem in stems:
        path = layout.catalogue(lang, stem)
        if not path.is_file():
            continue
        for entry in polib.pofile(str(path), wrapwidth=0):
            if entry.obsolete or entry.fuzzy or not entry.msgid:
                continue
            text = entry.msgstr or "\n".join((entry.msgstr_plural or {}).values())
            if text:
                found.append((f"translations/{lang}/{stem}.po", entry, words(text)))
    return found


def _context(text: str, match: re.Match) -> str:
    start, end = max(0, match.start() - 25), min(len(text), match.end() + 25)
    return " ".join(text[start:end].split())


def check(layout: Layout, lang: str) -> tuple[list[Finding], dict[str, Counter]]:
    """The findings of one language, and per idea how often each rendering appears.

    Used in: ``python -m tools.translations terms`` and ``tests/test_termbase.py``.
    """
    ideas = load(termbase_path(layout, lang))
    findings: list[Finding] = []
    usage: dict[str, Counter] = {idea.idea: Counter() for idea in ideas}
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for where, entry, text in entries(layout, lang):
        for idea in ideas:
            usage[idea.idea][idea.term] += len(idea.pattern.findall(text))
            for name, pattern in idea.avoid.items():
                for match in pattern.finditer(text):
                    usage[idea.idea][name] += 1
                    findings.append(
                        Finding(
                            f"{where}:{entry.linenum}",
                            idea.idea,
                            "variant",
                            match.group(0),
                            idea.term,
                            _context(text, match),
                        )
                    )
            for name, pattern in idea.one_of.items():
                if pattern.search(text):
                    usage[idea.idea][name] += 1
                    seen.setdefault((where, idea.idea), {}).setdefault(name, str(entry.linenum))
    for (where, name), forms in seen.items():
        if len(forms) > 1:
            shown = " and ".join(f"{form!r} (line {line})" for form, line in forms.items())
            findings.append(Finding(where, name, "mix", shown, "", ""))
    return findings, usage


def report(layout: Layout, langs: tuple[str, ...]) -> tuple[str, int]:
    """The text ``terms`` prints and the number of findings."""
    lines, total = [], 0
    for lang in langs:
        findings, usage = check(layout, lang)
        total += len(findings)
        lines.append(f"== {lang}: {len(findings)} finding(s)")
        lines += [f"  {finding}" for finding in findings]
        used = [
            f"{idea}: " + ", ".join(f"{k} {n}" for k, n in counts.items() if n)
            for idea, counts in usage.items()
            if sum(counts.values())
        ]
        lines.append("  usage: " + "; ".join(used))
    return "\n".join(lines), total
