"""What a translation of a markdown cell must keep exactly as the English cell has it.

A translator rewrites the prose and nothing else: code (fenced blocks and inline spans),
link and image targets, formulas, HTML tags, the shape of tables (pipes per row) and the
heading levels stay. ``features`` lists them for one cell; ``compare`` says, in words a
translator can act on, what a translation lost, added or changed.
"""

from __future__ import annotations

import re
from collections import Counter

FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(\S+)", re.MULTILINE)
AUTOLINK = re.compile(r"<(https?://[^>\s]+|mailto:[^>\s]+)>")
BARE_URL = re.compile(r"(?<![(<\w])https?://[^\s)>\]]+")
FORMULA = re.compile(r"(?<![\\$])(\$\$?)(?!\s)(.+?)(?<![\s\\])\1(?!\$)", re.DOTALL)
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)", re.MULTILINE)
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")

# The kinds of feature, in the order a report lists them, with the words it uses.
KINDS = {
    "fences": "fenced code block",
    "code": "inline code",
    "links": "link or image target",
    "formulas": "formula",
    "html": "HTML tag",
    "tables": "table rows (pipes per row)",
    "headings": "heading levels",
}


def _mask(text: str, pattern: re.Pattern) -> tuple[str, list[str]]:
    found: list[str] = []

    def keep(match: re.Match) -> str:
        found.append(match.group(0))
        return " \x00 "

    return pattern.sub(keep, text), found


def _tables(lines: list[str]) -> list[tuple[int, ...]]:
    # one tuple per table: the number of unescaped pipes in each row; separator rows as -1
    tables: list[tuple[int, ...]] = []
    current: list[int] = []
    for line in [*lines, ""]:
        if line.lstrip().startswith("|"):
            pipes = len(re.findall(r"(?<!\\)\|", line))
            current.append(-pipes if TABLE_SEPARATOR.match(line) else pipes)
        elif current:
            tables.append(tuple(current))
            current = []
    return tables


def features(text: str) -> dict[str, list]:
    """The parts of a markdown text that a translation keeps unchanged.

    Fences and tables and headings are listed in order (their order is the document's
    structure); spans, links, formulas and tags are sorted (a translation may reorder them).

    >>> f = features("See [the docs](https://hf.co/docs) and `Trainer`, $x^2$.\\n\\n| a | b |\\n|---|---|")
    >>> f["code"], f["links"], f["formulas"], f["tables"]
    (['`Trainer`'], ['https://hf.co/docs'], ['$x^2$'], [(3, -3)])

    Used in: ``compare`` and the translated notebooks' tests.
    """
    rest, fences = _mask(text, FENCE)
    rest, code = _mask(rest, CODE_SPAN)
    rest, comments = _mask(rest, re.compile(r"<!--.*?-->", re.DOTALL))
    links = [m.group(1).strip("<>") for m in LINK.finditer(rest)]
    links += LINK_DEFINITION.findall(rest) + AUTOLINK.findall(rest)
    no_links = AUTOLINK.sub(" ", LINK_DEFINITION.sub(" ", LINK.sub(" ", rest)))
    links += BARE_URL.findall(no_links)
    formulas = [m.group(0) for m in FORMULA.finditer(no_links)]
    html = comments + HTML_TAG.findall(FORMULA.sub(" ", no_links))
    return {
        "fences": fences,
        "code": sorted(code),
        "links": sorted(links),
        "formulas": sorted(formulas),
        "html": sorted(html),
        "tables": _tables(rest.splitlines()),
        "headings": [len(h) for h in HEADING.findall(rest)],
    }


def has_prose(text: str) -> bool:
    """True when a markdown text has words to translate outside code, links and tags.

    >>> has_prose("```python\\nx = 1\\n```"), has_prose("Load the data:")
    (False, True)

    Used in: the catalogues (a cell of code alone is copied, never translated).
    """
    rest, _ = _mask(text, FENCE)
    rest, _ = _mask(rest, CODE_SPAN)
    rest = HTML_TAG.sub(" ", BARE_URL.sub(" ", rest))
    rest = re.sub(r"\]\([^)]*\)", "]", rest)
    return any(ch.isalpha() for ch in rest)


def _describe_multiset(kind: str, english: list, translated: list) -> list[str]:
    want, got = Counter(english), Counter(translated)
    problems = []
    for item in sorted(set(want) | set(got)):
        if want[item] == got[item]:
            continue
        if not got[item]:
            problems.append(f"{KINDS[kind]} {item!r} is missing (the English text has it)")
        elif not want[item]:
            problems.append(f"{KINDS[kind]} {item!r} is not in the English text")
        else:
            problems.append(
                f"{KINDS[kind]} {item!r} appears {got[item]}x, the English text has it "
                f"{want[item]}x"
            )
    return problems


def compare(english: str, translated: str) -> list[str]:
    """What ``translated`` changed that must stay as in ``english``; [] when all is kept.

    >>> compare("Call `load_dataset` first.", "Najpierw wywołaj `load_dataset`.")
    []
    >>> compare("Call `load_dataset` first.", "Najpierw wywołaj `zaladuj_dane`.")
    ["inline code '`load_dataset`' is missing (the English text has it)", "inline code '`zaladuj_dane`' is not in the English text"]

    Used in: ``make translations`` (each translated cell) and the notebooks' tests.
    """
    want, got = features(english), features(translated)
    problems: list[str] = []
    for kind in ("code", "links", "formulas", "html"):
        problems += _describe_multiset(kind, want[kind], got[kind])
    if want["fences"] != got["fences"]:
        problems.append(
            "the fenced code blocks differ: copy each ``` block of the English text unchanged "
            f"(English has {len(want['fences'])}, the translation {len(got['fences'])})"
        )
    if want["tables"] != got["tables"]:
        problems.append(
            f"{KINDS['tables']} differ: English {want['tables']}, translation {got['tables']} "
            "(keep every row and column; translate only the text between the pipes)"
        )
    if want["headings"] != got["headings"]:
        problems.append(
            f"{KINDS['headings']} differ: English {want['headings']}, translation "
            f"{got['headings']} (keep each heading's number of #)"
        )
    return problems
