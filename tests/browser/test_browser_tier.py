"""The browser tier rejects what a learner would see fail, and passes what works.

Small notebooks written here go through the same Run All in JupyterLab as the chapters:
an error cell, cells left unexecuted (a kernel that dies, an empty cell), a widget that
cannot render, a cell that outlasts the timeout, a Hub call offline, and a clean notebook
with tqdm.auto progress bars (ipywidgets) that must pass.
"""

from __future__ import annotations

import socket
from pathlib import Path

import nbformat
import pytest
from lab_server import HOST, LabServer, server_env
from tier import NOTEBOOK_FOLDERS, Tier, notebooks_to_run, output_name, seconds_from_env

SELFTEST = Path("_tier_selftest")  # their screenshots: build/browser/_tier_selftest/


def write_notebook(folder: Path, name: str, *sources: str) -> Path:
    """A notebook of code cells with the python3 kernel, as the chapters declare it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def run_problems(tier, tmp_path, name, *sources, timeout=None):
    run = tier.run(write_notebook(tmp_path, name, *sources), SELFTEST / name, timeout)
    return run, run.problems(timeout or tier.timeout)


def test_rejects_an_error_cell(tier, tmp_path):
    _, problems = run_problems(tier, tmp_path, "error", "print('before')", "1 / 0", "x = 1")
    assert problems == [
        "cell 1 (code cell 2) `1 / 0` raised ZeroDivisionError: division by zero",
        "cell 2 (code cell 3) `x = 1` never ran",
    ]


def test_rejects_cells_left_unexecuted_by_a_dead_kernel(tier, tmp_path):
    # no error output at all: only the execution counts show that Run All did not finish
    dies = "import os, time\ntime.sleep(1)  # the first cell's reply reaches the page\nos._exit(1)"
    _, problems = run_problems(tier, tmp_path, "kernel_dies", "x = 1", dies, "y = 2")
    assert not [p for p in problems if "raised" in p]
    assert any("appears to have died" in p for p in problems)  # JupyterLab's own dialog
    assert problems[-1].startswith("2 code cells never ran, from cell 1 (code cell 2)")
    assert problems[-1].endswith("to cell 2 (code cell 3) `y = 2`")


def test_rejects_an_empty_code_cell(tier, tmp_path):
    _, problems = run_problems(tier, tmp_path, "empty_cell", "x = 1", "", "y = 2")
    assert problems == [
        "cell 1 (code cell 2) `(empty)` is empty: JupyterLab never runs an empty code cell, "
        "delete it"
    ]


def test_passes_a_clean_notebook_with_tqdm_widgets(tier, tmp_path):
    run, problems = run_problems(
        tier,
        tmp_path,
        "clean",
        "from tqdm.auto import tqdm",
        "total = sum(i for i in tqdm(range(50), desc='steps'))\ntotal",
        "for _ in tqdm(range(3), leave=False):  # closed by the kernel: hidden, not an error\n"
        "    pass",
        "assert total == 1225\nprint('done')",
    )
    assert problems == []
    assert run.page_facts[1]["widgetViews"] == 1, "the progress bar did not render as a widget"
    assert run.page_facts[2]["hidden"] == 1
    assert run.screenshot.is_file() and run.screenshot.stat().st_size > 10_000


def test_rejects_a_widget_whose_model_is_not_found(tier, tmp_path):
    source = (
        "from IPython.display import display\n"
        "view = {'model_id': 'no-such-model', 'version_major': 2, 'version_minor': 0}\n"
        "display({'application/vnd.jupyter.widget-view+json': view, 'text/plain': 'bar'}, raw=True)"
    )
    _, problems = run_problems(tier, tmp_path, "widget_missing_model", source)
    assert len(problems) == 1
    assert "cell 0 (code cell 1) `from IPython.display import display`" in problems[0]
    assert "Error displaying widget: model not found" in problems[0] or (
        "Loading widget..." in problems[0]
    )


def test_rejects_widgets_when_the_widget_extension_is_off(tier, tmp_path):
    source = "from tqdm.auto import trange\n_ = list(trange(3))"
    path = write_notebook(tmp_path, "no_widget_extension", source)
    disabled = ("@jupyter-widgets/jupyterlab-manager",)
    with Tier(disabled_extensions=disabled, browser=tier.browser) as no_widgets:
        no_widgets.runs = tier.runs
        run = no_widgets.run(path, SELFTEST / "no_widget_extension")
    assert run.problems(no_widgets.timeout) == [
        "cell 0 (code cell 1) `from tqdm.auto import trange` has 1 widget output(s) that the "
        "page did not render as widgets (is jupyterlab_widgets installed, enabled?)"
    ]


def test_names_the_cell_running_when_the_timeout_hits(tier, tmp_path):
    _, problems = run_problems(
        tier, tmp_path, "stuck", "x = 1", "import time\ntime.sleep(600)", "y = 2", timeout=20
    )
    assert problems[0] == (
        "Run All did not finish within 20 s: it stopped while cell 1 (code cell 2) "
        "`import time` was running"
    )


def test_reports_a_hub_call_offline(tier, tmp_path):
    # what chapters 1 and 4 did before their cells checked the profile
    _, problems = run_problems(
        tier,
        tmp_path,
        "hub_offline",
        "from datasets import load_dataset",
        'raw_datasets = load_dataset("nyu-mll/glue", "mrpc")',
    )
    assert len(problems) == 1
    label = 'cell 1 (code cell 2) `raw_datasets = load_dataset("nyu-mll/glue", "mrpc")`'
    assert problems[0].startswith(f"{label} raised ")
    assert "nyu-mll/glue" in problems[0]  # the error's own message says what it reached for


def test_the_server_listens_on_loopback_and_needs_its_token(tier):
    assert tier.server.url.startswith(f"http://{HOST}:")
    assert tier.server.status(token=True) == 200
    assert tier.server.status(token=False) == 403
    other = _non_loopback_address()
    if other is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError), socket.create_connection((other, tier.server.port), timeout=2):
        pass


def test_a_server_that_does_not_answer_in_time_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match=r"did not answer on http://127\.0\.0\.1:\d+/api/status"):
        LabServer(tmp_path, startup_timeout=0.01).start()


def test_a_server_that_exits_says_why(tmp_path):
    server = LabServer(tmp_path, startup_timeout=60)
    with socket.socket() as taken:  # another program took the port in the meantime
        taken.bind((HOST, server.port))
        taken.listen()
        with pytest.raises(RuntimeError, match=r"(?s)exited with code 1 .*log ends with:.*port"):
            server.start()


def test_a_missing_root_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="is not a folder; create it first"):
        LabServer(tmp_path / "no-such-folder")


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # TEST-NET: no packet is sent for UDP connect
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


def test_notebooks_to_run_adds_each_edition_folder_that_exists(tmp_path):
    (tmp_path / "notebooks").mkdir()
    write_notebook(tmp_path / "notebooks", "01_a")
    assert [p.name for p in notebooks_to_run(tmp_path)] == ["01_a.ipynb"]
    (tmp_path / "build" / "student").mkdir(parents=True)
    write_notebook(tmp_path / "build" / "student", "01_a")
    found = notebooks_to_run(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "notebooks/01_a.ipynb",
        "build/student/01_a.ipynb",
    ]
    assert NOTEBOOK_FOLDERS[0] == "notebooks"
    assert output_name(found[1], tmp_path) == Path("student/01_a")


def test_the_kernel_environment_is_offline_embedded_and_not_ci():
    env = server_env(Path("/tmp/state"), {"CI": "true", "COURSE_PROFILE": "laptop"})
    assert env["HF_HUB_OFFLINE"] == "1"
    assert env["COURSE_PROFILE"] == "laptop"  # an explicit profile is kept
    assert "CI" not in env  # the notebooks hide progress bars under CI; learners see them
    assert env["JUPYTERLAB_SETTINGS_DIR"] == "/tmp/state/settings"


@pytest.mark.parametrize("raw", ["ten", "-5", "0"])
def test_a_bad_timeout_says_what_to_set(monkeypatch, raw):
    monkeypatch.setenv("BROWSER_TIER_TIMEOUT", raw)
    with pytest.raises(ValueError, match="BROWSER_TIER_TIMEOUT=.*e.g. BROWSER_TIER_TIMEOUT=300"):
        seconds_from_env("BROWSER_TIER_TIMEOUT", 300)
