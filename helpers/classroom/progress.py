"""Progress: which exercises a learner passed, in a small JSON file next to the notebook.

Each check (and each quiz answer) updates ``<notebook>.progress.json`` beside the notebook
that runs it: for every exercise, the attempts and whether one passed. No network, no
account. ``python -m helpers.classroom progress NOTEBOOK...`` prints one table per learner
notebook; when a notebook arrives without its progress file, the verdicts its check cells
saved in their outputs still show who passed what.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from helpers.classroom import text

SUFFIX = ".progress.json"
# check cells save their verdict in their output's metadata under this key
OUTPUT_KEY = "ft-course-kit/classroom"


def _shell() -> Any:
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython else None


def in_kernel() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Colab, VS Code, nbclient, nbval), where
    widgets render or their plain text is saved; False in a terminal or plain Python."""
    shell = _shell()
    return shell is not None and type(shell).__name__ != "TerminalInteractiveShell"


def publish(rendered: str, record: dict) -> None:
    """Show a verdict; in a kernel, also keep ``record`` in the output's metadata, where
    ``python -m helpers.classroom progress`` finds it in a saved notebook."""
    if not in_kernel():
        print(rendered)
        return
    from IPython.display import publish_display_data

    publish_display_data({"text/plain": rendered}, metadata={OUTPUT_KEY: record})


def _ipython_namespace() -> dict[str, Any]:
    return getattr(_shell(), "user_ns", None) or {}


def notebook_path(chapter: int) -> Path:
    """The notebook this kernel runs, as far as the front end tells, else the chapter's own.

    VS Code names it in ``__vsc_ipynb_file__``, JupyterLab and Notebook 7 in
    ``JPY_SESSION_NAME``; otherwise (nbclient, nbval, Colab) it is the chapter's notebook
    in the working directory, which Jupyter sets to the notebook's folder.

    Used in: ``progress_file``.
    """
    for candidate in (
        _ipython_namespace().get("__vsc_ipynb_file__"),
        os.environ.get("JPY_SESSION_NAME"),
    ):
        if candidate and str(candidate).endswith(".ipynb"):
            return Path(candidate)
    return Path.cwd() / f"{text.chapter_data(chapter)['notebook']}.ipynb"


def progress_file(notebook: str | Path) -> Path:
    """The progress file beside ``notebook``: ``04_ner.ipynb`` -> ``04_ner.progress.json``.

    >>> progress_file("class/alice/04_ner.ipynb").as_posix()
    'class/alice/04_ner.progress.json'
    """
    notebook = Path(notebook)
    return notebook.with_name(notebook.stem + SUFFIX)


def read(path: Path) -> dict:
    """A progress file's content, or an empty record when there is none (or it is damaged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False, encoding="utf-8"
    ) as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(f.name, path)  # a reader never sees half a file


def _update(chapter: int, section: str, key: str, passed: bool) -> str:
    path = progress_file(notebook_path(chapter))
    data = read(path)
    data.update(chapter=chapter, notebook=path.name[: -len(SUFFIX)] + ".ipynb")
    entry = data.setdefault(section, {}).setdefault(key, {"attempts": 0, "passed": False})
    entry["attempts"] += 1
    if passed and not entry["passed"]:
        entry["passed"] = True
        entry["passed_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        _write(path, data)
    except OSError as error:
        return text.say(text.common()["progress_not_saved"], path=path, error=error)
    return ""


def record_exercise(chapter: int, key: str, passed: bool) -> str:
    """Count one attempt at an exercise; returns a note only when the file cannot be written.

    Used in: ``Exercise.check``.
    """
    return _update(chapter, "exercises", key, passed)


def record_quiz(chapter: int, number: int, right: bool) -> str:
    """Count one answer to a quiz question (numbered from 1).

    Used in: ``Quiz.answer`` and the quiz widgets.
    """
    return _update(chapter, "quiz", str(number), right)
