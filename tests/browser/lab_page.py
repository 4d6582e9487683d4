"""Drive one notebook through Run All in headless Chromium, as a learner's click would.

Playwright's Python API starts the system's Chromium (``executable_path``; Playwright's own
browser downloads are not used). JupyterLab runs with ``expose_app_in_browser``, so the page
has ``window.jupyterapp`` and the tier runs the very command the Run menu runs,
``notebook:run-all-cells``.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lab_checks import cell_label, error_problems, unexecuted_problems, widget_problems

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
# Chromium draws tall pages in tiles; past this height a screenshot is cut (and says so).
MAX_SCREENSHOT_HEIGHT = 32000

# Start Run All on the notebook panel once its kernel is ready; progress lands in __tier,
# which the tier polls (page.evaluate itself has no timeout, so nothing here awaits).
JS_START = """(path) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  window.__tier = {ready: false, done: false, error: null,
                   openedAt: Date.now(), idleAt: null, doneAt: null};
  (async () => {
    await panel.context.ready;
    await panel.sessionContext.ready;
    // the learner's wait before Run All can start: the kernel started and idle (60 s at most)
    const kernel = () => panel.sessionContext.session && panel.sessionContext.session.kernel;
    for (let i = 0; i < 1200 && !(kernel() && kernel().status === 'idle'); i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    window.__tier.idleAt = Date.now();
    window.__tier.ready = true;
    await app.commands.execute('notebook:run-all-cells');
  })().then(() => { window.__tier.done = true; window.__tier.doneAt = Date.now(); },
            (e) => { window.__tier.done = true; window.__tier.error = String(e); });
}"""

# the learner's two waits, in seconds: opening to an idle kernel, and Run All from there
JS_TIMES = """() => {
  const t = window.__tier;
  return {kernelIdle: t.idleAt ? (t.idleAt - t.openedAt) / 1000 : null,
          runAll: t.idleAt && t.doneAt ? (t.doneAt - t.idleAt) / 1000 : null};
}"""

JS_SHOWS = """(path) => {
  const app = window.jupyterapp;
  const panel = app && app.shell && app.shell.currentWidget;
  return !!(panel && panel.context && panel.context.path === path && panel.sessionContext);
}"""

JS_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells;
  const running = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && cell.executionState === 'running') running.push(i);
  }
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim());
  return {ready: window.__tier.ready, done: window.__tier.done, error: window.__tier.error,
          kernel: kernel ? kernel.status : 'no kernel', running, dialogs};
}"""

JS_NOTEBOOK = "() => window.jupyterapp.shell.currentWidget.context.model.toJSON()"

# per cell, what the page shows: widget views rendered, hidden (closed by the kernel, as
# tqdm's leave=False bars are), left as placeholders or errors; errors rendered
JS_PAGE_FACTS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return [...panel.content.node.querySelectorAll('.jp-Cell')].map(cell => {
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
    const texts = outputs.map(o => o.textContent.trim());
    return {
      widgetViews: outputs.filter(o => o.querySelector('.jupyter-widgets')).length,
      hidden: outputs.filter(o => o.classList.contains('lm-mod-hidden')).length,
      widgetErrors: texts.filter(t => t.startsWith('Error displaying widget')),
      loading: texts.filter(t => t === 'Loading widget...').length,
      renderedErrors: cell.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"]').length,
    };
  });
}"""

JS_NO_PLACEHOLDER = """() => ![...document.querySelectorAll('.jp-OutputArea-output')]
  .some(o => o.textContent.trim() === 'Loading widget...')"""

JS_SHUTDOWN = """async () => {
  const shutdown = window.jupyterapp.shell.currentWidget.sessionContext.shutdown();
  await Promise.race([shutdown, new Promise(resolve => setTimeout(resolve, 10000))]);
}"""

# the window height that shows the whole notebook, with the file browser folded away
JS_HEIGHT = """() => {
  window.jupyterapp.shell.collapseLeft();
  const node = window.jupyterapp.shell.currentWidget.content.node
    .querySelector('.jp-WindowedPanel-outer');
  return node.scrollHeight + (window.innerHeight - node.clientHeight);
}"""

JS_TOP = """() => {
  window.jupyterapp.shell.currentWidget.content.node
    .querySelector('.jp-WindowedPanel-outer').scrollTop = 0;
}"""


def find_chromium() -> str | None:
    """The Chromium to drive: ``$CHROMIUM`` if set, else the first of :data:`CHROMIUM_NAMES`
    on ``PATH``; None when there is none (``apt-get install chromium`` installs one)."""
    chosen = os.environ.get("CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def launch_chromium(playwright: Any, executable: str) -> Any:
    """Start headless Chromium with a fresh, temporary profile (Playwright's ``launch``)."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS, timeout=60_000
    )


