"""The instructor's view: one table per learner notebook, from its progress file and outputs.

``python -m helpers.classroom progress class/*/04_ner.ipynb`` prints, for each notebook,
every exercise of its chapter with whether it passed and how many attempts it took, and
the quiz questions answered right. The progress file beside the notebook has the attempts;
a notebook handed in alone still shows the verdicts its check cells saved.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.classroom import progress, text


def _chapter_of(notebook: dict, record: dict) -> int | None:
    if isinstance(record.get("chapter"), int):
        return record["chapter"]
    for cell in notebook.get("cells", []):
        chapter = cell.get("metadata", {}).get("classroom", {}).get("chapter")
        if isinstance(chapter, int):
            return chapter
    return None


def saved_verdicts(notebook: dict) -> dict[str, str]:
    """The last verdict each check cell saved in the notebook's outputs, by exercise key."""
    found: dict[str, str] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get(progress.OUTPUT_KEY)
            if isinstance(record, dict) and "exercise" in record:
                found[record["exercise"]] = record.get("status", "")
    return found


def table(path: Path) -> str:
    """The progress table of one learner notebook (the ``.ipynb`` or its progress file).

    Used in: ``python -m helpers.classroom progress``.
    """
    path = Path(path)
    notebook_file = (
        path.with_name(path.name[: -len(progress.SUFFIX)] + ".ipynb")
        if path.name.endswith(progress.SUFFIX)
        else path
    )
    record = progress.read(progress.progress_file(notebook_file))
    try:
        notebook = json.loads(notebook_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        notebook = {}
    if not notebook and not record:
        return f"{path}: no such notebook or progress file"
    chapter = _chapter_of(notebook, record)
    if chapter is None:
        return f"{path}: no classroom exercises found (neither a progress file nor check cells)"
    saved = saved_verdicts(notebook)
    done = record.get("exercises", {})
    rows = []
    keys = list(text.chapter_data(chapter)["exercises"])
    for number, key in enumerate(keys, start=1):
        entry = done.get(key, {})
        passed = entry.get("passed") or saved.get(key) == "passed"
        attempts = entry.get("attempts", "?" if key in saved else 0)
        rows.append((f"{chapter}.{number} {key}", "yes" if passed else "no", str(attempts)))
    width = max(len(r[0]) for r in rows + [("exercise", "", "")])
    lines = [f"{notebook_file}  (chapter {chapter})", f"{'exercise':<{width}}  passed  attempts"]
    lines += [f"{name:<{width}}  {ok:<6}  {attempts:>8}" for name, ok, attempts in rows]
    questions = len(text.chapter_data(chapter)["quiz"]["questions"])
    right = sum(1 for q in record.get("quiz", {}).values() if q.get("passed"))
    passed_count = sum(1 for r in rows if r[1] == "yes")
    lines.append(f"{'quiz':<{width}}  {right} of {questions} questions answered right")
    lines.append(f"{passed_count} of {len(rows)} exercises passed")
    return "\n".join(lines)
