"""The browser tier's fixtures: one JupyterLab server and one headless Chromium per session
(per pytest-xdist worker: ``make browser-test`` runs two notebooks at a time).

Without a Chromium the browser tests skip with a message that says how to get one, unless
``COURSE_BROWSER_REQUIRED=1`` (CI sets it), where a missing Chromium is an error.
"""

from __future__ import annotations

import json
import os

import pytest
from lab_page import find_chromium
from tier import NO_CHROMIUM, OUT_DIR, Tier

RUNS: list[tuple[str, float, bool]] = []
# each worker leaves its runs here; the summary (printed by the controlling process) reads them
RUNS_GLOB = "runs-*.json"


def require_chromium() -> None:
    """Skip (or, with ``COURSE_BROWSER_REQUIRED=1``, fail) when no Chromium is installed."""
    if find_chromium() is not None:
        return
    if os.environ.get("COURSE_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{NO_CHROMIUM} (COURSE_BROWSER_REQUIRED=1: this run must drive a browser)")
    pytest.skip(NO_CHROMIUM)


@pytest.fixture(scope="session")
def tier():
    require_chromium()
    with Tier() as session:
        session.runs = RUNS
        yield session
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (OUT_DIR / f"runs-{worker}.json").write_text(json.dumps(RUNS))


def pytest_sessionstart(session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controlling process: a fresh record
        for old in OUT_DIR.glob(RUNS_GLOB):
            old.unlink()


def pytest_terminal_summary(terminalreporter) -> None:
    runs = [
        tuple(run)
        for path in sorted(OUT_DIR.glob(RUNS_GLOB))
        for run in json.loads(path.read_text())
    ]
    if not runs:
        return
    terminalreporter.section("browser tier: Run All in JupyterLab, seconds per notebook")
    terminalreporter.write_line("(_tier_selftest/ notebooks are the tier's own tests: all but")
    terminalreporter.write_line(" `clean` are built to fail, and their tests check that they do)")
    for name, seconds, passed in runs:
        verdict = "clean" if passed else "problems"
        terminalreporter.write_line(f"{seconds:7.1f} s  {verdict:8}  {name}")
    total = sum(seconds for _, seconds, _ in runs)
    terminalreporter.write_line(
        f"{total:7.1f} s  in all ({len(runs)} notebooks, run two at a time)"
    )