@dataclass
class NotebookRun:
    """What one Run All left behind: the executed notebook, the page's facts, the time."""

    path: str
    seconds: float = 0.0
    kernel_idle_seconds: float | None = None  # the notebook shown -> its kernel idle
    run_all_seconds: float | None = None  # the kernel idle -> every cell run (Run All's wait)
    notebook: dict[str, Any] = field(default_factory=dict)
    page_facts: list[dict[str, Any]] = field(default_factory=list)
    timed_out_in: int | None = None  # the cell still running when the timeout hit (-1: none)
    dialogs: list[str] = field(default_factory=list)
    tier_errors: list[str] = field(default_factory=list)  # the tier could not finish its work
    console_errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    def problems(self, timeout: float) -> list[str]:
        """Every reason this Run All failed a learner, in notebook order; [] when it passed."""
        cells = self.notebook.get("cells", [])
        found = list(self.tier_errors)
        if self.timed_out_in is not None:
            where = (
                f"while {cell_label(cells, self.timed_out_in)} was running"
                if self.timed_out_in >= 0
                else "with no cell running (is the kernel starting or stuck?)"
            )
            found.append(f"Run All did not finish within {timeout:.0f} s: it stopped {where}")
        found += [f"a dialog was left open: {' | '.join(d.splitlines())}" for d in self.dialogs]
        found += error_problems(cells)
        if self.timed_out_in is None and not self.tier_errors:
            found += unexecuted_problems(cells)
        found += widget_problems(cells, self.page_facts)
        return found


def open_notebook(page: Any, base_url: str, token: str, path: str, timeout: float) -> str | None:
    """Load JupyterLab at ``path`` (a fresh workspace) and start Run All; an error or None."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url = f"{base_url}/lab/tree/{quote(path)}?reset&token={token}"
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        page.wait_for_function(JS_SHOWS, arg=path, timeout=timeout * 1000)
    except PlaywrightTimeout:
        return f"JupyterLab did not open {path} within {timeout:.0f} s"
    page.evaluate(JS_START, path)
    return None


def wait_for_run(page: Any, run: NotebookRun, deadline: float) -> None:
    """Poll until Run All has finished and the kernel is idle, or the deadline passes.

    A dialog seen on the way (a kernel that died, a kernel picker) is recorded in ``run``.
    """
    while True:
        state = page.evaluate(JS_STATE)
        run.dialogs += [d for d in state["dialogs"] if d not in run.dialogs]
        if state["error"]:
            run.tier_errors.append(f"notebook:run-all-cells failed: {state['error']}")
        settled = state["kernel"] in ("idle", "dead", "unknown", "no kernel")
        if state["done"] and not state["running"] and settled:
            return
        if time.monotonic() > deadline:
            if not state["ready"]:
                run.tier_errors.append(
                    f"the kernel did not start (its status: {state['kernel']}), so nothing ran"
                )
            run.timed_out_in = state["running"][0] if state["running"] else -1
            return
        time.sleep(0.5)


def collect(page: Any, run: NotebookRun) -> None:
    """Read the executed notebook from JupyterLab's model and the per-cell page facts."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:  # widget views render just after the kernel goes idle
        page.wait_for_function(JS_NO_PLACEHOLDER, timeout=10_000)
    except PlaywrightTimeout:
        pass  # the widget check reports each placeholder left
    run.notebook = page.evaluate(JS_NOTEBOOK)
    times = page.evaluate(JS_TIMES)
    run.kernel_idle_seconds, run.run_all_seconds = times["kernelIdle"], times["runAll"]
    run.page_facts = page.evaluate(JS_PAGE_FACTS)


def screenshot(page: Any, path: Path) -> str | None:
    """Save the whole notebook (not just the window) to ``path``; a note if it was cut."""
    height = page.evaluate(JS_HEIGHT)
    page.set_viewport_size(
        {"width": VIEWPORT["width"], "height": min(height, MAX_SCREENSHOT_HEIGHT)}
    )
    page.wait_for_timeout(500)  # JupyterLab lays the taller window out again
    page.evaluate(JS_TOP)
    page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, timeout=60_000)
    if height > MAX_SCREENSHOT_HEIGHT:
        return f"screenshot cut at {MAX_SCREENSHOT_HEIGHT} of {height} px"
    return None


def run_notebook(
    context: Any, base_url: str, token: str, path: str, timeout: float, shot: Path | None
) -> NotebookRun:
    """Open ``path`` in a new page, Run All, wait, check, screenshot, shut the kernel down.

    Args:
        context: a Playwright ``BrowserContext`` (its HTTP cache makes the second
            JupyterLab load faster; each page opens its own, reset workspace).
        base_url, token: the JupyterLab server.
        path: the notebook, relative to the server's root.
        timeout: seconds for the whole notebook (page load, kernel start, every cell).
        shot: where to save the full-page screenshot (None: no screenshot).

    Returns:
        The :class:`NotebookRun`; its ``problems(timeout)`` says whether it passed.
    """
    run = NotebookRun(path=path)
    start = time.monotonic()
    page = context.new_page()
    try:
        page.on("console", lambda m: m.type == "error" and run.console_errors.append(m.text))
        page.on("pageerror", lambda exc: run.console_errors.append(str(exc)))
        error = open_notebook(page, base_url, token, path, timeout=min(timeout, 120))
        if error:
            run.tier_errors.append(error)
        else:
            wait_for_run(page, run, deadline=start + timeout)
            collect(page, run)
        if shot is not None:
            note = screenshot(page, shot)
            run.screenshot = shot
            if note:
                run.console_errors.append(note)
        if not error:
            page.evaluate(JS_SHUTDOWN)  # frees the kernel's memory and cores (Spark's JVM too)
    finally:
        page.close()
    run.seconds = time.monotonic() - start
    return run
