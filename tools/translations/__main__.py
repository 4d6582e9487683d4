"""``python -m tools.translations``: update the catalogues, build the notebooks, report.

python -m tools.translations                 # write everything; print the coverage
python -m tools.translations --check         # write nothing; exit 1 when a file is stale
python -m tools.translations todo pl         # untranslated and fuzzy entries, file by file
python -m tools.translations todo pl 02_mrpc_trainer
python -m tools.translations terms [LANG...]  # the termbase check (one term per idea)
python -m tools.translations latin [LANG...]  # Latin script left in the prose, per chapter
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.translations import RUNTIME, TRANSLATED, Layout
from tools.translations.build import Coverage, coverage_report, generate
from tools.translations.catalog import read


def stale(generated: dict[Path, str]) -> list[Path]:
    """The files whose text on disk differs from what ``make translations`` would write."""
    return [
        path
        for path, text in generated.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def _ordered(coverage: list[Coverage], layout: Layout) -> list[Coverage]:
    stems = [RUNTIME] + [p.stem for p in layout.english_notebooks()]
    return sorted(coverage, key=lambda c: (layout.langs.index(c.lang), stems.index(c.stem)))


def build(layout: Layout, check: bool) -> int:
    """Update (or with ``check``, only compare) every file; print coverage and problems."""
    out = generate(layout)
    changed = stale(out.files)
    if check:
        for path in changed:
            print(f"stale: {path.relative_to(layout.root)}", file=sys.stderr)
        if changed:
            print(
                "Fix: run `make translations` and commit what it changes.",
                file=sys.stderr,
            )
    else:
        for path in changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(out.files[path], encoding="utf-8")
            print(f"wrote {path.relative_to(layout.root)}")
    print(coverage_report(_ordered(out.coverage, layout)))
    for problem in out.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if out.problems:
        print(
            f"{len(out.problems)} translation(s) change what must stay as in English; "
            "their cells show the English text until fixed.",
            file=sys.stderr,
        )
    return 1 if out.problems or (check and changed) else 0


def todo(layout: Layout, lang: str, stems: list[str]) -> int:
    """Print each untranslated or fuzzy entry as ``file:line  state  first words``."""
    if lang not in layout.langs:
        print(
            f"unknown language {lang!r}; choose one of {', '.join(layout.langs)}", file=sys.stderr
        )
        return 2
    stems = stems or [p.stem for p in layout.english_notebooks()] + [RUNTIME]
    left = 0
    for stem in stems:
        path = layout.catalogue(lang, stem)
        po = read(path)
        if po is None:
            print(f"{path.relative_to(layout.root)}: missing; run `make translations` first")
            left += 1
            continue
        for entry in po:
            if entry.obsolete or (entry.msgstr and not entry.fuzzy):
                continue
            state = "fuzzy  " if entry.msgstr else "missing"
            first = entry.msgid.strip().splitlines()[0][:70]
            print(f"{path.relative_to(layout.root)}:{entry.linenum}  {state}  {first}")
            left += 1
    print(f"{left} entries left in {lang}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    sub = parser.add_subparsers(dest="command")
    todo_parser = sub.add_parser("todo", help="list untranslated and fuzzy entries")
    todo_parser.add_argument("lang", help=f"one of {', '.join(TRANSLATED)}")
    todo_parser.add_argument("stems", nargs="*", help="catalogues (default: all), e.g. 04_ner")
    terms_parser = sub.add_parser("terms", help="check the termbase: one term per idea")
    terms_parser.add_argument("langs", nargs="*", help="languages (default: all)")
    latin_parser = sub.add_parser("latin", help="the share of Latin script in the prose")
    latin_parser.add_argument("langs", nargs="*", help="languages (default: all)")
    args = parser.parse_args(argv)
    layout = Layout()
    if args.command == "todo":
        return todo(layout, args.lang, args.stems)
    if args.command in ("terms", "latin"):
        unknown = [lang for lang in args.langs if lang not in layout.langs]
        if unknown:
            print(f"unknown language {unknown[0]!r}; choose from {', '.join(layout.langs)}")
            return 2
        langs = tuple(args.langs) or layout.langs
        if args.command == "terms":
            from tools.translations.terms import report as terms_report

            text, findings = terms_report(layout, langs)
        else:
            from tools.translations.script import report as latin_report

            text, findings = latin_report(layout, langs)
        print(text)
        return 1 if findings else 0
    return build(layout, args.check)


if __name__ == "__main__":
    raise SystemExit(main())
