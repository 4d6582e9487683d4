"""The browser tier: every notebook through Run All in JupyterLab in headless Chromium.

    python tests/browser/tier.py                 # every notebook of notebooks_to_run()
    python tests/browser/tier.py notebooks/02_mrpc_trainer.ipynb

``make browser-test`` runs the same through pytest (tests/browser/test_browser_notebooks.py).
Screenshots and the executed notebooks go to ``build/browser/``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from lab_checks import stderr_cells
from lab_page import VIEWPORT, NotebookRun, find_chromium, launch_chromium, run_notebook
from lab_server import LabServer

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "build" / "browser"
# Folders whose notebooks a learner opens: the chapters, then each edition built from them.
# A new edition (a translation, say) is one more line here.
NOTEBOOK_FOLDERS = (
    "notebooks",  # the chapters (the instructor's edition)
    "build/student",  # `make student` (issue 10)
)


def notebooks_to_run(root: Path = ROOT) -> list[Path]:
    """Every notebook the tier runs: each of :data:`NOTEBOOK_FOLDERS` that exists, sorted.

    Used in: tests/browser/test_browser_notebooks.py, ``make browser-test``.
    """
    found = []
    for folder in NOTEBOOK_FOLDERS:
        found += sorted((root / folder).glob("*.ipynb"))
    return found


def seconds_from_env(name: str, default: float) -> float:
    """A positive number of seconds from environment variable ``name``, else ``default``."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number of seconds; e.g. {name}=300") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be positive; e.g. {name}=300")
    return value


def output_name(path: Path, root: Path = ROOT) -> Path:
    """Where a notebook's screenshot goes under ``build/browser``, without the suffix.

    >>> str(output_name(ROOT / "notebooks" / "04_ner.ipynb"))
    '04_ner'
    >>> str(output_name(ROOT / "build" / "student" / "04_ner.ipynb"))
    'student/04_ner'
    """
    folder = path.parent
    if folder == root / "notebooks":
        return Path(path.stem)
    return Path(folder.name) / path.stem


class Tier:
    """A JupyterLab server over a temporary copy of the notebooks, and a headless Chromium.

    ``with Tier() as tier: run = tier.run(path)``. Each notebook's whole folder is copied
    once into the server's root (so files beside a notebook come along), and nothing is
    written to the originals.
    """

    def __init__(
        self,
        out_dir: Path = OUT_DIR,
        timeout: float | None = None,
        disabled_extensions: tuple[str, ...] = (),
        browser: Any = None,
    ) -> None:
        """Args: ``out_dir`` for screenshots; ``timeout`` per notebook (default
        ``BROWSER_TIER_TIMEOUT`` or 300 s); ``disabled_extensions`` JupyterLab should not load;
        ``browser``, another tier's Chromium to share (Playwright's sync API allows one
        instance per thread)."""
        self.out_dir = out_dir
        self.disabled_extensions = disabled_extensions
        self.timeout = timeout or seconds_from_env("BROWSER_TIER_TIMEOUT", 300)
        self.startup_timeout = seconds_from_env("BROWSER_TIER_STARTUP_TIMEOUT", 90)
        self.root = Path(tempfile.mkdtemp(prefix="browser-tier-root-"))
        self._copied: dict[Path, Path] = {}
        self.runs: list[tuple[str, float, bool]] = []  # (name, seconds, passed), in order
        self.server: LabServer | None = None
        self._playwright = None
        self._own_browser = browser is None
        self.browser = browser
        self.context = None

    def __enter__(self) -> Tier:
        chromium = find_chromium()
        if chromium is None:
            raise RuntimeError(NO_CHROMIUM)
        from playwright.sync_api import sync_playwright

        try:
            self.server = LabServer(
                self.root, self.startup_timeout, self.disabled_extensions
            ).start()
            if self._own_browser:
                self._playwright = sync_playwright().start()
                self.browser = launch_chromium(self._playwright, chromium)
            self.context = self.browser.new_context(viewport=VIEWPORT)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.context is not None:
            self.context.close()
        if self.browser is not None and self._own_browser:
            self.browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        if self.server is not None:
            self.server.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def stage(self, path: Path) -> str:
        """Copy ``path``'s folder into the server's root (once); its path relative to it."""
        path = Path(path).resolve()
        folder = path.parent
        if folder not in self._copied:
            target = self.root / f"{len(self._copied):02d}_{folder.name}"
            shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            self._copied[folder] = target
        return (self._copied[folder] / path.name).relative_to(self.root).as_posix()

    def run(
        self, path: Path, name: Path | None = None, timeout: float | None = None
    ) -> NotebookRun:
        """Run All on the notebook at ``path``; the screenshot and executed copy are saved.

        Args:
            path: the notebook (anywhere; its folder is staged into the server's root).
            name: its screenshot's name under ``out_dir`` (default: :func:`output_name`).
            timeout: seconds for this notebook (default: the tier's).
        """
        name = name or output_name(Path(path).resolve())
        timeout = timeout or self.timeout
        relative = self.stage(path)
        run = run_notebook(
            self.context,
            self.server.url,
            self.server.token,
            relative,
            timeout,
            self.out_dir / f"{name}.png",
        )
        self.runs.append((str(name), run.seconds, not run.problems(timeout)))
        if run.notebook:
            executed = self.out_dir / f"{name}.ipynb"
            executed.parent.mkdir(parents=True, exist_ok=True)
            executed.write_text(json.dumps(run.notebook, indent=1) + "\n", encoding="utf-8")
        return run


