"""Checks of a translated notebook against its English source, cell by cell.

- the same cells in the same order, of the same types, with the same ids, metadata (tags)
  and attachments;
- every code cell byte-identical: the same JSON text (source, metadata, no outputs);
- every markdown cell keeps the English cell's code, links, formulas, HTML, table shape and
  heading levels (``markdown.compare``), once the navigation line and a marker are set aside;
- the notebook's metadata is the English one plus ``course_kit`` (the language).
"""

from __future__ import annotations

import json

from tools.translations.build import split_generated
from tools.translations.markdown import compare


def _dump(value: object) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)


def compare_notebooks(english_text: str, translated_text: str, nav: str) -> list[str]:
    """What the translated notebook changed that must stay as in English; [] when nothing.

    Used in: ``tests/test_translations.py`` (all committed translated notebooks).
    """
    english, translated = json.loads(english_text), json.loads(translated_text)
    problems: list[str] = []
    meta = dict(translated.get("metadata", {}))
    if "lang" not in meta.pop("course_kit", {}):
        problems.append("notebook metadata: no course_kit.lang")
    if _dump(meta) != _dump(english.get("metadata", {})):
        problems.append("notebook metadata differs from the English notebook's")
    en_cells, tr_cells = english["cells"], translated["cells"]
    if [c["cell_type"] for c in en_cells] != [c["cell_type"] for c in tr_cells]:
        return [*problems, "the cells differ in number, order or type from the English notebook"]
    first_markdown = True
    for index, (en, tr) in enumerate(zip(en_cells, tr_cells)):
        where = f"cell {index}"
        if en["cell_type"] != "markdown":
            if _dump(en) != _dump(tr):
                problems.append(f"{where}: the code cell is not byte-identical to the English one")
            continue
        rest_en = {k: v for k, v in en.items() if k != "source"}
        rest_tr = {k: v for k, v in tr.items() if k != "source"}
        if _dump(rest_en) != _dump(rest_tr):
            problems.append(f"{where}: id, metadata (tags) or attachments differ")
        text = "".join(tr["source"])
        if first_markdown and not text.startswith(nav + "\n\n"):
            problems.append(f"{where}: the first markdown cell lacks the navigation line {nav!r}")
        _, body = split_generated(text, nav if first_markdown else None)
        first_markdown = False
        problems += [f"{where}: {p}" for p in compare("".join(en["source"]), body)]
    return problems