NO_CHROMIUM = (
    "no Chromium found for the browser tier: install Debian's (apt-get install chromium) "
    "or set CHROMIUM=/path/to/chromium"
)


def report(path: Path, run: NotebookRun, timeout: float) -> str:
    """A notebook's result in a few lines: PASS/FAIL, its seconds, its problems, its files."""
    problems = run.problems(timeout)
    waits = ""
    if run.kernel_idle_seconds is not None and run.run_all_seconds is not None:
        waits = (
            f" (kernel idle {run.kernel_idle_seconds:.1f} s after opening, "
            f"then Run All {run.run_all_seconds:.1f} s)"
        )
    lines = [f"{'PASS' if not problems else 'FAIL'} {path} in {run.seconds:.1f} s{waits}"]
    lines += [f"  - {problem}" for problem in problems]
    noisy = stderr_cells(run.notebook.get("cells", []))
    if noisy:
        shown = "; ".join(noisy[:4]) + ("; ..." if len(noisy) > 4 else "")
        lines.append(f"  note: {len(noisy)} cells wrote to stderr (red boxes): {shown}")
    if run.screenshot:
        lines.append(f"  screenshot: {run.screenshot}")
    return "\n".join(lines)


def timings_table(runs: list[tuple[Path, NotebookRun]]) -> list[str]:
    """The learner's waits per notebook: kernel idle after opening, Run All, the tier's total.

    >>> print("\\n".join(timings_table([(Path("a.ipynb"), NotebookRun("a", 9.0, 1.5, 6.25))])))
    notebook  kernel idle s  Run All s  total s
    a.ipynb             1.5        6.2      9.0
    """

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    width = max([len("notebook")] + [len(str(path)) for path, _ in runs])
    lines = [f"{'notebook':<{width}}  kernel idle s  Run All s  total s"]
    for path, run in runs:
        lines.append(
            f"{str(path):<{width}}  {cell(run.kernel_idle_seconds):>13}  "
            f"{cell(run.run_all_seconds):>9}  {run.seconds:>7.1f}"
        )
    return lines


def main(argv: list[str]) -> int:
    if argv == ["--find-chromium"]:  # for the Makefile: is there a browser to drive?
        chromium = find_chromium()
        print(chromium or NO_CHROMIUM)
        return 0 if chromium else 1
    paths = [Path(arg) for arg in argv] or notebooks_to_run()
    failed = 0
    runs = []
    with Tier() as tier:
        for path in paths:
            run = tier.run(path)
            runs.append((path, run))
            print(report(path, run, tier.timeout), flush=True)
            failed += bool(run.problems(tier.timeout))
    print("\n".join(timings_table(runs)))
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
